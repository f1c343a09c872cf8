"""checkov's VPC, flow log and log group checks over the synthesized phase 4 stacks (one run)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.conftest import report_subset

pytestmark = pytest.mark.checkov

NETWORK_CHECKS = {
    "CKV2_AWS_11": "aws_vpc",  # flow logs enabled
    "CKV2_AWS_12": "aws_vpc",  # default security group restricts all traffic
    "CKV_AWS_130": "aws_subnet",  # no public IPs on launch
    "CKV_AWS_158": "aws_cloudwatch_log_group",  # KMS-encrypted
    "CKV_AWS_338": "aws_cloudwatch_log_group",  # retained >= 1 year
    "CKV_AWS_7": "aws_kms_key",  # key rotation
    "CKV2_AWS_64": "aws_kms_key",  # key policy defined
    "CKV_AWS_33": "aws_kms_key",  # no wildcard principal
    "CKV2_AWS_19": "aws_eip",  # EIPs attached (to NAT gateways)
}


@pytest.fixture(scope="module")
def checkov_report(checkov_reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The network checks' phase-4 results from the session's single checkov run."""
    return report_subset(checkov_reports["terraform_json"], check_ids=NETWORK_CHECKS, phase=4)


def test_network_checks_ran_and_none_failed(checkov_report: dict[str, Any]) -> None:
    assert checkov_report["results"]["failed_checks"] == []
    assert checkov_report["summary"]["parsing_errors"] == 0


@pytest.mark.parametrize("check_id", sorted(NETWORK_CHECKS))
def test_network_check_passed_in_every_environment(checkov_report: dict[str, Any], check_id: str) -> None:
    passed = [r for r in checkov_report["results"]["passed_checks"] if r["check_id"] == check_id]
    # Every environment's phase 4 stack holds the checked resource type, and the check passed there.
    assert {r["file_path"].split("/")[-2] for r in passed} == {"dev", "staging", "prod"}, check_id
