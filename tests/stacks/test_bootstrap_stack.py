"""The ``bootstrap`` stack: Terraform Cloud workspaces, credentials, team access and run alerts as code."""

from __future__ import annotations

import json
from typing import Any

import pytest

from environments import EnvironmentConfig
from stacks.credentials import PROVIDER_CREDENTIALS, credential_variable_name
from tests.conftest import Combo, resources_of

REMOTE = ("staging", "prod")
"""The environment files whose state_backend is terraform_cloud."""


def _by_path(stack: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """``{construct path below the stack: block}``."""
    return {b["//"]["metadata"]["path"].split("/", 1)[1]: b for b in resources_of(stack, resource_type).values()}


def _ref(stack: dict[str, Any], resource_type: str, path: str, attribute: str = "id") -> str:
    (name,) = [n for n, b in resources_of(stack, resource_type).items() if b["//"]["metadata"]["path"].split("/", 1)[1] == path]
    return f"${{{resource_type}.{name}.{attribute}}}"


def test_workspace_names_are_the_app_stacks_cloud_workspaces(
    bootstrap_stack: dict[str, Any], stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig]
) -> None:
    """One source of truth: every environment file on Terraform Cloud gets exactly the workspace its stack's cloud block names."""
    created = {b["name"] for b in resources_of(bootstrap_stack, "tfe_workspace").values()}
    named = {
        stacks[env, config.phase]["terraform"]["cloud"]["workspaces"]["name"] for env, config in configs.items() if config.state_backend == "terraform_cloud"
    }
    assert created == named == {"healthcare-staging", "healthcare-prod"}
    assert {b["organization"] for b in resources_of(bootstrap_stack, "tfe_workspace").values()} == {"meridian-health"}
    # The bootstrap stack keeps its own state in its own workspace of the same organization.
    assert bootstrap_stack["terraform"]["cloud"] == {"organization": "meridian-health", "workspaces": {"name": "healthcare-bootstrap"}}
    assert "backend" not in bootstrap_stack["terraform"]


@pytest.mark.parametrize("env", REMOTE)
def test_workspaces_run_remotely_on_a_pinned_terraform(bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig], env: str) -> None:
    tfc = configs[env].terraform_cloud
    assert tfc is not None
    workspace = _by_path(bootstrap_stack, "tfe_workspace")[f"{env}/Workspace"]
    assert workspace["terraform_version"] == tfc.terraform_version == "1.14.2"
    # The workspace holds the environment's state: it is never destroyed by an apply.
    assert workspace["lifecycle"] == {"prevent_destroy": True}
    settings = _by_path(bootstrap_stack, "tfe_workspace_settings")[f"{env}/Settings"]
    assert settings["workspace_id"] == _ref(bootstrap_stack, "tfe_workspace", f"{env}/Workspace")
    assert settings["execution_mode"] == "remote"
    assert settings["auto_apply"] is False


@pytest.mark.parametrize("env", REMOTE)
def test_provider_credentials_are_sensitive_write_only_variables(bootstrap_stack: dict[str, Any], env: str) -> None:
    """Each credential comes from a sensitive Terraform variable at apply time, via the write-only value_wo (never in state)."""
    variable_set = _ref(bootstrap_stack, "tfe_variable_set", f"{env}/Credentials")
    (attachment,) = [a for a in resources_of(bootstrap_stack, "tfe_workspace_variable_set").values() if a["variable_set_id"] == variable_set]
    assert attachment["workspace_id"] == _ref(bootstrap_stack, "tfe_workspace", f"{env}/Workspace")
    variables = {b["key"]: b for b in resources_of(bootstrap_stack, "tfe_variable").values() if b["variable_set_id"] == variable_set}
    assert set(variables) == {key for key, _ in PROVIDER_CREDENTIALS}
    for key, block in variables.items():
        name = credential_variable_name(env, key)
        assert block["value_wo"] == f"${{var.{name}}}"
        assert "value" not in block
        assert (block["category"], block["sensitive"]) == ("env", True)
        declared = bootstrap_stack["variable"][name]
        assert (declared["sensitive"], declared["type"], declared["nullable"]) == (True, "string", False)
        assert "default" not in declared


def test_no_credential_value_is_written_anywhere(bootstrap_stack: dict[str, Any]) -> None:
    """Every tfe_variable value is a variable reference; no variable declares a default."""
    for block in resources_of(bootstrap_stack, "tfe_variable").values():
        assert block["value_wo"].startswith("${var.") and block["value_wo"].endswith("}")
    assert all("default" not in v for v in bootstrap_stack["variable"].values())


@pytest.mark.parametrize(("env", "apply_team"), [("staging", "platform-engineers"), ("prod", "platform-admins")])
def test_team_access_reads_for_everyone_and_applies_for_the_named_team(bootstrap_stack: dict[str, Any], env: str, apply_team: str) -> None:
    workspace = _ref(bootstrap_stack, "tfe_workspace", f"{env}/Workspace")
    teams = {path: b["name"] for path, b in _by_path_data(bootstrap_stack, "tfe_team").items() if path.startswith(f"{env}/")}
    assert teams == {f"{env}/ReadTeam": "engineering", f"{env}/ApplyTeam": apply_team}
    access = {path: b for path, b in _by_path(bootstrap_stack, "tfe_team_access").items() if path.startswith(f"{env}/")}
    assert access[f"{env}/ReadAccess"]["access"] == "read"
    assert access[f"{env}/ApplyAccess"]["access"] == "write"
    assert {a["workspace_id"] for a in access.values()} == {workspace}


def _by_path_data(stack: dict[str, Any], data_type: str) -> dict[str, dict[str, Any]]:
    return {b["//"]["metadata"]["path"].split("/", 1)[1]: b for b in stack.get("data", {}).get(data_type, {}).values()}


@pytest.mark.parametrize("env", REMOTE)
def test_failed_runs_email_the_named_members(bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig], env: str) -> None:
    tfc = configs[env].terraform_cloud
    assert tfc is not None and tfc.notify_member_emails
    members = {path: b for path, b in _by_path_data(bootstrap_stack, "tfe_organization_membership").items() if path.startswith(f"{env}/")}
    assert sorted(m["email"] for m in members.values()) == sorted(tfc.notify_member_emails)
    notification = _by_path(bootstrap_stack, "tfe_notification_configuration")[f"{env}/RunFailures"]
    assert notification["destination_type"] == "email"
    assert notification["triggers"] == ["run:errored"]
    assert notification["enabled"] is True
    assert len(notification["email_user_ids"]) == len(members)
    assert all(".user_id}" in user for user in notification["email_user_ids"])
    assert "email_addresses" not in notification  # Terraform Enterprise only


def test_bootstrap_stack_is_unchanged(bootstrap_stack: dict[str, Any], snapshot_json: Any) -> None:
    assert json.loads(json.dumps(bootstrap_stack)) == snapshot_json
