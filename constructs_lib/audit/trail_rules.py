"""Pure rules of the audit domain: the alarm and log settings ``AuditTrail`` accepts, checked without cdktf.

``audit_problems`` is the one place these values are judged: ``AuditTrail`` raises on what it returns
(next to its construct-only rules: name prefix, log bucket) and the environment loader reports it for
``[audit]``, every problem at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import Problem
from ..value_rules import check_email, check_log_retention

MAX_ALARM_WINDOW_SECONDS = 86_400
"""CloudWatch: period x evaluation periods of an alarm may cover at most one day."""
DEFAULT_ALARM_PERIOD_SECONDS = 300
"""Default period over which each security alarm sums its events: 5 minutes."""
DEFAULT_ALARM_EVALUATION_PERIODS = 1
"""Default periods an alarm evaluates: 1, alert at once."""
DEFAULT_UNAUTHORIZED_API_CALLS_THRESHOLD = 1
"""Default unauthorized API calls per period that raise the alarm (CIS: any)."""
DEFAULT_CONSOLE_SIGNIN_FAILURES_THRESHOLD = 3
"""Default failed console sign-ins per period that raise the alarm (one typo does not page)."""
DEFAULT_CHANGE_ALARM_THRESHOLD = 1
"""Default events per period for the root-use and change alarms (CIS: any)."""
ALARM_THRESHOLD_RANGE = (1, 10_000)
"""Events per period a security alarm may be set to fire at."""


def audit_problems(
    *,
    log_retention_days: int,
    allow_short_log_retention: bool,
    alert_emails: Sequence[str],
    alarm_period_seconds: int,
    alarm_evaluation_periods: int,
    thresholds: Mapping[str, int],
) -> list[Problem]:
    """Every value outside what ``AuditTrail`` accepts (empty: valid). ``thresholds``: field name -> events per period."""
    problems: list[Problem] = []
    try:
        check_log_retention(log_retention_days, allow_short=allow_short_log_retention, flag="allow_short_log_retention")
    except ValueError as exc:
        problems.append(Problem("log_retention_days", log_retention_days, str(exc)))
    for address in alert_emails:
        try:
            check_email(address)
        except ValueError as exc:
            problems.append(Problem("alert_emails", address, str(exc)))
    if len(set(alert_emails)) != len(alert_emails):
        problems.append(Problem("alert_emails", list(alert_emails), "distinct addresses"))
    period, periods = alarm_period_seconds, alarm_evaluation_periods
    if isinstance(period, bool) or period < 60 or period % 60 or period > MAX_ALARM_WINDOW_SECONDS:
        problems.append(Problem("alarm_period_seconds", period, f"a multiple of 60 in 60..{MAX_ALARM_WINDOW_SECONDS}"))
    elif isinstance(periods, bool) or periods < 1 or period * periods > MAX_ALARM_WINDOW_SECONDS:
        problems.append(
            Problem(
                "alarm_evaluation_periods", periods, f"1..{MAX_ALARM_WINDOW_SECONDS // period} (alarm_period_seconds x periods <= {MAX_ALARM_WINDOW_SECONDS})"
            )
        )
    low, high = ALARM_THRESHOLD_RANGE
    for field, value in thresholds.items():
        if isinstance(value, bool) or not low <= value <= high:
            problems.append(Problem(field, value, f"{low}..{high} events per period"))
    return problems
