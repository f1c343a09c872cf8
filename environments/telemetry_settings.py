"""The ``[telemetry]`` section of an environment file: application logs, metrics and their alarms.

Validated at load like the rest of ``EnvironmentConfig`` (no cdktf import here). The services themselves come
from the phase plan (``platform_plan.phases.PhasePlan.monitored_services``); this section holds the environment's
numbers (docs/operations/monitoring.md, "Application telemetry").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from constructs_lib.value_rules import MIN_AUDIT_LOG_RETENTION_DAYS, check_log_retention
from platform_plan.phases import SERVICES

from ._section import IAM_PRINCIPAL_ARN_PATTERN, _range, _Section


def _percent(value: float) -> float:
    if not 0 < value <= 100:
        raise ValueError("a percentage above 0 and at most 100")
    return value


def _distinct(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise ValueError("distinct values")
    return value


class TelemetrySettings(_Section):
    """``[telemetry]``: every Railway service's own encrypted log group and metric namespace, and the public
    services' error-rate, p95-latency and no-traffic alarms (to the operational alert topic)."""

    log_retention_days: int = MIN_AUDIT_LOG_RETENTION_DAYS
    """Days CloudWatch keeps each service's log group (a CloudWatch retention value). Application logs may carry PHI:
    at least the audit minimum (365) unless ``logs_may_contain_phi`` is false."""
    logs_may_contain_phi: bool = True
    """Whether the services' logs may carry PHI (request paths, error details). Default: yes, so retention is held
    to the audit minimum; set false only for an environment with synthetic data."""
    error_rate_percent: Annotated[float, AfterValidator(_percent)] = 5.0
    """The error-rate alarm fires when 5xx responses are at least this percentage of a public service's
    requests in a 5-minute period, for ``error_rate_periods`` periods."""
    error_rate_periods: Annotated[int, _range(1, 12)] = 2
    """Consecutive 5-minute periods at or above ``error_rate_percent`` before the alarm fires."""
    error_rate_min_requests: Annotated[int, _range(1, 100_000)] = 20
    """Requests a 5-minute period needs before its error rate counts (two failures of three requests at night are
    not an incident); a quieter period counts as 0 %."""
    latency_p95_ms: Annotated[int, _range(1, 60_000, " milliseconds")] = 2000
    """The latency alarm fires when a public service's p95 request latency (its own measurement) is above this,
    for ``latency_periods`` 5-minute periods. Not below ``[uptime] latency_threshold_ms``."""
    latency_periods: Annotated[int, _range(1, 12)] = 3
    """Consecutive slow 5-minute periods before the latency alarm fires."""
    no_traffic_periods: Annotated[int, _range(1, 12)] = 3
    """5-minute periods with no request at all (no data counts as none) before the no-traffic alarm fires: the
    service is down, crash-looping, or no longer sends telemetry."""
    quiet_services: Annotated[list[str], AfterValidator(_distinct)] = []
    """Public services allowed to go without requests (no no-traffic alarm for them). Default: none."""
    log_reader_arns: Annotated[list[Annotated[str, Field(pattern=IAM_PRINCIPAL_ARN_PATTERN)]], Field(max_length=10), AfterValidator(_distinct)] = []
    """On-call roles that may assume the environment's application-log reader role (besides ``[audit]
    log_reader_arn``). Default: none (then only the audit reader, if any)."""

    @field_validator("quiet_services")
    @classmethod
    def _public_services(cls, value: list[str]) -> list[str]:
        public = sorted(s.name for s in SERVICES if s.public)
        unknown = sorted(set(value) - set(public))
        if unknown:
            raise ValueError(f"public services ({', '.join(public)}); unknown: {', '.join(unknown)}")
        return value

    def _problems(self) -> Iterator[str]:
        try:
            check_log_retention(self.log_retention_days, allow_short=not self.logs_may_contain_phi, flag="telemetry.logs_may_contain_phi = false")
        except ValueError as exc:
            yield f"telemetry.log_retention_days must be {exc}, got {self.log_retention_days!r}"

    def problems(self, uptime_latency_threshold_ms: int) -> Iterator[str]:
        """Rules against other sections: the p95 target is not tighter than the uptime check's latency threshold."""
        if self.latency_p95_ms < uptime_latency_threshold_ms:
            yield (
                f"telemetry.latency_p95_ms must be at least uptime.latency_threshold_ms ({uptime_latency_threshold_ms}: the "
                f"outside check of the cheapest request), got {self.latency_p95_ms}"
            )
