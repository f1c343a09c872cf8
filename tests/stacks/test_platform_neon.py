"""The Neon part of every environment x phase, as PlatformStack composes it from config and plan."""

from __future__ import annotations

import re
from typing import Any

import pytest

from environments import EnvironmentConfig
from platform_plan.phases import plan_for
from tests.conftest import ALL_COMBOS, Combo, config_at, resources_of, synth_json

IDS = [f"{e}-phase{p}" for e, p in ALL_COMBOS]


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_one_database_and_role_per_data_owning_service(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    owners = [s.name.replace("-", "_") for s in plan_for(phase).services if s.owns_database]
    assert sorted(d["name"] for d in resources_of(stack, "neon_database").values()) == sorted(owners)
    # The only Neon API role (a neon_superuser member) is the project's default, the administrator; every other role is SQL.
    assert resources_of(stack, "neon_role") == {}
    sql_roles = sorted(r["name"] for r in resources_of(stack, "postgresql_role").values())
    expected = [f"{o}_owner" for o in owners] + [f"{o}_app" for o in owners] + ["backup_reader"] + (["analytics_reader"] if phase >= 4 else [])
    assert sql_roles == sorted(expected)


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_replica_from_phase_3_and_analytics_compute_from_phase_4(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    endpoints = resources_of(stack, "neon_endpoint")
    assert all(e["type"] == "read_only" for e in endpoints.values())
    assert sorted(e.get("pooler_enabled", False) for e in endpoints.values()) == [False] * (phase >= 4) + [True] * (phase >= 3)
    assert resources_of(stack, "neon_branch") == {}  # analytics reads live data through its own compute


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_exposure_follows_the_environment_file(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int) -> None:
    neon = configs[env].neon
    (project,) = resources_of(stacks[env, phase], "neon_project").values()
    if not neon.allowed_ips:
        assert "allowed_ips" not in project  # dev and staging: no allow-list (IP Allow is a Scale-plan feature)
        return
    listed = project["allowed_ips"]
    assert listed[: len(neon.allowed_ips)] == neon.allowed_ips
    nat = listed[len(neon.allowed_ips) :]  # the AI service's egress joins the list with the VPC (phase 4)
    assert len(nat) == (configs[env].az_count if phase >= 4 else 0)
    assert all(re.fullmatch(r'\$\{format\("%s/32", aws_eip\.\S+\.public_ip\)\}', entry) for entry in nat), nat
    assert project["org_id"] == neon.org_id and project["hipaa"] == "yes"
    assert "block_public_connections" not in project  # Railway and Terraform Cloud connect over the internet


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_project_follows_the_environment_file(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int) -> None:
    config = configs[env]
    (project,) = resources_of(stacks[env, phase], "neon_project").values()
    assert project["name"] == f"healthcare-{env}"
    assert project["history_retention_seconds"] == config.neon.history_retention_seconds
    assert project["default_endpoint_settings"] == [
        {
            "autoscaling_limit_min_cu": config.neon.compute_min_cu,
            "autoscaling_limit_max_cu": config.neon.compute_max_cu,
            "suspend_timeout_seconds": config.neon.suspend_timeout_seconds,
        }
    ]
    assert stacks[env, phase]["provider"]["neon"] == [{}]  # credentials come from NEON_API_KEY


@pytest.mark.parametrize("phase", [1, 4])
def test_prod_is_hipaa_protected_and_keeps_30_days(stacks: dict[Combo, dict[str, Any]], phase: int) -> None:
    stack = stacks["prod", phase]
    (project,) = resources_of(stack, "neon_project").values()
    assert project["hipaa"] == "yes"
    assert project["lifecycle"] == {"prevent_destroy": True}
    assert project["default_branch_protected"] is True
    assert project["history_retention_seconds"] == 30 * 86400
    assert all(d["lifecycle"] == {"prevent_destroy": True} for d in resources_of(stack, "neon_database").values())


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_dev_and_staging_allow_destroy_and_are_not_hipaa(stacks: dict[Combo, dict[str, Any]], env: str) -> None:
    stack = stacks[env, 4]
    (project,) = resources_of(stack, "neon_project").values()
    assert "hipaa" not in project and "lifecycle" not in project and "default_branch_protected" not in project
    assert all("lifecycle" not in d for d in resources_of(stack, "neon_database").values())


def test_dev_fits_the_free_plan_compute_limits(configs: dict[str, EnvironmentConfig]) -> None:
    neon = configs["dev"].neon
    assert neon.compute_max_cu <= 2 and neon.suspend_timeout_seconds == 0 and not neon.hipaa


def test_platform_stack_exposes_the_database(configs: dict[str, EnvironmentConfig]) -> None:
    from constructs_lib.engine.core import TerraformOutput, Testing as CdktfTesting, Token
    from stacks.platform import PlatformStack

    stack = PlatformStack(CdktfTesting.app(), config_at(configs, "staging", 2), plan_for(2))
    assert stack.database is not None
    assert stack.database.services == ("auth", "patient", "provider", "medical-records")
    uri = stack.database.connection_uri("patient")
    assert Token.is_unresolved(uri)
    TerraformOutput(stack, "patient_uri", value=uri, sensitive=True)
    value = synth_json(stack)["output"]["patient_uri"]["value"]
    assert value.startswith('${format("postgres://%s/%s?sslmode=verify-full&sslrootcert=system&channel_binding=require", format("%s:%s@%s", postgresql_role.')
    assert "random_password." in value and ".database_host_pooler)" in value
