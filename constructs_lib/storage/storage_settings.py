"""An environment's storage policy: ``StorageSettings`` (every bucket) and ``BackupBucketSettings`` (the backups bucket).

No cdktf import. An environment file's ``[s3]`` section *is* a ``StorageSettings`` and its ``[backups]`` section a
``BackupBucketSettings`` (``environments/storage_settings.py``). Neither declares a bucket value again: each field
says which bucket field it sets (``bucket``, ``access_log_bucket``), takes its default from that field where the
bucket has one, and is judged by that bucket's own rule (``secure_s3_settings_problems``,
``access_log_bucket_settings_problems``) under its own name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from ..errors import Problem
from ..value_rules import check_aws_region
from .access_log_settings import AccessLogBucketSettings, access_log_bucket_settings_problems
from .secure_s3_settings import BucketProtection, SecureS3Settings, secure_s3_settings_problems
from .storage_types import HIPAA_RETENTION_DAYS, ObjectLockMode


def _default(settings: type, name: str) -> Any:
    """The default of field ``name`` of the settings class ``settings``: a value set for it here is declared there."""
    return next(field.default for field in fields(settings) if field.name == name)


@dataclass(frozen=True, kw_only=True, slots=True)
class StorageSettings(BucketProtection):
    """The storage policy of an environment: ``protect_from_destroy`` and ``force_destroy`` of every bucket (each
    SecureS3 with its key and replica, each AccessLogBucket), and the values it sets on some of them."""

    replica_region: str | None = None
    """Region (``us-west-2``) every SecureS3 replicates to for disaster recovery: its ``replica_provider`` is the
    AWS provider of that region. Default: no replication."""
    noncurrent_version_expiration_days: int = _default(SecureS3Settings, "noncurrent_version_expiration_days")
    """``noncurrent_version_expiration_days`` of every SecureS3 but the backups (``BackupBucketSettings``); the
    audit-log bucket keeps versions at least ``audit_log_retention_days``. Default: SecureS3's (90)."""
    audit_log_retention_days: int = HIPAA_RETENTION_DAYS
    """``object_lock_retention_days`` of the audit-log bucket. Default: 2190 (HIPAA: six years)."""
    audit_log_lock_mode: ObjectLockMode = _default(SecureS3Settings, "object_lock_mode")
    """``object_lock_mode`` of the audit-log bucket; GOVERNANCE lets privileged principals delete (non-production
    only). Default: SecureS3's (COMPLIANCE)."""
    access_log_expiration_days: int = _default(AccessLogBucketSettings, "expiration_days")
    """``expiration_days`` of the access-log buckets (after their Glacier Instant Retrieval transition at 90 days).
    Default: AccessLogBucket's (2190)."""

    def bucket(self, plan: SecureS3Settings, *, audit_log: bool = False) -> SecureS3Settings:
        """``plan`` (a bucket's own values: classification, transitions) with this policy: its protection, noncurrent
        expiry and, for the ``audit_log`` bucket, its Object Lock. ``force_destroy`` here is the environment's word
        that its buckets hold synthetic data only, so it also allows it on PHI buckets."""
        settings = replace(
            plan,
            protect_from_destroy=self.protect_from_destroy,
            force_destroy=self.force_destroy,
            allow_force_destroy_phi=self.force_destroy,
            noncurrent_version_expiration_days=self.noncurrent_version_expiration_days,
        )
        if not audit_log:
            return settings
        return replace(
            settings,
            # A locked version is kept until its lock ends anyway; say so in the lifecycle too.
            noncurrent_version_expiration_days=max(self.noncurrent_version_expiration_days, self.audit_log_retention_days),
            object_lock_retention_days=self.audit_log_retention_days,
            object_lock_mode=self.audit_log_lock_mode,
        )

    def access_log_bucket(self) -> AccessLogBucketSettings:
        """The settings of this environment's access-log buckets."""
        return AccessLogBucketSettings(
            expiration_days=self.access_log_expiration_days, protect_from_destroy=self.protect_from_destroy, force_destroy=self.force_destroy
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class BackupBucketSettings:
    """What an environment sets on its ``backups`` bucket (the daily database dumps), besides ``StorageSettings``."""

    retention_days: int = 30
    """``expiration_days`` and ``object_lock_retention_days`` of the backups bucket: each dump is kept, and
    Object-Locked, this many days. Default: 30."""
    noncurrent_version_expiration_days: int = 5
    """``noncurrent_version_expiration_days`` of the backups bucket: an expired (or overwritten) dump stays
    recoverable this many days as a noncurrent version before S3 deletes it. Default: 5."""
    lock_mode: ObjectLockMode | None = None
    """``object_lock_mode`` of the backups bucket and its replica. COMPLIANCE: nobody (root included) deletes a dump
    or shortens its lock early; GOVERNANCE: only a principal with ``s3:BypassGovernanceRetention`` that sends the
    bypass header (none in this stack). Absent: COMPLIANCE when ``guardrails.production`` is true, else GOVERNANCE.
    Production must be COMPLIANCE; ``[s3] force_destroy`` needs GOVERNANCE."""

    def bucket(self, bucket: SecureS3Settings, *, lock_mode: ObjectLockMode) -> SecureS3Settings:
        """``bucket`` (``StorageSettings.bucket`` of the plan's values) as the backups bucket: dumps expire and are
        locked after ``retention_days``, in ``lock_mode`` (``lock_mode`` here, or the environment's default)."""
        return replace(
            bucket,
            noncurrent_version_expiration_days=self.noncurrent_version_expiration_days,
            expiration_days=self.retention_days,
            object_lock_retention_days=self.retention_days,
            object_lock_mode=lock_mode,
        )


BACKUP_PLAN = SecureS3Settings(transition_ia_days=None, transition_glacier_days=None)
"""A backups bucket's own values as ``backup_bucket_settings_problems`` judges them: never archived (a restore must
not wait for a Glacier retrieval), like the platform plan's."""


def _named(judged: Iterable[tuple[list[Problem], Mapping[str, str]]]) -> list[Problem]:
    """The problems of the bucket fields in each mapping, under the key that set them; the first per key."""
    found: dict[str, Problem] = {}
    for problems, keys in judged:
        for problem in problems:
            key = keys.get(problem.field)
            if key is not None and key not in found:
                found[key] = Problem(key, problem.value, problem.allowed)
    return list(found.values())


def storage_settings_problems(settings: StorageSettings) -> list[Problem]:
    """Every value of ``settings`` a bucket refuses, under its own key (empty: valid), all at once.

    Each value is judged by the rule of the bucket field it sets. ``protect_from_destroy`` and ``force_destroy``
    together are the environment's teardown rule, which is stricter (``EnvironmentConfig``); the buckets' rules
    judge them again when they are built.
    """
    problems: list[Problem] = []
    if settings.replica_region is not None:
        try:
            check_aws_region(settings.replica_region)
        except ValueError as error:
            problems.append(Problem("replica_region", settings.replica_region, str(error)))
    plan = SecureS3Settings()
    return problems + _named(
        (
            (secure_s3_settings_problems(settings.bucket(plan)), {"noncurrent_version_expiration_days": "noncurrent_version_expiration_days"}),
            (
                secure_s3_settings_problems(settings.bucket(plan, audit_log=True)),
                {"object_lock_retention_days": "audit_log_retention_days", "object_lock_mode": "audit_log_lock_mode"},
            ),
            (access_log_bucket_settings_problems(settings.access_log_bucket()), {"expiration_days": "access_log_expiration_days"}),
        )
    )


def backup_bucket_settings_problems(settings: BackupBucketSettings) -> list[Problem]:
    """Every value of ``settings`` the backups bucket refuses, under its own key (empty: valid), all at once."""
    bucket = settings.bucket(BACKUP_PLAN, lock_mode=settings.lock_mode or ObjectLockMode.COMPLIANCE)
    keys = {
        "expiration_days": "retention_days",
        "object_lock_retention_days": "retention_days",
        "noncurrent_version_expiration_days": "noncurrent_version_expiration_days",
    }
    return _named([(secure_s3_settings_problems(bucket), keys)])
