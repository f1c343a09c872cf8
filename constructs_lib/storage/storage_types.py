"""Closed choices shared by the storage constructs and the platform's phase plan.

Nothing here imports cdktf, so ``platform_plan/phases.py`` can describe buckets and grants as
data without paying for the provider bindings.
"""

from __future__ import annotations

import enum


class DataClassification(enum.Enum):
    """What a bucket holds; PHI buckets get the strictest handling (no ``force_destroy``, data events)."""

    PHI = "phi"
    """Protected health information (HIPAA)."""
    INTERNAL = "internal"
    """Non-public business data without PHI (logs, model artifacts)."""
    PUBLIC = "public"
    """Data that may be published; the bucket itself stays private (public access is blocked)."""


class ObjectLockMode(enum.StrEnum):
    """S3 Object Lock retention mode (a ``str``: its value, as S3 and environment files spell it)."""

    COMPLIANCE = "COMPLIANCE"
    """Nobody, not even the account root, can delete or shorten retention until it expires."""
    GOVERNANCE = "GOVERNANCE"
    """Principals with ``s3:BypassGovernanceRetention`` can delete; for non-production teardown."""


class GlacierStorageClass(enum.Enum):
    """The S3 Glacier class a lifecycle rule moves objects to; the value is S3's storage-class name.

    Minimum charges (Amazon S3 User Guide, "Comparing the Amazon S3 storage classes"): an object
    deleted, overwritten or moved earlier is billed for the minimum duration; a smaller object is
    billed as the minimum size (S3 lifecycle does not transition objects under 128 KB by default).
    """

    INSTANT_RETRIEVAL = "GLACIER_IR"
    """Glacier Instant Retrieval: read in milliseconds like STANDARD_IA (90 days, 128 KB minimum; per-GB retrieval fee)."""
    FLEXIBLE_RETRIEVAL = "GLACIER"
    """Glacier Flexible Retrieval: ``GetObject`` fails with ``InvalidObjectState`` until ``s3:RestoreObject``
    has made a temporary copy (minutes to hours). 90 days minimum; 40 KB of index and metadata per object."""
    DEEP_ARCHIVE = "DEEP_ARCHIVE"
    """Glacier Deep Archive: restore first, within 12 hours (48 bulk). 180 days minimum; 40 KB per object."""

    @property
    def needs_restore(self) -> bool:
        """Whether an object in this class must be restored (``s3:RestoreObject``) before ``GetObject`` works."""
        return self is not GlacierStorageClass.INSTANT_RETRIEVAL


class BucketAccess(enum.Enum):
    """The access a grant gives an identity on a bucket (see ``constructs_lib/_aws/perms.py``)."""

    READ = "read"
    WRITE = "write"
    READ_WRITE = "read_write"


HIPAA_RETENTION_DAYS = 2190
"""Six years: the HIPAA retention period for audit documentation (45 CFR 164.316(b)(2))."""
