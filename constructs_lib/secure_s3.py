"""``SecureS3``: an S3 bucket for PHI and other private data, secure with no props beyond its name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle, Token
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

from ._bucket_baseline import (
    NON_KMS_ENCRYPTION_SID,
    LifecycleDays,
    add_baseline,
    add_lifecycle,
    encryption_statements,
    non_kms_encryption_statement,
    reader_bucket_statements,
    reader_key_statement,
    tls_statements,
)
from ._bucket_key import BucketKey
from ._grants import BucketGrant, Grantee, grant
from ._iam import AwsAccount, PolicyDocument
from ._providers import AWS, require_provider
from ._s3_replication import Replica
from ._secure_s3_checks import REPLICA_SUFFIX, not_replicated_reason, validate_props
from .access_log_bucket import AccessLogBucket
from .checkov_gate import accept
from .errors import ValidationError
from .storage_types import BucketAccess, DataClassification, ObjectLockMode

_PRINCIPAL_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[A-Za-z0-9+=,.@_/-]{1,512}$")


@dataclass(frozen=True, kw_only=True, slots=True)
class SecureS3Props:
    """Settings for SecureS3; the bucket is named ``<project>-<environment>-<purpose>-<account id>``.

    S3 bucket names are global across all AWS accounts: the account id (read from the AWS
    provider's credentials at plan time) makes the name unique by construction, so the first
    apply cannot fail with ``BucketAlreadyExists`` because someone else took the short name.
    """

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
    expiration_days: int | None = None
    """Expire objects at this age (after the last transition): S3 adds a delete marker and the object becomes
    a noncurrent version, deleted ``noncurrent_version_expiration_days`` later (backups: 30, then 5). The replica
    keeps the same lifecycle. Default: objects never expire."""
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
    replication_opt_out_reason: str | None = None
    """Why the bucket has no cross-region replica, when ``replica_provider`` is not set (at least 20 characters
    and three meaningful words). A PHI bucket needs either ``replica_provider`` or this reason; the reason is
    published as the bucket's accepted checkov CKV_AWS_144 finding, so ``constructs_lib.checkov_gate`` shows
    it. Default: none (a non-PHI bucket without a replica publishes a standard reason)."""
    replica_access_log_bucket: AccessLogBucket | None = None
    """Where the replica's server access logs go: an AccessLogBucket created with ``replica_provider``
    (S3 delivers access logs only within a region). Required with ``replica_provider``. Default: none."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the bucket, its key and its replica. Default: on."""
    force_destroy: bool = False
    """Let ``terraform destroy`` delete a non-empty bucket, its object versions and GOVERNANCE-locked
    objects (the deployer needs ``s3:BypassGovernanceRetention``). Refused with Object Lock in COMPLIANCE
    mode, together with ``protect_from_destroy``, and for PHI unless ``allow_force_destroy_phi``. Default: off."""
    allow_force_destroy_phi: bool = False
    """Permit ``force_destroy`` on a PHI bucket: only for disposable environments that hold synthetic
    data (dev). Default: refused."""


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
        require_provider(self, AWS)
        self.name_stem = validate_props(self.node.path, props)
        """``<project>-<environment>-<purpose>`` as a plain string (known at synth): the bucket's name
        without its account suffix; it names the key alias, the grant policies and the access-log prefix."""
        self.props = props
        self._sse_s3_services: list[str] = []
        self.classification = props.classification
        """What the bucket holds."""
        lock = props.object_lock_retention_days is not None
        prevent = TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None

        self.key = BucketKey(
            self,
            "Key",
            alias_name=self.name_stem,
            description=f"SSE-KMS key of the {self.name_stem} bucket ({props.classification.value})",
            protect_from_destroy=props.protect_from_destroy,
        )
        self.resource = S3Bucket(
            self,
            "Resource",
            bucket=f"{self.name_stem}-{AwsAccount.of(self).account_id}",
            force_destroy=props.force_destroy,
            object_lock_enabled=lock or None,
            tags={"DataClassification": props.classification.value},
            lifecycle=prevent,
        )
        if props.replica_provider is None:
            accept(self.resource, "CKV_AWS_144", props.replication_opt_out_reason or not_replicated_reason(props.classification))
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
            target_prefix=f"{self.name_stem}/",
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
                lifecycle=prevent,
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
            Replica(self, "Replica", source=self, stem=f"{self.name_stem}{REPLICA_SUFFIX}", provider=props.replica_provider)
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

    def allow_sse_s3_uploads_from(self, service_principal: str) -> None:
        """Lift the deny of non-KMS encryption headers for one AWS service principal.

        For documented deliveries that name SSE-S3 themselves: CloudTrail encrypts its digest
        files with SSE-S3 even when the trail's log files use SSE-KMS ("Encrypting CloudTrail log
        files with AWS KMS keys"). The service still needs its own allow statement.
        """
        if service_principal not in self._sse_s3_services:
            self._sse_s3_services.append(service_principal)
        self.policy_document.put(NON_KMS_ENCRYPTION_SID, non_kms_encryption_statement(self.resource.arn, exempt_services=self._sse_s3_services))

    def grant_read_to_principal(self, principal_arn: str, *, label: str) -> None:
        """Let an IAM principal outside this stack (an auditor's role) list, read and decrypt every object.

        Written into the bucket policy and the key policy (``kms:Decrypt`` only through S3), and
        into the replica's, so the decision does not depend on identity policies this stack does
        not own. ``label`` (letters and digits) names the statements.
        """
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,40}", label):
            raise ValidationError(self.node.path, "label", label, "letters and digits, starting with a letter")
        if not Token.is_unresolved(principal_arn) and not _PRINCIPAL_ARN_RE.match(principal_arn):
            raise ValidationError(self.node.path, "principal_arn", principal_arn, "an IAM role or user ARN such as arn:aws:iam::123456789012:role/audit-reader")
        targets: list[tuple[PolicyDocument, BucketKey, str, str]] = [(self.policy_document, self.key, self.resource.arn, AwsAccount.of(self).region)]
        if self.replica is not None:
            targets.append((self.replica.policy_document, self.replica.key, self.replica.bucket_arn, self.replica.region))
        for document, key, bucket_arn, region in targets:
            document.add(*reader_bucket_statements(bucket_arn, principal_arn, label))
            key.add_to_policy(reader_key_statement(principal_arn, label, region))

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
        return tuple(node for node in scope.node.find_all() if isinstance(node, SecureS3) and (classification is None or node.classification is classification))


def phi_buckets(scope: Construct) -> tuple[SecureS3, ...]:
    """Every SecureS3 under ``scope`` that holds PHI (for CloudTrail data events and alarms)."""
    return SecureS3.find_all(scope, DataClassification.PHI)
