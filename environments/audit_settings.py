"""``[audit]``: the audit trail, its log retention and its security alarms (no cdktf import)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator, Field

from constructs_lib.audit.trail_rules import (
    DEFAULT_ALARM_EVALUATION_PERIODS,
    DEFAULT_ALARM_PERIOD_SECONDS,
    DEFAULT_CHANGE_ALARM_THRESHOLD,
    DEFAULT_CONSOLE_SIGNIN_FAILURES_THRESHOLD,
    DEFAULT_UNAUTHORIZED_API_CALLS_THRESHOLD,
    audit_problems,
)
from constructs_lib.value_rules import (
    MIN_AUDIT_LOG_RETENTION_DAYS,
    check_https_url,
)

from ._section import IAM_PRINCIPAL_ARN_PATTERN, _Section


class AuditSettings(_Section):
    """``[audit]``: the CloudTrail trail's log group, the alert topic's subscribers and the alarm thresholds."""

    alert_emails: Annotated[list[str], Field(min_length=1, max_length=20)]
    """Required: at least one on-call address subscribed to the security alert topic."""
    log_retention_days: int = MIN_AUDIT_LOG_RETENTION_DAYS
    """Retention of the trail's CloudWatch log group; at least 365 unless ``allow_short_log_retention``."""
    allow_short_log_retention: bool = False
    """Permit a log group retention under 365 days (fails checkov CKV_AWS_338). Default: not permitted."""
    alarm_period_seconds: int = DEFAULT_ALARM_PERIOD_SECONDS
    """Period over which each security alarm sums its events, a multiple of 60."""
    alarm_evaluation_periods: int = DEFAULT_ALARM_EVALUATION_PERIODS
    """Periods each alarm evaluates (period x periods <= one day)."""
    unauthorized_api_calls_threshold: int = DEFAULT_UNAUTHORIZED_API_CALLS_THRESHOLD
    """Unauthorized API calls per period that raise the alarm (CIS: any)."""
    console_signin_failures_threshold: int = DEFAULT_CONSOLE_SIGNIN_FAILURES_THRESHOLD
    """Failed console sign-ins per period that raise the alarm."""
    change_alarm_threshold: int = DEFAULT_CHANGE_ALARM_THRESHOLD
    """Events per period for the root-use and configuration-change alarms (CIS: any)."""
    protect_from_destroy: bool = True
    """prevent_destroy on the audit KMS key and the trail's log group."""
    log_reader_arn: Annotated[str, Field(pattern=IAM_PRINCIPAL_ARN_PATTERN)] | None = None
    """IAM role ARN that reads the audit logs in S3 (bucket policy + ``kms:Decrypt`` through S3, replica
    included). Required when ``guardrails.production`` is true: logs no one can decrypt are no evidence."""
    https_endpoints: Annotated[list[Annotated[str, AfterValidator(check_https_url)]], Field(max_length=10)] = []
    """``https://`` URLs subscribed to the security alert topic (CIS alarms and the routed ``[detection]`` findings):
    the paging route, such as a PagerDuty integration URL. Each must confirm its SNS subscription, or apply fails.
    Stored in Terraform state."""
    no_paging_reason: Annotated[str, Field(min_length=20, max_length=500)] | None = None
    """Why a production environment's security alerts page nobody (no ``https_endpoints``); refused alongside them."""

    def _problems(self) -> Iterator[str]:
        # AuditTrail's own rules (one source): the file is refused for what the construct would refuse.
        thresholds = ("unauthorized_api_calls_threshold", "console_signin_failures_threshold", "change_alarm_threshold")
        for problem in audit_problems(
            log_retention_days=self.log_retention_days,
            allow_short_log_retention=self.allow_short_log_retention,
            alert_emails=self.alert_emails,
            alarm_period_seconds=self.alarm_period_seconds,
            alarm_evaluation_periods=self.alarm_evaluation_periods,
            thresholds={field: getattr(self, field) for field in thresholds},
        ):
            yield f"audit.{problem.field} must be {problem.allowed}, got {problem.value!r}"
