"""``SecureS3Settings``: the values of a SecureS3 bucket, declared once, and ``secure_s3_settings_problems``, their one rule.

Frozen dataclasses without cdktf (and without pydantic). ``SecureS3Props`` is these settings plus what the construct
is given besides (its name parts and the constructs it refers to: access-log buckets, the replica provider);
an environment file's ``[s3]`` and ``[backups]`` sections set them for every bucket of the environment
(``storage_settings``), judged by this same rule. ``BucketProtection`` (shared with ``AccessLogBucketSettings``
and the environment's ``StorageSettings``) and ``lifecycle_problems`` (shared with ``AccessLogBucket``) live
here too, so each is declared once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .._reasons import check_reason
from ..errors import Problem
from .storage_types import DataClassification, GlacierStorageClass, ObjectLockMode

MIN_STANDARD_IA_DAYS = 30
"""S3 does not transition objects to STANDARD_IA before they are 30 days old."""
MAX_LIFECYCLE_DAYS = 36500
"""The longest lifecycle or Object Lock period the library accepts (100 years)."""
MAX_ABORT_MULTIPART_DAYS = 30


class LifecycleSettings(Protocol):
    """The lifecycle numbers of a bucket's settings (``SecureS3Settings``, ``AccessLogBucketSettings``)."""

    @property
    def transition_ia_days(self) -> int | None: ...
    @property
    def transition_glacier_days(self) -> int | None: ...
    @property
    def glacier_storage_class(self) -> GlacierStorageClass: ...
    @property
    def noncurrent_version_expiration_days(self) -> int: ...
    @property
    def abort_incomplete_multipart_upload_days(self) -> int: ...
    @property
    def expiration_days(self) -> int | None: ...


def lifecycle_problems(days: LifecycleSettings) -> list[Problem]:
    """Every lifecycle number of ``days`` that S3 refuses or that contradicts another (empty: valid), all at once."""
    problems: list[Problem] = []
    ia, glacier, expiration = days.transition_ia_days, days.transition_glacier_days, days.expiration_days
    ia_ok = ia is None or MIN_STANDARD_IA_DAYS <= ia <= MAX_LIFECYCLE_DAYS
    glacier_ok = glacier is None or 1 <= glacier <= MAX_LIFECYCLE_DAYS
    if not ia_ok:
        problems.append(
            Problem("transition_ia_days", ia, f"{MIN_STANDARD_IA_DAYS}..{MAX_LIFECYCLE_DAYS} (S3's minimum age for STANDARD_IA is 30 days) or None")
        )
    if not glacier_ok:
        problems.append(Problem("transition_glacier_days", glacier, f"1..{MAX_LIFECYCLE_DAYS} or None"))
    elif ia_ok and ia is not None and glacier is not None and glacier <= ia:
        problems.append(Problem("transition_glacier_days", glacier, f"greater than transition_ia_days ({ia})"))
    if not 1 <= days.noncurrent_version_expiration_days <= MAX_LIFECYCLE_DAYS:
        problems.append(Problem("noncurrent_version_expiration_days", days.noncurrent_version_expiration_days, f"1..{MAX_LIFECYCLE_DAYS}"))
    if not 1 <= days.abort_incomplete_multipart_upload_days <= MAX_ABORT_MULTIPART_DAYS:
        problems.append(Problem("abort_incomplete_multipart_upload_days", days.abort_incomplete_multipart_upload_days, f"1..{MAX_ABORT_MULTIPART_DAYS}"))
    if expiration is not None and ia_ok and glacier_ok:
        latest = max((d for d in (ia, glacier) if d is not None), default=0)
        if not latest < expiration <= MAX_LIFECYCLE_DAYS:
            after = f"after the last transition ({latest} days): " if latest else ""
            problems.append(Problem("expiration_days", expiration, f"{after}{latest + 1}..{MAX_LIFECYCLE_DAYS}"))
    return problems


@dataclass(frozen=True, kw_only=True, slots=True)
class BucketProtection:
    """What keeps a bucket from ``terraform destroy`` (every bucket of the library has both)."""

    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the bucket and what it cannot be read without (its KMS key, its replica).
    Default: on."""
    force_destroy: bool = False
    """Let ``terraform destroy`` delete a non-empty bucket, its object versions and GOVERNANCE-locked objects (the
    deployer needs ``s3:BypassGovernanceRetention``). Refused together with ``protect_from_destroy``, with Object Lock
    in COMPLIANCE mode, and for PHI unless ``allow_force_destroy_phi``: only for disposable environments that hold
    synthetic data. Default: off."""


def protection_problems(settings: BucketProtection) -> list[Problem]:
    """The rule every bucket's protection keeps: ``force_destroy`` only without ``protect_from_destroy``."""
    if settings.force_destroy and settings.protect_from_destroy:
        return [Problem("force_destroy", True, "False while protect_from_destroy is True")]
    return []


@dataclass(frozen=True, kw_only=True, slots=True)
class SecureS3Settings(BucketProtection):
    """The values of a ``SecureS3`` bucket (no names, no references to other constructs)."""

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
    allow_force_destroy_phi: bool = False
    """Permit ``force_destroy`` on a PHI bucket: only for disposable environments that hold synthetic
    data (dev). Default: refused."""
    replication_opt_out_reason: str | None = None
    """Why the bucket has no cross-region replica, when ``replica_provider`` is not set (at least 20 characters
    and three meaningful words). A PHI bucket needs either ``replica_provider`` or this reason; the reason is
    published as the bucket's accepted checkov CKV_AWS_144 finding, so ``constructs_lib.checkov_gate`` shows
    it. Default: none (a non-PHI bucket without a replica publishes a standard reason)."""


def secure_s3_settings_problems(settings: SecureS3Settings) -> list[Problem]:
    """Every value of ``settings`` S3 refuses or that weakens a protection without saying so (empty: valid), all at once.

    The rules on what the construct is given besides (names, the replica provider and its log bucket, a PHI bucket's
    replica or reason) are the construct's (``_secure_s3_validation``).
    """
    problems = lifecycle_problems(settings)
    retention, noncurrent, expiration = settings.object_lock_retention_days, settings.noncurrent_version_expiration_days, settings.expiration_days
    if retention is not None:
        if not 1 <= retention <= MAX_LIFECYCLE_DAYS:
            problems.append(Problem("object_lock_retention_days", retention, f"1..{MAX_LIFECYCLE_DAYS}"))
        elif noncurrent < retention and (expiration is None or expiration < retention):
            # With expiration_days >= retention a version becomes noncurrent after its lock ended; an earlier
            # overwritten version is kept until its lock ends anyway (lifecycle cannot delete a locked version).
            problems.append(
                Problem(
                    "noncurrent_version_expiration_days",
                    noncurrent,
                    f"at least object_lock_retention_days ({retention}) unless expiration_days is: locked versions cannot expire earlier",
                )
            )
    elif settings.object_lock_mode is not ObjectLockMode.COMPLIANCE:
        problems.append(Problem("object_lock_mode", settings.object_lock_mode.value, "left at its default unless object_lock_retention_days is set"))
    if settings.force_destroy and settings.classification is DataClassification.PHI and not settings.allow_force_destroy_phi:
        problems.append(Problem("force_destroy", True, "False for PHI buckets (classification=phi) unless allow_force_destroy_phi (synthetic data only)"))
    problems += protection_problems(settings)
    if settings.force_destroy and retention is not None and settings.object_lock_mode is ObjectLockMode.COMPLIANCE:
        problems.append(Problem("force_destroy", True, "False with Object Lock in COMPLIANCE mode (locked objects cannot be deleted)"))
    if settings.allow_force_destroy_phi and not settings.force_destroy:
        problems.append(Problem("allow_force_destroy_phi", True, "False unless force_destroy is True"))
    if settings.replication_opt_out_reason is not None:
        try:
            check_reason(settings.replication_opt_out_reason)
        except ValueError as error:
            problems.append(Problem("replication_opt_out_reason", settings.replication_opt_out_reason, str(error)))
    return problems
