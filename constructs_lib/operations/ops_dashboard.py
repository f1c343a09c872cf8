"""``OperationsDashboard``: one CloudWatch dashboard per environment: health checks, alarm states, the budget."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from constructs import Construct

from .._aws.iam import configured_region
from .._provider_requirements import AWS, require_provider
from ..engine.aws import CloudwatchDashboard, CloudwatchMetricAlarm
from ..errors import ValidationError
from .cost_budget import CostBudget
from .telemetry import ERRORS_METRIC, LATENCY_METRIC as SERVICE_LATENCY_METRIC, PERIOD_SECONDS, REQUESTS_METRIC, ServiceTelemetry, error_rate_expression
from .uptime_monitor import LATENCY_METRIC, METRICS_REGION, NAMESPACE, STATUS_METRIC, UptimeMonitor

MAX_ALARMS_PER_WIDGET = 100
"""CloudWatch's limit of alarm ARNs in one alarm status widget."""
_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
BUDGETS_CONSOLE = "https://console.aws.amazon.com/costmanagement/home#/budgets"


@dataclass(frozen=True, kw_only=True, slots=True)
class OperationsDashboardProps:
    """Settings for OperationsDashboard."""

    name: str
    """Dashboard name (``<project>-<env>``): letters, digits, '-' and '_'."""
    uptime_monitor: UptimeMonitor | None = None
    """Its health checks are graphed (status, and time to first byte when measured). Default: none."""
    alarms: Sequence[CloudwatchMetricAlarm] = field(default_factory=tuple)
    """Alarms of the stack's default region shown by state (security, storage). Default: none."""
    budget: CostBudget | None = None
    """Shown as its limit and thresholds, with a link to AWS Budgets. Default: none."""
    services: Sequence[ServiceTelemetry] = field(default_factory=tuple)
    """One row per service: requests, error rate (5xx %) and p95 latency from its embedded metrics. Default: none."""
    error_rate_min_requests: int = 20
    """Requests a period needs before the row's error rate counts (as the error-rate alarm). Default: 20."""


class OperationsDashboard(Construct):
    """``Resource``: an ``aws_cloudwatch_dashboard`` answering "is it up?": a graph of every health check's
    status (and latency), one alarm status widget per region (the uptime alarms live in us-east-1, the rest
    in the stack's region), and the budget with what it does not cover."""

    def __init__(self, scope: Construct, id_: str, props: OperationsDashboardProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        if not isinstance(props.name, str) or not _NAME_RE.match(props.name):
            raise ValidationError(self.node.path, "name", props.name, "1..255 letters, digits, '-' and '_'")
        self._props = props
        region = configured_region(self) or METRICS_REGION
        by_region: dict[str, list[str]] = {}
        monitor = props.uptime_monitor
        widgets: list[dict[str, object]] = [_text(f"# {props.name}\nHealth checks, alarm states and the AWS budget of this environment.", 2)]
        if monitor is not None and monitor.checks:
            widgets.append(_graph("Health checks (1 = healthy)", STATUS_METRIC, "Minimum", monitor, {"min": 0, "max": 1}))
            if monitor.measures_latency:
                widgets.append(_graph("Time to first byte (ms)", LATENCY_METRIC, "Average", monitor, {"min": 0}))
            by_region.setdefault(METRICS_REGION, []).extend(a.arn for a in monitor.alarms.values())
        for telemetry in props.services:
            widgets.extend(_service_row(telemetry, region, props.error_rate_min_requests))
        by_region.setdefault(region, []).extend(a.arn for a in props.alarms)
        for alarm_region, arns in by_region.items():
            for start in range(0, len(arns), MAX_ALARMS_PER_WIDGET):
                widgets.append(
                    {
                        "type": "alarm",
                        "width": 24,
                        "height": 6,
                        "properties": {
                            "title": f"Alarms ({alarm_region})",
                            "alarms": arns[start : start + MAX_ALARMS_PER_WIDGET],
                            "sortBy": "stateUpdatedTimestamp",
                        },
                    }
                )
        if props.budget is not None:
            widgets.append(_text(f"{props.budget.summary_markdown} [Open AWS Budgets]({BUDGETS_CONSOLE})", 3))
        self.resource = CloudwatchDashboard(self, "Resource", dashboard_name=props.name, dashboard_body=json.dumps({"widgets": widgets}))


def _service_row(telemetry: ServiceTelemetry, region: str, min_requests: int) -> list[dict[str, object]]:
    """Requests, error rate and p95 latency of one service, side by side (its namespace, dimension ``Service``)."""
    namespace, service = telemetry.namespace, telemetry.service
    dimension = [name_or_value for pair in telemetry.dimensions.items() for name_or_value in pair]

    def widget(title: str, metrics: list[list[object]], y_axis: dict[str, int]) -> dict[str, object]:
        properties = {"title": title, "region": region, "view": "timeSeries", "period": PERIOD_SECONDS, "metrics": metrics, "yAxis": {"left": y_axis}}
        return {"type": "metric", "width": 8, "height": 6, "properties": properties}

    return [
        widget(f"{service}: requests", [[namespace, REQUESTS_METRIC, *dimension, {"stat": "Sum", "label": "requests"}]], {"min": 0}),
        widget(
            f"{service}: error rate (5xx %)",
            [
                [{"expression": error_rate_expression(min_requests), "label": "5xx %", "id": "error_rate"}],
                [namespace, REQUESTS_METRIC, *dimension, {"stat": "Sum", "id": "requests", "visible": False}],
                [namespace, ERRORS_METRIC, *dimension, {"stat": "Sum", "id": "errors", "visible": False}],
            ],
            {"min": 0, "max": 100},
        ),
        widget(f"{service}: p95 latency (ms)", [[namespace, SERVICE_LATENCY_METRIC, *dimension, {"stat": "p95", "label": "p95"}]], {"min": 0}),
    ]


def _text(markdown: str, height: int) -> dict[str, object]:
    return {"type": "text", "width": 24, "height": height, "properties": {"markdown": markdown}}


def _graph(title: str, metric: str, stat: str, monitor: UptimeMonitor, y_axis: dict[str, int]) -> dict[str, object]:
    metrics = [[NAMESPACE, metric, "HealthCheckId", check.id, {"label": hostname}] for hostname, check in monitor.checks.items()]
    return {
        "type": "metric",
        "width": 12,
        "height": 6,
        "properties": {
            "title": title,
            "region": METRICS_REGION,
            "view": "timeSeries",
            "stat": stat,
            "period": 60,
            "metrics": metrics,
            "yAxis": {"left": y_axis},
        },
    }
