"""``NeonDatabaseProps`` and ``ReaderRole``: the settings of a NeonDatabase, apart from the construct so its checks can read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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
class NeonDatabaseProps:
    """Settings for NeonDatabase."""

    project_name: str
    """Neon project name (1..256 characters), e.g. ``healthcare-prod``."""
    services: Sequence[str] = ()
    """Services that own data (unique lowercase names, 1..40 letters, digits and ``-``); each gets database
    ``<service>`` (``-`` -> ``_``) owned by the SQL role ``<db>_owner`` (migrations; no administrative attribute)
    and a login role ``<db>_app`` with read/write on that database only. Default: none."""
    region_id: str = "aws-us-east-1"
    """Neon region, one of ``constructs_lib.value_rules.NEON_REGIONS``; changing it replaces the project. Default: ``aws-us-east-1``."""
    pg_version: int = 17
    """Postgres major version, 14..18; changing it replaces the project. Default: 17 (Neon's default)."""
    history_retention_seconds: int = 86_400
    """Point-in-time restore window, 0..2592000 s (plan caps: Free 21600, Launch 604800). Default: 1 day."""
    compute_min_cu: float = 0.25
    """Autoscaling floor of every compute, 0.25..16 CU. Default: 0.25."""
    compute_max_cu: float = 2
    """Autoscaling ceiling, >= compute_min_cu and at most 8 CU above it. Default: 2 (the Free plan's cap)."""
    suspend_timeout_seconds: int = 0
    """Scale-to-zero delay: -1 never, 0 Neon's default (300 s), or 60..604800. Default: 0."""
    hipaa: bool = True
    """HIPAA-compliant project (Scale plan, HIPAA-enabled org; cannot be turned off). Default: on."""
    protect_from_destroy: bool = True
    """prevent_destroy on the project and service databases, protected default branch, and a given
    ``locked_region_id`` / ``locked_pg_version`` must match. Default: on."""
    locked_region_id: str | None = None
    """Optional second-edit lock: when given (and protected), must equal ``region_id``, so moving regions
    (which replaces the project) takes two deliberate edits. Default: no lock."""
    locked_pg_version: int | None = None
    """Optional second-edit lock on ``pg_version``, like ``locked_region_id``. Default: no lock."""
    org_id: str | None = None
    """Neon organisation owning the project. Default: the API key's default organisation."""
    allowed_ips: Sequence[str] = ()
    """IP allow-list (Scale plan): addresses or CIDRs that may connect; more can be added with
    ``add_allowed_ips``. Default: none, any address may connect (with credentials over TLS)."""
    block_public_connections: bool = False
    """Refuse every connection from the public internet (Private Networking only). Default: off."""
    read_replica: bool = False
    """Add a pooled read_only compute on the default branch (``read_only_connection_uri``). Default: off."""
    analytics_replica: bool = False
    """Add a second read_only compute (direct, for long analytical reads) on the default branch, so analytics
    never slows the services' replica (``reader_connection_uri(..., analytics_replica=True)``). Default: off."""
    readers: Sequence[ReaderRole] = ()
    """Read-only SQL login roles (analytics, backups). Default: none."""
    channel_binding: bool = True
    """Connection strings add ``channel_binding=require`` (SCRAM-SHA-256-PLUS, libpq 13+): a client that cannot
    bind refuses to connect. Turn off only for drivers that reject the parameter. Default: on."""
    sslrootcert_system: bool = True
    """Connection strings add ``sslrootcert=system``: libpq 16+ (psql, pg_dump, psycopg, pgx) then verifies Neon's
    certificate against the TLS library's CA store instead of failing for want of ``~/.postgresql/root.crt``.
    Turn off only for clients that read ``sslrootcert`` as a file path (node-postgres, Go lib/pq, libpq 15 and
    older); they need their own CA store or a CA file path. Default: on."""
