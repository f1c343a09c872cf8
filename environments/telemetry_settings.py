"""The ``[telemetry]`` section of an environment file: application logs, metrics and their alarms.

The section *is* the library's ``constructs_lib.operations.settings.TelemetrySettings`` (a service's log settings and
alarm thresholds: fields, docstrings, defaults and one rule function). This module adds only what the file has besides:
the public services allowed to be quiet and the on-call readers. The services themselves come from the phase plan
(``platform_plan.phases.PhasePlan.monitored_services``); docs/operations/monitoring.md, "Application telemetry".
Validated at load like the rest of ``EnvironmentConfig`` (no cdktf import here).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator
from pydantic.dataclasses import dataclass

from constructs_lib.operations import settings
from platform_plan.phases import SERVICES

from ._section import IAM_PRINCIPAL_ARN_PATTERN, SECTION_CONFIG, SettingsSection, file_problems


def _distinct(value: Sequence[str]) -> Sequence[str]:
    if len(set(value)) != len(value):
        raise ValueError("distinct values")
    return value


@dataclass(frozen=True, kw_only=True, config=SECTION_CONFIG)
class TelemetrySettings(SettingsSection, settings.TelemetrySettings):
    """``[telemetry]``: every Railway service's own encrypted log group and metric namespace, and the public
    services' error-rate, p95-latency and no-traffic alarms (to the operational alert topic): the library's
    ``TelemetrySettings``, plus ``quiet_services`` and ``log_reader_arns``. ``latency_p95_ms`` is not below
    ``[uptime] latency_threshold_ms``."""

    quiet_services: Annotated[Sequence[str], AfterValidator(_distinct)] = ()
    """Public services allowed to go without requests (no no-traffic alarm for them). Default: none."""
    log_reader_arns: Annotated[Sequence[Annotated[str, Field(pattern=IAM_PRINCIPAL_ARN_PATTERN)]], Field(max_length=10), AfterValidator(_distinct)] = ()
    """On-call roles that may assume the environment's application-log reader role (besides ``[audit]
    log_reader_arn``). Default: none (then only the audit reader, if any)."""

    @field_validator("quiet_services")
    @classmethod
    def _public_services(cls, value: Sequence[str]) -> Sequence[str]:
        public = sorted(s.name for s in SERVICES if s.public)
        unknown = sorted(set(value) - set(public))
        if unknown:
            raise ValueError(f"public services ({', '.join(public)}); unknown: {', '.join(unknown)}")
        return value

    def _problems(self) -> Iterator[str]:
        yield from file_problems("telemetry", settings.telemetry_settings_problems(self, flag="telemetry.logs_may_contain_phi = false"))

    def problems(self, uptime_latency_threshold_ms: int | None) -> Iterator[str]:
        """Rules against other sections: the p95 target is not tighter than the uptime check's latency threshold."""
        if uptime_latency_threshold_ms is not None and self.latency_p95_ms < uptime_latency_threshold_ms:
            yield (
                f"telemetry.latency_p95_ms must be at least uptime.latency_threshold_ms ({uptime_latency_threshold_ms}: the "
                f"outside check of the cheapest request), got {self.latency_p95_ms}"
            )
