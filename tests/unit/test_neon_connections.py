"""NeonDatabase's typed wiring: ``connection_for``, ``reader_connection`` and ``allow_connections_from``.

What a stack hands a service, a backup job or an analytics consumer, and how an egress address joins
the allow-list, checked on the synthesized references (role, password, host and database of each URL).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from constructs_lib import NeonProvider, ReaderConnection, ServiceConnection, ValidationError
from constructs_lib.data.neon_database import NeonDatabase
from constructs_lib.data.neon_props import NeonDatabaseProps, ReaderRole
from tests.conftest import synth_json

LOCKED = {"locked_region_id": "aws-us-east-1", "locked_pg_version": 17}
URI = re.compile(r'^\$\{format\("postgres://%s/%s\?([^"]+)", format\("%s:%s@%s", (\S+), urlencode\((\S+)\), (\S+)\), (\S+)\)\}$')


@pytest.fixture
def fresh_stack(fresh_stack: Any) -> Any:
    """The shared fresh stack, with the provider its constructs need."""
    NeonProvider(fresh_stack, "neon")
    return fresh_stack


def _database(stack: Any, **overrides: Any) -> NeonDatabase:
    values: dict[str, Any] = {"project_name": "p", "services": ("auth", "medical-records"), **LOCKED, **overrides}
    return NeonDatabase(stack, "db", NeonDatabaseProps(**values))


def _resolve(stack: Any, **values: str) -> dict[str, str]:
    """Each value as Terraform sees it, through a sensitive output."""
    from constructs_lib.engine.core import TerraformOutput

    for name, value in values.items():
        TerraformOutput(stack, name, value=value, sensitive=True)
    outputs = synth_json(stack)["output"]
    return {name: outputs[name]["value"] for name in values}


def _parts(uri: str) -> dict[str, str]:
    match = URI.match(uri)
    assert match is not None, uri
    query, user, password, host, database = match.groups()
    return {"query": query, "user": user, "password": password, "host": host, "database": database}


def test_connection_for_is_the_services_own_login_on_the_pooler(fresh_stack: Any) -> None:
    connection = _database(fresh_stack).connection_for("medical-records")
    assert isinstance(connection, ServiceConnection)
    assert (connection.service, connection.database_name, connection.read_url) == ("medical-records", "medical_records", None)
    resolved = _resolve(fresh_stack, url=connection.url, user=connection.user)
    parts = _parts(resolved["url"])
    assert re.fullmatch(r"postgresql_role\.db_medical-records-access_Login_\w+\.name", parts["user"])
    assert f"${{{parts['user']}}}" == resolved["user"]
    assert re.fullmatch(r"random_password\.db_medical-records-access_\w+\.result", parts["password"])
    assert re.fullmatch(r"neon_project\.db_\w+\.database_host_pooler", parts["host"])
    assert re.fullmatch(r"neon_database\.db_medical-records-database_\w+\.name", parts["database"])
    assert parts["query"] == "sslmode=verify-full&sslrootcert=system&channel_binding=require"


def test_connection_for_adds_the_replica_url_when_there_is_a_replica(fresh_stack: Any) -> None:
    connection = _database(fresh_stack, read_replica=True).connection_for("auth", pooled=False)
    assert connection.read_url is not None
    resolved = _resolve(fresh_stack, url=connection.url, read_url=connection.read_url)
    primary, replica = _parts(resolved["url"]), _parts(resolved["read_url"])
    assert re.fullmatch(r"neon_project\.db_\w+\.database_host", primary["host"])  # pooled=False: direct host
    assert re.fullmatch(r"neon_endpoint\.db_ReadReplica_\w+\.host", replica["host"])
    assert (replica["user"], replica["password"], replica["database"]) == (primary["user"], primary["password"], primary["database"])


def test_reader_connection_reaches_every_database_of_the_reader_on_the_direct_host(fresh_stack: Any) -> None:
    database = _database(fresh_stack, readers=(ReaderRole(name="backup_reader", services=("auth", "medical-records"), sequences=True),))
    backup = database.reader_connection("backup_reader")
    assert isinstance(backup, ReaderConnection)
    assert backup.database_names == ("auth", "medical_records")
    assert list(backup.urls) == ["auth", "medical-records"]
    environment = backup.libpq_environment()
    assert list(environment) == ["PGHOST", "PGUSER", "PGSSLMODE", "PGSSLROOTCERT", "PGCHANNELBINDING"]
    assert (environment["PGSSLMODE"], environment["PGSSLROOTCERT"], environment["PGCHANNELBINDING"]) == ("verify-full", "system", "require")
    assert "PGPASSWORD" not in environment  # the password goes to a secret, never a plain variable
    resolved = _resolve(fresh_stack, host=environment["PGHOST"], user=environment["PGUSER"], password=backup.password, medical=backup.urls["medical-records"])
    assert re.fullmatch(r"\$\{neon_project\.db_\w+\.database_host\}", resolved["host"])
    assert re.fullmatch(r"\$\{postgresql_role\.db_reader-backup_reader_Login_\w+\.name\}", resolved["user"])
    assert re.fullmatch(r"\$\{random_password\.db_reader-backup_reader_\w+\.result\}", resolved["password"])
    medical = _parts(resolved["medical"])
    assert (f"${{{medical['host']}}}", f"${{{medical['user']}}}") == (resolved["host"], resolved["user"])
    assert re.fullmatch(r"neon_database\.db_medical-records-database_\w+\.name", medical["database"])


def test_reader_connection_through_the_analytics_compute(fresh_stack: Any) -> None:
    database = _database(fresh_stack, analytics_replica=True, readers=(ReaderRole(name="analytics_reader", services=("medical-records",)),))
    analytics = database.reader_connection("analytics_reader", analytics_replica=True)
    assert list(analytics.urls) == ["medical-records"]  # only the databases it may read
    resolved = _resolve(fresh_stack, host=analytics.host, url=analytics.urls["medical-records"])
    assert re.fullmatch(r"\$\{neon_endpoint\.db_AnalyticsReplica_\w+\.host\}", resolved["host"])
    assert f"${{{_parts(resolved['url'])['host']}}}" == resolved["host"]


def test_reader_connection_leaves_channel_binding_to_the_client_when_it_is_off(fresh_stack: Any) -> None:
    database = _database(fresh_stack, channel_binding=False, readers=(ReaderRole(name="backup_reader", services=("auth",)),))
    backup = database.reader_connection("backup_reader")
    assert "PGCHANNELBINDING" not in backup.libpq_environment()
    assert _parts(_resolve(fresh_stack, url=backup.urls["auth"])["url"])["query"] == "sslmode=verify-full&sslrootcert=system"


def test_urls_leave_the_ca_store_to_clients_that_read_sslrootcert_as_a_file_when_asked(fresh_stack: Any) -> None:
    """``sslrootcert_system=False`` (node-postgres, Go lib/pq): the URL keeps ``verify-full``, the libpq environment keeps ``system``."""
    database = _database(fresh_stack, sslrootcert_system=False, readers=(ReaderRole(name="backup_reader", services=("auth",)),))
    backup = database.reader_connection("backup_reader")
    resolved = _resolve(fresh_stack, url=database.connection_for("auth").url, reader=backup.urls["auth"])
    assert {_parts(url)["query"] for url in resolved.values()} == {"sslmode=verify-full&channel_binding=require"}
    assert backup.libpq_environment()["PGSSLROOTCERT"] == "system"  # pg_dump is libpq: the system store stays


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: d.connection_for("gateway"), "test/db: service must be one of auth, medical-records, got 'gateway'"),
        (lambda d: d.reader_connection("nobody"), r"test/db: reader must be one of readers \(reader\), got 'nobody'"),
        (
            lambda d: d.reader_connection("reader", analytics_replica=True),
            "test/db: analytics_replica must be on to build an analytics connection string, got False",
        ),
    ],
    ids=["unknown-service", "unknown-reader", "no-analytics-replica"],
)
def test_fails_when_a_connection_is_asked_for_what_was_not_built(fresh_stack: Any, call: Any, message: str) -> None:
    database = _database(fresh_stack, readers=(ReaderRole(name="reader", services=("auth",)),))
    with pytest.raises(ValidationError, match=f"^{message}$"):
        call(database)


def test_allow_connections_from_adds_single_address_entries_to_the_allow_list(fresh_stack: Any) -> None:
    database = _database(fresh_stack, allowed_ips=("203.0.113.0/24",))
    nat = database.project.id  # any reference: a NAT gateway's address in the platform
    added = database.allow_connections_from(nat, "198.51.100.7", "2001:db8::1")
    assert added[1:] == ("198.51.100.7/32", "2001:db8::1/128")
    (project_name,) = synth_json(fresh_stack)["resource"]["neon_project"]
    (project,) = synth_json(fresh_stack)["resource"]["neon_project"].values()
    assert project["allowed_ips"] == ["203.0.113.0/24", f'${{format("%s/32", neon_project.{project_name}.id)}}', "198.51.100.7/32", "2001:db8::1/128"]
    assert database.allowed_ips[1:] == added


def test_allow_connections_from_changes_nothing_without_an_allow_list(fresh_stack: Any) -> None:
    database = _database(fresh_stack)
    assert database.allow_connections_from("198.51.100.7") == ()
    assert database.allowed_ips == ()
    (project,) = synth_json(fresh_stack)["resource"]["neon_project"].values()
    assert "allowed_ips" not in project  # any address may connect, as before


def test_fails_when_allowing_a_network_instead_of_an_address(fresh_stack: Any) -> None:
    database = _database(fresh_stack, allowed_ips=("203.0.113.0/24",))
    with pytest.raises(ValidationError, match=r"^test/db: public_ips must be an IPv4 or IPv6 address \(no prefix length\), got '0.0.0.0/0'$"):
        database.allow_connections_from("0.0.0.0/0")
