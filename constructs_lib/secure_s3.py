"""``SecureS3``: an S3 bucket for PHI and other private data, secure with no props beyond its name."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocumentStatement
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from constructs import Construct

from ._bucket_baseline import LifecycleDays, add_baseline, add_lifecycle, encryption_statements, tls_statements
from ._bucket_key import BucketKey
from ._grants import BucketGrant, Grantee, grant
from ._iam import PolicyDocument
from ._s3_replication import Replica
from ._secure_s3_checks import REPLICA_SUFFIX, validate_props
from .access_log_bucket import AccessLogBucket
from .storage_types import BucketAccess, DataClassification, ObjectLockMode


@dataclass(frozen=True, kw_only=True, slots=True)
class SecureS3Props:
    """Settings for SecureS3; the bucket is named ``<project>-<environment>-<purpose>``."""

    project: str
    """First part of the bucket name (lowercase words joined by hyphens)."""
    environment: str
    """Second part of the bucket name, e.g. ``prod``."""
    purpose: str
    """Last part of the bucket name, e.g. ``medical-documents``."""
    access_log_bucket: AccessLogBucket
    """Where S3 server access logs go (prefix ``<bucket name>/``); usually one per environment."""
    classification: DataClassification = DataClassification.PHI
    """What the bucket holds. Default: PHI (the strictest handling)."""
    transition_ia_days: int | None = 30
    """Move objects to STANDARD_IA at this age (>= 30); None keeps them in STANDARD. Default: 30."""
    transition_glacier_days: int | None = 90
    """Move objects to GLACIER at this age (> transition_ia_days); None never archives. Default: 90."""
    noncurrent_version_expiration_days: int = 90
    """Delete overwritten or deleted versions this many days after they stop being current. Default: 90."""
    abort_incomplete_multipart_upload_days: int = 7
    """Remove the parts of unfinished multipart uploads after this many days (1..30). Default: 7."""
    object_lock_retention_days: int | None = None
    """S3 Object Lock default retention in days (HIPAA audit logs: ``HIPAA_RETENTION_DAYS``, 2190).
    Enables Object Lock at bucket creation. Default: no Object Lock."""
    object_lock_mode: ObjectLockMode = ObjectLockMode.COMPLIANCE
    """Retention mode when Object Lock is on. Default: COMPLIANCE (nobody can delete early)."""
    replica_provider: AwsProvider | None = None
    """An aliased AWS provider (with an explicit ``region``) to replicate every object to an encrypted
    bucket ``<name>-replica`` in that region, with its own KMS key. Default: no replication."""
    replica_access_log_bucket: AccessLogBucket | None = None
    """Where the replica's server access logs go: an AccessLogBucket created with ``replica_provider``
    (S3 delivers access logs only within a region). Required with ``replica_provider``. Default: none."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the bucket, its key and its replica. Default: on."""
    force_destroy: bool = False
    """Let ``terraform destroy`` delete a non-empty bucket. Refused for PHI, with Object Lock in
    COMPLIANCE mode and together with ``protect_from_destroy``. Default: off."""


class SecureS3(Construct):
    """A private, encrypted, versioned, logged S3 bucket with least-privilege grants.

    Creates ``Resource`` (aws_s3_bucket) and next to it: Key (KMS key with rotation, alias
    ``alias/<bucket name>``, key policy), Versioning, Encryption (SSE-KMS with the key, bucket
    keys on, SSE-C blocked), PublicAccessBlock (all four), Ownership (BucketOwnerEnforced),
    Notifications (EventBridge), Lifecycle, Logging (to ``access_log_bucket``), Policy (TLS
    1.2+ only, uploads only with the bucket's key), ObjectLock when retention is set and
    Replica when a replica provider is given.
    """

    def __init__(self, scope: Construct, id_: str, props: SecureS3Props) -> None:
        super().__init__(scope, id_)
        self.bucket_name_literal = validate_props(self.node.path, props)
        """The bucket's name as a plain string (known at synth); prefer ``bucket_name`` for references."""
        self.props = props
        self.classification = props.classification
        """What the bucket holds."""
        lock = props.object_lock_retention_days is not None
        prevent = TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None

        self.key = BucketKey(
            self,
            "Key",
            alias_name=self.bucket_name_literal,
            description=f"SSE-KMS key of s3://{self.bucket_name_literal} ({props.classification.value})",
            protect_from_destroy=props.protect_from_destroy,
        )
        self.resource = S3Bucket(
            self,
            "Resource",
            bucket=self.bucket_name_literal,
            force_destroy=props.force_destroy,
            object_lock_enabled=lock or None,
            tags={"DataClassification": props.classification.value},
            lifecycle=prevent,
        )
        self.baseline = add_baseline(self, self.resource, kms_key_arn=self.key.key_arn)
        self.lifecycle_configuration = add_lifecycle(
            self,
            self.resource,
            LifecycleDays.of(props),
            versioning=self.baseline.versioning,
        )
        self.logging = S3BucketLoggingA(
            self,
            "Logging",
            bucket=self.resource.id,
            target_bucket=props.access_log_bucket.bucket_id,
            target_prefix=f"{self.bucket_name_literal}/",
        )
        props.access_log_bucket.add_source(self.resource.arn)
        self.object_lock = (
            S3BucketObjectLockConfigurationA(
                self,
                "ObjectLock",
                bucket=self.resource.id,
                rule=S3BucketObjectLockConfigurationRuleA(
                    default_retention=S3BucketObjectLockConfigurationRuleDefaultRetentionA(
                        mode=props.object_lock_mode.value, days=props.object_lock_retention_days
                    )
                ),
                depends_on=[self.baseline.versioning],
            )
            if lock
            else None
        )
        self.policy_document = PolicyDocument(
            self,
            "PolicyDocument",
            tls_statements(self.resource.arn) + encryption_statements(self.resource.arn, self.key.key_arn),
        )
        self.policy = S3BucketPolicy(
            self,
            "Policy",
            bucket=self.resource.id,
            policy=self.policy_document.json,
            depends_on=[self.baseline.public_access_block],
        )
        self.replica: Replica | None = (
            Replica(self, "Replica", source=self, name=f"{self.bucket_name_literal}{REPLICA_SUFFIX}", provider=props.replica_provider)
            if props.replica_provider is not None
            else None
        )
        """The cross-region replica (bucket, key, logging, role, replication rule), or None."""

    # Typed attributes -------------------------------------------------------------------

    @property
    def bucket_name(self) -> str:
        """The bucket's name (a reference, so using it orders resources after the bucket)."""
        return self.resource.bucket

    @property
    def bucket_arn(self) -> str:
        return self.resource.arn

    @property
    def bucket_id(self) -> str:
        return self.resource.id

    @property
    def kms_key_arn(self) -> str:
        """ARN of the bucket's customer-managed KMS key."""
        return self.key.key_arn

    # Extension points for other constructs (AuditTrail) ---------------------------------

    def add_to_resource_policy(self, *statements: DataAwsIamPolicyDocumentStatement) -> None:
        """Append statements to the bucket policy (before synthesis); the deny statements stay first."""
        self.policy_document.add(*statements)

    def add_to_key_policy(self, *statements: DataAwsIamPolicyDocumentStatement) -> None:
        """Append statements to the bucket key's policy (before synthesis)."""
        self.key.add_to_policy(*statements)

    # Grants -----------------------------------------------------------------------------

    def grant_read(self, grantee: Grantee, prefix: str = "") -> BucketGrant:
        """List and read objects (under ``prefix``) and decrypt with the bucket's key."""
        return grant(self, grantee, BucketAccess.READ, prefix)

    def grant_write(self, grantee: Grantee, prefix: str = "") -> BucketGrant:
        """Put objects (under ``prefix``), including multipart uploads, and encrypt with the bucket's key."""
        return grant(self, grantee, BucketAccess.WRITE, prefix)

    def grant_read_write(self, grantee: Grantee, prefix: str = "") -> BucketGrant:
        """``grant_read`` and ``grant_write`` in one policy."""
        return grant(self, grantee, BucketAccess.READ_WRITE, prefix)

    def grant(self, grantee: Grantee, access: BucketAccess, prefix: str = "") -> BucketGrant:
        """The grant for ``access`` (for callers that hold grants as data)."""
        return grant(self, grantee, access, prefix)

    # Discovery --------------------------------------------------------------------------

    @staticmethod
    def find_all(scope: Construct, classification: DataClassification | None = None) -> tuple[SecureS3, ...]:
        """Every SecureS3 under ``scope`` (e.g. a stack), in construct order, optionally of one classification."""
        return tuple(
            node
            for node in scope.node.find_all()
            if isinstance(node, SecureS3) and (classification is None or node.classification is classification)
        )


def phi_buckets(scope: Construct) -> tuple[SecureS3, ...]:
    """Every SecureS3 under ``scope`` that holds PHI (for CloudTrail data events and alarms)."""
    return SecureS3.find_all(scope, DataClassification.PHI)
