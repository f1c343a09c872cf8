"""``AccessLogBucket``: the locked-down target of S3 server access logs, one per environment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs import Construct

from .._aws.iam import AwsAccount, Condition, PolicyDocument, statement
from .._aws.perms import S3_LOG_DELIVERY_ACTIONS
from .._provider_requirements import AWS, require_provider
from .._settings import settings_values
from ..checkov_gate import accept
from ..engine.aws import AwsProvider, S3Bucket, S3BucketPolicy
from ..engine.core import TerraformResourceLifecycle
from ..errors import Problems
from ..guardrails.rules._s3 import ACCESS_LOG_TARGET_KEY
from ..value_rules import bucket_name, check_name_part
from ._bucket_baseline import LifecycleDays, add_baseline, add_lifecycle, tls_statements
from .access_log_settings import AccessLogBucketSettings, access_log_bucket_settings_problems

LOG_DELIVERY_SID = "AllowServerAccessLogDelivery"
SSE_S3_REASON = "S3 server access logging cannot deliver to a target bucket encrypted with SSE-KMS, so the access-log bucket uses SSE-S3"
"""Published as the bucket's accepted checkov CKV_AWS_145 finding (see ``constructs_lib.checkov_gate``)."""
NOT_REPLICATED_REASON = (
    "access-log buckets are not replicated: replicating them would need log buckets for the replicas in turn, and losing access logs loses no patient data"
)
"""Published as the bucket's accepted checkov CKV_AWS_144 finding."""


@dataclass(frozen=True, kw_only=True, slots=True)
class AccessLogBucketProps(AccessLogBucketSettings):
    """Settings for AccessLogBucket: its values (``AccessLogBucketSettings``, every keyword of it), the name
    ``<project>-<environment>-<purpose>-<account id>`` (bucket names are global: the account id makes it unique by
    construction) and its provider."""

    project: str
    environment: str
    purpose: str = "access-logs"
    """Last part of the bucket name. Default: ``access-logs``."""
    provider: AwsProvider | None = None
    """Provider (region) of the bucket; S3 only delivers access logs within a region, so replicas in
    another region need a log bucket there. Default: the stack's default AWS provider."""

    @classmethod
    def from_settings(cls, settings: AccessLogBucketSettings, **construct_input: Any) -> AccessLogBucketProps:
        """Props from ``settings`` (``StorageSettings.access_log_bucket`` makes an environment's) and the fields of
        this class that are not settings (``project``, ``environment``, ``purpose``, ``provider``)."""
        values = settings_values(settings, AccessLogBucketSettings)
        return cls(**values, **construct_input)


class AccessLogBucket(Construct):
    """An S3 bucket that receives server access logs from SecureS3 buckets in its region.

    Server access log delivery does not support SSE-KMS targets, so the bucket uses SSE-S3
    (AES256); everything else is locked down: versioning, all public-access blocks, ACLs
    disabled, TLS 1.2+ only, a lifecycle, and a bucket policy that lets only
    ``logging.s3.amazonaws.com`` write, only for this account and only from the buckets that
    registered with ``add_source``. Creates: ``Resource`` (aws_s3_bucket), Versioning,
    Encryption, PublicAccessBlock, Ownership, Notifications, Lifecycle, Policy.
    """

    def __init__(self, scope: Construct, id_: str, props: AccessLogBucketProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        path = self.node.path
        problems = Problems(path)
        for field in ("project", "environment", "purpose"):
            try:
                check_name_part(getattr(props, field))
            except ValueError as error:
                problems.add(field, getattr(props, field), str(error))
        name = f"{props.project}-{props.environment}-{props.purpose}"
        if not problems.errors:
            try:
                name = bucket_name(props.project, props.environment, props.purpose)
            except ValueError as error:
                problems.add("bucket name", name, str(error))
        problems.extend(access_log_bucket_settings_problems(props))
        problems.raise_if_any()
        days = LifecycleDays.of(props)
        self._account = AwsAccount.of(self)

        self._props = props
        self._sources: list[str] = []
        self.resource = S3Bucket(
            self,
            "Resource",
            bucket=f"{name}-{AwsAccount.of(self).account_id}",
            force_destroy=props.force_destroy,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None,
            provider=props.provider,
        )
        accept(self.resource, "CKV_AWS_145", SSE_S3_REASON)
        accept(self.resource, "CKV_AWS_144", NOT_REPLICATED_REASON)
        # Declares the bucket a log target for the guardrails (SSE-S3, no access logging of its own), even
        # before a bucket registers with add_source.
        self.resource.add_override(f"//.{ACCESS_LOG_TARGET_KEY}", True)
        baseline = add_baseline(self, self.resource, kms_key_arn=None, provider=props.provider)
        self._baseline = baseline
        self.lifecycle_configuration = add_lifecycle(self, self.resource, days, versioning=baseline.versioning, provider=props.provider)
        self._policy_document = PolicyDocument(self, "PolicyDocument", tls_statements(self.resource.arn))
        self.policy = S3BucketPolicy(
            self,
            "Policy",
            bucket=self.resource.id,
            policy=self._policy_document.json,
            depends_on=[baseline.public_access_block],
            provider=props.provider,
        )
        self.name_stem = name
        """``<project>-<environment>-<purpose>`` as a plain string (known at synth): the bucket's name without its account suffix."""

    @property
    def provider(self) -> AwsProvider | None:
        """The AWS provider (region) the bucket lives in; None: the stack's default provider."""
        return self._props.provider

    @property
    def bucket_name(self) -> str:
        return self.resource.bucket

    @property
    def bucket_arn(self) -> str:
        return self.resource.arn

    @property
    def bucket_id(self) -> str:
        return self.resource.id

    def add_source(self, source_bucket_arn: str) -> None:
        """Let S3 deliver the server access logs of ``source_bucket_arn`` here (called by SecureS3)."""
        self._sources.append(source_bucket_arn)
        self._policy_document.put(
            LOG_DELIVERY_SID,
            statement(
                sid=LOG_DELIVERY_SID,
                actions=S3_LOG_DELIVERY_ACTIONS,
                resources=[f"{self.resource.arn}/*"],
                principal_type="Service",
                principals=["logging.s3.amazonaws.com"],
                conditions=[
                    Condition("StringEquals", "aws:SourceAccount", (self._account.account_id,)),
                    Condition("ArnLike", "aws:SourceArn", tuple(self._sources)),
                ],
            ),
        )
