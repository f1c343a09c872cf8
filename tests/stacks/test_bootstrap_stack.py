"""The ``bootstrap`` stack: Terraform Cloud workspaces, credentials, team access and run alerts as code.

The AWS run roles (dynamic provider credentials) are asked their decisions in tests/access/test_tfc_run_roles.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from environments import EnvironmentConfig
from stacks.credentials import PROVIDER_CREDENTIALS, TFC_AWS_VARIABLES, credential_variable_name
from tests.conftest import ENGINE, Combo, resources_of

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
def test_workspaces_run_where_the_file_says_on_a_pinned_terraform(bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig], env: str) -> None:
    tfc = configs[env].terraform_cloud
    assert tfc is not None
    workspace = _by_path(bootstrap_stack, "tfe_workspace")[f"{env}/Workspace"]
    assert workspace["terraform_version"] == tfc.terraform_version == "1.14.2"
    # The workspace holds the environment's state: it is never destroyed by an apply.
    assert workspace["lifecycle"] == {"prevent_destroy": True}
    settings = _by_path(bootstrap_stack, "tfe_workspace_settings")[f"{env}/Settings"]
    assert settings["workspace_id"] == _ref(bootstrap_stack, "tfe_workspace", f"{env}/Workspace")
    assert settings["auto_apply"] is False
    # prod has a Neon allow-list, so its runs execute on its own agent; staging (none) on HCP's workers.
    assert settings["execution_mode"] == tfc.execution_mode == {"staging": "remote", "prod": "agent"}[env]
    if env == "prod":
        # Through the pool's scope, so the pool allows the workspace before the workspace selects the pool.
        assert settings["agent_pool_id"] == _ref(bootstrap_stack, "tfe_agent_pool_allowed_workspaces", "prod/Agent/PoolWorkspaces", "agent_pool_id")
    else:
        assert "agent_pool_id" not in settings


def test_each_agent_environment_has_its_own_pool_scoped_to_its_workspace(bootstrap_stack: dict[str, Any]) -> None:
    pools = _by_path(bootstrap_stack, "tfe_agent_pool")
    assert pools == {"prod/Agent/Pool": pools["prod/Agent/Pool"]}  # staging runs remotely: no pool
    pool = pools["prod/Agent/Pool"]
    assert (pool["name"], pool["organization"], pool["organization_scoped"]) == ("healthcare-prod-agents", "meridian-health", False)
    pool_id = _ref(bootstrap_stack, "tfe_agent_pool", "prod/Agent/Pool")
    (scope,) = _by_path(bootstrap_stack, "tfe_agent_pool_allowed_workspaces").values()
    assert scope["agent_pool_id"] == pool_id
    assert scope["allowed_workspace_ids"] == [_ref(bootstrap_stack, "tfe_workspace", "prod/Workspace")]
    (token,) = _by_path(bootstrap_stack, "tfe_agent_token").values()
    assert token["agent_pool_id"] == pool_id


def test_the_agent_runs_on_railway_in_a_project_of_its_own(bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig]) -> None:
    """The official image, pinned, self-update off, the pool token as a secret reference, created with prod's Railway token."""
    prod = configs["prod"]
    (project,) = _by_path(bootstrap_stack, "railway_project").values()
    assert project["name"] == "healthcare-prod-tfc-agent"
    assert project["workspace_id"] == prod.railway.workspace_id
    assert (project["private"], project["has_pr_deploys"], project["lifecycle"]) == (True, False, {"prevent_destroy": True})
    service = _by_path(bootstrap_stack, "railway_service")["prod/Agent/Service/Resource/Resource"]
    assert service["source_image"] == "hashicorp/tfc-agent:1.28.11"
    assert service["regions"] == [{"num_replicas": 1, "region": prod.railway.region}]
    assert service["project_id"] == _ref(bootstrap_stack, "railway_project", "prod/Agent/Project/Resource")
    assert service["lifecycle"]["prevent_destroy"] is True  # its static outbound IP goes with it
    assert not resources_of(bootstrap_stack, "railway_service_domain") and not resources_of(bootstrap_stack, "railway_custom_domain")
    (collection,) = resources_of(bootstrap_stack, "railway_variable_collection").values()
    variables = {v["name"]: v["value"] for v in collection["variables"]}
    assert variables == {
        "TFC_ADDRESS": "https://app.terraform.io",
        "TFC_AGENT_AUTO_UPDATE": "disabled",
        "TFC_AGENT_NAME": "prod-tfc-agent",
        "TFC_AGENT_TOKEN": _ref(bootstrap_stack, "tfe_agent_token", "prod/Agent/Token", "token"),
    }
    # Every Railway resource uses prod's own provider configuration, whose token is the sensitive bootstrap variable.
    assert bootstrap_stack["provider"]["railway"] == [{"alias": "prod", "token": "${var.prod_railway_token}"}]
    railway = [b for kind, blocks in bootstrap_stack["resource"].items() if kind.startswith("railway_") for b in blocks.values()]
    assert len(railway) == 3 and all(b["provider"] == "railway.prod" for b in railway)
    assert bootstrap_stack["variable"]["prod_railway_token"]["sensitive"] is True


def test_the_agents_recorded_egress_is_the_files(bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig]) -> None:
    tfc = configs["prod"].terraform_cloud
    assert tfc is not None
    agents = bootstrap_stack["output"]["tfc_agents"]["value"]
    assert agents == {
        "prod": {
            "agent_pool_id": _ref(bootstrap_stack, "tfe_agent_pool", "prod/Agent/Pool"),
            "railway_service_id": _ref(bootstrap_stack, "railway_service", "prod/Agent/Service/Resource/Resource"),
            "egress_ips": tfc.agent_egress_ips,
        }
    }
    assert "sensitive" not in bootstrap_stack["output"]["tfc_agents"]  # addresses and ids only


@pytest.mark.parametrize("env", REMOTE)
def test_provider_credentials_are_sensitive_write_only_variables(bootstrap_stack: dict[str, Any], env: str) -> None:
    """Each credential comes from a sensitive Terraform variable at apply time, via the write-only value_wo (never in state)."""
    variable_set = _ref(bootstrap_stack, "tfe_variable_set", f"{env}/Credentials")
    (attachment,) = [a for a in resources_of(bootstrap_stack, "tfe_workspace_variable_set").values() if a["variable_set_id"] == variable_set]
    assert attachment["workspace_id"] == _ref(bootstrap_stack, "tfe_workspace", f"{env}/Workspace")
    variables = {b["key"]: b for b in resources_of(bootstrap_stack, "tfe_variable").values() if b["variable_set_id"] == variable_set}
    assert set(variables) == {key for key, _ in (*PROVIDER_CREDENTIALS, *TFC_AWS_VARIABLES)}
    secrets = {key: block for key, block in variables.items() if key not in dict(TFC_AWS_VARIABLES)}
    assert set(secrets) == {"CLOUDFLARE_API_TOKEN", "NEON_API_KEY", "RAILWAY_TOKEN"}  # AWS: dynamic credentials, no key
    for key, block in secrets.items():
        name = credential_variable_name(env, key)
        assert block["value_wo"] == f"${{var.{name}}}"
        assert "value" not in block
        assert (block["category"], block["sensitive"]) == ("env", True)
        declared = bootstrap_stack["variable"][name]
        assert (declared["sensitive"], declared["type"], declared["nullable"]) == (True, "string", False)
        assert "default" not in declared


def test_no_credential_value_is_written_anywhere(bootstrap_stack: dict[str, Any]) -> None:
    """Every sensitive tfe_variable value is a variable reference; the only plain values are the AWS run settings (a flag,
    the audience, role ARNs); no variable declares a default."""
    for block in resources_of(bootstrap_stack, "tfe_variable").values():
        if block["sensitive"]:
            assert block["value_wo"].startswith("${var.") and block["value_wo"].endswith("}")
        else:
            assert block["key"] in dict(TFC_AWS_VARIABLES) and "value_wo" not in block
            assert block["value"] in ("true", "aws.workload.identity") or block["value"].startswith("${aws_iam_role.")
    assert all("default" not in v for v in bootstrap_stack["variable"].values())


@pytest.mark.parametrize(("env", "apply_team"), [("staging", "platform-engineers"), ("prod", "platform-admins")])
def test_team_access_lets_everyone_follow_runs_and_the_named_team_apply(bootstrap_stack: dict[str, Any], env: str, apply_team: str) -> None:
    """The read team has custom permissions without state (tests/access/test_terraform_cloud_access.py asks the decisions)."""
    workspace = _ref(bootstrap_stack, "tfe_workspace", f"{env}/Workspace")
    teams = {path: b["name"] for path, b in _by_path_data(bootstrap_stack, "tfe_team").items() if path.startswith(f"{env}/")}
    assert teams == {f"{env}/ReadTeam": "engineering", f"{env}/ApplyTeam": apply_team}
    access = {path: b for path, b in _by_path(bootstrap_stack, "tfe_team_access").items() if path.startswith(f"{env}/")}
    assert access[f"{env}/ReadAccess"]["access"] == "custom"
    assert access[f"{env}/ReadAccess"]["permissions"] == [
        {"runs": "read", "variables": "none", "state_versions": "none", "sentinel_mocks": "none", "workspace_locking": False, "run_tasks": False}
    ]
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


@pytest.mark.parametrize("env", REMOTE)
def test_drift_and_failed_checks_are_assessed_and_emailed_to_the_members(bootstrap_stack: dict[str, Any], env: str) -> None:
    """Health assessments on by default; their three triggers email the same members as failed runs; no webhook unless set."""
    settings = _by_path(bootstrap_stack, "tfe_workspace_settings")[f"{env}/Settings"]
    assert settings["assessments_enabled"] is True
    notifications = _by_path(bootstrap_stack, "tfe_notification_configuration")
    health = notifications[f"{env}/HealthAlerts"]
    assert (health["destination_type"], health["enabled"]) == ("email", True)
    assert health["triggers"] == ["assessment:drifted", "assessment:check_failure", "assessment:failed"]
    assert health["email_user_ids"] == notifications[f"{env}/RunFailures"]["email_user_ids"]
    assert health["workspace_id"] == _ref(bootstrap_stack, "tfe_workspace", f"{env}/Workspace")
    assert f"{env}/Webhook" not in notifications


def _bootstrap(configs: dict[str, EnvironmentConfig], **terraform_cloud: object) -> dict[str, Any]:
    """The bootstrap stack of ``configs`` with staging's ``[terraform_cloud]`` keys overridden."""
    if ENGINE != "cdktf":
        pytest.skip("the bootstrap stack needs the prebuilt TFE provider, which exists for cdktf only (docs/engines.md)")
    from constructs_lib.engine.core import Testing as EngineTesting
    from stacks.bootstrap import BootstrapStack

    staging = configs["staging"]
    assert staging.terraform_cloud is not None
    changed = staging.model_copy(update={"terraform_cloud": staging.terraform_cloud.model_copy(update=terraform_cloud)})
    stack = BootstrapStack(EngineTesting.app(), [changed])
    return dict(json.loads(EngineTesting.synth(stack)))


def _by_id(stack: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """``{construct path with '/' as '_', without the hash: block}`` (``Testing.synth`` writes no path metadata)."""
    return {name.rsplit("_", 1)[0]: block for name, block in resources_of(stack, resource_type).items()}


def test_a_webhook_receives_failed_runs_drift_and_failed_checks_and_assessments_can_be_off(configs: dict[str, EnvironmentConfig]) -> None:
    url = "https://alerts.example-health.org/hooks/terraform-cloud"
    stack = _bootstrap(configs, health_webhook_url=url)
    webhook = _by_id(stack, "tfe_notification_configuration")["staging_Webhook"]
    assert (webhook["destination_type"], webhook["url"], webhook["enabled"]) == ("generic", url, True)
    assert webhook["triggers"] == ["run:errored", "assessment:drifted", "assessment:check_failure", "assessment:failed"]
    assert "token" not in webhook and url not in json.dumps(stack.get("output", {}))
    # The Free edition has no health assessments: off, and no notification waits for them.
    stack = _bootstrap(configs, health_assessments=False, health_webhook_url=url)
    assert _by_id(stack, "tfe_workspace_settings")["staging_Settings"]["assessments_enabled"] is False
    notifications = _by_id(stack, "tfe_notification_configuration")
    assert set(notifications) == {"staging_RunFailures", "staging_Webhook"}
    assert notifications["staging_Webhook"]["triggers"] == ["run:errored"]


def test_bootstrap_stack_is_unchanged(bootstrap_stack: dict[str, Any], snapshot_json: Any) -> None:
    assert json.loads(json.dumps(bootstrap_stack)) == snapshot_json
