"""Shared builders for the detection constructs' unit tests: a stack with the AWS provider, an audit-log bucket, a PHI bucket."""

from __future__ import annotations

from typing import Any

OPT_OUT = "synthetic records only in this test stack, so a second region copy protects nothing"


def aws(stack: Any) -> None:
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region="us-east-1")


def audit_bucket(stack: Any) -> Any:
    from constructs_lib import HIPAA_RETENTION_DAYS, AccessLogBucket, AccessLogBucketProps, DataClassification, SecureS3, SecureS3Props

    logs = stack.node.try_find_child("AccessLogs") or AccessLogBucket(stack, "AccessLogs", AccessLogBucketProps(project="acme", environment="dev"))
    return SecureS3(
        stack,
        "AuditLogs",
        SecureS3Props(
            project="acme",
            environment="dev",
            purpose="audit-logs",
            access_log_bucket=logs,
            classification=DataClassification.INTERNAL,
            object_lock_retention_days=HIPAA_RETENTION_DAYS,
            noncurrent_version_expiration_days=HIPAA_RETENTION_DAYS,
        ),
    )


def phi_bucket(stack: Any, id_: str = "Docs") -> Any:
    from constructs_lib import AccessLogBucket, AccessLogBucketProps, SecureS3, SecureS3Props

    logs = stack.node.try_find_child("AccessLogs") or AccessLogBucket(stack, "AccessLogs", AccessLogBucketProps(project="acme", environment="dev"))
    return SecureS3(
        stack, id_, SecureS3Props(project="acme", environment="dev", purpose=id_.lower(), access_log_bucket=logs, replication_opt_out_reason=OPT_OUT)
    )


def trail(stack: Any, **overrides: Any) -> Any:
    from constructs_lib import AuditTrail, AuditTrailProps

    return AuditTrail(stack, "AuditTrail", AuditTrailProps(**{"name_prefix": "acme-dev", "log_bucket": audit_bucket(stack), **overrides}))


def statements(stack_json: dict[str, Any], document_prefix: str) -> dict[str, dict[str, Any]]:
    """The statements of the policy document whose logical id starts with ``document_prefix``, by sid."""
    (document,) = [d for name, d in stack_json["data"]["aws_iam_policy_document"].items() if name.startswith(document_prefix)]
    return {s["sid"]: s for s in document["statement"]}
