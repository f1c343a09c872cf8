"""Policy building blocks: typed statements, a document that can grow until synthesis, the account.

Statements are built with the generated struct classes (a snake_case dict inside a list
synthesizes to ``{}``), and documents are ``data "aws_iam_policy_document"`` blocks so
references such as ``${aws_kms_key.x.arn}`` resolve in Terraform.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from constructs import Construct

from ..engine.aws import (
    AwsProvider,
    DataAwsCallerIdentity,
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
    DataAwsIamSessionContext,
    DataAwsPartition,
    DataAwsRegion,
)
from ..engine.core import TerraformProvider, TerraformStack, Token
from ..errors import ValidationError
from .perms import KMS_KEY_ADMIN_ACTIONS


@dataclass(frozen=True, slots=True)
class Condition:
    """One IAM condition: ``test`` (``StringEquals``), ``variable`` (``aws:SourceAccount``), ``values``."""

    test: str
    variable: str
    values: tuple[str, ...]

    def to_struct(self) -> DataAwsIamPolicyDocumentStatementCondition:
        return DataAwsIamPolicyDocumentStatementCondition(test=self.test, variable=self.variable, values=list(self.values))


def statement(
    *,
    sid: str,
    actions: Sequence[str],
    resources: Sequence[str],
    effect: str = "Allow",
    principal_type: str | None = None,
    principals: Sequence[str] = (),
    conditions: Sequence[Condition] = (),
) -> DataAwsIamPolicyDocumentStatement:
    """A typed policy statement; ``principal_type`` (``AWS``, ``Service``, ``*``) only for resource policies."""
    return DataAwsIamPolicyDocumentStatement(
        sid=sid,
        effect=effect,
        actions=list(actions),
        resources=list(resources) or None,
        principals=([DataAwsIamPolicyDocumentStatementPrincipals(type=principal_type, identifiers=list(principals))] if principal_type else None),
        condition=[c.to_struct() for c in conditions] or None,
    )


class PolicyDocument(Construct):
    """A ``data "aws_iam_policy_document"`` whose statements can be added until synthesis.

    Each ``add`` re-puts the whole statement list, so the document always holds every
    statement added so far, in order.
    """

    def __init__(self, scope: Construct, id_: str, statements: Sequence[DataAwsIamPolicyDocumentStatement] = ()) -> None:
        super().__init__(scope, id_)
        self._statements: list[DataAwsIamPolicyDocumentStatement] = list(statements)
        self.document = DataAwsIamPolicyDocument(self, "Resource", statement=list(self._statements))

    def add(self, *statements: DataAwsIamPolicyDocumentStatement) -> None:
        """Append ``statements`` to the document; a ``sid`` already in it raises ``ValidationError``."""
        sids = {s.sid for s in self._statements if s.sid}
        for new in statements:
            if new.sid and new.sid in sids:
                owner = self.node.scope
                raise ValidationError(owner.node.path if owner is not None else self.node.path, "statement sid", new.sid, "unique within the policy")
            if new.sid:
                sids.add(new.sid)
        self._statements.extend(statements)
        self.document.put_statement(list(self._statements))

    def put(self, sid: str, new: DataAwsIamPolicyDocumentStatement) -> None:
        """Replace the statement whose ``sid`` is ``sid`` (appending it when there is none)."""
        for index, existing in enumerate(self._statements):
            if existing.sid == sid:
                self._statements[index] = new
                break
        else:
            self._statements.append(new)
        self.document.put_statement(list(self._statements))

    @property
    def statements(self) -> tuple[DataAwsIamPolicyDocumentStatement, ...]:
        """The statements so far."""
        return tuple(self._statements)

    @property
    def json(self) -> str:
        """The rendered policy (a token)."""
        return self.document.json


class AwsAccount(Construct):
    """Account, partition and region of the stack's default AWS provider: one per stack, shared.

    Created on first use as the stack child ``AwsAccount`` (``AwsAccount.of(scope)``). Its references are read
    from the data sources once (each read is a round trip to the jsii runtime, and a stack reads them hundreds
    of times); the stack's instance is remembered per stack for the same reason.
    """

    ID = "AwsAccount"
    _of_stack: weakref.WeakKeyDictionary[TerraformStack, AwsAccount] = weakref.WeakKeyDictionary()

    def __init__(self, scope: Construct, id_: str) -> None:
        super().__init__(scope, id_)
        self._identity = DataAwsCallerIdentity(self, "Identity")
        self._partition = DataAwsPartition(self, "Partition")
        self._region = DataAwsRegion(self, "Region")

    @classmethod
    def of(cls, scope: Construct) -> AwsAccount:
        """The stack's ``AwsAccount``, created if it does not exist yet."""
        stack = TerraformStack.of(scope)
        known = cls._of_stack.get(stack)
        if known is not None:
            return known
        existing = stack.node.try_find_child(cls.ID)
        account = existing if isinstance(existing, AwsAccount) else cls(stack, cls.ID)
        cls._of_stack[stack] = account
        return account

    @functools.cached_property
    def account_id(self) -> str:
        return self._identity.account_id

    @functools.cached_property
    def partition(self) -> str:
        return self._partition.partition

    @functools.cached_property
    def region(self) -> str:
        return self._region.region

    @property
    def root_arn(self) -> str:
        """``arn:<partition>:iam::<account>:root``: the account as a principal (delegates to IAM policies)."""
        return f"arn:{self.partition}:iam::{self.account_id}:root"

    @property
    def runner_arn(self) -> str:
        """The IAM role or user Terraform's run calls AWS as, the way ``aws:PrincipalArn`` names it (the
        issuer of an assumed-role session). Adds ``data "aws_iam_session_context"`` (child ``Runner``) on first use."""
        existing = self.node.try_find_child("Runner")
        context = existing if isinstance(existing, DataAwsIamSessionContext) else DataAwsIamSessionContext(self, "Runner", arn=self._identity.arn)
        return context.issuer_arn


def configured_region(scope: Construct, provider: TerraformProvider | None = None) -> str | None:
    """The region ``provider`` (else the stack's default AWS provider, the one without alias) is
    configured with, as written in the stack; None when it is a token or there is no such provider."""
    if provider is None:
        defaults = [c for c in TerraformStack.of(scope).node.children if isinstance(c, AwsProvider) and not c.alias]
        provider = defaults[0] if defaults else None
    region = provider.region if isinstance(provider, AwsProvider) else None
    return None if region is None or Token.is_unresolved(region) else region


def account_administers_key(account: AwsAccount) -> DataAwsIamPolicyDocumentStatement:
    """The key-policy statement every customer-managed key of the library starts with: the account (its IAM
    policies) administers the key, which keeps it manageable under KMS's lockout safety check; no use of the key.
    """
    return statement(
        sid="AccountAdministersKey",
        actions=KMS_KEY_ADMIN_ACTIONS,
        resources=["*"],
        principal_type="AWS",
        principals=[account.root_arn],
        conditions=[Condition("StringEquals", "kms:CallerAccount", (account.account_id,))],
    )
