"""``SecureS3``: an S3 bucket for PHI and other private data, secure with no props beyond its name."""

from __future__ import annotations

import re

from constructs import Construct

from .._aws.iam import AwsAccount, PolicyDocument
from .._provider_requirements import AWS, require_provider
from ..checkov_gate import accept
from ..engine.aws import (
    DataAwsIamPolicyDocumentStatement,
    S3Bucket,
    S3BucketLoggingA,
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
    S3BucketPolicy,
)
from ..engine.core import TerraformResourceLifecycle, Token
from ..errors import ValidationError
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
from ._bucket_ref import BucketRef
from ._grants import BucketGrant, Grantee, grant
from ._s3_replication import Replica
from ._secure_s3_validation import REPLICA_SUFFIX, not_replicated_reason, validate_props
from .access_log_bucket import AccessLogBucket
from .secure_s3_props import SecureS3Props
from .storage_types import BucketAccess, DataClassification

_PRINCIPAL_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[A-Za-z0-9+=,.@_/-]{1,512}$")


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
        self._props = props
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
        self._baseline = add_baseline(self, self.resource, kms_key_arn=self.key.key_arn)
        self.lifecycle_configuration = add_lifecycle(
            self,
            self.resource,
            LifecycleDays.of(props),
            versioning=self._baseline.versioning,
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
                depends_on=[self._baseline.versioning],
                lifecycle=prevent,
            )
            if lock
            else None
        )
        self._policy_document = PolicyDocument(
            self,
            "PolicyDocument",
            tls_statements(self.resource.arn) + encryption_statements(self.resource.arn, self.key.key_arn),
        )
        self.policy = S3BucketPolicy(
            self,
            "Policy",
            bucket=self.resource.id,
            policy=self._policy_document.json,
            depends_on=[self._baseline.public_access_block],
        )
        self.replica: Replica | None = (
            Replica(self, "Replica", source=self.ref, props=props, stem=f"{self.name_stem}{REPLICA_SUFFIX}", provider=props.replica_provider)
            if props.replica_provider is not None
            else None
        )
        """The cross-region replica (bucket, key, logging, role, replication rule), or None."""

    # Typed attributes -------------------------------------------------------------------

    @property
    def ref(self) -> BucketRef:
        """The values the storage helpers (grants, replica) need of this bucket, instead of the construct."""
        return BucketRef(
            scope=self,
            name_stem=self.name_stem,
            bucket_id=self.bucket_id,
            bucket_arn=self.bucket_arn,
            kms_key_arn=self.kms_key_arn,
            versioning=self._baseline.versioning,
            add_to_key_policy=self.add_to_key_policy,
        )

    @property
    def object_lock_retention_days(self) -> int | None:
        """Default Object Lock retention of new object versions; None: the bucket has no Object Lock."""
        return self._props.object_lock_retention_days

    @property
    def access_log_bucket(self) -> AccessLogBucket:
        """The bucket receiving this bucket's server access logs."""
        return self._props.access_log_bucket

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
        self._policy_document.add(*statements)

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
        self._policy_document.put(NON_KMS_ENCRYPTION_SID, non_kms_encryption_statement(self.resource.arn, exempt_services=self._sse_s3_services))

    def grant_read_to_principal(self, principal_arn: str, *, label: str) -> None:
        """Let an IAM principal outside this stack (an auditor's role) list, read and decrypt every object.

        Written into the bucket policy and the key policy (``kms:Decrypt`` only through S3), and
        into the replica's, so the decision does not depend on identity policies this stack does
        not own. ``label`` (letters and digits) names the statements.
        """
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,40}", label):
            raise ValidationError(self.node.path, "label", label, "letters and digits, starting with a letter")
        self._refuse_reads_of_archived_objects()
        if not Token.is_unresolved(principal_arn) and not _PRINCIPAL_ARN_RE.match(principal_arn):
            raise ValidationError(self.node.path, "principal_arn", principal_arn, "an IAM role or user ARN such as arn:aws:iam::123456789012:role/audit-reader")
        targets: list[tuple[PolicyDocument, BucketKey, str, str]] = [(self._policy_document, self.key, self.resource.arn, AwsAccount.of(self).region)]
        if self.replica is not None:
            targets.append((self.replica._policy_document, self.replica.key, self.replica.bucket_arn, self.replica.region))
        for document, key, bucket_arn, region in targets:
            document.add(*reader_bucket_statements(bucket_arn, principal_arn, label))
            key.add_to_policy(reader_key_statement(principal_arn, label, region))

    # Grants -----------------------------------------------------------------------------

    def grant_read(self, grantee: Grantee, prefix: str = "") -> BucketGrant:
        """List and read objects (under ``prefix``) and decrypt with the bucket's key."""
        return self.grant(grantee, BucketAccess.READ, prefix)

    def grant_write(self, grantee: Grantee, prefix: str = "") -> BucketGrant:
        """Put objects (under ``prefix``), including multipart uploads, and encrypt with the bucket's key."""
        return self.grant(grantee, BucketAccess.WRITE, prefix)

    def grant_read_write(self, grantee: Grantee, prefix: str = "") -> BucketGrant:
        """``grant_read`` and ``grant_write`` in one policy."""
        return self.grant(grantee, BucketAccess.READ_WRITE, prefix)

    def grant(self, grantee: Grantee, access: BucketAccess, prefix: str = "") -> BucketGrant:
        """The grant for ``access`` (for callers that hold grants as data).

        A read grant on a bucket whose ``glacier_storage_class`` needs a restore raises ``ValidationError``:
        the grantee's ``GetObject`` would fail with ``InvalidObjectState`` on every archived object.
        """
        if access is not BucketAccess.WRITE:
            self._refuse_reads_of_archived_objects()
        return grant(self.ref, grantee, access, prefix)

    def _refuse_reads_of_archived_objects(self) -> None:
        archive = self._props.glacier_storage_class
        if self._props.transition_glacier_days is not None and archive.needs_restore:
            raise ValidationError(
                self.node.path,
                "glacier_storage_class",
                archive.name,
                f"INSTANT_RETRIEVAL on a bucket that grants reads ({archive.value} objects cannot be read until restored)",
            )

    # Discovery --------------------------------------------------------------------------

    @staticmethod
    def find_all(scope: Construct, classification: DataClassification | None = None) -> tuple[SecureS3, ...]:
        """Every SecureS3 under ``scope`` (e.g. a stack), in construct order, optionally of one classification."""
        return tuple(node for node in scope.node.find_all() if isinstance(node, SecureS3) and (classification is None or node.classification is classification))


def phi_buckets(scope: Construct) -> tuple[SecureS3, ...]:
    """Every SecureS3 under ``scope`` that holds PHI (for CloudTrail data events and alarms)."""
    return SecureS3.find_all(scope, DataClassification.PHI)
