"""Terraform Cloud decisions from the synthesized stacks: who may read state, and whether runs reach the database.

``tests/access/tfc_model.py`` answers as HCP Terraform and Neon would after apply; these tests
assert the intended answers for every environment file (and fail for the shapes issue 24/25
describes: the fixed ``read`` role, remote execution against an allow-list).
"""

from __future__ import annotations

import copy
import ipaddress
from typing import Any

import pytest

from environments import EnvironmentConfig
from platform_plan.phases import PHASES
from tests.access.tfc_model import RunPlacement, allows, may, neon_admits, run_placement, runs_reach_the_database, team_permissions
from tests.conftest import ENVIRONMENT_NAMES, Combo, resources_of

STATE_ACTIONS = ("read_state", "read_sensitive_outputs")


def _teams(configs: dict[str, EnvironmentConfig]) -> list[tuple[str, str, str]]:
    """``(environment, workspace, team)`` for the read and apply team of every Terraform Cloud environment."""
    rows = []
    for env, config in configs.items():
        tfc = config.terraform_cloud
        if tfc is None:
            continue
        rows += [(env, tfc.workspace_name(env), team) for team in (tfc.read_team, tfc.apply_team) if team is not None]
    return rows


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_the_read_team_sees_runs_but_cannot_read_state_outputs_or_apply(
    bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig], env: str
) -> None:
    """engineering (read_team) follows runs and their plans; state and sensitive outputs stay with the apply team and the runs."""
    tfc = configs[env].terraform_cloud
    assert tfc is not None and tfc.read_team == "engineering"
    workspace = tfc.workspace_name(env)
    assert may(bootstrap_stack, "engineering", "read_runs", workspace)
    for action in (*STATE_ACTIONS, "queue_plan", "start_apply"):
        assert not may(bootstrap_stack, "engineering", action, workspace), action  # type: ignore[arg-type]


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_the_apply_team_plans_applies_and_reads_state(bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig], env: str) -> None:
    tfc = configs[env].terraform_cloud
    assert tfc is not None and tfc.apply_team is not None
    workspace = tfc.workspace_name(env)
    for action in ("read_runs", "queue_plan", "start_apply", *STATE_ACTIONS):
        assert may(bootstrap_stack, tfc.apply_team, action, workspace), action  # type: ignore[arg-type]


def test_only_apply_teams_read_state_anywhere(bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig]) -> None:
    """Across every workspace and team the stack grants: state readers are exactly the apply teams on their own workspace."""
    readers = {(workspace, team) for _, workspace, team in _teams(configs) if may(bootstrap_stack, team, "read_state", workspace)}
    apply_teams = {
        (c.terraform_cloud.workspace_name(env), c.terraform_cloud.apply_team)
        for env, c in configs.items()
        if c.terraform_cloud and c.terraform_cloud.apply_team
    }
    assert readers == apply_teams == {("healthcare-staging", "platform-engineers"), ("healthcare-prod", "platform-admins")}
    # A team with no access block has no access at all; prod's apply team has none on staging.
    assert not may(bootstrap_stack, "platform-admins", "read_runs", "healthcare-staging")


def test_the_model_reads_the_fixed_roles_as_hcp_terraform_documents_them() -> None:
    """The fixed read role includes state versions (issue 25), so the model must answer yes for it."""
    from tests.access.tfc_model import FIXED_ROLES

    assert allows(FIXED_ROLES["read"], "read_state")
    assert allows(FIXED_ROLES["plan"], "read_state")  # through state versions, and through its own plans
    assert not allows(FIXED_ROLES["read"], "start_apply")


def test_the_read_role_would_let_engineering_read_state(bootstrap_stack: dict[str, Any]) -> None:
    """The decision the tests above guard against: with ``access = "read"`` engineering reads prod's state."""
    stack = copy.deepcopy(bootstrap_stack)
    for block in resources_of(stack, "tfe_team_access").values():
        if block["//"]["metadata"]["path"].endswith("/ReadAccess"):
            block.pop("permissions", None)
            block["access"] = "read"
    assert may(stack, "engineering", "read_state", "healthcare-prod")
    assert team_permissions(stack, "engineering", "healthcare-prod").state_versions == "read"


# --- where runs execute, and whether Neon admits them ---------------------------------------------


@pytest.mark.parametrize("env", ENVIRONMENT_NAMES)
def test_every_environments_runs_reach_its_database(bootstrap_stack: dict[str, Any], stacks: dict[Combo, dict[str, Any]], env: str) -> None:
    """At every phase, each environment's runs connect to its Neon project from an address the allow-list admits."""
    for phase in PHASES:
        assert runs_reach_the_database(stacks[env, phase], bootstrap_stack), (env, phase)


def test_runs_execute_where_the_files_say(bootstrap_stack: dict[str, Any], stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig]) -> None:
    placements = {env: run_placement(stacks[env, configs[env].phase], bootstrap_stack) for env in ENVIRONMENT_NAMES}
    agent = ipaddress.ip_network("203.0.113.10/32")
    assert placements == {
        "dev": RunPlacement("local", None),
        "staging": RunPlacement("remote", None),
        "prod": RunPlacement("agent", (agent,)),
    }
    # prod's agent address is admitted; an address outside the allow-list is not.
    assert neon_admits(stacks["prod", configs["prod"].phase], agent)
    assert not neon_admits(stacks["prod", configs["prod"].phase], ipaddress.ip_network("192.0.2.1/32"))


def test_remote_execution_against_an_allow_list_cannot_reach_the_database(bootstrap_stack: dict[str, Any], stacks: dict[Combo, dict[str, Any]]) -> None:
    """Issue 24 item 1 as it was synthesized: prod's workspace in remote execution mode."""
    stack = copy.deepcopy(bootstrap_stack)
    (settings,) = [b for b in resources_of(stack, "tfe_workspace_settings").values() if b["//"]["metadata"]["path"] == "bootstrap/prod/Settings"]
    settings["execution_mode"] = "remote"
    settings.pop("agent_pool_id", None)
    assert run_placement(stacks["prod", 1], stack) == RunPlacement("remote", None)
    assert not runs_reach_the_database(stacks["prod", 1], stack)


def test_an_agent_outside_the_allow_list_cannot_reach_the_database(bootstrap_stack: dict[str, Any], stacks: dict[Combo, dict[str, Any]]) -> None:
    stack = copy.deepcopy(bootstrap_stack)
    stack["output"]["tfc_agents"]["value"]["prod"]["egress_ips"] = ["192.0.2.7/32"]
    assert not runs_reach_the_database(stacks["prod", 1], stack)


def test_a_pool_without_an_agent_reaches_nothing(bootstrap_stack: dict[str, Any], stacks: dict[Combo, dict[str, Any]]) -> None:
    """Agent mode with no service holding the pool's token: runs queue and never execute."""
    stack = copy.deepcopy(bootstrap_stack)
    for block in resources_of(stack, "railway_variable_collection").values():
        block["variables"] = [v for v in block["variables"] if v["name"] != "TFC_AGENT_TOKEN"]
    assert run_placement(stacks["prod", 1], stack) == RunPlacement("agent", ())
    assert not runs_reach_the_database(stacks["prod", 1], stack)
