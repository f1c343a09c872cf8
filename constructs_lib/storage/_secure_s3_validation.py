"""Validation of ``SecureS3Props``: every rule runs before the construct creates a child."""

from __future__ import annotations

from .._reasons import check_reason
from ..errors import Problems, ValidationError
from ..value_rules import check_account_bucket_stem, check_name_part
from ._bucket_baseline import MAX_LIFECYCLE_DAYS, LifecycleDays, validate_lifecycle
from .secure_s3_props import SecureS3Props
from .storage_types import DataClassification, ObjectLockMode

REPLICA_SUFFIX = "-replica"
"""The replica bucket's stem is ``<stem>-replica`` (the bucket ``<stem>-replica-<account id>``)."""


def not_replicated_reason(classification: DataClassification) -> str:
    """The accepted CKV_AWS_144 reason a non-PHI bucket without a replica publishes by default."""
    return (
        f"a bucket classified {classification.value} holds no PHI, so it has no cross-region replica unless replica_provider "
        "is set; versioning keeps earlier object versions within the region"
    )


def validate_props(path: str, props: SecureS3Props) -> str:
    """Check ``props`` and return the bucket name's stem ``<project>-<env>-<purpose>``.

    Every problem is reported at once (``ValidationErrors``; a single one as ``ValidationError``), naming ``path``.
    """
    problems = Problems(path)
    names_ok = True
    for field in ("project", "environment", "purpose"):
        value = getattr(props, field)
        try:
            check_name_part(value)
        except ValueError as error:
            problems.add(field, value, str(error))
            names_ok = False
    name = f"{props.project}-{props.environment}-{props.purpose}"
    longest = f"{name}{REPLICA_SUFFIX}" if props.replica_provider is not None else name
    if names_ok:
        try:
            check_account_bucket_stem(longest)
        except ValueError as error:
            field = "bucket name (with the replica suffix)" if longest != name else "bucket name"
            problems.add(field, longest, str(error))

    try:
        validate_lifecycle(path, LifecycleDays.of(props))
    except ValidationError as error:
        problems.errors.append(error)

    retention = props.object_lock_retention_days
    if retention is not None:
        if not 1 <= retention <= MAX_LIFECYCLE_DAYS:
            problems.add("object_lock_retention_days", retention, f"1..{MAX_LIFECYCLE_DAYS} or None")
        elif props.noncurrent_version_expiration_days < retention and (props.expiration_days is None or props.expiration_days < retention):
            # With expiration_days >= retention a version becomes noncurrent after its lock ended; an earlier
            # overwritten version is kept until its lock ends anyway (lifecycle cannot delete a locked version).
            problems.add(
                "noncurrent_version_expiration_days",
                props.noncurrent_version_expiration_days,
                f"at least object_lock_retention_days ({retention}) unless expiration_days is: locked versions cannot expire earlier",
            )
    elif props.object_lock_mode is not ObjectLockMode.COMPLIANCE:
        problems.add("object_lock_mode", props.object_lock_mode.value, "left at its default unless object_lock_retention_days is set")

    if props.force_destroy:
        if props.classification is DataClassification.PHI and not props.allow_force_destroy_phi:
            problems.add("force_destroy", True, "False for PHI buckets (classification=phi) unless allow_force_destroy_phi (synthetic data only)")
        if props.protect_from_destroy:
            problems.add("force_destroy", True, "False while protect_from_destroy is True")
        if retention is not None and props.object_lock_mode is ObjectLockMode.COMPLIANCE:
            problems.add("force_destroy", True, "False with Object Lock in COMPLIANCE mode (locked objects cannot be deleted)")

    if props.allow_force_destroy_phi and not props.force_destroy:
        problems.add("allow_force_destroy_phi", True, "False unless force_destroy is True")

    provider, replica_logs = props.replica_provider, props.replica_access_log_bucket
    if provider is not None:
        if not provider.region:
            problems.add("replica_provider", provider.node.path, "an AwsProvider with an explicit region")
        if replica_logs is None:
            problems.add("replica_access_log_bucket", None, "an AccessLogBucket in the replica region when replica_provider is set")
        elif replica_logs.provider is not provider:
            problems.add("replica_access_log_bucket", replica_logs.node.path, f"an AccessLogBucket created with replica_provider ({provider.node.path})")
    elif replica_logs is not None:
        problems.add("replica_access_log_bucket", replica_logs.node.path, "None when replica_provider is not set")
    reason = props.replication_opt_out_reason
    if provider is not None and reason is not None:
        problems.add("replication_opt_out_reason", reason, "None when replica_provider is set (the bucket is replicated)")
    elif reason is not None:
        try:
            check_reason(reason)
        except ValueError as error:
            problems.add("replication_opt_out_reason", reason, str(error))
    elif provider is None and props.classification is DataClassification.PHI:
        problems.add(
            "replication_opt_out_reason",
            None,
            "a reason why this phi bucket has no cross-region replica (checkov CKV_AWS_144), or set replica_provider to replicate it",
        )
    problems.raise_if_any()
    return name
