"""Validation of ``SecureS3Props``: every rule runs before the construct creates a child.

The values are judged by ``secure_s3_settings_problems`` (the settings' one rule); this module adds the rules on
what the construct is given besides: its name parts and the replica provider, its log bucket and reason.
"""

from __future__ import annotations

from ..errors import Problems
from ..value_rules import check_account_bucket_stem, check_name_part
from .secure_s3_props import SecureS3Props
from .secure_s3_settings import secure_s3_settings_problems
from .storage_types import DataClassification

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

    problems.extend(secure_s3_settings_problems(props))

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
    reason = props.replication_opt_out_reason  # its wording is a settings rule
    if provider is not None and reason is not None:
        problems.add("replication_opt_out_reason", reason, "None when replica_provider is set (the bucket is replicated)")
    elif provider is None and reason is None and props.classification is DataClassification.PHI:
        problems.add(
            "replication_opt_out_reason",
            None,
            "a reason why this phi bucket has no cross-region replica (checkov CKV_AWS_144), or set replica_provider to replicate it",
        )
    problems.raise_if_any()
    return name
