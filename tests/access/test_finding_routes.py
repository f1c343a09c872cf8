"""Security findings reach the security alert topic, and nothing else new may publish there: event patterns
evaluated against sample findings (``event_match``) and AWS's decisions for the topic and key policies (``iam_eval``)."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.detection.detection_types import FindingSeverity
from constructs_lib.detection.finding_patterns import FindingSource, finding_pattern
from environments import load_all
from tests.access.event_match import UnsupportedPattern, matches
from tests.access.iam_eval import Decision, Principal
from tests.access.test_alert_access import CLOUDWATCH, OTHER_ACCOUNT, SECURITY, alarm, budget, publish, use_key, why
from tests.access.world import ACCOUNT, EventRule, StackWorld
from tests.conftest import ALL_COMBOS, Combo

EVENTS = Principal.service("events.amazonaws.com")
CONFIGS = load_all()
DETECTING = [c for c in ALL_COMBOS if CONFIGS[c[0]].account.owns_account_baseline]
IDS = [f"{e}-phase{p}" for e, p in DETECTING]

# Sample events, shaped as the services document them for EventBridge ---------------------------------------------


def guardduty_finding(severity: float) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "c8c4daa7-a20c-2f03-0070-b7393dd542ad",
        "detail-type": "GuardDuty Finding",
        "source": "aws.guardduty",
        "account": ACCOUNT,
        "time": "2026-01-12T10:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {
            "schemaVersion": "2.0",
            "accountId": ACCOUNT,
            "region": "us-east-1",
            "partition": "aws",
            "id": "16afba5c5c43e07c9e3e5e2e544e95df",
            "type": "Exfiltration:S3/AnomalousBehavior",
            "resource": {"resourceType": "S3Bucket"},
            "severity": severity,
            "title": "Anomalous S3 reads of a PHI bucket",
        },
    }


def security_hub_finding(label: str, *, product: str = "Security Hub", workflow: str = "NEW", record_state: str = "ACTIVE") -> dict[str, Any]:
    normalized = {"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 40, "HIGH": 70, "CRITICAL": 90}[label]
    return {
        "version": "0",
        "id": "8e5622f9-d81c-4d81-612a-9319e7ee2506",
        "detail-type": "Security Hub Findings - Imported",
        "source": "aws.securityhub",
        "account": ACCOUNT,
        "region": "us-east-1",
        "resources": [f"arn:aws:securityhub:us-east-1:{ACCOUNT}:security-control/S3.8/finding/0a1b"],
        "detail": {
            "findings": [
                {
                    "SchemaVersion": "2018-10-08",
                    "ProductName": product,
                    "Title": "S3 general purpose buckets should block public access",
                    "Severity": {"Label": label, "Normalized": normalized},
                    "Compliance": {"Status": "FAILED" if label != "INFORMATIONAL" else "PASSED"},
                    "Workflow": {"Status": workflow},
                    "RecordState": record_state,
                }
            ]
        },
    }


def access_analyzer_finding(status: str) -> dict[str, Any]:
    return {
        "version": "0",
        "detail-type": "Access Analyzer Finding",
        "source": "aws.access-analyzer",
        "account": ACCOUNT,
        "region": "us-east-1",
        "detail": {
            "version": "1.0",
            "id": "22222222-dcba-4444-dcba-333333333333",
            "status": status,
            "resourceType": "AWS::S3::Bucket",
            "resource": "arn:aws:s3:::healthcare-prod-medical-documents-111122223333",
            "isPublic": False,
            "principal": {"AWS": "444455556666"},
            "action": ["s3:GetObject"],
        },
    }


def macie_finding(description: str) -> dict[str, Any]:
    return {
        "version": "0",
        "detail-type": "Macie Finding",
        "source": "aws.macie",
        "account": ACCOUNT,
        "region": "us-east-1",
        "detail": {"schemaVersion": "1.0", "type": "SensitiveData:S3Object/Personal", "severity": {"score": 3, "description": description}},
    }


# The matcher itself ------------------------------------------------------------------------------------------------


def test_the_matcher_follows_eventbridge_semantics() -> None:
    event = {"source": "aws.x", "detail": {"n": 7, "s": "abc", "items": [{"k": "a"}, {"k": "b"}], "nothing": None}}
    assert matches({"source": ["aws.x"]}, event)
    assert not matches({"source": ["aws.y"]}, event)
    assert matches({"detail": {"n": [7.0]}}, event)  # numbers compare as numbers
    assert not matches({"detail": {"n": ["7"]}}, event)  # a string never equals a number
    assert matches({"detail": {"n": [{"numeric": [">=", 7]}]}}, event)
    assert not matches({"detail": {"n": [{"numeric": [">", 7]}]}}, event)
    assert matches({"detail": {"n": [{"numeric": [">", 0, "<=", 7]}]}}, event)
    assert not matches({"detail": {"s": [{"numeric": [">=", 0]}]}}, event)  # numeric never matches a string
    assert matches({"detail": {"s": [{"prefix": "ab"}]}}, event)
    assert not matches({"detail": {"s": [{"prefix": "b"}]}}, event)
    assert matches({"detail": {"items": {"k": ["b"]}}}, event)  # arrays of objects are flattened
    assert matches({"detail": {"s": [{"anything-but": ["x", "y"]}]}}, event)
    assert not matches({"detail": {"s": [{"anything-but": ["abc"]}]}}, event)
    assert not matches({"detail": {"missing": [{"anything-but": ["abc"]}]}}, event)  # absent never matches
    assert not matches({"detail": {"missing": ["abc"]}}, event)
    assert not matches({"source": ["aws.x"], "detail": {"s": ["other"]}}, event)  # every key must match
    for unsupported in ({"detail": {"s": [{"exists": True}]}}, {"detail": {"s": [{"suffix": "c"}]}}, {"$or": []}, {"source": "aws.x"}):
        with pytest.raises(UnsupportedPattern):
            matches(unsupported, event)


def test_the_patterns_route_findings_at_or_above_the_severity() -> None:
    guardduty = finding_pattern(FindingSource.GUARDDUTY, FindingSeverity.HIGH)
    assert guardduty is not None
    assert matches(guardduty, guardduty_finding(7))
    assert matches(guardduty, guardduty_finding(8.9))
    assert not matches(guardduty, guardduty_finding(6.9))
    assert not matches(guardduty, guardduty_finding(2))
    medium = finding_pattern(FindingSource.GUARDDUTY, FindingSeverity.MEDIUM)
    assert medium is not None and matches(medium, guardduty_finding(4)) and not matches(medium, guardduty_finding(3.9))
    assert finding_pattern(FindingSource.MACIE, FindingSeverity.CRITICAL) is None  # Macie has no Critical


def _routes(world: StackWorld) -> dict[str, EventRule]:
    return {rule.path.rsplit("/", 1)[1]: rule for rule in world.event_rules() if "/FindingRoutes/" in rule.path}


def _delivered(routes: dict[str, EventRule], event: dict[str, Any]) -> list[str]:
    return sorted(name for name, rule in routes.items() if matches(rule.pattern, event))


# The stacks' routes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("combo", DETECTING, ids=IDS)
def test_every_route_delivers_to_the_security_topic(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    routes = _routes(world)
    expected = {"Rule-guardduty", "Rule-securityhub", "Rule-access-analyzer"} | ({"Rule-macie"} if CONFIGS[combo[0]].detection.macie else set())
    assert set(routes) == expected
    topic = world.topic(SECURITY)
    assert all(rule.targets == (topic.arn,) for rule in routes.values())


@pytest.mark.parametrize("combo", DETECTING, ids=IDS)
def test_findings_at_or_above_the_threshold_are_delivered_once(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    routes = _routes(worlds[combo])
    severity = CONFIGS[combo[0]].detection.severity
    # GuardDuty: severity 7 (High) is delivered wherever the threshold is HIGH or lower; 2 (Low) is not.
    assert _delivered(routes, guardduty_finding(7)) == ["Rule-guardduty"]
    assert _delivered(routes, guardduty_finding(2)) == []
    assert _delivered(routes, guardduty_finding(severity.guardduty_minimum)) == ["Rule-guardduty"]
    assert _delivered(routes, guardduty_finding(severity.guardduty_minimum - 0.1)) == []
    # Security Hub: a failed control at the threshold is delivered; a passed (INFORMATIONAL) one, a finding already
    # suppressed or archived, and GuardDuty's copy of its own finding are not.
    assert _delivered(routes, security_hub_finding(severity.value)) == ["Rule-securityhub"]
    assert _delivered(routes, security_hub_finding("CRITICAL")) == ["Rule-securityhub"]
    assert _delivered(routes, security_hub_finding("INFORMATIONAL")) == []
    assert _delivered(routes, security_hub_finding("HIGH", workflow="SUPPRESSED")) == []
    assert _delivered(routes, security_hub_finding("HIGH", record_state="ARCHIVED")) == []
    assert _delivered(routes, security_hub_finding("HIGH", product="GuardDuty")) == []
    assert _delivered(routes, security_hub_finding("HIGH", product="IAM Access Analyzer")) == []
    below = [s for s in FindingSeverity if s.rank < severity.rank]
    for lower in below:
        assert _delivered(routes, security_hub_finding(lower.value)) == [], lower
    # Access Analyzer: every active external access finding; resolved and archived ones are not.
    assert _delivered(routes, access_analyzer_finding("ACTIVE")) == ["Rule-access-analyzer"]
    assert _delivered(routes, access_analyzer_finding("RESOLVED")) == []
    assert _delivered(routes, access_analyzer_finding("ARCHIVED")) == []
    if "Rule-macie" in routes:
        assert _delivered(routes, macie_finding("High")) == ["Rule-macie"]
        assert _delivered(routes, macie_finding("Low")) == []
        assert _delivered(routes, security_hub_finding("HIGH", product="Macie")) == []  # Macie's copy in Security Hub


def test_dev_routes_medium_findings_and_prod_does_not(worlds: dict[Combo, StackWorld]) -> None:
    """The threshold comes from the file: dev's MEDIUM sends GuardDuty 5.0; prod's HIGH does not."""
    assert CONFIGS["dev"].detection.severity is FindingSeverity.MEDIUM and CONFIGS["prod"].detection.severity is FindingSeverity.HIGH
    assert _delivered(_routes(worlds["dev", 1]), guardduty_finding(5)) == ["Rule-guardduty"]
    assert _delivered(_routes(worlds["prod", 1]), guardduty_finding(5)) == []


# Who may publish to the security topic and use its key -------------------------------------------------------------


def _rule_context(arn: str, account: str = ACCOUNT) -> dict[str, Any]:
    return {"aws:SourceArn": arn, "aws:SourceAccount": account}


@pytest.mark.parametrize("combo", DETECTING, ids=IDS)
def test_the_finding_rules_may_publish_and_use_the_key(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    topic = world.topic(SECURITY)
    for rule in _routes(world).values():
        assert publish(topic, EVENTS, **_rule_context(rule.arn)) is Decision.ALLOW, (rule.path, why())
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            assert use_key(world, topic, EVENTS, action, **_rule_context(rule.arn)) is Decision.ALLOW, (rule.path, action, why())
    # The CIS alarms still publish.
    assert publish(topic, CLOUDWATCH, **alarm(topic, "healthcare-env-RootAccountUse")) is Decision.ALLOW, why()


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_no_other_rule_or_service_may_publish_or_use_the_key(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    """Confused deputy: events.amazonaws.com serves every rule of every account; only the finding rules named in the
    policies, of this account, get in. Other services and principals get nothing new."""
    world = worlds[combo]
    topic = world.topic(SECURITY)
    rules = list(_routes(world).values())
    region = topic.region
    other_rule = f"arn:aws:events:{region}:{ACCOUNT}:rule/someone-elses-rule"
    contexts: list[dict[str, Any]] = [_rule_context(other_rule), {"aws:SourceAccount": ACCOUNT}, {}]
    for rule in rules:
        foreign = rule.arn.replace(f":{ACCOUNT}:", f":{OTHER_ACCOUNT}:")
        contexts += [_rule_context(foreign, OTHER_ACCOUNT), _rule_context(rule.arn, OTHER_ACCOUNT), _rule_context(rule.arn + "-copy")]
    for context in contexts:
        assert publish(topic, EVENTS, **context) is Decision.IMPLICIT_DENY, (context, why())
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            assert use_key(world, topic, EVENTS, action, **context) is Decision.IMPLICIT_DENY, (context, action, why())
    for rule in rules:  # a rule's ARN does not open the topic to another service
        for service in ("sns.amazonaws.com", "s3.amazonaws.com", "lambda.amazonaws.com"):
            assert publish(topic, Principal.service(service), **_rule_context(rule.arn)) is Decision.IMPLICIT_DENY, (service, why())
            assert use_key(world, topic, Principal.service(service), "kms:GenerateDataKey", **_rule_context(rule.arn)) is Decision.IMPLICIT_DENY
    assert publish(topic, Principal.service("budgets.amazonaws.com"), **budget()) is Decision.IMPLICIT_DENY, why()
    assert publish(topic, Principal.anonymous()) is Decision.IMPLICIT_DENY, why()
    # Without TLS even the finding rules are refused.
    for rule in rules:
        assert publish(topic, EVENTS, **{**_rule_context(rule.arn), "aws:SecureTransport": False}) is Decision.EXPLICIT_DENY, why()


@pytest.mark.parametrize("combo", DETECTING, ids=IDS)
def test_the_policies_name_exactly_the_stacks_finding_rules(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    """The statement that admits EventBridge lists this stack's finding rules, no more, in the topic and key policies."""
    world = worlds[combo]
    topic = world.topic(SECURITY)
    assert topic.policy is not None and topic.key_arn is not None
    rules = sorted(rule.arn for rule in _routes(world).values())
    for policy, sid in ((topic.policy, "EventBridgeFindingRules"), (world.key_policy(topic.key_arn), "EventBridgeFindingRulesPublishToAlertTopic")):
        (found,) = [s for s in policy["Statement"] if s.get("Sid") == sid]
        assert found["Principal"] == {"Service": "events.amazonaws.com"}
        assert sorted(found["Condition"]["ArnEquals"]["aws:SourceArn"]) == rules
        assert found["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
