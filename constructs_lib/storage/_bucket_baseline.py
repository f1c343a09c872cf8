"""The settings every bucket of the library gets, shared by SecureS3, its replica and AccessLogBucket."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import Condition, statement
from ..engine.aws import (
    DataAwsIamPolicyDocumentStatement,
    S3Bucket,
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
    S3BucketNotification,
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
    S3BucketPublicAccessBlock,
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from ..engine.core import TerraformProvider
from .secure_s3_settings import LifecycleSettings
from .storage_types import GlacierStorageClass

MIN_TLS_VERSION = "1.2"
"""Requests over older TLS versions are denied by every bucket policy."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """The resources ``add_baseline`` created next to a bucket."""

    versioning: S3BucketVersioningA
    encryption: S3BucketServerSideEncryptionConfigurationA
    public_access_block: S3BucketPublicAccessBlock
    ownership: S3BucketOwnershipControls
    notification: S3BucketNotification


def add_baseline(scope: Construct, bucket: S3Bucket, *, kms_key_arn: str | None, provider: TerraformProvider | None = None) -> Baseline:
    """Versioning, default encryption, all four public-access blocks, ACLs disabled, EventBridge events.

    ``kms_key_arn`` None means SSE-S3 (AES256), for targets of server access logs, which
    cannot use SSE-KMS. SSE-C uploads are blocked either way.
    """
    by_default = (
        S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(sse_algorithm="aws:kms", kms_master_key_id=kms_key_arn)
        if kms_key_arn
        else S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(sse_algorithm="AES256")
    )
    return Baseline(
        versioning=S3BucketVersioningA(
            scope,
            "Versioning",
            bucket=bucket.id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
            provider=provider,
        ),
        encryption=S3BucketServerSideEncryptionConfigurationA(
            scope,
            "Encryption",
            bucket=bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=by_default,
                    bucket_key_enabled=bool(kms_key_arn),
                    blocked_encryption_types=["SSE-C"],
                )
            ],
            provider=provider,
        ),
        public_access_block=S3BucketPublicAccessBlock(
            scope,
            "PublicAccessBlock",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            provider=provider,
        ),
        ownership=S3BucketOwnershipControls(
            scope,
            "Ownership",
            bucket=bucket.id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
            provider=provider,
        ),
        # Object-level events go to EventBridge, where monitoring can subscribe without
        # changing the bucket again.
        notification=S3BucketNotification(scope, "Notifications", bucket=bucket.id, eventbridge=True, provider=provider),
    )


def tls_statements(bucket_arn: str) -> list[DataAwsIamPolicyDocumentStatement]:
    """Deny every request without TLS, and with TLS older than 1.2."""
    resources = [bucket_arn, f"{bucket_arn}/*"]
    return [
        statement(
            sid="DenyInsecureTransport",
            effect="Deny",
            actions=["s3:*"],
            resources=resources,
            principal_type="*",
            principals=["*"],
            conditions=[Condition("Bool", "aws:SecureTransport", ("false",))],
        ),
        statement(
            sid="DenyOutdatedTls",
            effect="Deny",
            actions=["s3:*"],
            resources=resources,
            principal_type="*",
            principals=["*"],
            conditions=[Condition("NumericLessThan", "s3:TlsVersion", (MIN_TLS_VERSION,))],
        ),
    ]


ENCRYPTION_HEADER = "s3:x-amz-server-side-encryption"
KMS_KEY_HEADER = "s3:x-amz-server-side-encryption-aws-kms-key-id"
CUSTOMER_KEY_HEADER = "s3:x-amz-server-side-encryption-customer-algorithm"
NON_KMS_ENCRYPTION_SID = "DenyNonKmsEncryption"


def non_kms_encryption_statement(bucket_arn: str, *, exempt_services: Sequence[str] = ()) -> DataAwsIamPolicyDocumentStatement:
    """Deny an upload whose ``x-amz-server-side-encryption`` header is *present* and names another algorithm.

    ``Null`` = false makes the statement fire only when the header is sent: an upload without
    it gets the bucket's default encryption (SSE-KMS with the bucket key). A ``...IfExists``
    operator would instead be true when the header is absent and deny every ordinary upload.
    ``exempt_services`` are AWS service principals whose documented deliveries name another
    algorithm (CloudTrail writes its digest files with SSE-S3); the exemption only lifts this
    deny, each service still needs its own allow.
    """
    conditions = [Condition("Null", ENCRYPTION_HEADER, ("false",)), Condition("StringNotEquals", ENCRYPTION_HEADER, ("aws:kms",))]
    if exempt_services:
        conditions.append(Condition("StringNotEquals", "aws:PrincipalServiceName", tuple(exempt_services)))
    return statement(
        sid=NON_KMS_ENCRYPTION_SID,
        effect="Deny",
        actions=["s3:PutObject"],
        resources=[f"{bucket_arn}/*"],
        principal_type="*",
        principals=["*"],
        conditions=conditions,
    )


def encryption_statements(bucket_arn: str, kms_key_arn: str) -> list[DataAwsIamPolicyDocumentStatement]:
    """Deny uploads whose headers ask for anything but SSE-KMS with the bucket's key.

    An upload without encryption headers gets the bucket's default encryption (this key), so
    it is allowed; each deny fires only when a header is present and names another algorithm,
    another key, or a customer-provided key (SSE-C, also blocked by the encryption configuration).
    """
    objects = [f"{bucket_arn}/*"]
    return [
        non_kms_encryption_statement(bucket_arn),
        statement(
            sid="DenyOtherKmsKeys",
            effect="Deny",
            actions=["s3:PutObject"],
            resources=objects,
            principal_type="*",
            principals=["*"],
            conditions=[
                Condition("Null", KMS_KEY_HEADER, ("false",)),
                Condition("StringNotEquals", KMS_KEY_HEADER, (kms_key_arn,)),
            ],
        ),
        statement(
            sid="DenyCustomerProvidedKeys",
            effect="Deny",
            actions=["s3:PutObject"],
            resources=objects,
            principal_type="*",
            principals=["*"],
            conditions=[Condition("Null", CUSTOMER_KEY_HEADER, ("false",))],
        ),
    ]


READER_BUCKET_ACTIONS: tuple[str, ...] = ("s3:ListBucket", "s3:GetBucketLocation")
READER_OBJECT_ACTIONS: tuple[str, ...] = ("s3:GetObject", "s3:GetObjectVersion")


def reader_bucket_statements(bucket_arn: str, principal_arn: str, label: str) -> list[DataAwsIamPolicyDocumentStatement]:
    """Bucket-policy allows for a reader named by ARN: list the bucket, read every object version."""
    return [
        statement(
            sid=f"{label}Lists",
            actions=READER_BUCKET_ACTIONS,
            resources=[bucket_arn],
            principal_type="AWS",
            principals=[principal_arn],
        ),
        statement(
            sid=f"{label}Reads",
            actions=READER_OBJECT_ACTIONS,
            resources=[f"{bucket_arn}/*"],
            principal_type="AWS",
            principals=[principal_arn],
        ),
    ]


def reader_key_statement(principal_arn: str, label: str, region: str) -> DataAwsIamPolicyDocumentStatement:
    """Key-policy allow for a reader: ``kms:Decrypt`` only when S3 in ``region`` asks on its behalf."""
    return statement(
        sid=f"{label}DecryptsThroughS3",
        actions=["kms:Decrypt"],
        resources=["*"],
        principal_type="AWS",
        principals=[principal_arn],
        conditions=[Condition("StringEquals", "kms:ViaService", (f"s3.{region}.amazonaws.com",))],
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class LifecycleDays:
    """Lifecycle numbers of one bucket, already validated by its construct."""

    transition_ia_days: int | None
    transition_glacier_days: int | None
    noncurrent_version_expiration_days: int
    abort_incomplete_multipart_upload_days: int
    expiration_days: int | None = None
    glacier_storage_class: GlacierStorageClass = GlacierStorageClass.INSTANT_RETRIEVAL
    """Where ``transition_glacier_days`` moves objects; instant retrieval unless a caller chose an archive class."""

    @classmethod
    def of(cls, props: LifecycleSettings) -> LifecycleDays:
        """The lifecycle numbers of a SecureS3 (its replica keeps the same ones)."""
        return cls(
            transition_ia_days=props.transition_ia_days,
            transition_glacier_days=props.transition_glacier_days,
            noncurrent_version_expiration_days=props.noncurrent_version_expiration_days,
            abort_incomplete_multipart_upload_days=props.abort_incomplete_multipart_upload_days,
            expiration_days=props.expiration_days,
            glacier_storage_class=props.glacier_storage_class,
        )


def add_lifecycle(
    scope: Construct,
    bucket: S3Bucket,
    days: LifecycleDays,
    *,
    versioning: S3BucketVersioningA,
    provider: TerraformProvider | None = None,
) -> S3BucketLifecycleConfiguration:
    """One rule over the whole bucket: transitions, noncurrent expiry, multipart clean-up, optional expiry.

    Noncurrent versions get no transitions of their own: a version keeps the class it reached while current
    (services read earlier versions with ``s3:GetObjectVersion``, so that class is readable by default too).
    """
    transitions = [
        S3BucketLifecycleConfigurationRuleTransition(days=d, storage_class=c)
        for d, c in ((days.transition_ia_days, "STANDARD_IA"), (days.transition_glacier_days, days.glacier_storage_class.value))
        if d is not None
    ]
    rule = S3BucketLifecycleConfigurationRule(
        id="secure-defaults",
        status="Enabled",
        filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
        transition=transitions or None,
        noncurrent_version_expiration=[S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=days.noncurrent_version_expiration_days)],
        abort_incomplete_multipart_upload=[
            S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=days.abort_incomplete_multipart_upload_days)
        ],
        expiration=([S3BucketLifecycleConfigurationRuleExpiration(days=days.expiration_days)] if days.expiration_days else None),
    )
    return S3BucketLifecycleConfiguration(scope, "Lifecycle", bucket=bucket.id, rule=[rule], depends_on=[versioning], provider=provider)
