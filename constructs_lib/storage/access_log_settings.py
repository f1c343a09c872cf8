"""``AccessLogBucketSettings``: the values of an AccessLogBucket, declared once, and ``access_log_bucket_settings_problems``, their one rule.

No cdktf import: the environment's ``StorageSettings`` (``[s3]``) sets ``expiration_days`` and the protection of its
access-log buckets, and is judged by this rule at load; ``AccessLogBucketProps`` is these settings plus the name
parts and the provider.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Problem
from .secure_s3_settings import BucketProtection, lifecycle_problems, protection_problems
from .storage_types import HIPAA_RETENTION_DAYS, GlacierStorageClass

ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 7
"""S3 delivers access logs in single PUTs; leftover multipart parts (of anything else) go after a week."""


@dataclass(frozen=True, kw_only=True, slots=True)
class AccessLogBucketSettings(BucketProtection):
    """The values of an ``AccessLogBucket`` (no names, no provider)."""

    expiration_days: int = HIPAA_RETENTION_DAYS
    """Delete log objects this many days after delivery (after the last transition, at most 36500). Default: 2190
    (six years, HIPAA)."""
    transition_ia_days: int | None = 30
    """Move logs to STANDARD_IA at this age (>= 30); None keeps them in STANDARD. Default: 30."""
    transition_glacier_days: int | None = 90
    """Move logs to ``glacier_storage_class`` at this age (> transition_ia_days); None never archives. Default: 90."""
    glacier_storage_class: GlacierStorageClass = GlacierStorageClass.INSTANT_RETRIEVAL
    """The Glacier class of ``transition_glacier_days``; FLEXIBLE_RETRIEVAL or DEEP_ARCHIVE make an investigator
    restore each log object (hours) before reading it. Default: INSTANT_RETRIEVAL (GLACIER_IR, read in milliseconds)."""
    noncurrent_version_expiration_days: int = 30
    """Delete overwritten or deleted log versions after this many days (1..36500). Default: 30."""

    @property
    def abort_incomplete_multipart_upload_days(self) -> int:
        """Fixed: ``ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS``."""
        return ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS


def access_log_bucket_settings_problems(settings: AccessLogBucketSettings) -> list[Problem]:
    """Every value of ``settings`` S3 refuses or that contradicts another (empty: valid), all at once."""
    return lifecycle_problems(settings) + protection_problems(settings)
