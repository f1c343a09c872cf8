"""EventBridge event patterns of security findings at or above a severity (pure data, no cdktf).

The event shapes are the services' documented EventBridge events: GuardDuty ``GuardDuty Finding`` (numeric
``detail.severity``), Security Hub ``Security Hub Findings - Imported`` (ASFF findings under
``detail.findings``), IAM Access Analyzer ``Access Analyzer Finding`` (external access; no severity) and
Macie ``Macie Finding`` (``detail.severity.description``).
"""

from __future__ import annotations

import enum
from typing import Any

from .detection_types import FindingSeverity


class FindingSource(enum.Enum):
    """A service whose findings a route sends on."""

    GUARDDUTY = "guardduty"
    SECURITY_HUB = "securityhub"
    ACCESS_ANALYZER = "access-analyzer"
    MACIE = "macie"


SECURITY_HUB_PRODUCTS_ROUTED_ELSEWHERE = {
    FindingSource.GUARDDUTY: "GuardDuty",
    FindingSource.ACCESS_ANALYZER: "IAM Access Analyzer",
    FindingSource.MACIE: "Macie",
}
"""ASFF ``ProductName`` of the services that also send their findings into Security Hub: when such a service has
its own route, the Security Hub route leaves its findings out, so a finding is delivered once."""


def finding_pattern(source: FindingSource, severity: FindingSeverity, *, routed: tuple[FindingSource, ...] = ()) -> dict[str, Any] | None:
    """The event pattern of ``source``'s findings at or above ``severity``; None when no finding can qualify
    (Macie has no Critical). ``routed``: every source with a route, so Security Hub leaves theirs out."""
    if source is FindingSource.GUARDDUTY:
        return {
            "source": ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            "detail": {"severity": [{"numeric": [">=", severity.guardduty_minimum]}]},
        }
    if source is FindingSource.SECURITY_HUB:
        findings: dict[str, Any] = {
            "Severity": {"Label": list(severity.security_hub_labels)},
            "RecordState": ["ACTIVE"],
            "Workflow": {"Status": ["NEW"]},
        }
        elsewhere = [name for s, name in SECURITY_HUB_PRODUCTS_ROUTED_ELSEWHERE.items() if s in routed]
        if elsewhere:
            findings["ProductName"] = [{"anything-but": elsewhere}]
        return {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"], "detail": {"findings": findings}}
    if source is FindingSource.ACCESS_ANALYZER:
        # External access findings carry no severity: every active one (a resource of the account opened to a
        # principal outside it) is routed, whatever the threshold.
        return {"source": ["aws.access-analyzer"], "detail-type": ["Access Analyzer Finding"], "detail": {"status": ["ACTIVE"]}}
    labels = severity.macie_labels
    if not labels:
        return None
    return {"source": ["aws.macie"], "detail-type": ["Macie Finding"], "detail": {"severity": {"description": list(labels)}}}
