"""``[neon]``: the environment's Neon project, validated as the library's ``NeonSettings`` (no cdktf import).

The section *is* a ``constructs_lib.data.neon_settings.NeonSettings``: its fields, docstrings and defaults are
the library's, and its values are judged by the library's one rule (``neon_settings_problems``). This module
adds what only an environment file has: ``replica_readers`` and the environment's policy (both second-edit
locks stated, Postgres 16+ for the backup reader, a HIPAA project's organisation and allow-list).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, field_validator
from pydantic.dataclasses import dataclass

from constructs_lib.data import neon_settings

from ._section import SECTION_CONFIG, SettingsSection, file_problems

MIN_PG_VERSION = 16
"""The backup reader's BYPASSRLS can be given by a non-superuser from Postgres 16 on."""


@dataclass(frozen=True, kw_only=True, config=SECTION_CONFIG)
class NeonSettings(SettingsSection, neon_settings.NeonSettings):
    """``[neon]``: the environment's Neon project (``NeonSettings`` of the library, plus ``replica_readers``)."""

    replica_readers: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")]] | None = None
    """Data-owning services that get ``DATABASE_READ_URL`` (their own role on the read replica) once the replica
    exists (phase 3). Absent: the phase plan's read-heavy services (``ServiceSpec.reads_replica``)."""

    @field_validator("replica_readers")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("distinct entries")
        return value

    def _problems(self) -> Iterator[str]:
        old = self.pg_version < MIN_PG_VERSION  # the environment's narrower range replaces the library's
        if old:
            yield f"neon.pg_version must be {MIN_PG_VERSION}..{neon_settings.PG_VERSIONS[-1]}, got {self.pg_version!r}"
        problems = neon_settings.neon_settings_problems(self, require_lock=True)
        yield from file_problems("neon", (problem for problem in problems if not (old and problem.field == "pg_version")))
        # A HIPAA project holds real PHI: it belongs to a named (HIPAA-enabled) organisation and
        # accepts connections only from known addresses.
        if self.hipaa and self.org_id is None:
            yield (
                "neon.org_id is required when neon.hipaa is true (the HIPAA-enabled Neon organisation that owns the project, e.g. 'org-quiet-lake-12345678')"
            )
        if self.hipaa and not self.allowed_ips:
            yield (
                "neon.allowed_ips must list at least one address or CIDR when neon.hipaa is true "
                "(the services' static egress IPs and the Terraform runner's), got []"
            )
