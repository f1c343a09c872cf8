"""OperationsDashboard: health checks, alarm states per region and the budget on one dashboard."""

from __future__ import annotations

import json
from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json


def _dashboard(stack: Any, region: str = "eu-west-1") -> Any:
    from constructs_lib import (
        AlertTopic,
        AlertTopicProps,
        CostBudget,
        CostBudgetProps,
        OperationsDashboard,
        OperationsDashboardProps,
        UptimeMonitor,
        UptimeMonitorProps,
    )
    from constructs_lib.engine.aws import AwsProvider, CloudwatchMetricAlarm

    AwsProvider(stack, "aws", region=region)
    east = AwsProvider(stack, "east", region="us-east-1", alias="us_east_1")
    local = AlertTopic(stack, "Alerts", AlertTopicProps(name="acme-dev-alerts", budgets_may_publish=True))
    topic = AlertTopic(stack, "AlertsEast", AlertTopicProps(name="acme-dev-alerts", provider=east))
    monitor = UptimeMonitor(stack, "Uptime", UptimeMonitorProps(name_prefix="acme-dev", alert_topic=topic, provider=east))
    monitor.add_check("api", "api.example.org", "/health")
    other = CloudwatchMetricAlarm(stack, "Other", alarm_name="other", comparison_operator="GreaterThanThreshold", evaluation_periods=1)
    budget = CostBudget(stack, "Budget", CostBudgetProps(name="acme-dev-monthly", monthly_limit_usd=300, alert_topic=local))
    return OperationsDashboard(stack, "Dashboard", OperationsDashboardProps(name="acme-dev", uptime_monitor=monitor, alarms=(other,), budget=budget))


def test_dashboard_shows_health_checks_alarms_by_region_and_the_budget(fresh_stack: Any) -> None:
    _dashboard(fresh_stack)
    (dashboard,) = resources_of(synth_json(fresh_stack), "aws_cloudwatch_dashboard").values()
    assert dashboard["dashboard_name"] == "acme-dev"
    widgets = json.loads(dashboard["dashboard_body"])["widgets"]
    graphs = {w["properties"]["title"]: w["properties"] for w in widgets if w["type"] == "metric"}
    status = graphs["Health checks (1 = healthy)"]
    assert (status["region"], status["stat"]) == ("us-east-1", "Minimum")
    assert status["metrics"] == [
        ["AWS/Route53", "HealthCheckStatus", "HealthCheckId", "${aws_route53_health_check.Uptime_Check-api_A992858F.id}", {"label": "api.example.org"}]
    ]
    assert graphs["Time to first byte (ms)"]["metrics"][0][1] == "TimeToFirstByte"
    alarms = {w["properties"]["title"]: w["properties"]["alarms"] for w in widgets if w["type"] == "alarm"}
    assert alarms == {
        "Alarms (us-east-1)": ["${aws_cloudwatch_metric_alarm.Uptime_Down-api_605DA625.arn}"],
        "Alarms (eu-west-1)": ["${aws_cloudwatch_metric_alarm.Other.arn}"],
    }
    budget = [w["properties"]["markdown"] for w in widgets if w["type"] == "text" and w["properties"]["markdown"].startswith("## AWS budget")]
    assert budget and "300 USD a month" in budget[0] and "Neon, Railway and Cloudflare bill separately" in budget[0]


def test_fails_when_the_name_is_bad(fresh_stack: Any) -> None:
    from constructs_lib import OperationsDashboard, OperationsDashboardProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(fresh_stack, "aws", region="us-east-1")
    with pytest.raises(ValidationError, match=r"^test/Dashboard: name must be 1..255 letters, digits, '-' and '_', got 'acme dev'$"):
        OperationsDashboard(fresh_stack, "Dashboard", OperationsDashboardProps(name="acme dev"))


def test_each_service_gets_a_row_of_requests_error_rate_and_p95(fresh_stack: Any) -> None:
    from constructs_lib import (
        OperationsDashboard,
        OperationsDashboardProps,
        ServiceIdentity,
        ServiceIdentityProps,
        ServiceTelemetry,
        ServiceTelemetryProps,
    )
    from constructs_lib.engine.aws import AwsProvider
    from constructs_lib.operations.telemetry import error_rate_expression

    AwsProvider(fresh_stack, "aws", region="eu-west-1")
    rows = []
    for service in ("gateway", "auth"):
        identity = ServiceIdentity(fresh_stack, f"Identity-{service}", ServiceIdentityProps(project="acme", environment="dev", service=service))
        rows.append(
            ServiceTelemetry(fresh_stack, f"Telemetry-{service}", ServiceTelemetryProps(project="acme", environment="dev", service=service, identity=identity))
        )
    OperationsDashboard(fresh_stack, "Dashboard", OperationsDashboardProps(name="acme-dev", services=tuple(rows), error_rate_min_requests=7))
    (dashboard,) = resources_of(synth_json(fresh_stack), "aws_cloudwatch_dashboard").values()
    graphs = [w for w in json.loads(dashboard["dashboard_body"])["widgets"] if w["type"] == "metric"]
    assert [w["properties"]["title"] for w in graphs] == [
        "gateway: requests",
        "gateway: error rate (5xx %)",
        "gateway: p95 latency (ms)",
        "auth: requests",
        "auth: error rate (5xx %)",
        "auth: p95 latency (ms)",
    ]
    assert all(w["width"] == 8 and w["properties"]["region"] == "eu-west-1" and w["properties"]["period"] == 300 for w in graphs)
    requests, rate, p95 = (g["properties"]["metrics"] for g in graphs[:3])
    assert requests == [["acme-dev/gateway", "Requests", "Service", "gateway", {"stat": "Sum", "label": "requests"}]]
    # The same math as the error-rate alarm, over the same two metrics.
    assert rate[0][0]["expression"] == error_rate_expression(7)
    assert [m[:4] + [m[4]["id"]] for m in rate[1:]] == [
        ["acme-dev/gateway", "Requests", "Service", "gateway", "requests"],
        ["acme-dev/gateway", "Errors5xx", "Service", "gateway", "errors"],
    ]
    assert p95 == [["acme-dev/gateway", "Latency", "Service", "gateway", {"stat": "p95", "label": "p95"}]]
