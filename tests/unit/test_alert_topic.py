"""AlertTopic: encrypted topic, publishers limited to CloudWatch alarms (and Budgets), routes, bad props."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json

ACCOUNT = "${data.aws_caller_identity.AwsAccount_Identity_E18432DC.account_id}"
PARTITION = "${data.aws_partition.AwsAccount_Partition_778E3A84.partition}"
PAGER = "https://events.pagerduty.com/integration/abc/enqueue"


def _topic(stack: Any, region: str = "us-east-1", **overrides: Any) -> Any:
    from constructs_lib import AlertTopic, AlertTopicProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region=region)
    return AlertTopic(stack, "Alerts", AlertTopicProps(**{"name": "acme-dev-alerts", **overrides}))


def _one(synthesized: dict[str, Any], rtype: str) -> dict[str, Any]:
    (block,) = resources_of(synthesized, rtype).values()
    return block


def test_topic_is_encrypted_with_its_own_rotating_key(fresh_stack: Any) -> None:
    _topic(fresh_stack)
    synthesized = synth_json(fresh_stack)
    topic, key = _one(synthesized, "aws_sns_topic"), _one(synthesized, "aws_kms_key")
    assert topic["name"] == "acme-dev-alerts"
    assert topic["kms_master_key_id"] == "${aws_kms_key.Alerts_Key_D117377E.arn}"
    assert (key["enable_key_rotation"], key["deletion_window_in_days"]) == (True, 30)
    assert topic["lifecycle"] == key["lifecycle"] == {"prevent_destroy": True}
    assert _one(synthesized, "aws_kms_alias")["name"] == "alias/acme-dev-alerts"
    statements = {s["Sid"]: s for s in json.loads(key["policy"])["Statement"]}
    assert set(statements) == {"AccountAdministers", "CloudWatchAlarmsPublish"}
    publish = statements["CloudWatchAlarmsPublish"]
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert publish["Action"] == ["kms:GenerateDataKey*", "kms:Decrypt"]
    assert publish["Condition"]["ArnLike"]["aws:SourceArn"] == f"arn:{PARTITION}:cloudwatch:us-east-1:{ACCOUNT}:alarm:*"


def test_only_cloudwatch_alarms_of_the_account_in_the_topics_region_may_publish_by_default(fresh_stack: Any) -> None:
    _topic(fresh_stack, region="eu-west-1")
    policy = json.loads(_one(synth_json(fresh_stack), "aws_sns_topic_policy")["policy"])
    allow, deny = policy["Statement"]
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"} and allow["Action"] == "sns:Publish"
    assert allow["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:{PARTITION}:cloudwatch:eu-west-1:{ACCOUNT}:alarm:*"},
    }
    assert (deny["Effect"], deny["Principal"], deny["Condition"]) == ("Deny", "*", {"Bool": {"aws:SecureTransport": "false"}})


def test_budgets_may_publish_when_asked(fresh_stack: Any) -> None:
    _topic(fresh_stack, budgets_may_publish=True)
    synthesized = synth_json(fresh_stack)
    policy = {s["Sid"]: s for s in json.loads(_one(synthesized, "aws_sns_topic_policy")["policy"])["Statement"]}
    budgets = policy["BudgetsOfThisAccount"]
    assert budgets["Principal"] == {"Service": "budgets.amazonaws.com"}
    assert budgets["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": f"arn:{PARTITION}:budgets::{ACCOUNT}:*"}}
    key = {s["Sid"]: s for s in json.loads(_one(synthesized, "aws_kms_key")["policy"])["Statement"]}
    assert key["BudgetsPublish"]["Principal"] == {"Service": "budgets.amazonaws.com"}
    assert key["BudgetsPublish"]["Action"] == ["kms:GenerateDataKey*", "kms:Decrypt"]


def test_routes_become_subscriptions_keyed_by_their_value(fresh_stack: Any) -> None:
    _topic(fresh_stack, emails=("oncall@example.org",), https_endpoints=(PAGER,))
    subscriptions = resources_of(synth_json(fresh_stack), "aws_sns_topic_subscription")
    email = next(s for n, s in subscriptions.items() if n.startswith("Alerts_Email-"))
    https = next(s for n, s in subscriptions.items() if n.startswith("Alerts_Https-"))
    assert (email["protocol"], email["endpoint"]) == ("email", "oncall@example.org")
    assert (https["protocol"], https["endpoint"], https["endpoint_auto_confirms"], https["confirmation_timeout_in_minutes"]) == ("https", PAGER, True, 5)
    assert {s["topic_arn"] for s in subscriptions.values()} == {"${aws_sns_topic.Alerts_91F83244.arn}"}


def test_provider_places_the_topic_and_its_key_in_that_region(fresh_stack: Any) -> None:
    from constructs_lib import AlertTopic, AlertTopicProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(fresh_stack, "aws", region="eu-west-1")
    east = AwsProvider(fresh_stack, "east", region="us-east-1", alias="us_east_1")
    topic = AlertTopic(fresh_stack, "Alerts", AlertTopicProps(name="acme-dev-alerts", provider=east, emails=("a@example.org",)))
    assert topic.region_name == "us-east-1"
    synthesized = synth_json(fresh_stack)
    for rtype in ("aws_sns_topic", "aws_kms_key", "aws_kms_alias", "aws_sns_topic_policy", "aws_sns_topic_subscription"):
        assert _one(synthesized, rtype)["provider"] == "aws.us_east_1", rtype
    assert ":cloudwatch:us-east-1:" in json.loads(_one(synthesized, "aws_sns_topic_policy")["policy"])["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"]


def test_protection_can_be_turned_off(fresh_stack: Any) -> None:
    _topic(fresh_stack, protect_from_destroy=False)
    synthesized = synth_json(fresh_stack)
    assert "lifecycle" not in _one(synthesized, "aws_sns_topic") and "lifecycle" not in _one(synthesized, "aws_kms_key")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"https_endpoints": ("http://hooks.example.org/x",)}, "https_endpoints.0 must be an https:// URL such as"),
        ({"https_endpoints": ("https://user:secret@hooks.example.org/x",)}, "https_endpoints.0 must be an https:// URL"),
        ({"https_endpoints": ("https://hooks.example.org/x#frag",)}, "https_endpoints.0 must be an https:// URL"),
        ({"https_endpoints": (PAGER, PAGER)}, "https_endpoints must be distinct values"),
        ({"emails": ("oncall.example.org",)}, "emails.0 must be an email address such as 'oncall@health.example.org', got 'oncall.example.org'"),
        ({"emails": "a@example.org"}, "emails must be a sequence of values, not one string"),
        ({"name": "Acme_Alerts"}, "name must be an SNS topic name of lowercase letters, digits and hyphens (3..256 characters), got 'Acme_Alerts'"),
    ],
    ids=["http", "userinfo", "fragment", "duplicate-url", "email-without-at", "emails-string", "name"],
)
def test_fails_when_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match="^test/Alerts: " + re.escape(message)):
        _topic(fresh_stack, **overrides)
    assert fresh_stack.node.find_child("Alerts").node.children == []
