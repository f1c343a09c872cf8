"""NeonDatabase's least-privilege SQL access: providers, login and reader roles, grants, connection strings."""

from __future__ import annotations

import re
from typing import Any

import pytest

from constructs_lib import NeonProvider, ValidationError
from constructs_lib.data.neon_database import NeonDatabase
from constructs_lib.data.neon_props import NeonDatabaseProps, ReaderRole
from tests.conftest import synth_json

LOCKED = {"locked_region_id": "aws-us-east-1", "locked_pg_version": 17}
QUERY = "sslmode=verify-full&sslrootcert=system&channel_binding=require"
AUTHORITY = "%s:%s@%s"


@pytest.fixture
def fresh_stack(fresh_stack: Any) -> Any:
    """The shared fresh stack, with the provider its constructs need."""
    NeonProvider(fresh_stack, "neon")
    return fresh_stack


def _build(stack: Any, **overrides: Any) -> tuple[NeonDatabase, dict[str, Any]]:
    values: dict[str, Any] = {"project_name": "healthcare-test", "services": ("auth", "medical-records"), **LOCKED, **overrides}
    database = NeonDatabase(stack, "db", NeonDatabaseProps(**values))
    return database, synth_json(stack)


def _named(stack: dict[str, Any], resource_type: str, **match: Any) -> tuple[str, dict[str, Any]]:
    (found,) = [(f"{resource_type}.{n}", b) for n, b in stack["resource"].get(resource_type, {}).items() if all(b.get(k) == v for k, v in match.items())]
    return found


def _ref(address: str, attribute: str) -> str:
    return f"${{{address}.{attribute}}}"


def _grants_of(stack: dict[str, Any], role_ref: str) -> list[dict[str, Any]]:
    return [b for b in stack["resource"]["postgresql_grant"].values() if b["role"] == role_ref]


def test_one_provider_logged_in_as_the_administrator_over_verified_tls(fresh_stack: Any) -> None:
    database, stack = _build(fresh_stack)
    project, _ = _named(stack, "neon_project")
    assert stack["provider"]["postgresql"] == [
        {
            "alias": "db_admin",
            "host": _ref(project, "database_host"),  # direct host: the provider needs session features
            "port": 5432,
            "database": _ref(project, "database_name"),  # neondb: each resource names the database it acts in
            "username": _ref(project, "database_user"),  # the project's default role, neondb_owner
            "password": _ref(project, "database_password"),
            "sslmode": "verify-full",
            "superuser": False,
            "expected_version": "17",
            "connect_timeout": 30,
        }
    ]
    assert "neon_role" not in stack["resource"]  # no other Neon API role (neon_superuser member) exists
    assert _output(fresh_stack, database.admin_role_name) == _ref(project, "database_user")


def test_owner_is_a_sql_login_role_that_owns_its_database_and_administers_nothing(fresh_stack: Any) -> None:
    _, stack = _build(fresh_stack)
    address, owner = _named(stack, "postgresql_role", name="medical_records_owner")
    (password,) = [f"random_password.{n}" for n in stack["resource"]["random_password"] if "medical-records-access_OwnerPassword" in n]
    assert {k: v for k, v in owner.items() if k != "//"} == {
        "name": "medical_records_owner",
        "login": True,  # migrations log in as it
        "password": _ref(password, "result"),
        "inherit": False,
        "superuser": False,
        "create_database": False,
        "create_role": False,
        "replication": False,
        "bypass_row_level_security": False,
        "provider": "postgresql.db_admin",
        "lifecycle": {"prevent_destroy": True},
    }
    _, db = _named(stack, "neon_database", name="medical_records")
    assert db["owner_name"] == _ref(address, "name")
    project, _ = _named(stack, "neon_project")
    membership, grant = _named(stack, "postgresql_grant_role", grant_role=_ref(address, "name"))
    assert {k: v for k, v in grant.items() if k != "//"} == {
        "role": _ref(project, "database_user"),  # the administrator acts for the owner...
        "grant_role": _ref(address, "name"),
        "with_admin_option": True,  # held already from CREATE ROLE; false would differ from the implicit row the provider may read
        "provider": "postgresql.db_admin",
    }


def test_service_login_role_is_created_in_sql_with_no_attribute_but_login(fresh_stack: Any) -> None:
    database, stack = _build(fresh_stack)
    address, role = _named(stack, "postgresql_role", name="auth_app")
    (password,) = [f"random_password.{n}" for n in stack["resource"]["random_password"] if "auth-access_LoginPassword" in n]
    assert {k: v for k, v in role.items() if k != "//"} == {
        "name": "auth_app",
        "login": True,
        "password": _ref(password, "result"),
        "inherit": False,
        "superuser": False,
        "create_database": False,
        "create_role": False,
        "replication": False,
        "bypass_row_level_security": False,
        "provider": "postgresql.db_admin",
    }
    assert stack["resource"]["random_password"][password.split(".")[1]]["length"] == 40
    assert stack["resource"]["random_password"][password.split(".")[1]]["special"] is False
    assert database.login("auth").name.startswith("${TfToken[")


def test_service_gets_read_write_on_its_own_database_only(fresh_stack: Any) -> None:
    _, stack = _build(fresh_stack)
    login, _ = _named(stack, "postgresql_role", name="auth_app")
    auth_db, _ = _named(stack, "neon_database", name="auth")
    owner, _ = _named(stack, "postgresql_role", name="auth_owner")
    membership, _ = _named(stack, "postgresql_grant_role", grant_role=_ref(owner, "name"))
    grants = {(g["object_type"], g["database"]): g for g in _grants_of(stack, _ref(login, "name"))}
    assert set(grants) == {(kind, _ref(auth_db, "name")) for kind in ("database", "schema", "table", "sequence")}
    assert grants["database", _ref(auth_db, "name")]["privileges"] == ["CONNECT"]
    assert grants["schema", _ref(auth_db, "name")]["privileges"] == ["USAGE"]  # no CREATE: migrations run as the owner
    assert grants["table", _ref(auth_db, "name")]["privileges"] == ["SELECT", "INSERT", "UPDATE", "DELETE"]
    assert grants["sequence", _ref(auth_db, "name")]["privileges"] == ["SELECT", "USAGE"]
    assert all(g["provider"] == "postgresql.db_admin" and g.get("schema", "public") == "public" for g in grants.values())
    assert all(g["depends_on"] == [membership] for g in grants.values())  # a database grant by a non-owner changes nothing
    defaults = [d for d in stack["resource"]["postgresql_default_privileges"].values() if d["role"] == _ref(login, "name")]
    assert sorted((d["object_type"], tuple(d["privileges"])) for d in defaults) == [
        ("sequence", ("SELECT", "USAGE")),
        ("table", ("SELECT", "INSERT", "UPDATE", "DELETE")),
    ]
    assert all(d["owner"] == _ref(owner, "name") and d["schema"] == "public" for d in defaults)  # tables the migrations create


def test_public_loses_connect_and_schema_privileges_on_every_database(fresh_stack: Any) -> None:
    _, stack = _build(fresh_stack)
    revokes = _grants_of(stack, "public")
    assert all(g["privileges"] == [] for g in revokes)
    databases = {g["database"] for g in revokes if g["object_type"] == "database"}
    schemas = {g["database"] for g in revokes if g["object_type"] == "schema" and g["schema"] == "public"}
    project, _ = _named(stack, "neon_project")
    expected = {_ref(_named(stack, "neon_database", name=n)[0], "name") for n in ("auth", "medical_records")} | {_ref(project, "database_name")}
    assert databases == schemas == expected


def test_reader_gets_select_by_grant_on_its_databases_only(fresh_stack: Any) -> None:
    readers = (
        ReaderRole(name="analytics_reader", services=("medical-records",)),
        ReaderRole(name="backup_reader", services=("auth", "medical-records"), sequences=True, bypass_row_security=True),
    )
    _, stack = _build(fresh_stack, readers=readers)
    analytics, analytics_role = _named(stack, "postgresql_role", name="analytics_reader")
    assert analytics_role["provider"] == "postgresql.db_admin" and analytics_role["superuser"] is False  # no owner administers it
    assert analytics_role["bypass_row_level_security"] is False
    medical, _ = _named(stack, "neon_database", name="medical_records")
    grants = _grants_of(stack, _ref(analytics, "name"))
    assert sorted((g["object_type"], tuple(g["privileges"])) for g in grants) == [("database", ("CONNECT",)), ("schema", ("USAGE",)), ("table", ("SELECT",))]
    assert {g["database"] for g in grants} == {_ref(medical, "name")}
    backup, backup_role = _named(stack, "postgresql_role", name="backup_reader")
    assert backup_role["bypass_row_level_security"] is True  # pg_dump turns row security off
    backup_grants = _grants_of(stack, _ref(backup, "name"))
    assert {(g["object_type"], tuple(g["privileges"])) for g in backup_grants if g["object_type"] in ("table", "sequence")} == {
        ("table", ("SELECT",)),
        ("sequence", ("SELECT",)),  # pg_dump reads sequence values
    }
    assert len({g["database"] for g in backup_grants}) == 2
    defaults = [d for d in stack["resource"]["postgresql_default_privileges"].values() if d["role"] == _ref(backup, "name")]
    assert len(defaults) == 4 and all(d["privileges"] == ["SELECT"] for d in defaults)


def test_every_sql_resource_runs_as_the_administrator_and_grants_wait_for_its_membership(fresh_stack: Any) -> None:
    _, stack = _build(fresh_stack, readers=(ReaderRole(name="backup_reader", services=("auth", "medical-records")),))
    memberships = {
        _named(stack, "neon_database", name=db)[1]["name"]: f"postgresql_grant_role.{name}"
        for name, body in stack["resource"]["postgresql_grant_role"].items()
        for db in ("auth", "medical_records")
        if body["grant_role"] == _ref(_named(stack, "postgresql_role", name=f"{db}_owner")[0], "name")
    }
    assert sorted(memberships) == ["auth", "medical_records"]
    for kind in ("postgresql_role", "postgresql_grant_role", "postgresql_grant", "postgresql_default_privileges"):
        for name, block in stack["resource"][kind].items():
            assert block["provider"] == "postgresql.db_admin", f"{kind}.{name}"
    databases = {_ref(a, "name"): b["name"] for a, b in ((f"neon_database.{n}", b) for n, b in stack["resource"]["neon_database"].items())}
    for kind in ("postgresql_grant", "postgresql_default_privileges"):
        for name, block in stack["resource"][kind].items():
            if block["database"] in databases:
                assert block["depends_on"] == [memberships[databases[block["database"]]]], f"{kind}.{name}"
            else:  # neondb, which the administrator owns
                assert "depends_on" not in block, f"{kind}.{name}"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"pg_version": 15, "locked_pg_version": 15, "readers": (ReaderRole(name="backup_reader", services=("auth",), bypass_row_security=True),)},
            r"readers\[0\]\.bypass_row_security must be False when pg_version is below 16 \(pg_version is 15\), got True",
        ),
        (
            {"readers": (ReaderRole(name="neondb_owner", services=("auth",)),)},
            r"readers\[0\]\.name must be different from .* the administrator, got 'neondb_owner'",
        ),
        ({"services": ("auth", "neondb")}, r"services must be not 'neondb' \(the project's own database\), got 'neondb'"),
    ],
    ids=["bypassrls-below-16", "reader-named-like-the-administrator", "service-named-neondb"],
)
def test_fails_when_roles_would_collide_with_the_administrator_or_postgres_refuses_them(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=f"^test/db: {message}$"):
        _build(fresh_stack, **overrides)


def _output(fresh_stack: Any, value: str) -> str:
    from constructs_lib.engine.core import TerraformOutput

    TerraformOutput(fresh_stack, "uri", value=value, sensitive=True)
    return synth_json(fresh_stack)["output"]["uri"]["value"]


def _uri(user: str, password: str, host: str, database: str, query: str = QUERY) -> str:
    return f'${{format("postgres://%s/%s?{query}", format("{AUTHORITY}", {user}, urlencode({password}), {host}), {database})}}'


def test_connection_uri_is_the_login_role_on_the_pooled_host_with_verified_tls(fresh_stack: Any) -> None:
    database, stack = _build(fresh_stack)
    value = _output(fresh_stack, database.connection_uri("medical-records"))
    stack = synth_json(fresh_stack)
    login, _ = _named(stack, "postgresql_role", name="medical_records_app")
    (password,) = [f"random_password.{n}" for n in stack["resource"]["random_password"] if "medical-records-access_LoginPassword" in n]
    project, _ = _named(stack, "neon_project")
    db, _ = _named(stack, "neon_database", name="medical_records")
    assert value == _uri(f"{login}.name", f"{password}.result", f"{project}.database_host_pooler", f"{db}.name")


@pytest.mark.parametrize(
    ("call", "user", "host"),
    [
        (lambda d: d.connection_uri("auth", pooled=False), "postgresql_role.db_auth-access_Login", "neon_project.db_.*.database_host"),
        (lambda d: d.read_only_connection_uri("auth"), "postgresql_role.db_auth-access_Login", "neon_endpoint.db_ReadReplica_.*.host"),
        (lambda d: d.migration_connection_uri("auth"), "postgresql_role.db_auth-access_Owner", "neon_project.db_.*.database_host"),
        (lambda d: d.reader_connection_uri("reader", "auth"), "postgresql_role.db_reader-reader_Login", "neon_project.db_.*.database_host"),
        (
            lambda d: d.reader_connection_uri("reader", "auth", analytics_replica=True),
            "postgresql_role.db_reader-reader_Login",
            "neon_endpoint.db_AnalyticsReplica_.*.host",
        ),
    ],
    ids=["direct", "replica", "migration", "reader", "reader-analytics"],
)
def test_each_uri_uses_its_role_and_host(fresh_stack: Any, call: Any, user: str, host: str) -> None:
    database = NeonDatabase(
        fresh_stack,
        "db",
        NeonDatabaseProps(
            project_name="p", services=("auth",), **LOCKED, read_replica=True, analytics_replica=True, readers=(ReaderRole(name="reader", services=("auth",)),)
        ),
    )
    value = _output(fresh_stack, call(database))
    match = re.search(r'format\("%s:%s@%s", (\S+), urlencode\(\S+\), (\S+)\), \S+\)\}$', value)
    assert match is not None, value
    assert match.group(1).startswith(user), value
    assert re.fullmatch(host, match.group(2)), value  # a direct host is never the pooler's
    assert value.startswith(f'${{format("postgres://%s/%s?{QUERY}"')


def test_channel_binding_can_be_left_out_for_drivers_that_reject_it(fresh_stack: Any) -> None:
    database = NeonDatabase(fresh_stack, "db", NeonDatabaseProps(project_name="p", services=("auth",), **LOCKED, channel_binding=False))
    assert '"postgres://%s/%s?sslmode=verify-full&sslrootcert=system"' in _output(fresh_stack, database.connection_uri("auth"))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: d.read_only_connection_uri("auth"), "test/db: read_replica must be on to build a read-only connection string, got False"),
        (
            lambda d: d.reader_connection_uri("reader", "auth", analytics_replica=True),
            "test/db: analytics_replica must be on to build an analytics connection string, got False",
        ),
        (lambda d: d.reader_connection_uri("nobody", "auth"), r"test/db: reader must be one of readers \(reader\), got 'nobody'"),
        (lambda d: d.reader_connection_uri("reader", "medical-records"), "test/db: service must be a database reader may read, got 'medical-records'"),
        (lambda d: d.connection_uri("gateway"), "test/db: service must be one of auth, medical-records, got 'gateway'"),
        (lambda d: d.login("gateway"), "test/db: service must be one of auth, medical-records, got 'gateway'"),
    ],
    ids=["no-replica", "no-analytics-replica", "unknown-reader", "reader-not-allowed", "unknown-service", "unknown-login"],
)
def test_fails_when_a_connection_is_asked_for_what_was_not_built(fresh_stack: Any, call: Any, message: str) -> None:
    database = NeonDatabase(
        fresh_stack,
        "db",
        NeonDatabaseProps(project_name="p", services=("auth", "medical-records"), **LOCKED, readers=(ReaderRole(name="reader", services=("auth",)),)),
    )
    with pytest.raises(ValidationError, match=f"^{message}$"):
        call(database)


def test_one_random_provider_per_stack(fresh_stack: Any) -> None:
    from constructs_lib import AppSecret, AppSecretProps

    NeonDatabase(fresh_stack, "db", NeonDatabaseProps(project_name="p", services=("auth",), **LOCKED))
    AppSecret(fresh_stack, "Key", AppSecretProps(name="key"))
    assert synth_json(fresh_stack)["provider"]["random"] == [{}]
