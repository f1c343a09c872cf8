"""``SecureS3Props``: the settings of a SecureS3, apart from the construct so its helpers can read them."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.aws import AwsProvider
from .access_log_bucket import AccessLogBucket
from .storage_types import DataClassification, GlacierStorageClass, ObjectLockMode


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
    """Move objects to STANDARD_IA at this age (>= 30; read in milliseconds, 30-day and 128 KB minimum charges);
    None keeps them in STANDARD. Default: 30."""
    transition_glacier_days: int | None = 90
    """Move objects to ``glacier_storage_class`` at this age (> transition_ia_days); None never archives. Default: 90."""
    glacier_storage_class: GlacierStorageClass = GlacierStorageClass.INSTANT_RETRIEVAL
    """The Glacier class of ``transition_glacier_days``. FLEXIBLE_RETRIEVAL and DEEP_ARCHIVE need a restore before
    every read, so a bucket with either refuses read grants (guardrail HC-S3-006 checks any bucket). Default:
    INSTANT_RETRIEVAL (GLACIER_IR: read in milliseconds, 90-day and 128 KB minimum charges)."""
    noncurrent_version_expiration_days: int = 90
    """Delete overwritten or deleted versions this many days after they stop being current (1..36500; at least
    the Object Lock retention when locked, unless ``expiration_days`` is: a version then turns noncurrent after its
    lock ended, and S3 lifecycle never deletes a locked version early). Default: 90."""
    expiration_days: int | None = None
    """Expire objects at this age (after the last transition): S3 adds a delete marker and the object becomes
    a noncurrent version, deleted ``noncurrent_version_expiration_days`` later (backups: 30, then 5). The replica
    keeps the same lifecycle. Default: objects never expire."""
    abort_incomplete_multipart_upload_days: int = 7
    """Remove the parts of unfinished multipart uploads after this many days (1..30). Default: 7."""
    object_lock_retention_days: int | None = None
    """S3 Object Lock default retention in days, 1..36500 (HIPAA audit logs: ``HIPAA_RETENTION_DAYS``, 2190).
    Enables Object Lock at bucket creation. Default: no Object Lock."""
    object_lock_mode: ObjectLockMode = ObjectLockMode.COMPLIANCE
    """Retention mode when Object Lock is on (only with ``object_lock_retention_days``). Default: COMPLIANCE (nobody can delete early)."""
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
