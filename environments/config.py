"""The typed, frozen model of one environment file (``environments/<env>.toml``): ``EnvironmentConfig``.

Validated once, at load, before cdktf or any provider package is imported. Unknown
keys are rejected everywhere, so a typo is an error instead of a silently ignored
setting. Nothing here imports cdktf: constructs receive plain values from this model.

Each section's model is in its own module (``neon_settings``, ``railway_settings``, ``network_settings``,
``audit_settings``, ``storage_settings``, ``key_settings``, ``terraform_cloud_settings``, ``operations_settings``,
``telemetry_settings``, ``detection``); this module holds the file as a whole and the rules between sections.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from constructs_lib.data.settings_rules import MAX_KEY_DELETION_WINDOW_DAYS
from constructs_lib.network.cloudflare_edge_props import CloudflareEdgeProps
from constructs_lib.network.edge_policy import CloudflarePlan
from constructs_lib.network.edge_props_rules import cloudflare_edge_problems
from constructs_lib.storage.storage_types import ObjectLockMode
from constructs_lib.value_rules import (
    MIN_PRODUCTION_HISTORY_RETENTION_DAYS,
    check_aws_region,
    check_cidr,
    check_domain,
    cron_max_gap_seconds,
    freshness_window,
    production_history_shortfall,
)
from platform_plan.phases import PHASES

from ._section import IAM_PRINCIPAL_ARN_PATTERN, _range, _Section
from .audit_settings import AuditSettings
from .detection import DetectionSettings
from .key_settings import AppSecretSettings, FieldEncryptionSettings
from .neon_settings import NeonSettings
from .network_settings import CloudflareSettings, NetworkSettings
from .operations_settings import AccountSettings, AlertSettings, BudgetSettings, UptimeSettings
from .railway_settings import RailwaySettings
from .storage_settings import BackupSettings, S3Settings
from .telemetry_settings import TelemetrySettings
from .terraform_cloud_settings import AGENT_IMAGE_PATTERN, TERRAFORM_VERSION, TFC_AGENT_IMAGE, TFC_TEAM_PATTERN, TerraformCloudSettings

__all__ = [
    # Defined here: the whole file's model and the rules between its sections.
    "ENVIRONMENT_NAME_PATTERN",
    "MIN_PRODUCTION_RETENTION_DAYS",
    "RESERVED_NAMES",
    "EnvironmentConfig",
    "GuardrailSettings",
    # Each section's model lives in its own module (issue 29); importable from here as before.
    "AGENT_IMAGE_PATTERN",
    "IAM_PRINCIPAL_ARN_PATTERN",
    "PHASES",
    "TERRAFORM_VERSION",
    "TFC_AGENT_IMAGE",
    "TFC_TEAM_PATTERN",
    "AccountSettings",
    "AlertSettings",
    "AppSecretSettings",
    "AuditSettings",
    "BackupSettings",
    "BudgetSettings",
    "CloudflareSettings",
    "DetectionSettings",
    "FieldEncryptionSettings",
    "NeonSettings",
    "NetworkSettings",
    "RailwaySettings",
    "S3Settings",
    "TelemetrySettings",
    "TerraformCloudSettings",
    "UptimeSettings",
]

ENVIRONMENT_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,19}$"
"""An environment's name is its file's name: a lowercase letter, then lowercase letters, digits or ``-``,
at most 20 characters. It names the stack, the Terraform Cloud workspace and every resource."""
RESERVED_NAMES = ("bootstrap",)
"""Stack names the app uses itself (the Terraform Cloud bootstrap stack)."""
MIN_PRODUCTION_RETENTION_DAYS = MIN_PRODUCTION_HISTORY_RETENTION_DAYS
"""Shortest backup / history retention a production environment may declare (guardrail HC-NEON-001)."""


def _vpc_cidr(value: str) -> str:
    check_cidr(value, min_prefix=16, max_prefix=20)
    return value


class GuardrailSettings(_Section):
    """``[guardrails]``: how the compliance rule pack treats the environment."""

    production: bool = False
    """Holds production PHI: production-only rules apply (Neon history >= 7 days, prevent_destroy). Default: off."""


class EnvironmentConfig(_Section):
    """One environment: its rollout phase and the values its stack is built from."""

    name: Annotated[str, Field(pattern=ENVIRONMENT_NAME_PATTERN)]
    """Environment and stack name: the file name (``environments/<name>.toml``), set by the loader."""
    phase: Annotated[int, _range(PHASES[0], PHASES[-1])]
    """Rollout phase 1..4; a higher phase adds components, never removes them."""
    project: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,20}[a-z0-9]$")] = "healthcare"
    """Prefix of every resource name (``<project>-<env>-<purpose>``)."""
    aws_region: Annotated[str, AfterValidator(check_aws_region)]
    """AWS region of the environment's AWS resources."""
    aws_account_ids: list[Annotated[str, Field(pattern=r"^\d{12}$")]]
    """AWS accounts the environment may be applied in (``allowed_account_ids`` of every AWS provider): a credential
    for another account fails at plan. Required in every environment, disposable ones too: a shell profile
    for the wrong account would otherwise create dev's resources in prod's account."""
    disposable: bool
    """Holds only synthetic data and may be destroyed and rebuilt at will: local state, no zone pin and
    ``[s3] force_destroy`` are allowed only here. Never with ``guardrails.production``."""
    state_backend: Literal["local", "terraform_cloud"]
    """Where Terraform state lives. ``local`` (``terraform.<env>.tfstate``, secrets in plain text on disk)
    only for disposable environments; otherwise ``terraform_cloud`` with a ``[terraform_cloud]`` section."""
    domain: Annotated[str, AfterValidator(check_domain)]
    """The platform's Cloudflare zone, e.g. ``example-health.org``."""
    dns_subdomain: Annotated[str, Field(pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)?$")]
    """Label under the zone for public hostnames (``api.<dns_subdomain>.<domain>``); empty for prod."""
    vpc_cidr: Annotated[str, AfterValidator(_vpc_cidr)]
    """VPC address range, /16../20, private, not overlapping any other environment."""
    az_count: Annotated[int, _range(1, 6)]
    """Availability zones the VPC spans."""
    replicas: Annotated[int, _range(1, 50)]
    """Replicas of each serving service in ``railway.region``: a fixed count, set when a service is created
    (Railway has no autoscaling of replica counts; after a change the plan fails until the count is set in
    Railway too: docs/constructs/RailwayService.md, "Replicas and regions")."""
    neon: NeonSettings
    """Required: the Neon project's protection and HIPAA choices are made explicitly per environment."""
    railway: RailwaySettings
    cloudflare: CloudflareSettings = CloudflareSettings()
    network: NetworkSettings = NetworkSettings()
    s3: S3Settings = S3Settings()
    audit: AuditSettings
    """Required: who receives the security alarms is an explicit choice per environment."""
    guardrails: GuardrailSettings = GuardrailSettings()
    backups: BackupSettings = BackupSettings()
    app_secrets: AppSecretSettings = AppSecretSettings()
    field_encryption: FieldEncryptionSettings = FieldEncryptionSettings()
    terraform_cloud: TerraformCloudSettings | None = None
    """Required with ``state_backend = "terraform_cloud"``, refused with ``local``."""
    alerts: AlertSettings = AlertSettings()
    """Routes of the operational alert topic; absent: ``audit.alert_emails`` by email (``alert_emails``)."""
    uptime: UptimeSettings = UptimeSettings()
    budget: BudgetSettings | None = None
    """The monthly AWS budget; absent: no budget. Required when ``guardrails.production`` is true."""
    account: AccountSettings = AccountSettings()
    detection: DetectionSettings = DetectionSettings()
    """Applies where ``account.owns_account_baseline`` is true (phase 1, docs/operations/detection.md)."""
    telemetry: TelemetrySettings = TelemetrySettings()

    def _detection(self) -> Iterator[str]:
        audit, account = self.audit, self.account
        if account.manage_password_policy and not account.owns_account_baseline:
            yield (
                "account.manage_password_policy must be false when account.owns_account_baseline is false "
                "(the environment that owns the account baseline owns its password policy), got True"
            )
        if self.guardrails.production:
            if not audit.alert_https_endpoints and audit.no_paging_reason is None:
                yield (
                    "audit.alert_https_endpoints is required when guardrails.production is true (security alarms and findings page "
                    "someone, e.g. a PagerDuty integration URL), or say why not in audit.no_paging_reason"
                )
            if account.owns_account_baseline and not self.detection.macie:
                yield "detection.macie must be true when guardrails.production is true (PHI buckets are inspected for sensitive data), got False"

    def _operations(self) -> Iterator[str]:
        alerts = self.alerts
        if alerts.https_endpoints and alerts.no_paging_reason is not None:
            yield ("alerts.no_paging_reason must be unset when alerts.https_endpoints are given (they page someone)")
        if self.budget is not None and len(self.alert_emails) > 10:
            yield (
                f"alerts.emails must be at most 10 addresses when there is a [budget] (AWS Budgets emails at most 10; "
                f"absent, [audit] alert_emails are used), got {len(self.alert_emails)}"
            )
        if self.guardrails.production:
            if not alerts.https_endpoints and alerts.no_paging_reason is None:
                yield (
                    "alerts.https_endpoints is required when guardrails.production is true (a paging or chat route "
                    "besides email), or say why not in alerts.no_paging_reason"
                )
            if self.budget is None:
                yield ("budget is required when guardrails.production is true ([budget] monthly_limit_usd)")
            if self.account.admin_group_name is None:
                yield ("account.admin_group_name is required when guardrails.production is true (the human admins' group that requires MFA)")
            if self.uptime.latency_threshold_ms is None:
                yield ("uptime.latency_threshold_ms is required when guardrails.production is true (the phase-3 latency alarm, e.g. 1000)")

    @property
    def alert_emails(self) -> tuple[str, ...]:
        """Addresses of the operational alert topic and budget: ``[alerts] emails``, else (absent or empty) ``[audit] alert_emails``."""
        return tuple(self.alerts.emails or self.audit.alert_emails)

    def _state_and_accounts(self) -> Iterator[str]:
        if self.disposable and self.guardrails.production:
            yield ("disposable must be false when guardrails.production is true (production data is never disposable), got True")
        if self.state_backend == "local" and not self.disposable:
            yield (
                "state_backend must be 'terraform_cloud' unless disposable is true (local state keeps Neon passwords, "
                "IAM secret keys and Railway variables in plain text on one laptop), got 'local'"
            )
        if self.state_backend == "terraform_cloud" and self.terraform_cloud is None:
            yield ("terraform_cloud is required when state_backend is 'terraform_cloud' (organization, workspace_prefix, ...)")
        elif self.state_backend == "local" and self.disposable and self.terraform_cloud is not None:
            yield ("terraform_cloud must be absent when state_backend is 'local' (one source for where state lives)")
        if not self.aws_account_ids:
            yield (
                "aws_account_ids must name at least one account, disposable environments too (the AWS accounts this "
                "environment may be applied in; a credential for any other account then fails at plan), got []"
            )
        if len(set(self.aws_account_ids)) != len(self.aws_account_ids):
            yield (f"aws_account_ids must be distinct, got {self.aws_account_ids!r}")
        tfc = self.terraform_cloud
        if self.guardrails.production:
            if self.railway.workspace_id is None:
                yield ("railway.workspace_id is required when guardrails.production is true (a token that sees another workspace must not create prod there)")
            if tfc is not None and tfc.auto_apply:
                yield ("terraform_cloud.auto_apply must be false when guardrails.production is true (a person confirms every prod apply), got True")
            if tfc is not None and tfc.apply_team is None:
                yield ("terraform_cloud.apply_team is required when guardrails.production is true (the named team that may apply prod)")
            if tfc is not None and not tfc.notify_member_emails:
                yield ("terraform_cloud.notify_member_emails is required when guardrails.production is true (someone hears of a failed prod run)")
        if not self.disposable and self.cloudflare.zone_id is None:
            yield ("cloudflare.zone_id is required unless disposable is true (the zone is then pinned: a token for another zone fails at plan)")

    def _zones_match(self) -> Iterator[str]:
        zones = self.network.availability_zones
        if zones is not None and (len(zones) != self.az_count or len(set(zones)) != len(zones) or any(not z.startswith(self.aws_region) for z in zones)):
            yield (f"network.availability_zones must be {self.az_count} distinct zones of {self.aws_region} (az_count), got {zones!r}")

    def _problems(self) -> Iterator[str]:
        yield from self._state_and_accounts()
        yield from self._operations()
        yield from self.telemetry.problems(self.uptime.latency_threshold_ms)
        yield from self._detection()
        yield from self._zones_match()
        yield from self._replica_in_another_region()
        yield from self._production_audit()
        yield from self._teardown_is_consistent()
        yield from self._production_keeps_history()
        yield from self._edge_is_valid()
        yield from self._terraform_cloud_rules()
        yield from self._production_keeps_keys()
        yield from self._services_egress_is_allowed()
        yield from self._backups_are_locked_and_watched()

    def _services_egress_is_allowed(self) -> Iterator[str]:
        # The services connect to Neon from their static outbound addresses: an allow-listed project must admit them,
        # and in production the services' AWS keys are pinned to them.
        egress, allowed = self.railway.static_egress_ips, self.neon.allowed_ips
        if self.guardrails.production and allowed and not egress:
            yield (
                "railway.static_egress_ips is required when guardrails.production is true and neon.allowed_ips is set "
                "(the services' Static Outbound IPs: their AWS access keys then work from those addresses only)"
            )
        networks = [ipaddress.ip_network(entry) for entry in allowed]
        for address in egress if allowed else []:
            network = ipaddress.ip_network(address)
            if not any(network.version == n.version and network.subnet_of(n) for n in networks):  # type: ignore[arg-type]
                yield (
                    f"railway.static_egress_ips must be inside neon.allowed_ips {allowed!r} (the services connect to the database from them), got {address!r}"
                )

    _EDGE_KEYS = {
        "domain": "domain",
        "public_domain": "dns_subdomain",
        "health_alert_account_id": "cloudflare.account_id",
        "health_alert_emails": "audit.alert_emails",
        "monitor_paths": "uptime.health_paths",
    }
    """CloudflareEdgeProps field -> the key of the environment file that sets it (others: ``cloudflare.<field>``)."""

    def edge_props(self) -> CloudflareEdgeProps:
        """The ``CloudflareEdge`` props this file describes (validated at load by ``cloudflare_edge_problems``)."""
        cloudflare = self.cloudflare
        return CloudflareEdgeProps(
            domain=self.domain,
            public_domain=self.public_domain,
            manage_zone_settings=cloudflare.manage_zone,
            plan=CloudflarePlan(cloudflare.plan),
            min_tls_version=cloudflare.min_tls_version,
            hsts_preload=cloudflare.hsts_preload,
            content_security_policy=cloudflare.content_security_policy,
            rate_limit_period_seconds=cloudflare.rate_limit_period_seconds,
            rate_limit_mitigation_seconds=cloudflare.rate_limit_mitigation_seconds,
            api_requests_per_period=cloudflare.api_requests_per_period,
            auth_requests_per_period=cloudflare.auth_requests_per_period,
            advanced_certificate=cloudflare.advanced_certificate,
            monitor_paths=self.uptime.all_health_paths,
            health_check_path=cloudflare.health_check_path,
            health_alert_account_id=cloudflare.account_id,
            health_alert_emails=tuple(self.audit.alert_emails) if cloudflare.account_id else (),
            protect_from_destroy=cloudflare.protect_from_destroy,
            zone_id=cloudflare.zone_id,
        )

    def _edge_is_valid(self) -> Iterator[str]:
        # The construct's own rules (one source): a file is refused for what CloudflareEdge would refuse.
        for problem in cloudflare_edge_problems(self.edge_props()):
            key = self._EDGE_KEYS.get(problem.field, f"cloudflare.{problem.field}")
            allowed = problem.allowed
            for field in ("health_alert_account_id", "health_alert_emails"):  # the file's names, not the props'
                allowed = allowed.replace(field, self._EDGE_KEYS[field])
            yield f"{key} must be {allowed}, got {problem.value!r}"

    @property
    def availability_zones(self) -> tuple[str, ...]:
        """The VPC's AZ names: explicit ones, or ``<aws_region>a``, ``b``, ... deterministically."""
        if self.network.availability_zones is not None:
            return tuple(self.network.availability_zones)
        return tuple(f"{self.aws_region}{letter}" for letter in "abcdef"[: self.az_count])

    def _terraform_cloud_rules(self) -> Iterator[str]:
        # Here rather than in the section, so they are reported together with the rules across sections.
        tfc = self.terraform_cloud
        if tfc is None:
            return
        if tfc.read_team is not None and tfc.read_team == tfc.apply_team:
            yield (
                "terraform_cloud.read_team must differ from terraform_cloud.apply_team (a team has one access level per "
                f"workspace: read without state, or plan and apply), got {tfc.read_team!r} for both"
            )
        if tfc.execution_mode != "agent" and tfc.agent_egress_ips:
            yield (
                "terraform_cloud.agent_egress_ips must be empty unless terraform_cloud.execution_mode is 'agent' "
                f"(remote runs do not leave from them), got {tfc.agent_egress_ips!r}"
            )
        yield from self._runs_reach_the_database()

    def _runs_reach_the_database(self) -> Iterator[str]:
        # The postgresql providers connect to Neon from wherever the run executes. HCP Terraform publishes no
        # address range for its remote workers, so an allow-list can only admit an agent's known address.
        tfc, allowed = self.terraform_cloud, self.neon.allowed_ips
        if tfc is None or self.state_backend != "terraform_cloud" or not allowed:
            return
        if tfc.execution_mode != "agent":
            yield (
                "terraform_cloud.execution_mode must be 'agent' when neon.allowed_ips is set (HCP Terraform publishes no "
                "address range for remote runs, so the allow-list would refuse every run's database connection), "
                f"got {tfc.execution_mode!r}"
            )
            return
        if not tfc.agent_egress_ips:
            yield (
                "terraform_cloud.agent_egress_ips is required when terraform_cloud.execution_mode is 'agent' and "
                "neon.allowed_ips is set (the agent's static outbound address, docs/deploying.md: Terraform Cloud agent)"
            )
        networks = [ipaddress.ip_network(entry) for entry in allowed]
        for address in tfc.agent_egress_ips:
            egress = ipaddress.ip_network(address)
            if not any(egress.version == network.version and egress.subnet_of(network) for network in networks):  # type: ignore[arg-type]
                yield (
                    f"terraform_cloud.agent_egress_ips must be inside neon.allowed_ips {allowed!r} (the agent's runs connect "
                    f"to the database from it), got {address!r}"
                )

    def _replica_in_another_region(self) -> Iterator[str]:
        if self.s3.replica_region == self.aws_region:
            yield (f"s3.replica_region must differ from aws_region ({self.aws_region}), got {self.s3.replica_region!r}")

    def _production_audit(self) -> Iterator[str]:
        if self.guardrails.production and self.audit.log_reader_arn is None:
            yield (
                "audit.log_reader_arn is required when guardrails.production is true "
                "(an IAM role ARN such as arn:aws:iam::123456789012:role/audit-reader in the security or audit account; "
                "without it nobody outside the account can read the audit logs)"
            )
        if self.guardrails.production and not self.audit.phi_data_events:
            yield "audit.phi_data_events must be true when guardrails.production is true (every read and write of a PHI object is recorded), got False"

    def _teardown_is_consistent(self) -> Iterator[str]:
        s3 = self.s3
        compliance = ObjectLockMode.COMPLIANCE in (s3.audit_log_lock_mode, self.backup_lock_mode)
        if s3.force_destroy and (not self.disposable or s3.protect_from_destroy or compliance):
            yield (
                "s3.force_destroy must be false unless disposable is true, s3.protect_from_destroy is false and "
                "audit_log_lock_mode and backups.lock_mode are GOVERNANCE (only environments with synthetic data; "
                f"compliance-locked objects cannot be deleted), got {s3.force_destroy!r}"
            )

    def _production_keeps_keys(self) -> Iterator[str]:
        if not self.guardrails.production:
            return
        field = self.field_encryption
        if field.key_deletion_window_days != MAX_KEY_DELETION_WINDOW_DAYS:
            yield (
                f"field_encryption.key_deletion_window_days must be {MAX_KEY_DELETION_WINDOW_DAYS} when guardrails.production is true "
                f"(the longest time to cancel a deletion that would make every encrypted field unreadable), got {field.key_deletion_window_days}"
            )
        for section, settings in (("field_encryption", field), ("app_secrets", self.app_secrets)):
            if not settings.protect_from_destroy:
                yield f"{section}.protect_from_destroy must be true when guardrails.production is true (keys of production PHI), got False"

    @property
    def backup_lock_mode(self) -> ObjectLockMode:
        """``[backups] lock_mode``, or its default: COMPLIANCE in production, GOVERNANCE elsewhere."""
        if self.backups.lock_mode is not None:
            return self.backups.lock_mode
        return ObjectLockMode.COMPLIANCE if self.guardrails.production else ObjectLockMode.GOVERNANCE

    @property
    def backup_freshness_window(self) -> tuple[int, int]:
        """``(period, evaluation_periods)`` of the backup freshness alarm (checked at load)."""
        gap = cron_max_gap_seconds(self.backups.schedule)
        assert gap is not None, "checked at load"
        return freshness_window(gap, self.backups.freshness_slack_minutes * 60)

    def _backups_are_locked_and_watched(self) -> Iterator[str]:
        backups, mode = self.backups, self.backup_lock_mode
        if self.guardrails.production and mode is not ObjectLockMode.COMPLIANCE:
            yield (f"backups.lock_mode must be COMPLIANCE when guardrails.production is true (a governance lock can be bypassed), got {mode.value!r}")
        gap = cron_max_gap_seconds(backups.schedule)
        if gap is None:
            yield (f"backups.schedule must run at least twice a year for the freshness alarm to watch it, got {backups.schedule!r}")
            return
        try:
            freshness_window(gap, backups.freshness_slack_minutes * 60)
        except ValueError as error:
            yield (
                f"backups.schedule and backups.freshness_slack_minutes cannot be watched: {error}; "
                f"got {backups.schedule!r} (longest gap {gap} s) and {backups.freshness_slack_minutes} min"
            )

    def _production_keeps_history(self) -> Iterator[str]:
        # Guardrail HC-NEON-001's rule, at load instead of at synth.
        seconds = self.neon.history_retention_seconds
        needed = production_history_shortfall(seconds) if self.guardrails.production else None
        if needed is not None:
            yield f"neon.history_retention_seconds must be {needed} when guardrails.production is true (HC-NEON-001), got {seconds!r}"

    @property
    def name_prefix(self) -> str:
        """``<project>-<name>``: the prefix of the environment's resource names (buckets, Neon project, trail, ...)."""
        return f"{self.project}-{self.name}"

    @property
    def vpc_network(self) -> ipaddress.IPv4Network:
        """``vpc_cidr`` as an address object."""
        return ipaddress.IPv4Network(self.vpc_cidr)

    @property
    def public_domain(self) -> str:
        """Domain under which the environment's public hostnames live."""
        return f"{self.dns_subdomain}.{self.domain}" if self.dns_subdomain else self.domain
