"""Whether a request may remove or weaken an S3 Object Lock retention, after IAM allowed it.

Object Lock is not IAM: it is checked on the object version after the policies allowed the request. A small model
of the Amazon S3 User Guide, "Locking objects with Object Lock" (retention modes; "How deletes work with S3 Object
Lock") and "Object Lock considerations" ("Bypassing governance mode", "Managing S3 Lifecycle policies with Object
Lock"):

* A version under retention cannot be deleted (``DeleteObject`` with a version id, lifecycle expiration included)
  or have its retention shortened or removed (``PutObjectRetention``).
* COMPLIANCE: by nobody, the account's root user included, until the retain-until date.
* GOVERNANCE: only by a request that sends ``x-amz-bypass-governance-retention: true`` from a principal that IAM
  allows ``s3:BypassGovernanceRetention`` on the object (and the delete or ``PutObjectRetention`` itself).
* Lengthening a retention is always possible; a ``DeleteObject`` without a version id only adds a delete marker,
  and a ``PutObject`` to the same key adds a version: the locked version stays in both cases.

Legal holds, per-object retention dates sent with the upload and bucket-level retention limits are not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["COMPLIANCE", "GOVERNANCE"]


@dataclass(frozen=True, slots=True)
class LockedVersion:
    """An object version written ``age_days`` ago into a bucket whose default retention is ``mode`` for ``days``."""

    mode: Mode
    days: int
    age_days: int

    @property
    def under_retention(self) -> bool:
        return self.age_days < self.days


@dataclass(frozen=True, slots=True)
class Caller:
    """What IAM decided for the caller (``iam_eval``) and whether it sends the bypass header."""

    iam_allows_action: bool
    """The policies allow the request's own action (``s3:DeleteObjectVersion``, ``s3:PutObjectRetention``)."""
    iam_allows_bypass: bool
    """The policies allow ``s3:BypassGovernanceRetention`` on the object."""
    sends_bypass_header: bool = True
    """The worst case: the caller asks for the bypass."""


def may_delete_version(version: LockedVersion, caller: Caller) -> bool:
    """Whether ``DeleteObject`` of that version id succeeds."""
    if not caller.iam_allows_action:
        return False
    if not version.under_retention:
        return True
    return version.mode == "GOVERNANCE" and caller.iam_allows_bypass and caller.sends_bypass_header


def may_shorten_retention(version: LockedVersion, caller: Caller) -> bool:
    """Whether ``PutObjectRetention`` with an earlier retain-until date (or none) succeeds."""
    return may_delete_version(version, caller)


def lifecycle_may_delete(version: LockedVersion) -> bool:
    """Whether an S3 Lifecycle expiration may permanently delete the version (never while it is under retention)."""
    return not version.under_retention
