"""What Postgres will decide in every synthesized stack: who may connect where, do what, and become whom.

Each case reads the stack's roles, memberships, grants and default privileges through ``pg_eval``
(Postgres's and Neon's defaults plus the stack's statements) and asserts a decision, for every
environment x phase: services reach only their own database, ``PUBLIC`` reaches nothing, readers
only read, the backup reader reads every row, database owners are SQL roles confined to their own
database, only the administrator (the project's default role, Terraform's runs) creates and
administers roles, and no credential a service holds can make itself another role.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from platform_plan.phases import plan_for
from tests.access.pg_eval import (
    NEON_DEFAULT_OWNER,
    NEON_SUPERUSER,
    PUBLIC,
    READ_ALL_DATA,
    ROLE_ATTRIBUTES,
    WRITE_ALL_DATA,
    DatabaseWorld,
    UnresolvedReference,
)
from tests.conftest import ALL_COMBOS, Combo, resources_of
from tests.stacks.test_railway_stack import _by_service, _variables_of

IDS = [f"{e}-phase{p}" for e, p in ALL_COMBOS]
SERVICE_TABLE = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
SERVICE_SEQUENCE = frozenset({"SELECT", "USAGE"})
ADMIN = NEON_DEFAULT_OWNER
_ADMIN_SECRET = re.compile(r"\b(neon_project\.[\w-]+\.(database_password|connection_uri(_pooler)?)|neon_role\.[\w-]+\.password)\b")


@pytest.fixture(scope="session")
def db_worlds(stacks: dict[Combo, dict[str, Any]]) -> dict[Combo, DatabaseWorld]:
    return {combo: DatabaseWorld(stack) for combo, stack in stacks.items()}


def _owners(phase: int) -> dict[str, str]:
    """Service name -> its database, for the data-owning services of ``phase``."""
    return {s.name: s.name.replace("-", "_") for s in plan_for(phase).services if s.owns_database}


def _sql_roles(world: DatabaseWorld) -> list[str]:
    return [name for name, role in world.roles.items() if not role.api_created]


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_each_service_connects_to_its_own_database_only(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    world = db_worlds[env, phase]
    owners = _owners(phase)
    assert set(world.databases) == set(owners.values()) | {"neondb"}
    for database in owners.values():
        login = f"{database}_app"
        assert world.connectable(login) == {database}, login
        assert world.readable(login) == {database}, login  # never another service's tables
        assert world.privileges(login, database, "schema") == {"USAGE"}  # no CREATE: DDL is the owner's
        for future in (False, True):
            assert world.privileges(login, database, "table", future=future) == SERVICE_TABLE
            assert world.privileges(login, database, "sequence", future=future) == SERVICE_SEQUENCE
        for other in set(world.databases) - {database}:
            for kind in ("database", "schema", "table", "sequence"):
                assert world.privileges(login, other, kind) == frozenset(), (login, other, kind)


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_public_holds_nothing_on_any_database(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    world = db_worlds[env, phase]
    for database in world.databases:
        for kind in ("database", "schema", "table", "sequence"):
            assert world.privileges(PUBLIC, database, kind) == frozenset(), (database, kind)
            assert world.privileges(PUBLIC, database, kind, future=True) == frozenset(), (database, kind)


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_readers_hold_only_select_where_they_may_read(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    world = db_worlds[env, phase]
    plan = plan_for(phase)
    owners = _owners(phase)
    expected = {"backup_reader": set(owners.values())}  # the backup job is in every phase
    if phase >= 4:
        expected["analytics_reader"] = {owners[s.name] for s in plan.services if s.analytics_source}
    assert {name for name, role in world.roles.items() if name.endswith("_reader")} == set(expected)
    for reader, databases in expected.items():
        assert world.connectable(reader) == databases, reader
        assert world.readable(reader) == databases, reader
        for database in world.databases:
            allowed = database in databases
            assert world.privileges(reader, database, "schema") == ({"USAGE"} if allowed else set())
            for kind in ("table", "sequence"):
                for future in (False, True):
                    assert world.privileges(reader, database, kind, future=future) <= {"SELECT"}, (reader, database, kind)
            assert world.privileges(reader, database, "table") == ({"SELECT"} if allowed else set())
        sequences = {world.privileges(reader, d, "sequence") for d in databases}
        assert sequences == ({frozenset({"SELECT"})} if reader == "backup_reader" else {frozenset()})  # pg_dump needs them


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_backup_reader_reads_every_row_of_every_service_database(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    """``pg_dump`` sets ``row_security = off`` and fails on a table with row-level security unless it may
    bypass it: the backup reader is the one role with BYPASSRLS, which the administrator may give it
    from PostgreSQL 16 on (it holds BYPASSRLS itself)."""
    world = db_worlds[env, phase]
    databases = set(_owners(phase).values())
    assert world.readable("backup_reader") == databases
    for database in databases:
        for kind in ("table", "sequence"):
            for future in (False, True):
                assert world.privileges("backup_reader", database, kind, future=future) == {"SELECT"}, (database, kind, future)
    assert world.roles["backup_reader"].attributes["bypass_row_level_security"] is True
    assert world.pg_version >= 16 and world.has_attribute(ADMIN, "bypass_row_level_security")
    bypassing = {name for name in _sql_roles(world) if world.roles[name].attributes["bypass_row_level_security"]}
    assert bypassing == {"backup_reader"}


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_sql_roles_carry_no_administrative_attribute(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    world = db_worlds[env, phase]
    sql_roles = _sql_roles(world)
    assert len(sql_roles) == 2 * len(_owners(phase)) + (2 if phase >= 4 else 1)  # owner + login per database, readers
    for name in sql_roles:
        role = world.roles[name]
        assert role.attributes["login"] is True, name
        assert role.attributes["inherit"] is False, name  # stated, not left to the provider's INHERIT default
        for attribute in ROLE_ATTRIBUTES:
            expected = attribute == "bypass_row_level_security" and name == "backup_reader"
            assert role.attributes[attribute] is expected, (name, attribute)
        assert role.member_of == (), name


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_database_owners_are_sql_roles_confined_to_their_own_database(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    world = db_worlds[env, phase]
    for database in _owners(phase).values():
        owner = world.databases[database]
        assert owner == f"{database}_owner"
        assert not world.roles[owner].api_created, f"{owner} is a Neon API role (a neon_superuser member)"
        assert not world.has_privileges_of(owner, NEON_SUPERUSER) and not world.can_become(owner, NEON_SUPERUSER), owner
        assert not world.reads_all_data(owner), owner
        assert world.connectable(owner) == {database}, owner
        assert world.readable(owner) == {database}, owner
        assert not world.has_attribute(owner, "create_role") and not world.has_attribute(owner, "create_database"), owner


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_no_service_credential_can_become_or_administer_another_role(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    """Every SQL role is a credential some service or job holds (login roles, owners for migrations, readers).
    None may SET ROLE to, inherit, grant itself or otherwise administer any other role: another service's
    login or owner, a reader, the administrator, ``neon_superuser`` or the predefined all-data roles."""
    world = db_worlds[env, phase]
    everyone = set(world.roles) | {NEON_SUPERUSER, READ_ALL_DATA, WRITE_ALL_DATA}
    for holder in _sql_roles(world):
        assert not world.has_attribute(holder, "create_role"), holder
        for other in everyone - {holder}:
            assert not world.can_become(holder, other), f"{holder} can become {other}"
            assert not world.can_administer(holder, other), f"{holder} administers {other}"
            assert not world.holds_admin_option(holder, other), f"{holder} holds ADMIN OPTION on {other}"


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_only_the_administrator_creates_and_administers_roles(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    world = db_worlds[env, phase]
    assert world.roles[ADMIN].api_created and world.has_attribute(ADMIN, "create_role")
    assert {user for _, user in world.providers.values()} == {ADMIN}  # one login for Terraform's runs
    for name in _sql_roles(world):
        assert world.roles[name].created_by == ADMIN, name
        assert world.can_administer(ADMIN, name), name
    assert {m.member for m in world.memberships if m.admin_option} == {ADMIN}
    owners = {world.databases[db] for db in _owners(phase).values()}
    granted = {(m.member, m.role) for m in world.memberships if m.source.startswith("postgresql_grant_role.")}
    assert granted == {(ADMIN, owner) for owner in owners}  # so its database grants count as the owner's


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_every_statement_runs_as_the_administrator_acting_for_the_owner(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    """A grant or revocation by a role that neither owns the object nor has the owner's privileges changes
    nothing (Postgres only warns): the administrator must inherit each database owner's privileges."""
    world = db_worlds[env, phase]
    assert world.statements
    for statement in world.statements:
        assert statement.provider is not None, statement.address
        _, user = world.providers[statement.provider]
        assert user == ADMIN, statement.address
        assert world.has_privileges_of(user, world.databases[statement.database]), statement.address
        if statement.owner is not None:
            assert statement.owner == world.databases[statement.database], statement.address


def _strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for key, child in value.items() for item in _strings(child, f"{path}.{key}")]
    if isinstance(value, list):
        return [item for index, child in enumerate(value) for item in _strings(child, f"{path}[{index}]")]
    return []


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_the_administrator_credential_stays_with_terraform(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    providers = stack["provider"]["postgresql"]
    assert len(providers) == 1 and _ADMIN_SECRET.search(providers[0]["password"])
    rest = {key: value for key, value in stack.items() if key != "provider"}
    leaks = [path for path, text in _strings(rest) if _ADMIN_SECRET.search(text)]
    assert leaks == []


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_each_service_connects_as_its_own_roles(stacks: dict[Combo, dict[str, Any]], db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    """Railway services: ``DATABASE_URL``/``DATABASE_READ_URL`` as their login role, ``MIGRATION_DATABASE_URL`` as
    their own database's owner; the AI service's secret as ``analytics_reader``; no output carries a connection."""
    stack, world = stacks[env, phase], db_worlds[env, phase]
    owners = _owners(phase)
    for service in _by_service(stack):
        for name, value in _variables_of(stack, service).items():
            users = world.connection_users(value)
            for kind, user in users:
                assert kind == "postgresql_role" and not world.roles[user].api_created, f"{service}.{name} connects as {user}"
            expected = {
                "DATABASE_URL": f"{owners.get(service)}_app",
                "DATABASE_READ_URL": f"{owners.get(service)}_app",
                "MIGRATION_DATABASE_URL": f"{owners.get(service)}_owner",
            }.get(name)
            if users or expected:
                assert [u for _, u in users] == [expected], f"{service}.{name}"
        assert ("MIGRATION_DATABASE_URL" in _variables_of(stack, service)) == (service in owners), service
    secrets = resources_of(stack, "aws_secretsmanager_secret_version")
    assert len(secrets) == (1 if phase >= 4 else 0)
    for body in secrets.values():
        assert {u for _, u in world.connection_users(body["secret_string"])} == {"analytics_reader"}
    for name, output in stack.get("output", {}).items():
        for _, text in _strings(output["value"]):
            assert world.connection_users(text) == [], f"output {name}"


def test_the_model_refuses_what_it_cannot_resolve() -> None:
    stack = {"resource": {"postgresql_grant": {"g": {"role": "${var.role}", "database": "d", "object_type": "database", "privileges": []}}}}
    with pytest.raises(UnresolvedReference, match=r"\$\{var.role\}"):
        DatabaseWorld(stack)


def test_the_model_sees_a_missing_revocation_and_a_stray_grant() -> None:
    stack = {
        "resource": {
            "postgresql_role": {"o": {"name": "auth_owner", "login": True}, "p": {"name": "patient_owner"}, "r": {"name": "auth_app", "login": True}},
            "neon_database": {
                "a": {"name": "auth", "owner_name": "${postgresql_role.o.name}"},
                "b": {"name": "patient", "owner_name": "${postgresql_role.p.name}"},
            },
            "postgresql_grant": {
                "x": {"role": "${postgresql_role.r.name}", "database": "${neon_database.b.name}", "object_type": "database", "privileges": ["CONNECT"]},
                "y": {"role": "public", "database": "auth", "object_type": "database", "privileges": []},
            },
        }
    }
    world = DatabaseWorld(stack)
    assert world.connectable("auth_app") == {"patient"}  # granted on the other database, and PUBLIC still reaches patient
    assert world.privileges(PUBLIC, "patient", "database") == {"CONNECT", "TEMPORARY"}
    assert world.privileges(PUBLIC, "auth", "database") == frozenset()
    assert world.connectable("auth_owner") == {"auth", "patient"}  # owner of auth; patient through PUBLIC


def _role_stack(pg_version: int, *, owner_api: bool = False, reader_through_owner: bool = False) -> dict[str, Any]:
    """A project with one database: owner, app login, backup reader, the way NeonDatabase builds them (or not)."""
    admin = {
        "alias": "admin",
        "database": "${neon_project.p.database_name}",
        "username": "${neon_project.p.database_user}",
        "expected_version": str(pg_version),
    }
    providers = [admin]
    roles: dict[str, Any] = {"app": {"name": "auth_app", "login": True, "inherit": False, "provider": "postgresql.admin"}}
    resources: dict[str, Any] = {"neon_project": {"p": {}}, "postgresql_role": roles}
    if owner_api:
        resources["neon_role"] = {"o": {"name": "auth_owner"}}
        owner_ref = "${neon_role.o.name}"
    else:
        roles["o"] = {"name": "auth_owner", "login": True, "inherit": False, "provider": "postgresql.admin"}
        owner_ref = "${postgresql_role.o.name}"
        resources["postgresql_grant_role"] = {"m": {"role": "${neon_project.p.database_user}", "grant_role": owner_ref}}
    if reader_through_owner:
        providers.append({"alias": "owner", "database": "auth", "username": owner_ref, "expected_version": str(pg_version)})
    roles["b"] = {"name": "backup_reader", "login": True, "inherit": False, "provider": "postgresql.owner" if reader_through_owner else "postgresql.admin"}
    resources["neon_database"] = {"d": {"name": "auth", "owner_name": owner_ref}}
    return {"provider": {"postgresql": providers}, "resource": resources}


def test_the_model_follows_postgres_16_role_administration() -> None:
    world = DatabaseWorld(_role_stack(17))
    assert world.can_administer(ADMIN, "backup_reader") and world.holds_admin_option(ADMIN, "auth_owner")  # it created them
    assert not world.can_become("auth_owner", "backup_reader") and not world.can_administer("auth_owner", "backup_reader")
    assert not world.can_become("auth_app", "auth_owner")
    assert world.has_privileges_of(ADMIN, "auth_owner")  # the GRANT auth_owner TO neondb_owner
    assert not world.has_privileges_of(ADMIN, "auth_app")  # creating a role gives ADMIN OPTION, not its privileges
    assert world.can_become(ADMIN, "auth_app")  # ... but it may grant the role to itself
    assert world.reads_all_data(ADMIN) and world.readable(ADMIN) == {"auth", "neondb"}


def test_the_model_sees_an_api_owner_and_a_reader_created_through_an_owner() -> None:
    api_owner = DatabaseWorld(_role_stack(17, owner_api=True))
    assert api_owner.reads_all_data("auth_owner") and api_owner.can_become("auth_owner", NEON_SUPERUSER)
    assert api_owner.readable("auth_owner") == {"auth", "neondb"}
    through_owner = DatabaseWorld(_role_stack(17, reader_through_owner=True))
    assert through_owner.roles["backup_reader"].created_by == "auth_owner"
    assert through_owner.can_administer("auth_owner", "backup_reader") and through_owner.can_become("auth_owner", "backup_reader")


def test_the_model_lets_createrole_administer_everyone_before_postgres_16() -> None:
    world = DatabaseWorld(_role_stack(15))
    assert not world.holds_admin_option(ADMIN, "backup_reader")  # no implicit grant before 16
    assert world.can_administer(ADMIN, "backup_reader")  # CREATEROLE alone is enough
    assert not world.can_administer("auth_owner", "backup_reader")  # NOCREATEROLE
