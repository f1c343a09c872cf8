"""``[cloudflare]`` and ``[network]``: the edge and the AWS VPC baseline (no cdktf import)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from constructs_lib.network.edge_policy import (
    DEFAULT_API_REQUESTS_PER_PERIOD,
    DEFAULT_CONTENT_SECURITY_POLICY,
    DEFAULT_RATE_LIMIT_MITIGATION_SECONDS,
    DEFAULT_RATE_LIMIT_PERIOD_SECONDS,
    MinTlsVersion,
)
from constructs_lib.value_rules import (
    MIN_AUDIT_LOG_RETENTION_DAYS,
    check_log_retention,
)

from ._section import _Section


class CloudflareSettings(_Section):
    """``[cloudflare]``: the platform's zone at the edge.

    Zone-wide settings and rulesets exist once per zone, so exactly one environment per
    ``domain`` has ``manage_zone = true``; the others only add their DNS records and must
    repeat the owner's zone-wide values (checked across files, so nothing is silently ignored).
    """

    manage_zone: bool = True
    """This environment's stack owns the zone's settings and rulesets (one owner per zone)."""
    plan: Literal["free", "pro", "business", "enterprise"] = "free"
    """The zone's Cloudflare plan; decides which rate limiting options are allowed."""
    min_tls_version: Annotated[MinTlsVersion, Field(strict=False)] = MinTlsVersion.TLS_1_2
    """Lowest TLS version the edge accepts."""
    hsts_preload: bool = False
    """Add ``preload`` to HSTS (hard to undo: browsers hard-code the domain). Default: off."""
    content_security_policy: str = DEFAULT_CONTENT_SECURITY_POLICY
    """Content-Security-Policy header set on every response."""
    rate_limit_period_seconds: int = DEFAULT_RATE_LIMIT_PERIOD_SECONDS
    """Counting window of the rate limits (free plan: 10 only)."""
    rate_limit_mitigation_seconds: int = DEFAULT_RATE_LIMIT_MITIGATION_SECONDS
    """How long a client over the limit is blocked (free plan: 10 only)."""
    api_requests_per_period: int = DEFAULT_API_REQUESTS_PER_PERIOD
    """Requests per client IP per window: on the API hosts (``api.*``) on pro and higher; on the free plan, whose
    rate limiting rule can only match paths, on every host of the zone (100 per 10 s is about 10/s)."""
    auth_requests_per_period: int | None = None
    """Stricter limit on the authentication paths; absent: no separate rule (it needs plan pro or higher)."""
    advanced_certificate: bool = False
    """Order an Advanced Certificate Manager pack (paid add-on) for ``<public_domain>`` and ``*.<public_domain>``.

    Needed when ``dns_subdomain`` is set: Universal SSL (free) covers only the zone and one
    level below it, not ``api.<dns_subdomain>.<domain>``. Per environment, not zone-wide.
    """

    health_check_path: str | None = None
    """Cloudflare standalone health check (HTTPS GET, expects 200) of every public hostname at this path;
    needs plan pro or higher. Per environment. Absent: no health checks."""
    account_id: str | None = None
    """Cloudflare account for a notification policy emailing ``audit.alert_emails`` when a health check
    changes state (needs ``health_check_path``). Per environment. Absent: no notification policy."""
    protect_from_destroy: bool = True
    """prevent_destroy on this environment's DNS records (public hostnames and their verification records). Per environment."""
    zone_id: str | None = None
    """The zone's Cloudflare id: the stack reads that zone and fails at plan unless its name is ``domain``, so a
    token for another zone cannot be used by mistake. Required unless ``disposable`` (then the zone is looked up by name)."""

    def zone_wide(self) -> dict[str, object]:
        """The values that apply to the whole zone (all but the per-environment ones: ``manage_zone``,
        ``advanced_certificate``, the health checks and ``protect_from_destroy``)."""
        return self.model_dump(
            mode="json", exclude={"manage_zone", "advanced_certificate", "health_check_path", "account_id", "protect_from_destroy", "zone_id"}
        )


class NetworkSettings(_Section):
    """``[network]``: the AWS VPC baseline (it arrives with the phase that needs it, see platform_plan/phases.py)."""

    nat_gateways: Literal["single", "per_az"] = "per_az"
    """One NAT gateway per AZ (survives an AZ outage) or one shared by all AZs (cheaper)."""
    flow_log_retention_days: int = MIN_AUDIT_LOG_RETENTION_DAYS
    """Retention of the VPC flow log group; at least 365 unless ``allow_short_flow_log_retention``."""
    allow_short_flow_log_retention: bool = False
    """Permit a flow log retention under 365 days (fails checkov CKV_AWS_338). Default: not permitted."""
    availability_zones: list[Annotated[str, Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-[1-9][a-z]$")]] | None = None
    """Explicit AZ names; absent: ``<aws_region>a``, ``b``, ... (``az_count`` of them)."""

    def _problems(self) -> Iterator[str]:
        days = self.flow_log_retention_days
        try:
            check_log_retention(days, allow_short=self.allow_short_flow_log_retention)
        except ValueError as exc:
            yield f"network.flow_log_retention_days must be {exc}, got {days!r}"
