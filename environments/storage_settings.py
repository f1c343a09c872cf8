"""``[s3]`` and ``[backups]``: the environment's storage policy, validated as the library's settings (no cdktf import).

``[s3]`` *is* a ``constructs_lib.storage.storage_settings.StorageSettings`` and ``[backups]`` a ``BackupBucketSettings``
plus the backup job's own keys: their fields, docstrings and defaults are the library's, and their values are judged
by the library's rules (the rules of the bucket fields they set). Rules across sections (the teardown rule, the
backups' lock mode in production, the replica region) are ``EnvironmentConfig``'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic.dataclasses import dataclass

from constructs_lib.storage import storage_settings
from constructs_lib.value_rules import check_cron

from ._section import IAM_PRINCIPAL_ARN_PATTERN, SECTION_CONFIG, SettingsSection, _range, file_problems


@dataclass(frozen=True, kw_only=True, config=SECTION_CONFIG)
class S3Settings(SettingsSection, storage_settings.StorageSettings):
    """``[s3]``: the environment's buckets (every SecureS3 and AccessLogBucket) and their protection (``StorageSettings``)."""

    def _problems(self) -> Iterator[str]:
        yield from file_problems("s3", storage_settings.storage_settings_problems(self))


@dataclass(frozen=True, kw_only=True, config=SECTION_CONFIG)
class BackupSettings(SettingsSection, storage_settings.BackupBucketSettings):
    """``[backups]``: the daily logical backup of every service database outside Neon (``db-backup`` job): the
    backups bucket's values (``BackupBucketSettings``) and the job's."""

    schedule: Annotated[str, AfterValidator(check_cron)] = "17 3 * * *"
    """Five-field cron (UTC) of the backup job; the off-site recovery point is at most this interval old."""
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

    def _problems(self) -> Iterator[str]:
        yield from file_problems("backups", storage_settings.backup_bucket_settings_problems(self))
