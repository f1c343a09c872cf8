"""``NeonDatabase``: one Neon project per environment, a database per service, least-privilege SQL roles.

Neon facts this construct is built on (``constructs_lib/providers/neon/schema.json``, Neon's
"Manage roles" and "Manage database access"):

- ``neon_project`` implicitly creates a default branch, its one read_write compute, a
  default role (``neondb_owner``) and database (``neondb``). The default branch serves the
  environment; per-service databases are added to it with ``neon_database``.
- Every role created through Neon's API is a member of ``neon_superuser`` (all data, CREATEDB,
  CREATEROLE, BYPASSRLS). The only one used is the project's default role, the administrator,
  and only by Terraform's ``postgresql`` provider; database owners, services and readers are
  roles created in SQL (``_neon_sql``) with grants only. Neon forwards roles created in SQL to
  its control plane (``pgxn/neon/control_plane_connector.c``), so a ``neon_database`` may name one
  as its owner.
- A branch may have only one read_write compute, so replicas are ``read_only`` endpoints on
  the default branch: they read the same data (Neon computes share storage), live.
- Changing ``region_id`` or ``pg_version`` replaces the project and deletes its data.
"""

from __future__ import annotations

import ipaddress

from constructs import Construct

from .._provider_requirements import NEON, require_provider
from ..engine.core import Fn, TerraformResourceLifecycle, Token
from ..errors import ValidationError
from ..providers.neon import Database, Endpoint, Project, ProjectDefaultEndpointSettings
from ..value_rules import check_allowed_ip
from . import _neon_sql as sql
from ._neon_access import ServiceDatabase, reader_login, service_database
from ._neon_connections import ReaderConnection, ServiceConnection, connection_uri
from ._neon_props_validation import database_name, validate
from .neon_props import NeonDatabaseProps, ReaderRole


class NeonDatabase(Construct):
    """A Neon project, a database per service, and least-privilege SQL access to them.

    Creates ``neon_project`` (id ``Resource``) and one ``postgresql`` provider alias logged in as the
    project's default role, the administrator (under ``admin``); per service a ``neon_database`` and,
    under ``<service>-access``, its SQL owner role, the administrator's membership in it, the
    service's login role with its grants, and ``PUBLIC``'s privileges revoked; ``PUBLIC`` is also
    revoked on the project's default database (``default-access``); the ``readers`` under
    ``reader-<name>``; and when asked the ``ReadReplica`` / ``AnalyticsReplica`` computes.
    Connection strings are sensitive Terraform expressions, never text.
    """

    def __init__(self, scope: Construct, id_: str, props: NeonDatabaseProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, NEON)
        self._props = props
        validate(self.node.path, props)
        protect = TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None
        self._allowed_ips: list[str] = list(props.allowed_ips)
        self.project = Project(
            self,
            "Resource",
            name=props.project_name,
            org_id=props.org_id,
            region_id=props.region_id,
            pg_version=props.pg_version,
            history_retention_seconds=props.history_retention_seconds,
            store_password="yes",  # the administrator's password must be readable to configure the postgresql provider
            compute_provisioner="k8s-neonvm",  # autoscaling needs neonvm computes
            default_endpoint_settings=ProjectDefaultEndpointSettings(
                autoscaling_limit_min_cu=props.compute_min_cu,
                autoscaling_limit_max_cu=props.compute_max_cu,
                suspend_timeout_seconds=props.suspend_timeout_seconds,
            ),
            block_public_connections="yes" if props.block_public_connections else None,
            hipaa="yes" if props.hipaa else None,
            default_branch_protected=True if props.protect_from_destroy else None,
            lifecycle=protect,
        )
        if self._allowed_ips:
            # Written as an override so add_allowed_ips can replace the whole list later (an attribute
            # value and an override of the same list would be concatenated at synthesis).
            self.project.add_override("allowed_ips", list(self._allowed_ips))
        self.admin_provider = sql.admin_provider(
            Construct(self, "admin"),
            "Provider",
            alias=f"{id_.lower().replace('-', '_')}_admin",
            host=self.project.database_host,
            database=self.project.database_name,
            username=self.project.database_user,
            password=self.project.database_password,
            pg_version=props.pg_version,
        )
        """The one ``postgresql`` provider: the administrator (``neondb_owner``), for Terraform's runs only."""
        self._services: dict[str, ServiceDatabase] = {
            service: service_database(self, service, project=self.project, admin=self.admin_provider, protect=protect) for service in props.services
        }
        # The project's own database (neondb) holds no service data, but PUBLIC could connect to it.
        sql.revoke_public(Construct(self, "default-access"), provider=self.admin_provider, database=self.project.database_name)
        self._readers = {reader.name: reader_login(self, reader, self._services, admin=self.admin_provider) for reader in props.readers}
        self.read_replica: Endpoint | None = self._endpoint("ReadReplica", pooled=True) if props.read_replica else None
        self.analytics_replica: Endpoint | None = self._endpoint("AnalyticsReplica", pooled=False) if props.analytics_replica else None

    def _endpoint(self, id_: str, *, pooled: bool) -> Endpoint:
        return Endpoint(
            self,
            id_,
            project_id=self.project.id,
            branch_id=self.project.default_branch_id,
            type="read_only",
            autoscaling_limit_min_cu=self._props.compute_min_cu,
            autoscaling_limit_max_cu=self._props.compute_max_cu,
            suspend_timeout_seconds=self._props.suspend_timeout_seconds,
            pooler_enabled=True if pooled else None,  # then the endpoint's host is its -pooler host
        )

    def add_allowed_ips(self, *entries: str) -> None:
        """Append addresses or CIDRs (tokens allowed, e.g. a NAT gateway's ``${aws_eip.x.public_ip}/32``) to the
        project's allow-list. Requires an allow-list in ``allowed_ips``: adding entries to none would refuse
        every other address."""
        if not self._allowed_ips:
            raise ValidationError(self.node.path, "allowed_ips", [], "a non-empty allow-list before add_allowed_ips adds to it")
        for entry in entries:
            if not Token.is_unresolved(entry):
                try:
                    check_allowed_ip(entry)
                except ValueError as exc:
                    raise ValidationError(self.node.path, "allowed_ips", entry, str(exc)) from None
                if entry in self._allowed_ips:
                    continue
            self._allowed_ips.append(entry)
        self.project.add_override("allowed_ips", list(self._allowed_ips))

    def _service(self, service: str) -> ServiceDatabase:
        if service not in self._services:
            raise ValidationError(self.node.path, "service", service, f"one of {', '.join(self._services) or '(no services)'}")
        return self._services[service]

    @property
    def services(self) -> tuple[str, ...]:
        """The services that have a database here, in the order given."""
        return tuple(self._services)

    @property
    def readers(self) -> tuple[ReaderRole, ...]:
        """The read-only roles of the project (``NeonDatabaseProps.readers``)."""
        return tuple(self._props.readers)

    @property
    def allowed_ips(self) -> tuple[str, ...]:
        """The project's allow-list so far (empty: no allow-list)."""
        return tuple(self._allowed_ips)

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
        """Direct host of the default branch's read_write compute (token)."""
        return self.project.database_host

    @property
    def admin_role_name(self) -> str:
        """The administrator: the project's default role (``neondb_owner``, a ``neon_superuser`` member), which
        the ``postgresql`` provider logs in as to create every other role. Terraform's runs only (token)."""
        return self.project.database_user

    def owner(self, service: str) -> sql.SqlLogin:
        """The SQL role owning ``service``'s database (``<db>_owner``): migrations; no administrative attribute."""
        return self._service(service).owner

    def login(self, service: str) -> sql.SqlLogin:
        """The SQL login role ``service`` connects as."""
        return self._service(service).login

    def reader(self, name: str) -> sql.SqlLogin:
        """The reader role ``name`` (one of ``readers``)."""
        if name not in self._readers:
            raise ValidationError(self.node.path, "reader", name, f"one of readers ({', '.join(self._readers) or 'none'})")
        return self._readers[name]

    def database(self, service: str) -> Database:
        """``service``'s ``neon_database``."""
        return self._service(service).database

    def database_name(self, service: str) -> str:
        """Name of ``service``'s database (token)."""
        return self._service(service).database.name

    def connection_uri(self, service: str, *, pooled: bool = True) -> str:
        """``postgres://<db>_app:<password>@<host>/<db>?sslmode=verify-full[&sslrootcert=system][&channel_binding=require]``.

        ``service``'s own login role, through the pooled (PgBouncer, transaction mode) host unless
        ``pooled=False``. A sensitive Terraform expression: pass it only to sensitive attributes
        (secret variables, sensitive outputs).
        """
        entry = self._service(service)
        host = self.project.database_host_pooler if pooled else self.project.database_host
        return self._uri(entry.login.name, entry.login.password_value, host, entry.database.name)

    def read_only_connection_uri(self, service: str) -> str:
        """``service``'s login role through the pooled read replica (sensitive); requires ``read_replica``."""
        entry = self._service(service)
        if self.read_replica is None:
            raise ValidationError(self.node.path, "read_replica", False, "on to build a read-only connection string")
        return self._uri(entry.login.name, entry.login.password_value, self.read_replica.host, entry.database.name)

    def migration_connection_uri(self, service: str) -> str:
        """``service``'s database owner (``<db>_owner``) on the direct host, for its schema migrations (sensitive)."""
        entry = self._service(service)
        return self._uri(entry.owner.name, entry.owner.password_value, self.project.database_host, entry.database.name)

    def reader_connection_uri(self, reader: str, service: str, *, analytics_replica: bool = False) -> str:
        """Reader role ``reader`` on ``service``'s database (sensitive): the primary's direct host, or the
        analytics compute with ``analytics_replica`` (which then must be on)."""
        login, entry = self.reader(reader), self._service(service)
        if service not in next(r.services for r in self._props.readers if r.name == reader):
            raise ValidationError(self.node.path, "service", service, f"a database {reader} may read")
        if not analytics_replica:
            return self._uri(login.name, login.password_value, self.project.database_host, entry.database.name)
        if self.analytics_replica is None:
            raise ValidationError(self.node.path, "analytics_replica", False, "on to build an analytics connection string")
        return self._uri(login.name, login.password_value, self.analytics_replica.host, entry.database.name)

    def connection_for(self, service: str, *, pooled: bool = True) -> ServiceConnection:
        """Everything ``service`` needs to reach its own database: ``url`` (``connection_uri``, its login role),
        ``migration_url`` (``migration_connection_uri``, its database's owner) and, when the project has
        ``read_replica``, ``read_url`` (``read_only_connection_uri``). Sensitive: pass the URLs only to
        sensitive attributes."""
        entry = self._service(service)
        return ServiceConnection(
            service=service,
            database_name=database_name(service),
            user=entry.login.name,
            url=self.connection_uri(service, pooled=pooled),
            migration_url=self.migration_connection_uri(service),
            read_url=self.read_only_connection_uri(service) if self.read_replica is not None else None,
        )

    def reader_connection(self, reader: str, *, analytics_replica: bool = False) -> ReaderConnection:
        """How reader role ``reader`` reaches the databases it may read: host, user, password, database names,
        a URL per service and the client's libpq settings (``ReaderConnection.libpq_environment``). On the
        primary's direct host, or the analytics compute with ``analytics_replica`` (which then must be on)."""
        login = self.reader(reader)
        if analytics_replica and self.analytics_replica is None:
            raise ValidationError(self.node.path, "analytics_replica", False, "on to build an analytics connection string")
        services = next(r.services for r in self._props.readers if r.name == reader)
        return ReaderConnection(
            reader=reader,
            host=self.analytics_replica.host if analytics_replica and self.analytics_replica is not None else self.project.database_host,
            user=login.name,
            password=login.password_value,
            database_names=tuple(database_name(s) for s in services),
            urls={s: self.reader_connection_uri(reader, s, analytics_replica=analytics_replica) for s in services},
            channel_binding=self._props.channel_binding,
        )

    def allow_connections_from(self, *public_ips: str) -> tuple[str, ...]:
        """Let these public addresses connect (e.g. a VPC's NAT gateway addresses): each joins the allow-list
        as a single-address CIDR (``/32``, ``/128`` for IPv6; a reference is taken as IPv4, like an EIP's
        ``public_ip``) when the project has one. Without an allow-list every address may already connect
        (with credentials, over TLS) and nothing changes. Returns the entries given to ``add_allowed_ips``."""
        if not self._allowed_ips:
            return ()
        entries = tuple(Fn.format("%s/32", [ip]) if Token.is_unresolved(ip) else self._single_address(ip) for ip in public_ips)
        self.add_allowed_ips(*entries)
        return entries

    def _single_address(self, ip: str) -> str:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            raise ValidationError(self.node.path, "public_ips", ip, "an IPv4 or IPv6 address (no prefix length)") from None
        return f"{address}/{address.max_prefixlen}"

    def _uri(self, user: str, password: str, host: str, database: str) -> str:
        return connection_uri(user, password, host, database, channel_binding=self._props.channel_binding, sslrootcert_system=self._props.sslrootcert_system)
