"""CostBudget: a monthly COST budget with a forecast and an actual notification to the topic and emails."""

from __future__ import annotations

import re
from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json


def _budget(stack: Any, *, budgets_may_publish: bool = True, **overrides: Any) -> Any:
    from constructs_lib import AlertTopic, AlertTopicProps, CostBudget, CostBudgetProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region="us-east-1")
    topic = AlertTopic(stack, "Alerts", AlertTopicProps(name="acme-dev-alerts", budgets_may_publish=budgets_may_publish))
    props = {"name": "acme-dev-monthly", "monthly_limit_usd": 250, "alert_topic": topic, "emails": ("finance@example.org",), **overrides}
    return CostBudget(stack, "Budget", CostBudgetProps(**props))


def test_budget_notifies_at_80_percent_forecast_and_100_percent_actual(fresh_stack: Any) -> None:
    _budget(fresh_stack)
    (budget,) = resources_of(synth_json(fresh_stack), "aws_budgets_budget").values()
    assert {k: budget[k] for k in ("name", "budget_type", "time_unit", "limit_amount", "limit_unit")} == {
        "name": "acme-dev-monthly",
        "budget_type": "COST",
        "time_unit": "MONTHLY",
        "limit_amount": "250",
        "limit_unit": "USD",
    }
    notifications = {n["notification_type"]: n for n in budget["notification"]}
    assert set(notifications) == {"FORECASTED", "ACTUAL"}
    assert (notifications["FORECASTED"]["threshold"], notifications["ACTUAL"]["threshold"]) == (80, 100)
    for notification in notifications.values():
        assert (notification["comparison_operator"], notification["threshold_type"]) == ("GREATER_THAN", "PERCENTAGE")
        assert notification["subscriber_sns_topic_arns"] == ["${aws_sns_topic.Alerts_91F83244.arn}"]
        assert notification["subscriber_email_addresses"] == ["finance@example.org"]
    # Budgets checks its permission on the topic when the notification is created.
    assert budget["depends_on"] == ["aws_sns_topic_policy.Alerts_Policy_9A7AFDBB", "aws_kms_key.Alerts_Key_D117377E"]


def test_thresholds_and_email_only_budget(fresh_stack: Any) -> None:
    _budget(fresh_stack, alert_topic=None, forecast_threshold_percent=90, actual_threshold_percent=110)
    (budget,) = resources_of(synth_json(fresh_stack), "aws_budgets_budget").values()
    assert sorted((n["notification_type"], n["threshold"]) for n in budget["notification"]) == [("ACTUAL", 110), ("FORECASTED", 90)]
    assert all("subscriber_sns_topic_arns" not in n for n in budget["notification"])
    assert "depends_on" not in budget


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"monthly_limit_usd": 0}, "monthly_limit_usd must be 1..1000000 whole US dollars, got 0"),
        ({"monthly_limit_usd": -5}, "monthly_limit_usd must be 1..1000000 whole US dollars, got -5"),
        ({"monthly_limit_usd": 12.5}, "monthly_limit_usd must be 1..1000000 whole US dollars, got 12.5"),
        ({"forecast_threshold_percent": 0}, "forecast_threshold_percent must be 1..1000 percent of the limit, got 0"),
        ({"emails": tuple(f"a{i}@example.org" for i in range(11))}, "emails must be a tuple of at most 10 addresses (an AWS Budgets limit)"),
        ({"emails": ("finance",)}, "emails must be an email address such as 'oncall@health.example.org', got 'finance'"),
        ({"alert_topic": None, "emails": ()}, "emails must be at least one address when there is no alert_topic (a notification needs a subscriber), got ()"),
        ({"name": "monthly/budget"}, "name must be 1..100 letters, digits, spaces, '_', '.' or '-', got 'monthly/budget'"),
    ],
    ids=["zero", "negative", "fraction", "threshold", "eleven-emails", "email-syntax", "no-subscriber", "name"],
)
def test_fails_when_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match="^test/Budget: " + re.escape(message)):
        _budget(fresh_stack, **overrides)


def test_fails_when_the_topic_does_not_admit_budgets(fresh_stack: Any) -> None:
    with pytest.raises(
        ValidationError,
        match=re.escape("test/Budget: alert_topic must be an AlertTopic with budgets_may_publish=True (else Budgets cannot publish to it), got 'test/Alerts'"),
    ):
        _budget(fresh_stack, budgets_may_publish=False)
