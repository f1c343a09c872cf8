"""NeonDatabase: the project, its databases and computes, and every prop rule (SQL access: test_neon_sql_access.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from constructs_lib import NeonProvider, ValidationError
from constructs_lib.data.neon_database import NeonDatabase
from constructs_lib.data.neon_props import NeonDatabaseProps, ReaderRole
from tests.conformance import check_stack
from tests.conftest import REPO_ROOT, synth_json

NEON_SCHEMA = REPO_ROOT / "constructs_lib/providers/neon/schema.json"
LOCKED = {"locked_region_id": "aws-us-east-1", "locked_pg_version": 17}


@pytest.fixture
def fresh_stack(fresh_stack: Any) -> Any:
    """The shared fresh stack, with the provider its constructs need."""
    NeonProvider(fresh_stack, "neon")
    return fresh_stack


def _props(**overrides: Any) -> NeonDatabaseProps:
    values: dict[str, Any] = {"project_name": "healthcare-test", "services": ("auth", "medical-records"), **LOCKED}
    values.update(overrides)
    return NeonDatabaseProps(**values)


def _build(stack: Any, **overrides: Any) -> tuple[NeonDatabase, dict[str, Any]]:
    database = NeonDatabase(stack, "db", _props(**overrides))
    return database, synth_json(stack)


def _only(stack: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (block,) = stack["resource"][resource_type].values()
    return block


def _address(stack: dict[str, Any], resource_type: str, **match: Any) -> str:
    (name,) = [n for n, b in stack["resource"][resource_type].items() if all(b.get(k) == v for k, v in match.items())]
    return f"{resource_type}.{name}"


def test_secure_defaults(fresh_stack: Any) -> None:
    _, stack = _build(fresh_stack)
    project = _only(stack, "neon_project")
    assert project == {
        "name": "healthcare-test",
        "region_id": "aws-us-east-1",
        "pg_version": 17,
        "history_retention_seconds": 86400,
        "store_password": "yes",
        "compute_provisioner": "k8s-neonvm",
        "default_endpoint_settings": [{"autoscaling_limit_min_cu": 0.25, "autoscaling_limit_max_cu": 2, "suspend_timeout_seconds": 0}],
        "hipaa": "yes",
        "default_branch_protected": True,
        "lifecycle": {"prevent_destroy": True},
    }
    assert "neon_endpoint" not in stack["resource"] and "neon_branch" not in stack["resource"]
    assert "allowed_ips" not in project and "block_public_connections" not in project  # no allow-list unless asked
    assert check_stack(stack, NEON_SCHEMA) == []


def test_one_database_and_owning_role_per_service_on_the_default_branch(fresh_stack: Any) -> None:
    database, stack = _build(fresh_stack)
    project = _address(stack, "neon_project")
    assert "neon_role" not in stack["resource"]  # owners are SQL roles: no Neon API role but the project's default
    assert sorted(d["name"] for d in stack["resource"]["neon_database"].values()) == ["auth", "medical_records"]
    for role_name, db_name in (("auth_owner", "auth"), ("medical_records_owner", "medical_records")):
        role = _address(stack, "postgresql_role", name=role_name)
        db = stack["resource"]["neon_database"][_address(stack, "neon_database", name=db_name).split(".")[1]]
        assert db == {
            "project_id": f"${{{project}.id}}",
            "branch_id": f"${{{project}.default_branch_id}}",
            "name": db_name,
            "owner_name": f"${{{role}.name}}",
            "lifecycle": {"prevent_destroy": True},
        }
    assert database.services == ("auth", "medical-records")


def test_unprotected_project_allows_destroy(fresh_stack: Any) -> None:
    _, stack = _build(fresh_stack, protect_from_destroy=False, locked_region_id=None, locked_pg_version=None)
    project = _only(stack, "neon_project")
    assert "lifecycle" not in project and "default_branch_protected" not in project
    assert all("lifecycle" not in d for d in stack["resource"]["neon_database"].values())
    assert all("lifecycle" not in r for r in stack["resource"]["postgresql_role"].values())


def test_hipaa_off_leaves_the_attribute_out(fresh_stack: Any) -> None:
    _, stack = _build(fresh_stack, hipaa=False)
    assert "hipaa" not in _only(stack, "neon_project")


def test_overrides_reach_the_project(fresh_stack: Any) -> None:
    _, stack = _build(
        fresh_stack,
        region_id="aws-eu-central-1",
        locked_region_id="aws-eu-central-1",
        pg_version=16,
        locked_pg_version=16,
        history_retention_seconds=2_592_000,
        compute_min_cu=1,
        compute_max_cu=9,
        suspend_timeout_seconds=-1,
        org_id="org-quiet-lake-12345678",
    )
    project = _only(stack, "neon_project")
    assert (project["region_id"], project["pg_version"], project["history_retention_seconds"]) == ("aws-eu-central-1", 16, 2592000)
    assert project["default_endpoint_settings"] == [{"autoscaling_limit_min_cu": 1, "autoscaling_limit_max_cu": 9, "suspend_timeout_seconds": -1}]
    assert project["org_id"] == "org-quiet-lake-12345678"


def test_read_replica_is_a_pooled_read_only_endpoint_on_the_default_branch(fresh_stack: Any) -> None:
    _, stack = _build(fresh_stack, read_replica=True, compute_max_cu=4)
    project = _address(stack, "neon_project")
    assert _only(stack, "neon_endpoint") == {
        "project_id": f"${{{project}.id}}",
        "branch_id": f"${{{project}.default_branch_id}}",
        "type": "read_only",
        "autoscaling_limit_min_cu": 0.25,
        "autoscaling_limit_max_cu": 4,
        "suspend_timeout_seconds": 0,
        "pooler_enabled": True,  # the provider then reports the -pooler host as the endpoint's host
    }


def test_analytics_replica_is_a_second_direct_read_only_endpoint(fresh_stack: Any) -> None:
    database, stack = _build(fresh_stack, read_replica=True, analytics_replica=True)
    project = _address(stack, "neon_project")
    endpoints = stack["resource"]["neon_endpoint"]
    assert len(endpoints) == 2
    analytics = endpoints[_address(stack, "neon_endpoint", pooler_enabled=None).split(".")[1]]
    assert (analytics["branch_id"], analytics["type"]) == (f"${{{project}.default_branch_id}}", "read_only")
    assert "neon_branch" not in stack["resource"]  # live data: no branch snapshot to refresh
    assert database.analytics_replica is not None and database.read_replica is not None
    assert check_stack(stack, NEON_SCHEMA) == []


def test_allow_list_and_public_connection_block_reach_the_project(fresh_stack: Any) -> None:
    database, stack = _build(fresh_stack, allowed_ips=("203.0.113.10/32", "2001:db8::/48"), block_public_connections=True)
    project = _only(stack, "neon_project")
    assert project["allowed_ips"] == ["203.0.113.10/32", "2001:db8::/48"]
    assert project["block_public_connections"] == "yes"
    assert database.allowed_ips == ("203.0.113.10/32", "2001:db8::/48")
    assert check_stack(stack, NEON_SCHEMA) == []


def test_add_allowed_ips_extends_the_list_once(fresh_stack: Any) -> None:
    from constructs_lib.engine.core import Fn

    database = NeonDatabase(fresh_stack, "db", _props(allowed_ips=("203.0.113.10/32",)))
    egress = Fn.format("%s/32", [database.project.id])  # any reference: a NAT address in the platform
    database.add_allowed_ips(egress, "203.0.113.10/32")
    database.add_allowed_ips("198.51.100.7/32")
    project = _address(synth_json(fresh_stack), "neon_project")
    assert _only(synth_json(fresh_stack), "neon_project")["allowed_ips"] == [
        "203.0.113.10/32",
        f'${{format("%s/32", {project}.id)}}',
        "198.51.100.7/32",
    ]


def test_allowed_ips_accept_references(fresh_stack: Any) -> None:
    from constructs_lib.engine.core import Fn

    nat = Fn.format("%s/32", ["${aws_eip.nat.public_ip}"])  # unresolved until synthesis: not validated as text
    _, stack = _build(fresh_stack, allowed_ips=(nat, "203.0.113.10/32"))
    assert _only(stack, "neon_project")["allowed_ips"][1] == "203.0.113.10/32"


def test_fails_when_adding_a_malformed_address(fresh_stack: Any) -> None:
    database = NeonDatabase(fresh_stack, "db", _props(allowed_ips=("203.0.113.10/32",)))
    with pytest.raises(ValidationError, match=r"^test/db: allowed_ips must be an IPv4 or IPv6 address .*, got '0.0.0.0/0'$"):
        database.add_allowed_ips("0.0.0.0/0")


def test_fails_when_adding_to_no_allow_list(fresh_stack: Any) -> None:
    database = NeonDatabase(fresh_stack, "db", _props())
    with pytest.raises(ValidationError, match=r"^test/db: allowed_ips must be a non-empty allow-list before add_allowed_ips adds to it, got \[\]$"):
        database.add_allowed_ips("203.0.113.10/32")


GOOD = [
    {"region_id": "azure-gwc", "locked_region_id": "azure-gwc"},
    {"pg_version": 14, "locked_pg_version": 14},
    {"pg_version": 18, "locked_pg_version": 18},
    {"history_retention_seconds": 0},
    {"history_retention_seconds": 2_592_000},
    {"compute_min_cu": 0.25, "compute_max_cu": 8.25},
    {"compute_min_cu": 16, "compute_max_cu": 16},
    {"suspend_timeout_seconds": -1},
    {"suspend_timeout_seconds": 60},
    {"suspend_timeout_seconds": 604_800},
    {"services": ()},
    {"protect_from_destroy": False, "locked_region_id": None, "locked_pg_version": None, "region_id": "aws-us-west-2"},
    {"readers": (ReaderRole(name="ml_reader", services=("auth",)),)},
    {"allowed_ips": ("203.0.113.0/24", "198.51.100.7", "2001:db8::/48")},
    {"org_id": "org-quiet-lake-12345678", "hipaa": True},
    {"channel_binding": False},
]


@pytest.mark.parametrize("overrides", GOOD, ids=[",".join(f"{k}={v}" for k, v in g.items())[:60] for g in GOOD])
def test_accepts_good_values(fresh_stack: Any, overrides: dict[str, Any]) -> None:
    database, stack = _build(fresh_stack, **overrides)
    for field, value in overrides.items():
        assert getattr(database._props, field) == value
    assert check_stack(stack, NEON_SCHEMA) == []


BAD = [
    ("project_name", {"project_name": ""}, "project_name must be 1..256 characters, got ''"),
    ("region_id", {"region_id": "aws-mars-1", "locked_region_id": "aws-mars-1"}, "region_id must be one of aws-us-east-1, .*got 'aws-mars-1'"),
    ("org_id", {"org_id": "Org_Upper"}, "org_id must be 1..60 lowercase letters, digits and '-' .*, got 'Org_Upper'"),
    ("pg_version_low", {"pg_version": 13, "locked_pg_version": 13}, "pg_version must be 14..18, got 13"),
    ("pg_version_high", {"pg_version": 19, "locked_pg_version": 19}, "pg_version must be 14..18, got 19"),
    ("retention_negative", {"history_retention_seconds": -1}, r"history_retention_seconds must be 0..2592000 seconds, got -1"),
    ("retention_above_30_days", {"history_retention_seconds": 2_592_001}, "history_retention_seconds must be 0..2592000 seconds, got 2592001"),
    ("compute_min_low", {"compute_min_cu": 0.125}, r"compute_min_cu must be 0.25..16 compute units, got 0.125"),
    ("compute_max_high", {"compute_min_cu": 10, "compute_max_cu": 17}, r"compute_max_cu must be 0.25..16 compute units, got 17"),
    ("compute_min_above_max", {"compute_min_cu": 4, "compute_max_cu": 2}, r"compute_max_cu must be >= the minimum \(4 CU\), got 2"),
    ("compute_span", {"compute_min_cu": 0.5, "compute_max_cu": 9}, r"compute_max_cu must be at most 8 CU above the minimum \(0.5 CU\), i.e. <= 8.5, got 9"),
    (
        "suspend_short",
        {"suspend_timeout_seconds": 30},
        r"suspend_timeout_seconds must be -1 \(never suspend\), 0 \(Neon default\) or 60..604800 seconds, got 30",
    ),
    ("suspend_long", {"suspend_timeout_seconds": 604_801}, "suspend_timeout_seconds must be .*, got 604801"),
    ("suspend_minus_two", {"suspend_timeout_seconds": -2}, "suspend_timeout_seconds must be .*, got -2"),
    ("service_name", {"services": ("auth", "Medical_Records")}, "services must be lowercase names of .*, got 'Medical_Records'"),
    ("service_duplicate", {"services": ("auth", "auth")}, r"services must be unique, got \['auth', 'auth'\]"),
    ("services_string", {"services": "auth"}, "services must be a sequence of service names, not one string, got 'auth'"),
    ("reader_role_name", {"readers": (ReaderRole(name="ML-Reader", services=("auth",)),)}, r"readers\[0\].name must be a role name .*, got 'ML-Reader'"),
    (
        "reader_role_owner",
        {"readers": (ReaderRole(name="auth_owner", services=("auth",)),)},
        r"readers\[0\].name must be different from every service's owner and login role and the administrator, got 'auth_owner'",
    ),
    ("reader_role_login", {"readers": (ReaderRole(name="auth_app", services=("auth",)),)}, r"readers\[0\].name must be different .*, got 'auth_app'"),
    (
        "reader_role_reserved",
        {"readers": (ReaderRole(name="pg_reader", services=("auth",)),)},
        r"readers\[0\].name must be free of the reserved prefixes .*, got 'pg_reader'",
    ),
    (
        "reader_role_twice",
        {"readers": (ReaderRole(name="r", services=("auth",)), ReaderRole(name="r", services=("auth",)))},
        r"readers\[1\].name must be unique among the readers, got 'r'",
    ),
    (
        "reader_unknown_service",
        {"readers": (ReaderRole(name="r", services=("billing",)),)},
        r"readers\[0\].services must be one of services \(auth, medical-records\), got 'billing'",
    ),
    ("reader_no_service", {"readers": (ReaderRole(name="r", services=()),)}, r"readers\[0\].services must be a non-empty sequence of service names, got \(\)"),
    ("allowed_ip_malformed", {"allowed_ips": ("10.0.0.300/32",)}, r"allowed_ips must be an IPv4 or IPv6 address or CIDR .*, got '10.0.0.300/32'"),
    ("allowed_ip_host_bits", {"allowed_ips": ("203.0.113.10/24",)}, "allowed_ips must be an IPv4 or IPv6 address .*, got '203.0.113.10/24'"),
    ("allowed_ip_everyone", {"allowed_ips": ("0.0.0.0/0",)}, r"allowed_ips must be .*not /0\), got '0.0.0.0/0'"),
    ("allowed_ips_string", {"allowed_ips": "203.0.113.10/32"}, "allowed_ips must be a sequence of addresses or CIDRs, not one string, got '203.0.113.10/32'"),
    (
        "allowed_ips_twice",
        {"allowed_ips": ("203.0.113.10/32", "203.0.113.10/32")},
        r"allowed_ips must be distinct entries, got \['203.0.113.10/32', '203.0.113.10/32'\]",
    ),
    (
        "locked_region",
        {"region_id": "aws-us-east-2"},
        r"locked_region_id must be equal to region_id \('aws-us-east-2'\) while protect_from_destroy is on .*, got 'aws-us-east-1'",
    ),
    ("locked_pg_version", {"pg_version": 18}, r"locked_pg_version must be equal to pg_version \(18\) while protect_from_destroy is on .*, got 17"),
]


@pytest.mark.parametrize(("overrides", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_fails_when_prop_is_out_of_range(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=f"^test/db: {message}$"):
        NeonDatabase(fresh_stack, "db", _props(**overrides))
    # Validation runs before any child is created.
    assert fresh_stack.node.find_child("db").node.children == []


def test_locks_are_optional_while_protected(fresh_stack: Any) -> None:
    # None means no second-edit lock: only a given lock value must match (defaults are consistent).
    _, stack = _build(fresh_stack, locked_region_id=None, locked_pg_version=None)
    assert _only(stack, "neon_project")["lifecycle"] == {"prevent_destroy": True}


def test_props_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _props().hipaa = False  # type: ignore[misc]
