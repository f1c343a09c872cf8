"""Operations in the platform stacks: uptime checks of every public hostname, alert routes, budget, account
baseline, dashboard, per environment x phase; and the us-east-1 wiring when a stack lives elsewhere."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from environments import EnvironmentConfig
from platform_plan.phases import plan_for
from tests.conftest import ALL_COMBOS, Combo, config_at, resources_of

IDS = [f"{e}-phase{p}" for e, p in ALL_COMBOS]


def _provider_regions(stack: dict[str, Any]) -> dict[str, str]:
    return {f"aws.{p['alias']}" if p.get("alias") else "aws": p["region"] for p in stack["provider"]["aws"]}


def _region(stack: dict[str, Any], block: dict[str, Any]) -> str:
    return _provider_regions(stack)[block.get("provider", "aws")]


def _topics(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"${{aws_sns_topic.{name}.arn}}": block for name, block in resources_of(stack, "aws_sns_topic").items()}


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_every_public_hostname_has_a_health_check_and_alarms_in_us_east_1(
    stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], combo: Combo
) -> None:
    env, phase = combo
    stack, config = stacks[combo], configs[env]
    public = {f"{s.hostname_label}.{config.public_domain}": s for s in plan_for(phase).services if s.public}
    records = {r["name"] for r in resources_of(stack, "cloudflare_dns_record").values() if r["type"] == "CNAME"}
    checks = {c["fqdn"]: c for c in resources_of(stack, "aws_route53_health_check").values()}
    assert set(checks) == set(public) == records
    topics = _topics(stack)
    for hostname, check in checks.items():
        assert (check["type"], check["port"], check["resource_path"]) == ("HTTPS", 443, config.uptime.health_path(public[hostname].name))
        assert _region(stack, check) == "us-east-1"
        assert any(d.startswith("cloudflare_dns_record.") for d in check["depends_on"])
    uptime = [a for a in resources_of(stack, "aws_cloudwatch_metric_alarm").values() if a.get("namespace") == "AWS/Route53"]
    assert sorted(a["metric_name"] for a in uptime) == sorted(["HealthCheckStatus"] * len(checks) + (["TimeToFirstByte"] * len(checks) if phase >= 3 else []))
    for alarm in uptime:
        assert _region(stack, alarm) == "us-east-1"
        for arn in alarm["alarm_actions"] + alarm["ok_actions"]:
            assert _region(stack, topics[arn]) == "us-east-1", arn  # the topic is where the alarm can notify it
        threshold = config.uptime.latency_threshold_ms if alarm["metric_name"] == "TimeToFirstByte" else 1
        assert alarm["threshold"] == threshold


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_alert_topic_routes_come_from_the_environment_file(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], combo: Combo) -> None:
    env, _ = combo
    stack, config = stacks[combo], configs[env]
    (arn,) = [a for a, t in _topics(stack).items() if t["name"] == f"{config.project}-{env}-alerts"]
    routes = sorted((s["protocol"], s["endpoint"]) for s in resources_of(stack, "aws_sns_topic_subscription").values() if s["topic_arn"] == arn)
    assert routes == sorted([("email", e) for e in config.alert_emails] + [("https", u) for u in config.alerts.https_endpoints])


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_budget_per_environment_notifies_forecast_and_actual_to_topic_and_email(
    stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], combo: Combo
) -> None:
    env, _ = combo
    stack, config = stacks[combo], configs[env]
    assert config.budget is not None
    (budget,) = resources_of(stack, "aws_budgets_budget").values()
    assert (budget["name"], budget["limit_amount"], budget["limit_unit"], budget["time_unit"]) == (
        f"{config.project}-{env}-monthly",
        str(config.budget.monthly_limit_usd),
        "USD",
        "MONTHLY",
    )
    notifications = {(n["notification_type"], n["threshold"]) for n in budget["notification"]}
    assert notifications == {("FORECASTED", 80), ("ACTUAL", 100)}
    (topic,) = {arn for n in budget["notification"] for arn in n["subscriber_sns_topic_arns"]}
    policy = next(json.loads(p["policy"]) for p in resources_of(stack, "aws_sns_topic_policy").values() if p["arn"] == topic)
    assert "budgets.amazonaws.com" in [s["Principal"].get("Service") for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert all(n["subscriber_email_addresses"] == list(config.alert_emails) for n in budget["notification"])


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_performance_and_ml_alarms_arrive_with_their_phases(stacks: dict[Combo, dict[str, Any]], combo: Combo) -> None:
    _, phase = combo
    alarms = {a.get("metric_name") for a in resources_of(stacks[combo], "aws_cloudwatch_metric_alarm").values()}
    assert ("TimeToFirstByte" in alarms) == (phase >= 3)
    assert ("4xxErrors" in alarms) == (phase >= 4)
    if phase >= 4:
        (metrics,) = [m for m in resources_of(stacks[combo], "aws_s3_bucket_metric").values() if m["name"] == "EntireBucket"]
        assert metrics["bucket"].startswith("${aws_s3_bucket.Bucket-ml-models_")


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=IDS)
def test_account_baseline_and_dashboard_follow_the_environment_file(
    stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], combo: Combo
) -> None:
    env, _ = combo
    stack, account = stacks[combo], configs[env].account
    assert len(resources_of(stack, "aws_iam_account_password_policy")) == int(account.manage_password_policy)
    groups = [g["name"] for g in resources_of(stack, "aws_iam_group").values() if g.get("path") == "/humans/"]
    assert groups == ([account.admin_group_name] if account.admin_group_name else [])
    (dashboard,) = resources_of(stack, "aws_cloudwatch_dashboard").values()
    body = json.loads(dashboard["dashboard_body"])
    alarm_arns = {arn for w in body["widgets"] if w["type"] == "alarm" for arn in w["properties"]["alarms"]}
    assert alarm_arns == {f"${{aws_cloudwatch_metric_alarm.{name}.arn}}" for name in resources_of(stack, "aws_cloudwatch_metric_alarm")}


def test_production_pages_someone(configs: dict[str, EnvironmentConfig]) -> None:
    prod = [c for c in configs.values() if c.guardrails.production]
    assert prod and all(c.alerts.https_endpoints or c.alerts.no_paging_reason for c in prod)
    assert all(c.budget is not None and c.account.admin_group_name for c in prod)


@pytest.fixture(scope="module")
def eu_stack(configs: dict[str, EnvironmentConfig]) -> dict[str, Any]:
    """prod at phase 4 in eu-west-1: uptime needs its own us-east-1 provider and topic."""
    from constructs_lib.engine.core import Testing as CdktfTesting
    from stacks.platform import PlatformStack

    config = config_at(configs, "prod", 4).model_copy(update={"aws_region": "eu-west-1"})
    return json.loads(CdktfTesting.synth(PlatformStack(CdktfTesting.app(), config, plan_for(4))))


def test_outside_us_east_1_uptime_gets_an_explicit_provider_and_its_own_topic(eu_stack: dict[str, Any]) -> None:
    assert _provider_regions(eu_stack) == {"aws": "eu-west-1", "aws.replica": "us-west-2", "aws.us_east_1": "us-east-1"}
    east = next(p for p in eu_stack["provider"]["aws"] if p.get("alias") == "us_east_1")
    default = next(p for p in eu_stack["provider"]["aws"] if not p.get("alias"))
    assert (east["default_tags"], east["allowed_account_ids"]) == (default["default_tags"], default["allowed_account_ids"])
    topics = _topics(eu_stack)
    alert_topics = sorted(_region(eu_stack, t) for t in topics.values() if t["name"] == "healthcare-prod-alerts")
    assert alert_topics == ["eu-west-1", "us-east-1"]
    for alarm in resources_of(eu_stack, "aws_cloudwatch_metric_alarm").values():
        for arn in alarm["alarm_actions"]:
            assert _region(eu_stack, topics[arn]) == _region(eu_stack, alarm), alarm["alarm_name"]
    uptime = [a for a in resources_of(eu_stack, "aws_cloudwatch_metric_alarm").values() if a.get("namespace") == "AWS/Route53"]
    assert uptime and {_region(eu_stack, a) for a in uptime} == {"us-east-1"}
    east_topic = next(name for name, t in resources_of(eu_stack, "aws_sns_topic").items() if _region(eu_stack, t) == "us-east-1")
    routes = sorted(
        s["protocol"] for s in resources_of(eu_stack, "aws_sns_topic_subscription").values() if s["topic_arn"] == f"${{aws_sns_topic.{east_topic}.arn}}"
    )
    assert routes == ["email", "https"]  # the same routes as the environment's topic
    (budget,) = resources_of(eu_stack, "aws_budgets_budget").values()
    assert all(_region(eu_stack, topics[arn]) == "eu-west-1" for n in budget["notification"] for arn in n["subscriber_sns_topic_arns"])


@pytest.fixture(scope="module")
def changed_stack(configs: dict[str, EnvironmentConfig]) -> tuple[EnvironmentConfig, dict[str, Any]]:
    """prod at phase 4 with every setting of [uptime], [budget], [account] and [telemetry] changed from its file."""
    from constructs_lib.engine.core import Testing as CdktfTesting
    from constructs_lib.operations import settings as lib
    from stacks.platform import PlatformStack
    from tests.unit.test_operations_settings import NON_DEFAULT

    config = config_at(configs, "prod", 4)
    assert config.budget is not None
    update = {
        "uptime": dataclasses.replace(config.uptime, **NON_DEFAULT[lib.UptimeSettings]),
        "budget": dataclasses.replace(config.budget, **NON_DEFAULT[lib.BudgetSettings]),
        "account": dataclasses.replace(config.account, **{**NON_DEFAULT[lib.AccountBaselineSettings], "manage_password_policy": True}),
        "telemetry": dataclasses.replace(
            config.telemetry, **{**NON_DEFAULT[lib.ServiceAlarmThresholds], "latency_p95_ms": 1500}, log_retention_days=2557, logs_may_contain_phi=True
        ),
    }
    changed = config.model_copy(update=update)
    return changed, json.loads(CdktfTesting.synth(PlatformStack(CdktfTesting.app(), changed, plan_for(4))))


def test_the_stack_builds_each_construct_from_its_section(changed_stack: tuple[EnvironmentConfig, dict[str, Any]]) -> None:
    """A stack that rebuilt props field by field and forgot one (or kept a copy of a default) would show the file's
    value, or the library default, here instead of the changed one."""
    config, stack = changed_stack
    uptime, budget, account, telemetry = config.uptime, config.budget, config.account, config.telemetry
    assert budget is not None
    for check in resources_of(stack, "aws_route53_health_check").values():
        assert (check["request_interval"], check["failure_threshold"], check["measure_latency"]) == (10, 7, True)
    alarms = resources_of(stack, "aws_cloudwatch_metric_alarm").values()
    down = [a for a in alarms if a.get("metric_name") == "HealthCheckStatus"]
    slow = [a for a in alarms if a.get("metric_name") == "TimeToFirstByte"]
    assert down and {a["evaluation_periods"] for a in down} == {uptime.down_minutes}
    assert slow and {(a["evaluation_periods"], a["threshold"]) for a in slow} == {(uptime.latency_minutes // 5, uptime.latency_threshold_ms)}
    (cost,) = resources_of(stack, "aws_budgets_budget").values()
    assert cost["limit_amount"] == str(budget.monthly_limit_usd)
    assert {(n["notification_type"], n["threshold"]) for n in cost["notification"]} == {
        ("FORECASTED", budget.forecast_threshold_percent),
        ("ACTUAL", budget.actual_threshold_percent),
    }
    (policy,) = resources_of(stack, "aws_iam_account_password_policy").values()
    assert (policy["minimum_password_length"], policy["password_reuse_prevention"], policy["max_password_age"]) == (16, 24, 60)
    assert [g["name"] for g in resources_of(stack, "aws_iam_group").values() if g.get("path") == "/humans/"] == [account.admin_group_name]
    groups = [g for g in resources_of(stack, "aws_cloudwatch_log_group").values() if g["name"].startswith("/aws/railway/")]
    assert groups and {g["retention_in_days"] for g in groups} == {telemetry.log_retention_days}
    by_suffix: dict[str, set[tuple[Any, ...]]] = {}
    for alarm in alarms:
        suffix = alarm["alarm_name"].rsplit("-", 2)[-2:]
        by_suffix.setdefault("-".join(suffix), set()).add((alarm.get("evaluation_periods"), alarm.get("threshold")))
    assert by_suffix["error-rate"] == {(telemetry.error_rate_periods, telemetry.error_rate_percent)}
    assert by_suffix["latency-p95"] == {(telemetry.latency_periods, telemetry.latency_p95_ms)}
    assert by_suffix["no-traffic"] == {(telemetry.no_traffic_periods, 1)}
    rate = [a for a in alarms if a["alarm_name"].endswith("-error-rate")]
    assert all(f"requests >= {telemetry.error_rate_min_requests}" in q["expression"] for a in rate for q in a["metric_query"] if q.get("expression"))
