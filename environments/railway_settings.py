"""``[railway]``: the environment's Railway project and where its services build from (no cdktf import)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from constructs_lib.value_rules import check_allowed_ip

from ._section import _Section


class RailwaySettings(_Section):
    """``[railway]``: where the environment's services run and what they deploy.

    Each environment is its own Railway project (``<project>-<env>``); every service
    deploys ``repo`` at ``branch`` from ``<services_dir>/<service>``, configured by
    ``<services_dir>/<service>/railway.toml`` (health check, start command).
    """

    region: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)+$")] = "us-east4-eqdc4a"
    """Railway region id for every service of the environment."""
    repo: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")]
    """GitHub repository (``owner/name``) holding the services, one folder each."""
    branch: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")]
    """Branch the environment deploys; Railway redeploys on every push to it."""
    services_dir: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")] = "services"
    """Folder of the repository holding one subfolder per service."""
    workspace_id: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")] | None = None
    """Railway workspace owning the project; needed when the token sees several. Absent: the token's only workspace."""
    protect_from_destroy: bool = True
    """prevent_destroy on the Railway project and its services (deleting them drops domains, variables, volumes)."""
    static_egress_ips: list[Annotated[str, AfterValidator(check_allowed_ip)]] = []
    """The services' Static Outbound IPs (Railway, Pro plan, enabled per service; copied here by hand: the provider
    cannot read them). Each service's AWS identity (access keys: Railway has no workload identity) is then denied
    every request from any other address (``aws:SourceIp``), except requests AWS services make on its behalf.
    Each must be inside ``neon.allowed_ips`` when that is set; required in production when it is. Empty: the
    identities' keys work from any address."""

    @field_validator("static_egress_ips")
    @classmethod
    def _distinct_addresses(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("distinct entries")
        return value
