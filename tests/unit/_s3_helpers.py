"""Builders and lookups shared by the SecureS3 and ServiceIdentity unit tests."""

from __future__ import annotations

from typing import Any

REGION = "us-east-1"
NO_REPLICA = "unit-test bucket with synthetic records only: a second region copy protects nothing here"
"""The ``replication_opt_out_reason`` the test buckets give (a PHI bucket needs a replica or a reason)."""


def opt_out(overrides: dict[str, Any]) -> dict[str, Any]:
    """``overrides`` plus the replication opt-out, unless they replicate or name another classification."""
    from constructs_lib import DataClassification

    if "replica_provider" in overrides or "replication_opt_out_reason" in overrides:
        return overrides
    if overrides.get("classification", DataClassification.PHI) is not DataClassification.PHI:
        return overrides
    return {**overrides, "replication_opt_out_reason": NO_REPLICA}


def base_stack(stack: Any) -> tuple[Any, Any]:
    """Give ``stack`` a default AWS provider and an access-logs bucket; returns (provider, log bucket)."""
    from constructs_lib import AccessLogBucket, AccessLogBucketProps
    from constructs_lib.engine.aws import AwsProvider

    provider = AwsProvider(stack, "aws", region=REGION)
    logs = AccessLogBucket(stack, "AccessLogs", AccessLogBucketProps(project="acme", environment="dev"))
    return provider, logs


def secure_s3(stack: Any, logs: Any, id_: str = "Docs", purpose: str = "medical-documents", **overrides: Any) -> Any:
    """A SecureS3 with only the required props plus ``overrides``."""
    from constructs_lib import SecureS3, SecureS3Props

    return SecureS3(stack, id_, SecureS3Props(project="acme", environment="dev", purpose=purpose, access_log_bucket=logs, **opt_out(overrides)))


def _address(element: Any) -> tuple[str, str, str]:
    from constructs_lib.engine.core import TerraformDataSource

    section = "data" if isinstance(element, TerraformDataSource) else "resource"
    return section, element.terraform_resource_type, element.friendly_unique_id


def block(synthesized: dict[str, Any], element: Any) -> dict[str, Any]:
    """The synthesized block of a resource or data source object."""
    section, resource_type, name = _address(element)
    return synthesized[section][resource_type][name]


def ref(element: Any, attribute: str) -> str:
    """How a reference to ``element.attribute`` appears in the synthesized JSON."""
    section, resource_type, name = _address(element)
    prefix = "data." if section == "data" else ""
    return f"${{{prefix}{resource_type}.{name}.{attribute}}}"


def statements(synthesized: dict[str, Any], document: Any) -> dict[str, dict[str, Any]]:
    """``{sid: statement}`` of a ``PolicyDocument`` (or its data source)."""
    data_source = getattr(document, "document", document)
    return {s["sid"]: s for s in block(synthesized, data_source)["statement"]}
