"""``AuditSettings``: the values of an AuditTrail, declared once, and ``audit_settings_problems``, their one rule.

A frozen dataclass without cdktf (and without pydantic: the library depends on neither). ``AuditTrailProps`` is
these settings plus what the construct is given besides (name prefix, log bucket); an environment file's
``[audit]`` section is validated as this class (``environments/audit_settings.py``), and both ``AuditTrail`` and
that section judge the values with ``audit_settings_problems``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import Problem, ProblemCollector, nothing_unresolved
from ..value_rules import MIN_AUDIT_LOG_RETENTION_DAYS, check_email, check_https_url, check_log_retention

MAX_ALARM_WINDOW_SECONDS = 86_400
"""CloudWatch: period x evaluation periods of an alarm may cover at most one day."""
ALARM_THRESHOLD_RANGE = (1, 10_000)
"""Events per period a security alarm may be set to fire at."""
ALARM_THRESHOLDS = ("unauthorized_api_calls_threshold", "console_signin_failures_threshold", "change_alarm_threshold")
"""The ``AuditSettings`` fields that are a security alarm's threshold (``SecurityAlarm.threshold`` names one)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditSettings:
    """The values of an ``AuditTrail`` (no references to other constructs)."""

    alert_emails: Sequence[str] = ()
    """Addresses subscribed to the alert topic (each must confirm AWS's email), distinct. Default: none (the
    topic exists; subscribe other endpoints to ``alert_topic_arn``)."""
    log_retention_days: int = MIN_AUDIT_LOG_RETENTION_DAYS
    """Retention of the trail's CloudWatch log group, a retention CloudWatch offers (the S3 copy is kept by the
    bucket's Object Lock). Default: 365 days, the minimum unless ``allow_short_log_retention``."""
    allow_short_log_retention: bool = False
    """Permit a log group retention under 365 days (fails checkov CKV_AWS_338). Default: not permitted."""
    alarm_period_seconds: int = 300
    """Period over which each security alarm sums its events; a multiple of 60 in 60..86400. Default: 5 minutes."""
    alarm_evaluation_periods: int = 1
    """Periods an alarm evaluates (alarm_period_seconds x periods <= one day). Default: 1, alert at once."""
    unauthorized_api_calls_threshold: int = 1
    """Unauthorized API calls per period that raise the alarm, 1..10000. Default: 1 (CIS: any)."""
    console_signin_failures_threshold: int = 3
    """Failed console sign-ins per period that raise the alarm, 1..10000. Default: 3 (one typo does not page)."""
    change_alarm_threshold: int = 1
    """Events per period (1..10000) for the root-use, console-sign-in-without-MFA and change alarms (IAM, KMS,
    S3 policy, CloudTrail, AWS Config, security group, NACL, network gateway, route table, VPC).
    Default: 1 (CIS: any)."""
    phi_data_events: bool = True
    """Log S3 object reads and writes of every PHI SecureS3 in the stack and of its cross-region replica
    (found at synthesis, so a bucket added by a later phase is covered without touching this construct;
    other buckets join with ``AuditTrail.add_data_event_bucket``). Default: on."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the audit KMS key, the log group and the alert and delivery topics. Default: on."""
    log_reader_arn: str | None = None
    """IAM role (or user) ARN of whoever reads the audit logs in S3 (security team, auditors), typically in another
    account: it may list and read the log bucket and ``kms:Decrypt`` through S3 with the bucket's key, on the
    cross-region replica too, by the bucket and key policies alone. Principals of the trail's own account decrypt
    log files whenever their IAM policies allow it (AWS's documented trail key policy). Default: no named reader —
    set it wherever the logs are evidence for someone outside the account."""
    alert_https_endpoints: Sequence[str] = ()
    """``https://`` URLs subscribed to the alert topic, distinct: the paging route for security alarms and routed findings
    (a PagerDuty integration URL). Each must confirm its SNS subscription, or apply fails after 5 minutes; the URL is
    stored in Terraform state. Default: none."""


def audit_settings_problems(settings: AuditSettings, *, is_unresolved: Callable[[object], bool] = nothing_unresolved) -> list[Problem]:
    """Every value of ``settings`` outside what ``AuditTrail`` accepts (empty: valid), all at once.

    ``is_unresolved``: values for which it is true (a construct's tokens) are skipped. The log reader's ARN is
    judged where it is granted (``SecureS3.grant_read_to_principal``); booleans need no rule.
    """
    rules = ProblemCollector(is_unresolved)
    check, problems = rules.check, rules.problems

    def log_retention(days: int) -> None:
        check_log_retention(days, allow_short=settings.allow_short_log_retention, flag="allow_short_log_retention")

    def alarm_period(period: int) -> None:
        if isinstance(period, bool) or period < 60 or period % 60 or period > MAX_ALARM_WINDOW_SECONDS:
            raise ValueError(f"a multiple of 60 in 60..{MAX_ALARM_WINDOW_SECONDS}")

    def evaluation_periods(periods: int) -> None:
        period = settings.alarm_period_seconds
        if isinstance(periods, bool) or periods < 1 or period * periods > MAX_ALARM_WINDOW_SECONDS:
            raise ValueError(f"1..{MAX_ALARM_WINDOW_SECONDS // period} (alarm_period_seconds x periods <= {MAX_ALARM_WINDOW_SECONDS})")

    def threshold(value: int) -> None:
        low, high = ALARM_THRESHOLD_RANGE
        if isinstance(value, bool) or not low <= value <= high:
            raise ValueError(f"{low}..{high} events per period")

    rules.each("alert_emails", settings.alert_emails, check_email, what="addresses", indexed=False)
    check("log_retention_days", settings.log_retention_days, log_retention)
    before = len(problems)
    check("alarm_period_seconds", settings.alarm_period_seconds, alarm_period)
    if len(problems) == before and not is_unresolved(settings.alarm_period_seconds):  # the window of a valid period
        check("alarm_evaluation_periods", settings.alarm_evaluation_periods, evaluation_periods)
    for field in ALARM_THRESHOLDS:
        check(field, getattr(settings, field), threshold)
    rules.each("alert_https_endpoints", settings.alert_https_endpoints, check_https_url, what="https:// URLs", indexed=False)
    return problems
