"""``UptimeMonitor``: Route 53 HTTPS health checks of public hostnames and the CloudWatch alarms on them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import configured_region
from .._provider_requirements import AWS, require_provider
from ..engine.aws import CloudwatchMetricAlarm, Route53HealthCheck
from ..engine.core import ITerraformDependable, TerraformProvider, Token
from ..errors import Problems, ValidationError
from ..network.edge_policy import check_hostname_label, check_url_path
from ..value_rules import check_domain
from .alert_topic import AlertTopic
from .settings import UptimeSettings, settings_values, uptime_settings_problems

METRICS_REGION = "us-east-1"
"""Route 53 publishes health-check metrics only in US East (N. Virginia), and an alarm's topic must be there too
(Route 53 developer guide, "Monitoring health checks using CloudWatch" and "Values that you specify when you
create or update health checks")."""
NAMESPACE = "AWS/Route53"
STATUS_METRIC = "HealthCheckStatus"
"""1 healthy, 0 unhealthy; available across all checker regions only."""
LATENCY_METRIC = "TimeToFirstByte"
"""Average milliseconds until the first byte of the response, across all checker regions (no ``Region`` dimension)."""
_NAME_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True, slots=True)
class UptimeMonitorProps(UptimeSettings):
    """Settings for UptimeMonitor: the checks' values (``UptimeSettings``, every keyword of it) and what the monitor
    builds on (the alarms' name prefix, their topic, the us-east-1 provider)."""

    name_prefix: str
    """Prefix of the alarm names (``<name_prefix>-<label>-down``)."""
    alert_topic: AlertTopic
    """Topic the alarms notify, on ALARM and on OK. It must live in us-east-1 like the alarms."""
    provider: TerraformProvider | None = None
    """The AWS provider for us-east-1 that creates the health checks and alarms. Default: the stack's
    default provider, which must then be configured for us-east-1."""

    @classmethod
    def from_settings(
        cls, settings: UptimeSettings, *, name_prefix: str, alert_topic: AlertTopic, provider: TerraformProvider | None = None
    ) -> UptimeMonitorProps:
        """Props from ``settings`` (an environment file's ``[uptime]`` section is one) and the monitor's references."""
        return cls(**settings_values(settings, UptimeSettings), name_prefix=name_prefix, alert_topic=alert_topic, provider=provider)


class UptimeMonitor(Construct):
    """Per ``add_check``: an ``aws_route53_health_check`` (``Check-<label>``: HTTPS GET of ``path`` on port
    443 with SNI; 2xx or 3xx within Route 53's timeouts is healthy; the certificate is not validated), a
    ``Down-<label>`` alarm (``AWS/Route53`` ``HealthCheckStatus`` Minimum < 1 for ``down_minutes`` one-minute
    periods, missing data breaching) and, with ``latency_threshold_ms``, a ``Slow-<label>`` alarm
    (``TimeToFirstByte`` Average > threshold). Every alarm notifies ``alert_topic`` on ALARM and OK.

    Health checks work on any Cloudflare plan (they request the public hostname like any client).
    """

    def __init__(self, scope: Construct, id_: str, props: UptimeMonitorProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        _validate(self, props)
        self._props = props
        self.checks: dict[str, Route53HealthCheck] = {}
        """Health checks by hostname."""
        self.alarms: dict[str, CloudwatchMetricAlarm] = {}
        """Alarms by name (``<name_prefix>-<label>-down`` / ``-slow``)."""

    @property
    def measures_latency(self) -> bool:
        """Whether the checks measure latency (a ``TimeToFirstByte`` alarm and dashboard graph per check)."""
        return self._props.measure_latency

    def add_check(self, label: str, hostname: str, path: str, *, depends_on: Sequence[ITerraformDependable] = ()) -> Route53HealthCheck:
        """Check ``https://<hostname><path>`` and alarm on it; ``label`` names the constructs and alarms."""
        where = self.node.path
        for field, value, validate in (("label", label, check_hostname_label), ("hostname", hostname, check_domain), ("path", path, check_url_path)):
            try:
                validate(value)
            except ValueError as exc:
                raise ValidationError(where, field, value, str(exc)) from None
        if len(path) > 255:
            raise ValidationError(where, "path", path, "at most 255 characters (Route 53 resource_path)")
        if hostname in self.checks or self.node.try_find_child(f"Check-{label}") is not None:
            raise ValidationError(where, "label", label, "unique within the monitor (hostname and label already checked)")
        props = self._props
        notify = props.alert_topic.alarm_notifications()
        check = Route53HealthCheck(
            self,
            f"Check-{label}",
            type="HTTPS",
            fqdn=hostname,
            port=443,
            resource_path=path,
            enable_sni=True,
            request_interval=props.request_interval_seconds,
            failure_threshold=props.failure_threshold,
            measure_latency=props.measure_latency,
            tags={"Name": f"https://{hostname}{path}"},
            provider=props.provider,
            depends_on=list(depends_on) or None,
        )
        self.checks[hostname] = check
        name = f"{props.name_prefix}-{label}-down"
        self.alarms[name] = CloudwatchMetricAlarm(
            self,
            f"Down-{label}",
            alarm_name=name,
            alarm_description=f"https://{hostname}{path} is failing Route 53 health checks",
            namespace=NAMESPACE,
            metric_name=STATUS_METRIC,
            dimensions={"HealthCheckId": check.id},
            statistic="Minimum",
            period=60,
            evaluation_periods=props.down_minutes,
            threshold=1,
            comparison_operator="LessThanThreshold",
            treat_missing_data="breaching",
            **notify,
            provider=props.provider,
        )
        if props.latency_threshold_ms is not None:
            name = f"{props.name_prefix}-{label}-slow"
            self.alarms[name] = CloudwatchMetricAlarm(
                self,
                f"Slow-{label}",
                alarm_name=name,
                alarm_description=f"https://{hostname}{path}: time to first byte above {props.latency_threshold_ms} ms",
                namespace=NAMESPACE,
                metric_name=LATENCY_METRIC,
                dimensions={"HealthCheckId": check.id},
                statistic="Average",
                period=300,
                evaluation_periods=max(1, props.latency_minutes // 5),
                threshold=props.latency_threshold_ms,
                comparison_operator="GreaterThanThreshold",
                # A check that is down has no latency; the down alarm covers it.
                treat_missing_data="notBreaching",
                **notify,
                provider=props.provider,
            )
        return check


def _validate(monitor: UptimeMonitor, props: UptimeMonitorProps) -> None:
    problems = Problems(monitor.node.path)
    if not isinstance(props.name_prefix, str) or not _NAME_PREFIX_RE.match(props.name_prefix):
        problems.add("name_prefix", props.name_prefix, "lowercase letters, digits and hyphens (3..42 characters)")
    if not isinstance(props.alert_topic, AlertTopic):
        problems.add("alert_topic", props.alert_topic, "an AlertTopic")
    else:
        topic_region = props.alert_topic.region_name
        if topic_region != METRICS_REGION:
            problems.add("alert_topic", topic_region, f"an AlertTopic in {METRICS_REGION}, the alarms' region (an alarm notifies a topic in its own region)")
    region = configured_region(monitor, props.provider)
    if region != METRICS_REGION:
        problems.add("provider", region, f"an AWS provider configured for {METRICS_REGION} (Route 53 health-check metrics exist only there)")
    problems.extend(uptime_settings_problems(props, is_unresolved=Token.is_unresolved))
    problems.raise_if_any()
