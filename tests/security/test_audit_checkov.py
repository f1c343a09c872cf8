"""checkov's CloudTrail, CloudWatch Logs and SNS checks over every synthesized environment x phase (one run)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ALL_COMBOS
from tests.security.conftest import report_subset

pytestmark = pytest.mark.checkov

AUDIT_CHECKS = {
    "CKV_AWS_35": ("aws_cloudtrail", 1),  # log files encrypted with a customer-managed KMS key
    "CKV_AWS_36": ("aws_cloudtrail", 1),  # log file validation
    "CKV_AWS_67": ("aws_cloudtrail", 1),  # all regions
    "CKV_AWS_252": ("aws_cloudtrail", 1),  # SNS topic defined
    "CKV2_AWS_10": ("aws_cloudtrail", 1),  # integrated with CloudWatch Logs
    "CKV_AWS_158": ("aws_cloudwatch_log_group", 1),  # log group KMS-encrypted
    "CKV_AWS_338": ("aws_cloudwatch_log_group", 1),  # log group kept >= 1 year
    "CKV_AWS_26": ("aws_sns_topic", 2),  # topics encrypted
}
"""Check id -> (resource type, how many of the trail's resources of that type each stack holds)."""


@pytest.fixture(scope="module")
def checkov_report(checkov_reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The audit checks' results from the session's single checkov run over every env x phase."""
    return report_subset(checkov_reports["terraform_json"], check_ids=AUDIT_CHECKS)


def test_audit_checks_ran_and_none_failed(checkov_report: dict[str, Any]) -> None:
    assert checkov_report["results"]["failed_checks"] == []
    assert checkov_report["summary"]["parsing_errors"] == 0


@pytest.mark.parametrize("check_id", sorted(AUDIT_CHECKS))
def test_audit_check_passed_in_every_stack(checkov_report: dict[str, Any], check_id: str) -> None:
    _, per_stack = AUDIT_CHECKS[check_id]
    # checkov names terraform_json resources "resource.<name>" (graph checks: "<type>.<name>").
    passed = [r for r in checkov_report["results"]["passed_checks"] if r["check_id"] == check_id and r["resource"].split(".")[-1].startswith("AuditTrail")]
    where = [(r["file_path"].split("/")[-2], int(r["file_path"].split("/")[-4].removeprefix("phase"))) for r in passed]
    # The trail, its log group and its two topics were checked, and passed, in every environment x phase.
    assert sorted(where) == sorted(combo for combo in ALL_COMBOS for _ in range(per_stack)), check_id
