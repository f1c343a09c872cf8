"""The operations sections of an environment file: ``[alerts]``, ``[uptime]``, ``[budget]``, ``[account]``.

Each section *is* the library's settings of its construct (``constructs_lib.operations.settings``: ``AlertRoutes``,
``UptimeSettings``, ``BudgetSettings``, ``AccountBaselineSettings``): fields, docstrings and defaults are the
library's, and its values are judged by the library's one rule function. This module adds only what the file has
besides (``no_paging_reason``, ``health_paths``, ``owns_account_baseline``). Validated at load like the rest of
``EnvironmentConfig`` (no cdktf import here).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, field_validator
from pydantic.dataclasses import dataclass

from constructs_lib.operations import settings
from platform_plan.phases import SERVICES

from ._section import SECTION_CONFIG, SettingsSection, file_problems

DEFAULT_HEALTH_PATH = "/health"
"""Path of a public service's health check unless ``[uptime] health_paths`` names another."""
HEALTH_PATH_PATTERN = r"^/[A-Za-z0-9._~/-]{0,254}$"


@dataclass(frozen=True, kw_only=True, config=SECTION_CONFIG)
class AlertSettings(SettingsSection, settings.AlertRoutes):
    """``[alerts]``: who receives the operational alerts (uptime, latency, ML model store, AWS budget): the library's
    ``AlertRoutes`` of the environment's alert topic, plus ``no_paging_reason``. Security alarms go to ``[audit]
    alert_emails``. Absent or empty ``emails``: ``[audit] alert_emails`` (``EnvironmentConfig.alert_emails``)."""

    no_paging_reason: Annotated[str, Field(min_length=20, max_length=500)] | None = None
    """Why a production environment pages nobody (no ``https_endpoints``); refused alongside them."""

    def _problems(self) -> Iterator[str]:
        yield from file_problems("alerts", settings.alert_routes_problems(self))


@dataclass(frozen=True, kw_only=True, config=SECTION_CONFIG)
class UptimeSettings(SettingsSection, settings.UptimeSettings):
    """``[uptime]``: Route 53 health checks of every public hostname (any Cloudflare plan) and their alarms: the
    library's ``UptimeSettings``, plus the path checked on each public service. ``latency_threshold_ms`` alarms from
    phase 3 (performance alerts); absent, no latency alarm (required when ``guardrails.production`` is true)."""

    health_paths: dict[str, Annotated[str, Field(pattern=HEALTH_PATH_PATTERN)]] = Field(default_factory=dict)
    """Health check path per public service (``{ gateway = "/healthz" }``); others use ``/health``."""

    @field_validator("health_paths")
    @classmethod
    def _public_services(cls, value: dict[str, str]) -> dict[str, str]:
        public = sorted(s.name for s in SERVICES if s.public)
        unknown = sorted(set(value) - set(public))
        if unknown:
            raise ValueError(f"keyed by public services ({', '.join(public)}); unknown: {', '.join(unknown)}")
        return value

    def _problems(self) -> Iterator[str]:
        yield from file_problems("uptime", settings.uptime_settings_problems(self))

    def health_path(self, service: str) -> str:
        """The path checked on ``service``'s public hostname."""
        return self.health_paths.get(service, DEFAULT_HEALTH_PATH)

    @property
    def all_health_paths(self) -> tuple[str, ...]:
        """Every path a check requests, over every public service of any phase (the edge never challenges them)."""
        return tuple(sorted({self.health_path(s.name) for s in SERVICES if s.public}))


@dataclass(frozen=True, kw_only=True, config=SECTION_CONFIG)
class BudgetSettings(SettingsSection, settings.BudgetSettings):
    """``[budget]``: the monthly AWS cost budget of the environment's account (AWS charges only): the library's
    ``BudgetSettings``."""

    def _problems(self) -> Iterator[str]:
        yield from file_problems("budget", settings.budget_settings_problems(self))


@dataclass(frozen=True, kw_only=True, config=SECTION_CONFIG)
class AccountSettings(SettingsSection, settings.AccountBaselineSettings):
    """``[account]``: hygiene of the AWS account the environment is applied in (one owner per account and region): the
    library's ``AccountBaselineSettings``, plus which environment owns the account baseline. ``admin_group_name`` is
    required when ``guardrails.production`` is true."""

    owns_account_baseline: bool = True
    """This environment owns the account-wide baseline of its AWS account in its region: the AWS Config recorder and
    conformance pack, the GuardDuty detector, Security Hub, the IAM Access Analyzer account analyzer and Macie
    (``[detection]``), and may own the IAM password policy (``manage_password_policy`` needs it). Two environment
    files that share an account id (in ``aws_account_ids``) and region must not both be true; the loader names both files."""

    def _problems(self) -> Iterator[str]:
        yield from file_problems("account", settings.account_baseline_settings_problems(self))
