"""What Postgres will decide in every synthesized stack: who may connect where and do what.

Each case reads the stack's roles, grants and default privileges through ``pg_eval`` (Postgres's
defaults plus the stack's statements) and asserts a decision, for every environment x phase:
services reach only their own database, ``PUBLIC`` reaches nothing, readers only read, no SQL
role carries an administrative attribute, and no service connects as a ``neon_superuser`` role.
"""

from __future__ import annotations

from typing import Any

import pytest

from stacks.phases import plan_for
from tests.access.pg_eval import PUBLIC, ROLE_ATTRIBUTES, DatabaseWorld, UnresolvedReference
from tests.conftest import ALL_COMBOS, Combo, resources_of

IDS = [f"{e}-phase{p}" for e, p in ALL_COMBOS]
SERVICE_TABLE = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
SERVICE_SEQUENCE = frozenset({"SELECT", "USAGE"})


@pytest.fixture(scope="session")
def db_worlds(stacks: dict[Combo, dict[str, Any]]) -> dict[Combo, DatabaseWorld]:
    return {combo: DatabaseWorld(stack) for combo, stack in stacks.items()}


def _owners(phase: int) -> dict[str, str]:
    """Service name -> its database, for the data-owning services of ``phase``."""
    return {s.name: s.name.replace("-", "_") for s in plan_for(phase).services if s.owns_database}


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_each_service_connects_to_its_own_database_only(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    world = db_worlds[env, phase]
    owners = _owners(phase)
    assert set(world.databases) == set(owners.values()) | {"neondb"}
    for database in owners.values():
        login = f"{database}_app"
        assert world.connectable(login) == {database}, login
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
def test_no_sql_role_is_administrative(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    world = db_worlds[env, phase]
    sql_roles = [role for role in world.roles.values() if not role.api_created]
    assert len(sql_roles) == len(_owners(phase)) + (2 if phase >= 4 else 1)
    for role in sql_roles:
        assert role.attributes["login"] is True, role.name
        assert all(role.attributes[a] is False for a in ROLE_ATTRIBUTES), role.name  # stated, not left to defaults
        assert role.member_of == (), role.name


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_every_statement_runs_as_the_owner_of_its_database(db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    world = db_worlds[env, phase]
    assert world.statements
    for statement in world.statements:
        assert statement.provider is not None, statement.address
        database, user = world.providers[statement.provider]
        assert (database, user) == (statement.database, world.databases[statement.database]), statement.address
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
def test_no_service_connects_as_an_api_created_role(stacks: dict[Combo, dict[str, Any]], db_worlds: dict[Combo, DatabaseWorld], env: str, phase: int) -> None:
    stack, world = stacks[env, phase], db_worlds[env, phase]
    seen = 0
    for name, collection in resources_of(stack, "railway_variable_collection").items():
        for variable in collection["variables"]:
            for kind, user in world.connection_users(variable["value"]):
                seen += 1
                assert kind == "postgresql_role" and not world.roles[user].api_created, f"{name}.{variable['name']} connects as {user}"
            if variable["name"] in ("PGUSER",):
                assert not world.roles[world.resolve(variable["value"])].api_created
    assert seen >= len(_owners(phase))
    for name, output in stack.get("output", {}).items():
        for _, text in _strings(output["value"]):
            for kind, user in world.connection_users(text):
                if name.endswith("_database_migration_url"):  # the deployment pipeline's migrations, never a service
                    assert world.roles[user].api_created and output["sensitive"] is True
                else:
                    assert kind == "postgresql_role" and not world.roles[user].api_created, f"output {name} connects as {user}"


def test_the_model_refuses_what_it_cannot_resolve() -> None:
    stack = {"resource": {"postgresql_grant": {"g": {"role": "${var.role}", "database": "d", "object_type": "database", "privileges": []}}}}
    with pytest.raises(UnresolvedReference, match=r"\$\{var.role\}"):
        DatabaseWorld(stack)


def test_the_model_sees_a_missing_revocation_and_a_stray_grant() -> None:
    stack = {
        "resource": {
            "neon_role": {"o": {"name": "auth_owner"}, "p": {"name": "patient_owner"}},
            "neon_database": {"a": {"name": "auth", "owner_name": "${neon_role.o.name}"}, "b": {"name": "patient", "owner_name": "${neon_role.p.name}"}},
            "postgresql_role": {"r": {"name": "auth_app", "login": True}},
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
