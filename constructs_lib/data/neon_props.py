"""``NeonDatabaseProps`` and ``ReaderRole``: the input of a NeonDatabase (its ``NeonSettings`` and the rest), apart from the construct."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .._settings import settings_values
from .neon_settings import NeonSettings


@dataclass(frozen=True, kw_only=True, slots=True)
class ReaderRole:
    """A read-only SQL login role: ``SELECT`` by grant on the databases of ``services``, nothing else."""

    name: str
    """Role name (``analytics_reader``); not an owner's or a service's login role, no ``pg_``/``neon_`` prefix."""
    services: Sequence[str]
    """Services whose databases it may read (each also gets ``CONNECT`` and ``USAGE`` on its schema)."""
    sequences: bool = False
    """Also ``SELECT`` on sequences (their current values), which ``pg_dump`` needs. Default: tables only."""
    bypass_row_security: bool = False
    """``BYPASSRLS``: read the rows row-level security policies would hide, on the tables it may read (no
    other privilege). ``pg_dump`` needs it for a table with RLS: it turns row security off and fails
    otherwise. Requires ``pg_version`` 16+ (from 16 a CREATEROLE role such as the administrator may give
    BYPASSRLS, holding it itself; before, only a superuser). Default: off, policies apply."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NeonDatabaseProps(NeonSettings):
    """Settings for NeonDatabase: the project's values (``NeonSettings``, every keyword of it) and what the
    construct builds on them (the project's name, its services, replicas and reader roles)."""

    project_name: str
    """Neon project name (1..256 characters), e.g. ``healthcare-prod``."""
    services: Sequence[str] = ()
    """Services that own data (unique lowercase names, 1..40 letters, digits and ``-``); each gets database
    ``<service>`` (``-`` -> ``_``) owned by the SQL role ``<db>_owner`` (migrations; no administrative attribute)
    and a login role ``<db>_app`` with read/write on that database only. Default: none."""
    read_replica: bool = False
    """Add a pooled read_only compute on the default branch (``read_only_connection_uri``). Default: off."""
    analytics_replica: bool = False
    """Add a second read_only compute (direct, for long analytical reads) on the default branch, so analytics
    never slows the services' replica (``reader_connection_uri(..., analytics_replica=True)``). Default: off."""
    readers: Sequence[ReaderRole] = ()
    """Read-only SQL login roles (analytics, backups). Default: none."""

    @classmethod
    def from_settings(cls, settings: NeonSettings, *, project_name: str, **construct_input: Any) -> NeonDatabaseProps:
        """Props from ``settings`` (an environment file's ``[neon]`` section is one), ``project_name`` and the other
        fields of this class that are not settings (``services``, ``read_replica``, ``analytics_replica``, ``readers``)."""
        values = settings_values(settings, NeonSettings)
        return cls(**values, project_name=project_name, **construct_input)
