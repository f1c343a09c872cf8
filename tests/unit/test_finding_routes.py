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


def test_the_security_topic_pages_through_https_endpoints(fresh_stack: Any) -> None:
    pager = "https://events.pagerduty.com/integration/0123456789abcdef/enqueue"
    aws(fresh_stack)
    trail(fresh_stack, alert_https_endpoints=(pager,), alert_emails=("security@meridian-health.org",))
    subscriptions = [s for n, s in resources_of(synth_json(fresh_stack), "aws_sns_topic_subscription").items() if n.startswith("AuditTrail_Topics_")]
    assert sorted((s["protocol"], s["endpoint"]) for s in subscriptions) == [("email", "security@meridian-health.org"), ("https", pager)]
    (https,) = [s for s in subscriptions if s["protocol"] == "https"]
    assert (https["endpoint_auto_confirms"], https["confirmation_timeout_in_minutes"]) == (True, 5)


@pytest.mark.parametrize("url", ["http://events.pagerduty.com/x", "https://user:secret@hooks.example.org/x"])
def test_fails_when_a_security_paging_url_is_not_https(fresh_stack: Any, url: str) -> None:
    aws(fresh_stack)
    with pytest.raises(ValidationError, match=rf"^test/AuditTrail: alert_https_endpoints must be an https:// URL.*got '{url}'$"):
        trail(fresh_stack, alert_https_endpoints=(url,))


def test_allow_event_rules_counts_a_rule_once_and_keeps_the_alarms(fresh_stack: Any) -> None:
    aws(fresh_stack)
    audit = trail(fresh_stack)
    arn = "arn:aws:events:us-east-1:111122223333:rule/acme-dev-guardduty-findings"
    audit.allow_event_rules(arn)
    audit.allow_event_rules(arn)
    (policy,) = [p for n, p in resources_of(synth_json(fresh_stack), "aws_sns_topic_policy").items() if n.startswith("AuditTrail_Topics_AlertsPolicy")]
    statements = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}
    assert list(statements) == ["CloudWatchAlarmsOfThisAccount", "EventBridgeFindingRules", "DenyInsecureTransport"]
    assert statements["EventBridgeFindingRules"]["Condition"]["ArnEquals"] == {"aws:SourceArn": [arn]}
