"""Application telemetry of a ``PlatformStack``: each monitored service's log group, its variables, its alarms, the reader.

``PlatformStack`` calls ``add_telemetry`` before it creates the Railway services (each service's variables name its
log group and namespace, and its identity's access key becomes its AWS credentials); ``add_operations`` calls
``add_service_alarms`` once the alert topic exists. The services of each phase come from the phase plan
(``PhasePlan.monitored_services`` / ``alarmed_services``), the numbers from ``[telemetry]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from constructs_lib.engine.aws import CloudwatchMetricAlarm
from constructs_lib.operations.alert_topic import AlertTopic
from constructs_lib.operations.log_reader import ApplicationLogReader, ApplicationLogReaderProps
from constructs_lib.operations.telemetry import ServiceAlarmSettings, ServiceTelemetry, ServiceTelemetryProps

from ._storage import service_identity
from .phases import ServiceSpec

if TYPE_CHECKING:
    from .platform import PlatformStack


@dataclass(frozen=True, slots=True)
class Telemetry:
    """What ``add_telemetry`` created."""

    services: dict[str, ServiceTelemetry]
    """``Telemetry-<service>`` by service name."""
    reader: ApplicationLogReader | None
    """``AppLogReader``: the role the audit reader and on-call assume to read the logs; None without any reader."""


def add_telemetry(stack: PlatformStack) -> Telemetry:
    """A ``ServiceTelemetry`` per monitored service, written by its own identity; the reader role when anyone may read."""
    config = stack.config
    settings = config.telemetry
    services: dict[str, ServiceTelemetry] = {}
    for spec in stack.plan.monitored_services:
        services[spec.name] = ServiceTelemetry(
            stack,
            f"Telemetry-{spec.name}",
            ServiceTelemetryProps(
                project=config.project,
                environment=config.name,
                service=spec.name,
                identity=service_identity(stack, spec.name),
                retention_days=settings.log_retention_days,
                logs_may_contain_phi=settings.logs_may_contain_phi,
                protect_from_destroy=not config.disposable,
            ),
        )
    readers = [arn for arn in (config.audit.log_reader_arn, *settings.log_reader_arns) if arn is not None]
    reader = None
    if services and readers:
        reader = ApplicationLogReader(
            stack,
            "AppLogReader",
            ApplicationLogReaderProps(name=config.name_prefix, reader_arns=tuple(dict.fromkeys(readers)), telemetry=tuple(services.values())),
        )
    return Telemetry(services, reader)


def telemetry_variables(stack: PlatformStack, spec: ServiceSpec) -> dict[str, str]:
    """``TELEMETRY_LOG_GROUP``, ``TELEMETRY_NAMESPACE``, ``TELEMETRY_SERVICE`` and ``AWS_REGION`` of a monitored service."""
    telemetry = stack.telemetry.services.get(spec.name)
    return telemetry.variables if telemetry is not None else {}


def add_service_alarms(stack: PlatformStack, alerts: AlertTopic) -> list[CloudwatchMetricAlarm]:
    """Error-rate, p95-latency and (unless ``[telemetry] quiet_services``) no-traffic alarms of each alarmed service."""
    settings = stack.config.telemetry
    alarms: list[CloudwatchMetricAlarm] = []
    for spec in stack.plan.alarmed_services:
        telemetry = stack.telemetry.services[spec.name]
        created = telemetry.add_alarms(
            ServiceAlarmSettings(
                alert_topic=alerts,
                error_rate_percent=settings.error_rate_percent,
                error_rate_periods=settings.error_rate_periods,
                error_rate_min_requests=settings.error_rate_min_requests,
                latency_p95_ms=settings.latency_p95_ms,
                latency_periods=settings.latency_periods,
                no_traffic_periods=None if spec.name in settings.quiet_services else settings.no_traffic_periods,
            )
        )
        alarms.extend(created.values())
    return alarms
