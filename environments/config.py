"""The typed, frozen model of one environment file (``environments/<env>.toml``).

Validated once, at load, before cdktf or any provider package is imported. Unknown
keys are rejected everywhere, so a typo is an error instead of a silently ignored
setting. Nothing here imports cdktf: constructs receive plain values from this model.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from constructs_lib._validation import check_aws_region, check_cidr, check_domain

ENVIRONMENT_NAMES = ("dev", "staging", "prod")
"""The environments the platform knows; each is one stack and one Terraform Cloud workspace."""

PHASES = (1, 2, 3, 4)

MIN_PRODUCTION_RETENTION_DAYS = 7
"""Shortest backup / history retention a production environment may declare (guardrail HC-NEON-001)."""


def _range(lo: int | float, hi: int | float):  # noqa: ANN202 - returns a pydantic validator
    def check(value: int | float) -> int | float:
        if not lo <= value <= hi:
            raise ValueError(f"{lo}..{hi}")
        return value

    return AfterValidator(check)


def _vpc_cidr(value: str) -> str:
    check_cidr(value, min_prefix=16, max_prefix=20)
    return value


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class NeonSettings(_Section):
    """``[neon]``: the environment's Neon project."""

    region_id: str = "aws-us-east-1"
    """Neon region of the project; changing it replaces the project."""
    pg_version: Annotated[int, _range(14, 18)] = 17
    """Postgres major version; changing it replaces the project."""


class RailwaySettings(_Section):
    """``[railway]``: where the environment's services run."""

    region: Annotated[str, Field(min_length=1)] = "us-east4-eqdc4a"
    """Railway region id for every service of the environment."""


class CloudflareSettings(_Section):
    """``[cloudflare]``: the platform's zone at the edge."""

    min_tls_version: Literal["1.2", "1.3"] = "1.2"
    """Lowest TLS version the edge accepts."""


class GuardrailSettings(_Section):
    """``[guardrails]``: how the compliance rule pack treats the environment."""

    production: bool = False
    """Holds production PHI: production-only rules apply (Neon history >= 7 days, prevent_destroy). Default: off."""


class TerraformCloudSettings(_Section):
    """``[terraform_cloud]``: remote state and runs; absent means local state."""

    organization: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
    """Terraform Cloud organization that owns the workspaces."""
    workspace_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,60}$")] = "healthcare"
    """Workspaces are named ``<workspace_prefix>-<env>``."""


class EnvironmentConfig(_Section):
    """One environment: its rollout phase and the values its stack is built from."""

    name: Literal["dev", "staging", "prod"]
    """Environment and stack name; must match the file name."""
    phase: Annotated[int, _range(1, 4)]
    """Rollout phase 1..4; a higher phase adds components, never removes them."""
    project: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,20}[a-z0-9]$")] = "healthcare"
    """Prefix of every resource name (``<project>-<env>-<purpose>``)."""
    aws_region: Annotated[str, AfterValidator(check_aws_region)]
    """AWS region of the environment's AWS resources."""
    domain: Annotated[str, AfterValidator(check_domain)]
    """The platform's Cloudflare zone, e.g. ``example-health.org``."""
    dns_subdomain: Annotated[str, Field(pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)?$")]
    """Label under the zone for public hostnames (``api.<dns_subdomain>.<domain>``); empty for prod."""
    vpc_cidr: Annotated[str, AfterValidator(_vpc_cidr)]
    """VPC address range, /16../20, private, not overlapping any other environment."""
    az_count: Annotated[int, _range(1, 6)]
    """Availability zones the VPC spans."""
    retention_days: Annotated[int, _range(1, 30)]
    """Backup / point-in-time history retention in days."""
    replicas_min: Annotated[int, _range(1, 50)]
    """Fewest replicas of each service."""
    replicas_max: Annotated[int, _range(1, 50)]
    """Most replicas of each service (the autoscaling ceiling)."""
    neon: NeonSettings = NeonSettings()
    railway: RailwaySettings = RailwaySettings()
    cloudflare: CloudflareSettings = CloudflareSettings()
    guardrails: GuardrailSettings = GuardrailSettings()
    terraform_cloud: TerraformCloudSettings | None = None
    """Absent: local state in ``terraform.<env>.tfstate``."""

    @model_validator(mode="after")
    def _replicas_ordered(self) -> EnvironmentConfig:
        if self.replicas_min > self.replicas_max:
            raise ValueError(
                f"replicas_min must be <= replicas_max ({self.replicas_max}), got {self.replicas_min}"
            )
        return self

    @model_validator(mode="after")
    def _production_keeps_history(self) -> EnvironmentConfig:
        # Fails at load what guardrail HC-NEON-001 would otherwise fail at synth.
        if self.guardrails.production and self.retention_days < MIN_PRODUCTION_RETENTION_DAYS:
            raise ValueError(
                f"retention_days must be >= {MIN_PRODUCTION_RETENTION_DAYS} when guardrails.production is true "
                f"(HC-NEON-001), got {self.retention_days}"
            )
        return self

    @property
    def vpc_network(self) -> ipaddress.IPv4Network:
        """``vpc_cidr`` as an address object."""
        return ipaddress.IPv4Network(self.vpc_cidr)

    @property
    def public_domain(self) -> str:
        """Domain under which the environment's public hostnames live."""
        return f"{self.dns_subdomain}.{self.domain}" if self.dns_subdomain else self.domain
