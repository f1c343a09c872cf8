"""The values of the operations constructs, declared once, and their rules.

Frozen dataclasses without cdktf (and without pydantic: the library depends on neither), one per construct:
``AlertRoutes`` (``AlertTopic``), ``UptimeSettings`` (``UptimeMonitor``), ``BudgetSettings`` (``CostBudget``),
``AccountBaselineSettings`` (``AccountBaseline``), ``ServiceLogSettings`` and ``ServiceAlarmThresholds``
(``ServiceTelemetry`` and its ``add_alarms``; ``TelemetrySettings`` is both). Each construct's props are these
settings plus what it is given besides (names, topics, providers, identities); an environment file's ``[alerts]``,
``[uptime]``, ``[budget]``, ``[account]`` and ``[telemetry]`` sections are validated as these classes
(``environments/operations_settings.py``, ``environments/telemetry_settings.py``), and both the construct and the
section judge the values with the class's one rule function (``*_problems``), which returns every ``Problem``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .._settings import settings_values as settings_values
from ..errors import Problem, ProblemCollector, nothing_unresolved
from ..value_rules import MIN_AUDIT_LOG_RETENTION_DAYS, check_email, check_https_url, check_log_retention

MAX_MONTHLY_LIMIT_USD = 1_000_000
"""The largest ``BudgetSettings.monthly_limit_usd`` (whole US dollars)."""
CIS_MIN_PASSWORD_LENGTH = 14
"""CIS AWS Foundations 1.8 (v1.4) / 1.9 (v1.2); Security Hub IAM.15."""
CIS_PASSWORD_REUSE_PREVENTION = 24
"""CIS AWS Foundations 1.9 (v1.4) / 1.10 (v1.2); Security Hub IAM.16 fails on any other value."""
CIS_MAX_PASSWORD_AGE_DAYS = 90
"""CIS AWS Foundations v1.2 1.11; Security Hub IAM.17; checkov CKV_AWS_9."""
_GROUP_RE = re.compile(r"^[A-Za-z0-9+=,.@_-]{1,128}$")


# AlertTopic ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertRoutes:
    """Where an ``AlertTopic`` delivers: its email and HTTPS subscriptions (no references to other constructs)."""

    emails: Sequence[str] = ()
    """Addresses subscribed by email; AWS mails each a confirmation link. Default: none."""
    https_endpoints: Sequence[str] = ()
    """``https://`` URLs subscribed to the topic (a PagerDuty CloudWatch integration URL, a relay into
    chat). Each must confirm the SNS subscription itself: apply waits for it and fails after
    ``_aws.topic_subscriptions.HTTPS_CONFIRMATION_TIMEOUT_MINUTES`` if it does not (a bare Slack incoming webhook never does).
    The URL is stored in Terraform state and shown in plans. Default: none."""


def alert_routes_problems(routes: AlertRoutes) -> list[Problem]:
    """Every route of ``routes`` that is not a distinct email address / ``https://`` URL (empty: valid)."""
    rules = ProblemCollector()
    rules.each("emails", routes.emails, check_email)
    rules.each("https_endpoints", routes.https_endpoints, check_https_url)
    return rules.problems


# UptimeMonitor ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class UptimeSettings:
    """The values of an ``UptimeMonitor``'s checks and alarms (no references to other constructs)."""

    request_interval_seconds: int = 30
    """Seconds between requests of each Route 53 checker: 30, or 10 (charged extra). Fixed at creation. Default: 30."""
    failure_threshold: int = 3
    """Consecutive failures before a checker calls the endpoint unhealthy (1..10). Default: 3."""
    down_minutes: int = 2
    """Minutes the check must be unhealthy before the down alarm fires (1..60). Default: 2."""
    measure_latency: bool = True
    """Have Route 53 measure latency (charged extra). Fixed at creation, so it is on from the start:
    a latency alarm added later then needs no replacement of the check. Default: on."""
    latency_threshold_ms: int | None = None
    """Average time to first byte (1..60000 ms, across checker regions) above which the latency alarm fires after
    ``latency_minutes``; needs ``measure_latency``. Default: None, no latency alarm."""
    latency_minutes: int = 15
    """Minutes of slow responses (three 5-minute periods by default) before the latency alarm fires (5..1440). Default: 15."""


def uptime_settings_problems(settings: UptimeSettings, *, is_unresolved: Callable[[object], bool] = nothing_unresolved) -> list[Problem]:
    """Every value of ``settings`` outside what Route 53 and CloudWatch accept (empty: valid), all at once."""
    rules = ProblemCollector(is_unresolved)

    def interval(value: Any) -> None:
        if isinstance(value, bool) or value not in (10, 30):
            raise ValueError("10 or 30")

    rules.check("request_interval_seconds", settings.request_interval_seconds, interval)
    rules.whole("failure_threshold", settings.failure_threshold, 1, 10)
    rules.whole("down_minutes", settings.down_minutes, 1, 60)
    rules.whole("latency_minutes", settings.latency_minutes, 5, 1440)
    latency = settings.latency_threshold_ms
    if latency is not None:
        rules.whole("latency_threshold_ms", latency, 1, 60_000, "1..60000 milliseconds")
        if not settings.measure_latency:
            rules.problems.append(Problem("latency_threshold_ms", latency, "None unless measure_latency is on (Route 53 publishes latency only then)"))
    return rules.problems


# CostBudget ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class BudgetSettings:
    """The values of a ``CostBudget`` (no references to other constructs)."""

    monthly_limit_usd: int
    """The month's budget in whole US dollars (1..1000000)."""
    forecast_threshold_percent: int = 80
    """Notify when the month's forecast exceeds this share of the limit (1..1000). Default: 80 %."""
    actual_threshold_percent: int = 100
    """Notify when the month's actual cost exceeds this share of the limit (1..1000). Default: 100 %."""


def budget_settings_problems(settings: BudgetSettings, *, is_unresolved: Callable[[object], bool] = nothing_unresolved) -> list[Problem]:
    """Every value of ``settings`` outside what the budget accepts (empty: valid), all at once."""
    rules = ProblemCollector(is_unresolved)
    rules.whole("monthly_limit_usd", settings.monthly_limit_usd, 1, MAX_MONTHLY_LIMIT_USD, f"1..{MAX_MONTHLY_LIMIT_USD} whole US dollars")
    for field in ("forecast_threshold_percent", "actual_threshold_percent"):
        rules.whole(field, getattr(settings, field), 1, 1000, "1..1000 percent of the limit")
    return rules.problems


# AccountBaseline ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountBaselineSettings:
    """The values of an ``AccountBaseline`` (no references to other constructs)."""

    admin_group_name: str | None = None
    """IAM group for human administrators, created with only the require-MFA policy attached; their
    permissions come from other groups or policies, which the policy's Deny overrides until they sign in
    with MFA. Default: no group (attach ``require_mfa_policy_arn`` yourself)."""
    manage_password_policy: bool = True
    """Own the account's IAM password policy with the CIS values (one owner per account: the policy is
    account-wide). Default: on."""
    min_password_length: int = CIS_MIN_PASSWORD_LENGTH
    """At least 14 (CIS), at most 128. Default: 14."""
    password_reuse_prevention: int = CIS_PASSWORD_REUSE_PREVENTION
    """Previous passwords a user may not reuse, 24 (CIS, the maximum). Default: 24."""
    max_password_age_days: int = CIS_MAX_PASSWORD_AGE_DAYS
    """Days until a password expires, 1..90 (CIS v1.2). Default: 90."""


def account_baseline_settings_problems(settings: AccountBaselineSettings) -> list[Problem]:
    """Every value of ``settings`` outside what IAM and the CIS benchmark accept (empty: valid), all at once."""
    rules = ProblemCollector()

    def group(value: Any) -> None:
        if value is not None and (not isinstance(value, str) or not _GROUP_RE.match(value)):
            raise ValueError("an IAM group name: 1..128 letters, digits and +=,.@_-")

    rules.check("admin_group_name", settings.admin_group_name, group)
    for field, low, high in (
        ("min_password_length", CIS_MIN_PASSWORD_LENGTH, 128),
        ("password_reuse_prevention", CIS_PASSWORD_REUSE_PREVENTION, CIS_PASSWORD_REUSE_PREVENTION),
        ("max_password_age_days", 1, CIS_MAX_PASSWORD_AGE_DAYS),
    ):
        rules.whole(field, getattr(settings, field), low, high, f"{low}..{high} (CIS AWS Foundations)")
    return rules.problems


# ServiceTelemetry ---------------------------------------------------------------------------
# Not slotted: ``TelemetrySettings`` (and an environment's ``[telemetry]``) is both.


@dataclass(frozen=True, kw_only=True)
class ServiceLogSettings:
    """The values of a ``ServiceTelemetry``'s log group (no references to other constructs)."""

    log_retention_days: int = MIN_AUDIT_LOG_RETENTION_DAYS
    """Days CloudWatch keeps the log events (a CloudWatch retention value). Application logs may carry PHI: at least
    the audit minimum (365) unless ``logs_may_contain_phi`` is false. Default: 365."""
    logs_may_contain_phi: bool = True
    """Whether the logs may carry PHI (request paths, error details); then retention is held to the audit minimum.
    Set false only for synthetic data. Default: on."""


def service_log_settings_problems(settings: ServiceLogSettings, *, flag: str = "logs_may_contain_phi = False") -> list[Problem]:
    """``log_retention_days`` if it is no CloudWatch retention value, or short for logs that may carry PHI (``flag``
    names the switch in the caller's words)."""
    rules = ProblemCollector()
    rules.check(
        "log_retention_days", settings.log_retention_days, lambda days: check_log_retention(days, allow_short=not settings.logs_may_contain_phi, flag=flag)
    )
    return rules.problems


@dataclass(frozen=True, kw_only=True)
class ServiceAlarmThresholds:
    """The thresholds of ``ServiceTelemetry.add_alarms`` (no references to other constructs)."""

    error_rate_percent: float = 5.0
    """The error-rate alarm fires when 5xx responses are at least this percentage (above 0, at most 100) of the
    service's requests in a 5-minute period, for ``error_rate_periods`` periods. Default: 5."""
    error_rate_periods: int = 2
    """Breaching 5-minute periods in a row before the error-rate alarm fires (1..12). Default: 2."""
    error_rate_min_requests: int = 20
    """Requests a 5-minute period needs before its error rate counts (two failures of three requests at night are
    not an incident); a quieter period counts as 0 % (1..100000). Default: 20."""
    latency_p95_ms: int = 2000
    """The latency alarm fires when the service's p95 request latency (its own measurement) is above this
    (1..60000 ms), for ``latency_periods`` 5-minute periods. Default: 2000."""
    latency_periods: int = 3
    """Breaching 5-minute periods in a row before the latency alarm fires (1..12). Default: 3."""
    no_traffic_periods: int | None = 3
    """5-minute periods with no request at all (no data counts as none) before the no-traffic alarm fires (1..12):
    the service is down, crash-looping, or no longer sends telemetry. None: no such alarm (a quiet service). Default: 3."""


def service_alarm_thresholds_problems(thresholds: ServiceAlarmThresholds) -> list[Problem]:
    """Every threshold outside what the alarms accept (empty: valid), all at once."""
    rules = ProblemCollector()

    def percent(value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
            raise ValueError("a percentage above 0 and at most 100")

    rules.check("error_rate_percent", thresholds.error_rate_percent, percent)
    periods = "1..12 five-minute periods (at most an hour)"
    rules.whole("error_rate_periods", thresholds.error_rate_periods, 1, 12, periods)
    rules.whole("error_rate_min_requests", thresholds.error_rate_min_requests, 1, 100_000)
    rules.whole("latency_p95_ms", thresholds.latency_p95_ms, 1, 60_000, "1..60000 milliseconds")
    rules.whole("latency_periods", thresholds.latency_periods, 1, 12, periods)
    if thresholds.no_traffic_periods is not None:
        rules.whole("no_traffic_periods", thresholds.no_traffic_periods, 1, 12, periods)
    return rules.problems


@dataclass(frozen=True, kw_only=True)
class TelemetrySettings(ServiceAlarmThresholds, ServiceLogSettings):
    """A service's log settings and alarm thresholds together (an environment's ``[telemetry]`` is one)."""


def telemetry_settings_problems(settings: TelemetrySettings, *, flag: str = "logs_may_contain_phi = False") -> list[Problem]:
    """``service_log_settings_problems`` and ``service_alarm_thresholds_problems`` of ``settings``."""
    return [*service_log_settings_problems(settings, flag=flag), *service_alarm_thresholds_problems(settings)]
