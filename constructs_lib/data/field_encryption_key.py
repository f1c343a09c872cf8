"""``FieldEncryptionKey``: one PHI service's own KMS key for envelope encryption of its fields."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import AwsAccount, Condition, PolicyDocument, account_administers_key, statement
from .._aws.perms import KMS_DESCRIBE_ACTIONS, KMS_FIELD_KEY_USE_ACTIONS
from .._provider_requirements import AWS, require_provider
from ..engine.aws import DataAwsIamPolicyDocumentStatement, KmsAlias, KmsKey
from ..engine.core import TerraformResourceLifecycle, Token
from ..errors import Problems, ValidationError
from ..storage.service_identity import ServiceIdentity
from ..value_rules import check_name_part
from .settings_rules import MAX_KEY_DELETION_WINDOW_DAYS, deletion_window_problems

CONTEXT_KEY = "service"
"""The encryption-context key every request on a field key carries; its value is the service's name."""
ALIAS_MAX = 256


@dataclass(frozen=True, kw_only=True, slots=True)
class FieldEncryptionKeyProps:
    """Settings for FieldEncryptionKey; the alias is ``alias/<project>-<environment>-<service>-field-key``."""

    project: str
    environment: str
    service: str
    """The one service whose PHI fields the key protects (``patient``). It names the key and is the value of the
    encryption context ``service=<service>`` that every GenerateDataKey and Decrypt must carry."""
    deletion_window_days: int = MAX_KEY_DELETION_WINDOW_DAYS
    """Days a scheduled deletion stays cancellable, 7..30. Default: 30 (KMS's longest)."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the key: a plan that would schedule its deletion or replace it fails.
    Default: on (every field the service encrypted is unreadable without the key)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class FieldKeyGrant:
    """What ``grant_use`` added to the key policy: the statements naming the service's identity."""

    principal_arn: str
    """The identity's IAM user ARN (a reference)."""
    use: DataAwsIamPolicyDocumentStatement
    """``kms:GenerateDataKey`` and ``kms:Decrypt``, only with ``kms:EncryptionContext:service`` = the service."""
    describe: DataAwsIamPolicyDocumentStatement
    """``kms:DescribeKey``."""


class FieldEncryptionKey(Construct):
    """A symmetric customer-managed KMS key that only its service may use, with rotation on.

    Creates ``Resource`` (``aws_kms_key``: ``SYMMETRIC_DEFAULT``, yearly rotation, the deletion window,
    ``prevent_destroy`` when protected, tags ``DataClassification=phi`` and ``Service``), ``Alias`` and
    ``Policy`` (the key policy, an ``aws_iam_policy_document``). The key policy lets the account
    administer the key through IAM, never use it; ``grant_use`` adds the one service identity that may
    generate and decrypt data keys, and only with the encryption context ``service=<service>``.

    The key material never leaves KMS and is not in Terraform state: the service receives the key's
    ARN and its encryption context (``key_arn``, ``encryption_context``), not a key.
    """

    def __init__(self, scope: Construct, id_: str, props: FieldEncryptionKeyProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        problems = Problems(self.node.path)
        for field in ("project", "environment", "service"):
            try:
                check_name_part(getattr(props, field))
            except ValueError as error:
                problems.add(field, getattr(props, field), str(error))
        if not Token.is_unresolved(props.deletion_window_days):
            problems.extend(deletion_window_problems(props.deletion_window_days))
        alias = f"alias/{props.project}-{props.environment}-{props.service}-field-key"
        if len(alias) > ALIAS_MAX:
            problems.add("alias", alias, f"at most {ALIAS_MAX} characters (KMS alias names)")
        problems.raise_if_any()

        self._props = props
        self._alias_name = alias
        self._grant: FieldKeyGrant | None = None
        account = AwsAccount.of(self)
        # Administration only, delegated to IAM (the account root principal): the account keeps the key
        # manageable (KMS's lockout safety check) without any IAM policy being able to grant its use.
        self.policy = PolicyDocument(
            self,
            "Policy",
            [account_administers_key(account)],
        )
        self.resource = KmsKey(
            self,
            "Resource",
            description=f"PHI field encryption of {props.project}-{props.environment}-{props.service} (envelope encryption, context service={props.service})",
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            deletion_window_in_days=props.deletion_window_days,
            is_enabled=True,
            policy=self.policy.json,
            tags={"DataClassification": "phi", "Service": props.service},
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None,
        )
        self.alias = KmsAlias(self, "Alias", name=alias, target_key_id=self.resource.key_id)

    def grant_use(self, identity: ServiceIdentity) -> FieldKeyGrant:
        """Let ``identity`` (the key's own service's) generate and decrypt data keys with its context, and describe the key.

        Adds two statements naming the identity's IAM user to the key policy, which alone allows the
        requests (no identity policy is needed or able to add more). Raises ``ValidationError`` for the
        identity of another service, and for a second grant: one service, one identity, one key.
        """
        service = self._props.service
        if identity.service != service:
            raise ValidationError(self.node.path, "identity.service", identity.service, f"{service!r} (a service uses only its own field key)")
        if self._grant is not None:
            raise ValidationError(self.node.path, "identity", identity.node.path, f"granted once (the key is already used by {service}'s identity)")
        account_id = AwsAccount.of(self).account_id
        principal = identity.user_arn
        use = statement(
            sid="ServiceUsesKeyWithItsContext",
            actions=KMS_FIELD_KEY_USE_ACTIONS,
            resources=["*"],
            principal_type="AWS",
            principals=[principal],
            conditions=[
                Condition("StringEquals", f"kms:EncryptionContext:{CONTEXT_KEY}", (service,)),
                Condition("StringEquals", "kms:CallerAccount", (account_id,)),
            ],
        )
        describe = statement(
            sid="ServiceDescribesKey",
            actions=KMS_DESCRIBE_ACTIONS,
            resources=["*"],
            principal_type="AWS",
            principals=[principal],
            conditions=[Condition("StringEquals", "kms:CallerAccount", (account_id,))],
        )
        self.policy.add(use, describe)
        self._grant = FieldKeyGrant(principal_arn=principal, use=use, describe=describe)
        return self._grant

    @property
    def service(self) -> str:
        """The service the key belongs to."""
        return self._props.service

    @property
    def key_arn(self) -> str:
        """The key's ARN (a reference): what the service names in GenerateDataKey and Decrypt."""
        return self.resource.arn

    @property
    def alias_name(self) -> str:
        """``alias/<project>-<environment>-<service>-field-key`` (text, known at synthesis)."""
        return self._alias_name

    @property
    def encryption_context(self) -> dict[str, str]:
        """The encryption context every request must carry: ``{"service": <service>}``."""
        return {CONTEXT_KEY: self._props.service}

    @property
    def encryption_context_text(self) -> str:
        """``service=<service>``: the context as one ``key=value`` pair, for an environment variable."""
        return f"{CONTEXT_KEY}={self._props.service}"
