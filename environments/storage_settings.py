"""``[s3]`` and ``[backups]``: the buckets and the database backups (no cdktf import)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from constructs_lib.value_rules import (
    check_aws_region,
    check_cron,
)

from ._section import IAM_PRINCIPAL_ARN_PATTERN, _range, _Section


class S3Settings(_Section):
    """``[s3]``: the environment's buckets (SecureS3) and their protection."""

    replica_region: Annotated[str, AfterValidator(check_aws_region)] | None = None
    """Region every SecureS3 bucket replicates to for disaster recovery; absent: no replication."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on buckets and their KMS keys."""
    noncurrent_version_expiration_days: Annotated[int, _range(1, 3650)] = 90
    """Delete overwritten or deleted object versions this many days after they stop being current."""
    audit_log_retention_days: Annotated[int, _range(1, 36500)] = 2190
    """Object Lock retention of the audit-log bucket (HIPAA: six years = 2190 days)."""
    audit_log_lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = "COMPLIANCE"
    """Object Lock mode of the audit-log bucket; GOVERNANCE lets privileged principals delete (non-production)."""
    access_log_expiration_days: Annotated[int, _range(91, 36500)] = 2190
    """Delete server access logs this many days after delivery (after their Glacier Instant Retrieval transition at 90 days)."""
    force_destroy: bool = False
    """Let ``cdktf destroy`` empty and delete every bucket (GOVERNANCE-locked audit logs included; the deployer
    needs ``s3:BypassGovernanceRetention``). Only for disposable environments with synthetic data."""


class BackupSettings(_Section):
    """``[backups]``: the daily logical backup of every service database outside Neon (``db-backup`` job)."""

    schedule: Annotated[str, AfterValidator(check_cron)] = "17 3 * * *"
    """Five-field cron (UTC) of the backup job; the off-site recovery point is at most this interval old."""
    retention_days: Annotated[int, _range(1, 3650)] = 30
    """Days a dump stays in the ``backups`` bucket before S3 expires it."""
    noncurrent_version_expiration_days: Annotated[int, _range(1, 3650)] = 5
    """Days an expired (or overwritten) dump stays recoverable as a noncurrent version before S3 deletes it."""
    lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] | None = None
    """Object Lock mode of the ``backups`` bucket and its replica; every dump is locked for ``retention_days``.
    COMPLIANCE: nobody (root included) deletes a dump or shortens its lock early; GOVERNANCE: only a principal with
    ``s3:BypassGovernanceRetention`` that sends the bypass header (none in this stack). Absent: COMPLIANCE when
    ``guardrails.production`` is true, else GOVERNANCE. Production must be COMPLIANCE; ``[s3] force_destroy`` needs
    GOVERNANCE."""
    freshness_slack_minutes: Annotated[int, _range(1, 1440)] = 120
    """How late a dump may be before the freshness alarm fires: it alarms when no dump was written for the longest
    gap between two runs of ``schedule`` plus this many minutes."""
    job_repo: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")] | None = None
    """GitHub repository (``owner/name``) of this infrastructure code: Railway builds the backup job from its
    ``services/db-backup`` folder (Dockerfile, ``backup.sh``, ``railway.toml``). Absent: ``[railway] repo``, whose
    ``<services_dir>/db-backup`` must then hold a copy of that folder."""
    job_branch: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")] | None = None
    """Branch of ``job_repo`` the job is built from; Railway rebuilds it on every push. Absent: ``[railway] branch``."""
    restore_reader_arn: Annotated[str, Field(pattern=IAM_PRINCIPAL_ARN_PATTERN)] | None = None
    """IAM role ARN that lists, reads and decrypts the dumps (bucket policy + ``kms:Decrypt`` through S3, replica
    included) to restore them: no service and no account administrator can. Required when
    ``guardrails.production`` is true (backups no one can decrypt restore nothing)."""
