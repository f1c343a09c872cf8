"""FindingRoutes: one EventBridge rule per source into the security alert topic, which admits exactly those rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json
from tests.unit._detection_helpers import aws, trail


def _routes(stack: Any, **overrides: Any) -> Any:
    from constructs_lib import FindingRoutes, FindingRoutesProps

    aws(stack)
    return FindingRoutes(stack, "Findings", FindingRoutesProps(**{"name_prefix": "acme-dev", "alert_trail": trail(stack), **overrides}))


def test_default_routes_and_their_targets(fresh_stack: Any) -> None:
    _routes(fresh_stack)
    synthesized = synth_json(fresh_stack)
    rules = resources_of(synthesized, "aws_cloudwatch_event_rule")
    assert sorted(r["name"] for r in rules.values()) == ["acme-dev-access-analyzer-findings", "acme-dev-guardduty-findings", "acme-dev-securityhub-findings"]
    (topic,) = [n for n in resources_of(synthesized, "aws_sns_topic") if n.startswith("AuditTrail_Topics_Alerts")]
    targets = resources_of(synthesized, "aws_cloudwatch_event_target").values()
    assert sorted(t["rule"].split(".")[1] for t in targets) == sorted(rules)
    assert all(t["arn"] == f"${{aws_sns_topic.{topic}.arn}}" for t in targets)
    patterns = {r["name"]: json.loads(r["event_pattern"]) for r in rules.values()}
    assert patterns["acme-dev-guardduty-findings"]["detail"] == {"severity": [{"numeric": [">=", 7.0]}]}
    hub = patterns["acme-dev-securityhub-findings"]["detail"]["findings"]
    assert hub["Severity"] == {"Label": ["HIGH", "CRITICAL"]}
    assert hub["ProductName"] == [{"anything-but": ["GuardDuty", "IAM Access Analyzer"]}]


def test_topic_and_key_admit_the_rules(fresh_stack: Any) -> None:
    routes = _routes(fresh_stack)
    synthesized = synth_json(fresh_stack)
    (policy,) = [p for n, p in resources_of(synthesized, "aws_sns_topic_policy").items() if n.startswith("AuditTrail_Topics_AlertsPolicy")]
    rule_arns = sorted(f"${{aws_cloudwatch_event_rule.{n}.arn}}" for n in resources_of(synthesized, "aws_cloudwatch_event_rule"))
    (allow,) = [s for s in json.loads(policy["policy"])["Statement"] if s.get("Sid") == "EventBridgeFindingRules"]
    assert sorted(allow["Condition"]["ArnEquals"]["aws:SourceArn"]) == rule_arns
    (key,) = [k for n, k in resources_of(synthesized, "aws_kms_key").items() if n.startswith("AuditTrail_Logs_Key")]
    (statement,) = [s for s in json.loads(key["policy"])["Statement"] if s.get("Sid") == "EventBridgeFindingRulesPublishToAlertTopic"]
    assert sorted(statement["Condition"]["ArnEquals"]["aws:SourceArn"]) == rule_arns
    assert statement["Action"] == ["kms:GenerateDataKey*", "kms:Decrypt"]
    assert len(routes.rule_arns) == 3


def test_macie_route_and_threshold(fresh_stack: Any) -> None:
    from constructs_lib import FindingSeverity, FindingSource

    sources = (FindingSource.GUARDDUTY, FindingSource.MACIE)
    _routes(fresh_stack, min_severity=FindingSeverity.MEDIUM, sources=sources)
    patterns = {r["name"]: json.loads(r["event_pattern"]) for r in resources_of(synth_json(fresh_stack), "aws_cloudwatch_event_rule").values()}
    assert patterns["acme-dev-macie-findings"]["detail"] == {"severity": {"description": ["Medium", "High"]}}
    assert patterns["acme-dev-guardduty-findings"]["detail"] == {"severity": [{"numeric": [">=", 4.0]}]}


def test_fails_when_sources_repeat_or_the_trail_is_missing(fresh_stack: Any) -> None:
    from constructs_lib import FindingRoutes, FindingRoutesProps, FindingSource

    aws(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Findings: alert_trail must be the AuditTrail whose alert topic receives the findings, got 'topic-arn'$"):
        FindingRoutes(fresh_stack, "Findings", FindingRoutesProps(name_prefix="acme-dev", alert_trail="topic-arn"))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^test/Findings2: sources must be a non-empty tuple of distinct FindingSource"):
        sources = (FindingSource.GUARDDUTY, FindingSource.GUARDDUTY)
        FindingRoutes(fresh_stack, "Findings2", FindingRoutesProps(name_prefix="acme-dev", alert_trail=trail(fresh_stack), sources=sources))
