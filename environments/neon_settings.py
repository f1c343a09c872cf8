"""``[neon]``: the environment's Neon project (no cdktf import)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from constructs_lib.data.settings_rules import neon_lock_problems
from constructs_lib.value_rules import (
    check_allowed_ip,
    check_neon_compute_range,
    check_neon_compute_units,
    check_neon_region,
    check_neon_suspend_timeout,
)

from ._section import _range, _Section


class NeonSettings(_Section):
    """``[neon]``: the environment's Neon project (history retention comes from ``retention_days``)."""

    region_id: Annotated[str, AfterValidator(check_neon_region)] = "aws-us-east-1"
    """Neon region of the project; changing it replaces the project."""
    pg_version: Annotated[int, _range(16, 18)] = 17
    """Postgres major version, 16..18 (the backup reader's BYPASSRLS can be given by a non-superuser from 16 on);
    changing it replaces the project."""
    compute_min_cu: Annotated[float, AfterValidator(check_neon_compute_units)] = 0.25
    """Autoscaling floor of every compute, 0.25..16 CU."""
    compute_max_cu: Annotated[float, AfterValidator(check_neon_compute_units)] = 2.0
    """Autoscaling ceiling, >= compute_min_cu and at most 8 CU above it (Free plan: <= 2)."""
    suspend_timeout_seconds: Annotated[int, AfterValidator(check_neon_suspend_timeout)] = 0
    """Scale-to-zero delay: -1 never, 0 Neon's default (300 s), or 60..604800."""
    hipaa: bool = True
    """Make the project HIPAA-compliant (Scale plan, HIPAA-enabled org); cannot be turned off again."""
    protect_from_destroy: bool = True
    """prevent_destroy on the project and its databases, protected default branch, locked region/version."""
    locked_region_id: str | None = None
    """Must equal region_id while protect_from_destroy is on (a deliberate second edit to move regions)."""
    locked_pg_version: int | None = None
    """Must equal pg_version while protect_from_destroy is on."""
    org_id: Annotated[str | None, Field(pattern=r"^[a-z0-9-]{1,60}$")] = None
    """Neon organisation that owns the project (HIPAA is enabled per organisation); required when ``hipaa`` is
    true. Absent: the API key's default organisation."""
    allowed_ips: list[Annotated[str, AfterValidator(check_allowed_ip)]] = []
    """IP allow-list of the project (Scale plan): addresses or CIDRs that may open database connections: the
    services' static egress IPs, the Terraform runner's, the AI service's NAT addresses. Required (at least one)
    when ``hipaa`` is true. Empty: any address may connect (credentials and TLS still required)."""
    block_public_connections: bool = False
    """Refuse every connection from the public internet (Neon Private Networking only). Railway and Terraform Cloud
    reach Neon over the internet, so this stays off unless every client uses AWS PrivateLink."""
    replica_readers: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")]] | None = None
    """Data-owning services that get ``DATABASE_READ_URL`` (their own role on the read replica) once the replica
    exists (phase 3). Absent: the phase plan's read-heavy services (``ServiceSpec.reads_replica``)."""

    @field_validator("compute_max_cu")
    @classmethod
    def _compute_range(cls, value: float, info: ValidationInfo) -> float:
        if "compute_min_cu" in info.data:
            check_neon_compute_range(info.data["compute_min_cu"], value)
        return value

    @field_validator("allowed_ips", "replica_readers")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("distinct entries")
        return value

    def _problems(self) -> Iterator[str]:
        # A HIPAA project holds real PHI: it belongs to a named (HIPAA-enabled) organisation and
        # accepts connections only from known addresses.
        if self.hipaa and self.org_id is None:
            yield (
                "neon.org_id is required when neon.hipaa is true (the HIPAA-enabled Neon organisation that owns the project, e.g. 'org-quiet-lake-12345678')"
            )
        # NeonDatabase's lock rule (one source); a file must state both locks while protected.
        for problem in neon_lock_problems(
            protect_from_destroy=self.protect_from_destroy,
            region_id=self.region_id,
            pg_version=self.pg_version,
            locked_region_id=self.locked_region_id,
            locked_pg_version=self.locked_pg_version,
            require_lock=True,
        ):
            yield f"neon.{problem.field} must be {problem.allowed}, got {problem.value!r}"
        if self.hipaa and not self.allowed_ips:
            yield (
                "neon.allowed_ips must list at least one address or CIDR when neon.hipaa is true "
                "(the services' static egress IPs and the Terraform runner's), got []"
            )
