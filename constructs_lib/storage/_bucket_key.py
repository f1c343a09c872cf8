"""``BucketKey``: the customer-managed KMS key of one bucket, with its alias and key policy."""

from __future__ import annotations

from constructs import Construct

from .._aws.iam import AwsAccount, PolicyDocument, account_administers_key
from ..engine.aws import DataAwsIamPolicyDocumentStatement, KmsAlias, KmsKey
from ..engine.core import TerraformProvider, TerraformResourceLifecycle

KEY_DELETION_WINDOW_DAYS = 30
"""Longest window KMS allows: a scheduled deletion can be cancelled for 30 days."""


class BucketKey(Construct):
    """A symmetric KMS key with rotation on, for one bucket (``alias/<bucket name>``).

    The key policy lets the account administer the key through IAM (never use it) and
    nothing else; grants and callers add usage statements with ``add_to_policy``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        alias_name: str,
        description: str,
        protect_from_destroy: bool,
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, id_)
        account = AwsAccount.of(self)
        self.policy = PolicyDocument(
            self,
            "Policy",
            [account_administers_key(account)],
        )
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if protect_from_destroy else None
        self.resource = KmsKey(
            self,
            "Resource",
            description=description,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
            is_enabled=True,
            policy=self.policy.json,
            provider=provider,
            lifecycle=lifecycle,
        )
        self.alias = KmsAlias(self, "Alias", name=f"alias/{alias_name}", target_key_id=self.resource.key_id, provider=provider)

    @property
    def key_arn(self) -> str:
        return self.resource.arn

    def add_to_policy(self, *statements: DataAwsIamPolicyDocumentStatement) -> None:
        """Append statements to the key policy (before synthesis)."""
        self.policy.add(*statements)
