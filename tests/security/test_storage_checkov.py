"""checkov's S3, KMS and IAM checks over every bucket, key and identity the platform synthesizes.

It reads the phase-4 results of the session's single checkov run: a phase only adds
(``test_a_higher_phase_keeps_every_resource``), so phase 4 holds every bucket, key and
identity of the lower phases, and prod holds the replicas. Findings are compared with
``UNAVOIDABLE``: any other failure of an S3/KMS/IAM check fails the test, and so does an
expected finding that went away (so the list never goes stale). The project-wide checkov
gate and its skip file belong to the guardrails; this test only covers storage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from platform_plan.phases import BUCKET_GRANTS, BUCKETS, SERVICES
from tests.conftest import Combo
from tests.security.conftest import report_subset

pytestmark = pytest.mark.checkov

STORAGE_TYPES = ("aws_s3_", "aws_kms_", "aws_iam_")
STORAGE_CONSTRUCTS = ("Bucket-", "AccessLogs", "Identity-", "FieldKey-")
"""Top-level construct ids of stacks/_storage.add_storage and of the PHI field keys (stacks/_keys.py); other components
have their own gates."""
ENVS = ("dev", "staging", "prod")
REPLICATED_ENVS = ("prod",)
"""Environments whose env file sets ``[s3] replica_region``."""


def _unavoidable() -> set[tuple[str, str, str]]:
    """(check id, environment, construct path) of every finding that cannot pass, with the reason in docs/constructs/SecureS3.md."""
    findings: set[tuple[str, str, str]] = set()
    # Every Railway service also writes its own application logs (stacks/_telemetry.py).
    services = {g.service for g in BUCKET_GRANTS} | {s.name for s in SERVICES if s.encrypts_fields or s.runs_on_railway}
    for env in ENVS:
        # Railway cannot assume an IAM role, so each service that touches S3, its KMS field key or its log group needs an IAM user.
        findings |= {("CKV_AWS_273", env, f"{env}/Identity-{service}/Resource") for service in services}
        # Server access logs cannot be delivered to SSE-KMS buckets: the log bucket uses SSE-S3.
        findings.add(("CKV_AWS_145", env, f"{env}/AccessLogs/Resource"))
        # The access logs themselves are not replicated (their loss does not lose patient data).
        findings.add(("CKV_AWS_144", env, f"{env}/AccessLogs/Resource"))
        if env in REPLICATED_ENVS:
            findings.add(("CKV_AWS_145", env, f"{env}/AccessLogsReplica/Resource"))
            findings.add(("CKV_AWS_144", env, f"{env}/AccessLogsReplica/Resource"))
        else:
            # Cross-region replication is a per-environment setting, off where there is no real PHI.
            findings |= {("CKV_AWS_144", env, f"{env}/Bucket-{b.purpose}/Resource") for b in BUCKETS}
    return findings


UNAVOIDABLE = _unavoidable()


def _paths_by_logical_id(stack: dict[str, Any]) -> dict[str, str]:
    """Logical id -> construct path of every S3/KMS/IAM resource and policy document of the storage constructs."""
    blocks = [
        (name, block)
        for resource_type, by_name in stack.get("resource", {}).items()
        if resource_type.startswith(STORAGE_TYPES)
        for name, block in by_name.items()
    ]
    blocks += list(stack.get("data", {}).get("aws_iam_policy_document", {}).items())
    paths = {name: block["//"]["metadata"]["path"] for name, block in blocks}
    return {name: path for name, path in paths.items() if path.split("/")[1].startswith(STORAGE_CONSTRUCTS)}


@pytest.fixture(scope="module")
def checkov_report(checkov_reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Every phase-4 result from the session's single checkov run (phase 4 holds every bucket, key and identity)."""
    return report_subset(checkov_reports["terraform_json"], phase=4)


def _storage_results(report: dict[str, Any], stacks: dict[Combo, dict[str, Any]], kind: str) -> set[tuple[str, str, str]]:
    paths = {env: _paths_by_logical_id(stacks[env, 4]) for env in ENVS}
    found = set()
    for check in report["results"][kind]:
        env = Path(check["file_path"]).parent.name
        path = paths[env].get(check["resource"].rsplit(".", 1)[-1])
        if path is not None:
            found.add((check["check_id"], env, path))
    return found


def test_checkov_ran_the_storage_checks(checkov_report: dict[str, Any], stacks: dict[Combo, dict[str, Any]]) -> None:
    passed = _storage_results(checkov_report, stacks, "passed_checks")
    assert checkov_report["summary"]["parsing_errors"] == 0
    # A parser failure (e.g. terraform.required_version) makes checkov run nothing: insist on the checks.
    for check_id, path in [
        ("CKV_AWS_145", "prod/Bucket-medical-documents/Resource"),
        ("CKV_AWS_144", "prod/Bucket-medical-documents/Resource"),
        ("CKV_AWS_18", "prod/Bucket-medical-documents/Resource"),
        ("CKV_AWS_21", "dev/Bucket-ml-models/Resource"),
        ("CKV2_AWS_6", "dev/Bucket-medical-images/Resource"),
        ("CKV2_AWS_61", "dev/AccessLogs/Resource"),
        ("CKV2_AWS_62", "staging/Bucket-audit-logs/Resource"),
        ("CKV_AWS_7", "dev/Bucket-appointment-attachments/Key/Resource"),
        ("CKV_AWS_33", "prod/Bucket-audit-logs/Replica/Key/Resource"),
        ("CKV2_AWS_64", "prod/Bucket-audit-logs/Key/Resource"),
        ("CKV2_AWS_22", "dev/Identity-ai/Resource"),
        ("CKV_AWS_7", "prod/FieldKey-patient/Resource"),
        ("CKV_AWS_33", "dev/FieldKey-appointment/Resource"),
        ("CKV2_AWS_64", "staging/FieldKey-medical-records/Resource"),
    ]:
        assert (check_id, path.split("/")[0], path) in passed, (check_id, path)


def test_storage_findings_are_exactly_the_unavoidable_ones(checkov_report: dict[str, Any], stacks: dict[Combo, dict[str, Any]]) -> None:
    failed = _storage_results(checkov_report, stacks, "failed_checks")
    assert sorted(failed - UNAVOIDABLE) == [], "new S3/KMS/IAM findings"
    assert sorted(UNAVOIDABLE - failed) == [], "expected findings that no longer occur: update UNAVOIDABLE and docs/constructs/SecureS3.md"
