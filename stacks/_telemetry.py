"""Application telemetry of a ``PlatformStack``: each monitored service's log group, its variables, its alarms, the reader.

``add_telemetry`` runs before the Railway services exist (each service's variables name its log group and
namespace, and its identity's access key, from ``storage.add_service_identities``, becomes its AWS credentials) and
returns what it created as ``Telemetry``; ``add_services`` reads ``Telemetry.variables`` and ``add_operations`` calls
``add_service_alarms`` once the alert topic exists. The services of each phase come from the phase plan
(``PhasePlan.monitored_services`` / ``alarmed_services``), the numbers from ``[telemetry]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from constructs import Construct

from constructs_lib.engine.aws import CloudwatchMetricAlarm
from constructs_lib.operations.alert_topic import AlertTopic
from constructs_lib.operations.log_reader import ApplicationLogReader, ApplicationLogReaderProps
from constructs_lib.operations.telemetry import ServiceAlarmSettings, ServiceTelemetry, ServiceTelemetryProps
from constructs_lib.storage.service_identity import ServiceIdentity
from environments import EnvironmentConfig
from platform_plan.phases import PhasePlan


@dataclass(frozen=True, slots=True)
class Telemetry:
    """What ``add_telemetry`` created."""

    services: Mapping[str, ServiceTelemetry]
    """``Telemetry-<service>`` by service name."""
    reader: ApplicationLogReader | None
    """``AppLogReader``: the role the audit reader and on-call assume to read the logs; None without any reader."""

    def variables(self, service: str) -> dict[str, str]:
        """``TELEMETRY_LOG_GROUP``, ``TELEMETRY_NAMESPACE``, ``TELEMETRY_SERVICE`` and ``AWS_REGION`` of a monitored
        service; none for a service without telemetry."""
        telemetry = self.services.get(service)
        return telemetry.variables if telemetry is not None else {}


def add_telemetry(scope: Construct, config: EnvironmentConfig, plan: PhasePlan, identities: Mapping[str, ServiceIdentity]) -> Telemetry:
    """A ``ServiceTelemetry`` per monitored service, written by its own identity (``identities``, which has one for every
    monitored service: ``storage.identity_services``); the reader role when anyone may read."""
    settings = config.telemetry
    services: dict[str, ServiceTelemetry] = {}
    for spec in plan.monitored_services:
        services[spec.name] = ServiceTelemetry(
            scope,
            f"Telemetry-{spec.name}",
            ServiceTelemetryProps.from_settings(
                settings,
                project=config.project,
                environment=config.name,
                service=spec.name,
                identity=identities[spec.name],
                protect_from_destroy=not config.disposable,
            ),
        )
    readers = [arn for arn in (config.audit.log_reader_arn, *settings.log_reader_arns) if arn is not None]
    reader = None
    if services and readers:
        reader = ApplicationLogReader(
            scope,
            "AppLogReader",
            ApplicationLogReaderProps(name=config.name_prefix, reader_arns=tuple(dict.fromkeys(readers)), telemetry=tuple(services.values())),
        )
    return Telemetry(services, reader)


def add_service_alarms(config: EnvironmentConfig, plan: PhasePlan, telemetry: Telemetry, alerts: AlertTopic) -> list[CloudwatchMetricAlarm]:
    """Error-rate, p95-latency and (unless ``[telemetry] quiet_services``) no-traffic alarms of each alarmed service,
    under its ``ServiceTelemetry``."""
    settings = config.telemetry
    alarms: list[CloudwatchMetricAlarm] = []
    for spec in plan.alarmed_services:
        alarm_settings = ServiceAlarmSettings.from_settings(settings, alert_topic=alerts)
        if spec.name in settings.quiet_services:
            alarm_settings = replace(alarm_settings, no_traffic_periods=None)
        created = telemetry.services[spec.name].add_alarms(alarm_settings)
        alarms.extend(created.values())
    return alarms
