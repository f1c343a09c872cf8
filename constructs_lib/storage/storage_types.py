"""Closed choices shared by the storage constructs and the platform's phase plan.

Nothing here imports cdktf, so ``stacks/phases.py`` can describe buckets and grants as
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


class ObjectLockMode(enum.Enum):
    """S3 Object Lock retention mode."""

    COMPLIANCE = "COMPLIANCE"
    """Nobody, not even the account root, can delete or shorten retention until it expires."""
    GOVERNANCE = "GOVERNANCE"
    """Principals with ``s3:BypassGovernanceRetention`` can delete; for non-production teardown."""


class BucketAccess(enum.Enum):
    """The access a grant gives an identity on a bucket (see ``constructs_lib/_aws/perms.py``)."""

    READ = "read"
    WRITE = "write"
    READ_WRITE = "read_write"


HIPAA_RETENTION_DAYS = 2190
"""Six years: the HIPAA retention period for audit documentation (45 CFR 164.316(b)(2))."""
