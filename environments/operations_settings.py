"""The operations sections of an environment file: ``[alerts]``, ``[uptime]``, ``[budget]``, ``[account]``.

Validated at load like the rest of ``EnvironmentConfig`` (no cdktf import here).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from constructs_lib.value_rules import check_email, check_https_url
from platform_plan.phases import SERVICES

from ._section import _range, _Section

DEFAULT_HEALTH_PATH = "/health"
"""Path of a public service's health check unless ``[uptime] health_paths`` names another."""
HEALTH_PATH_PATTERN = r"^/[A-Za-z0-9._~/-]{0,254}$"


def _distinct(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise ValueError("distinct values")
    return value


class AlertSettings(_Section):
    """``[alerts]``: who receives the operational alerts (uptime, latency, ML model store, AWS budget).

    Security alarms go to ``[audit] alert_emails``; these routes are the environment's alert topic.
    """

    emails: Annotated[list[Annotated[str, AfterValidator(check_email)]], Field(max_length=10), AfterValidator(_distinct)] | None = None
    """Addresses subscribed to the alert topic and emailed by the budget (AWS Budgets allows 10).
    Absent: ``[audit] alert_emails``."""
    https_endpoints: Annotated[list[Annotated[str, AfterValidator(check_https_url)]], Field(max_length=10), AfterValidator(_distinct)] = []
    """``https://`` URLs subscribed to the alert topic (a PagerDuty CloudWatch integration URL, a relay into
    chat). Each must confirm its SNS subscription itself, or apply fails. Stored in Terraform state."""
    no_paging_reason: Annotated[str, Field(min_length=20, max_length=500)] | None = None
    """Why a production environment pages nobody (no ``https_endpoints``); refused alongside them."""


class UptimeSettings(_Section):
    """``[uptime]``: Route 53 health checks of every public hostname (any Cloudflare plan) and their alarms."""

    health_paths: dict[str, Annotated[str, Field(pattern=HEALTH_PATH_PATTERN)]] = {}
    """Health check path per public service (``{ gateway = "/healthz" }``); others use ``/health``."""
    request_interval_seconds: int = 30
    """Seconds between each Route 53 checker's requests: 30, or 10 (charged extra). Fixed when a check is created."""
    failure_threshold: Annotated[int, _range(1, 10)] = 3
    """Consecutive failures before a checker calls the hostname unhealthy."""
    down_minutes: Annotated[int, _range(1, 60)] = 2
    """Minutes unhealthy before the down alarm notifies."""
    latency_threshold_ms: Annotated[int, _range(1, 60_000, " milliseconds")] = 2000
    """Average time to first byte above which the latency alarm fires (from phase 3, performance alerts)."""
    latency_minutes: Annotated[int, _range(5, 1440)] = 15
    """Minutes of slow responses before the latency alarm notifies."""

    @field_validator("request_interval_seconds")
    @classmethod
    def _interval(cls, value: int) -> int:
        if value not in (10, 30):
            raise ValueError("10 or 30")
        return value

    @field_validator("health_paths")
    @classmethod
    def _public_services(cls, value: dict[str, str]) -> dict[str, str]:
        public = sorted(s.name for s in SERVICES if s.public)
        unknown = sorted(set(value) - set(public))
        if unknown:
            raise ValueError(f"keyed by public services ({', '.join(public)}); unknown: {', '.join(unknown)}")
        return value

    def health_path(self, service: str) -> str:
        """The path checked on ``service``'s public hostname."""
        return self.health_paths.get(service, DEFAULT_HEALTH_PATH)

    @property
    def all_health_paths(self) -> tuple[str, ...]:
        """Every path a check requests, over every public service of any phase (the edge never challenges them)."""
        return tuple(sorted({self.health_path(s.name) for s in SERVICES if s.public}))


class BudgetSettings(_Section):
    """``[budget]``: the monthly AWS cost budget of the environment's account (AWS charges only)."""

    monthly_limit_usd: Annotated[int, _range(1, 1_000_000, " whole US dollars")]
    """Whole US dollars a month; notifications at 80 % forecast and 100 % actual."""


class AccountSettings(_Section):
    """``[account]``: hygiene of the AWS account the environment is applied in (one owner per account and region)."""

    owns_account_baseline: bool = True
    """This environment owns the account-wide baseline of its AWS account in its region: the AWS Config recorder and
    conformance pack, the GuardDuty detector, Security Hub, the IAM Access Analyzer account analyzer and Macie
    (``[detection]``), and may own the IAM password policy. Two environment files that share an account id (in
    ``aws_account_ids``) and region must not both be true; the loader names both files."""
    manage_password_policy: bool = True
    """Own the account's IAM password policy (CIS values); needs ``owns_account_baseline``, and one environment per
    account (the policy is global). Turn off where another stack or team owns it."""
    admin_group: Annotated[str, Field(pattern=r"^[A-Za-z0-9+=,.@_-]{1,128}$")] | None = None
    """IAM group for human administrators, created with a policy that denies everything but MFA setup until
    they sign in with MFA. Required when ``guardrails.production`` is true."""
