"""Terraform Cloud as HCP Terraform and Neon would see it after apply: who may do what, and where runs connect from.

Two questions asked of the synthesized JSON (the bootstrap stack and an environment's stack),
never of the code that wrote it:

- **Team access**: may team T read state, read sensitive outputs, see runs, queue a plan or start
  an apply on workspace W? ``tfe_team_access`` is resolved to its effective permissions: a fixed
  role (``read``, ``plan``, ``write``, ``admin``) expands to HCP Terraform's documented permission
  set, ``custom`` takes its ``permissions`` block.
- **Run network path**: where does environment E's run execute (the operator's machine, HCP
  Terraform's shared workers, or an agent of the workspace's pool), from which addresses, and does
  the Neon project's IP allow-list admit them?

A reference this model does not know raises ``UnknownReference``, so a new shape fails the tests
instead of passing them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_REF = re.compile(r"^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$")


class UnknownReference(Exception):
    """The stack refers to something this model cannot resolve."""


@dataclass(frozen=True, slots=True)
class WorkspacePermissions:
    """Effective permissions of one team on one workspace (HCP Terraform's custom permission fields)."""

    runs: Literal["none", "read", "plan", "apply"] = "none"
    variables: Literal["none", "read", "write"] = "none"
    state_versions: Literal["none", "read-outputs", "read", "write"] = "none"
    sentinel_mocks: Literal["none", "read"] = "none"
    workspace_locking: bool = False
    run_tasks: bool = False


FIXED_ROLES: Mapping[str, WorkspacePermissions] = {
    # HCP Terraform "Workspace permissions", fixed permission sets: read includes reading state versions.
    "read": WorkspacePermissions(runs="read", variables="read", state_versions="read"),
    "plan": WorkspacePermissions(runs="plan", variables="read", state_versions="read"),
    "write": WorkspacePermissions(runs="apply", variables="write", state_versions="write", sentinel_mocks="read", workspace_locking=True),
    "admin": WorkspacePermissions(runs="apply", variables="write", state_versions="write", sentinel_mocks="read", workspace_locking=True, run_tasks=True),
}

Action = Literal["read_state", "read_sensitive_outputs", "read_runs", "queue_plan", "start_apply"]


def allows(permissions: WorkspacePermissions, action: Action) -> bool:
    """Whether ``permissions`` let a team member do ``action``.

    Reading state has two paths: state versions themselves, and any run the member can start (a
    plan executes their configuration with the workspace's state and credentials and can print
    them). ``read-outputs`` returns sensitive outputs through the API.
    """
    runs_at_least_plan = permissions.runs in ("plan", "apply")
    if action == "read_state":
        return permissions.state_versions in ("read", "write") or runs_at_least_plan
    if action == "read_sensitive_outputs":
        return permissions.state_versions in ("read-outputs", "read", "write") or runs_at_least_plan
    if action == "read_runs":
        return permissions.runs != "none"
    if action == "queue_plan":
        return runs_at_least_plan
    return permissions.runs == "apply"


def _resources(stack: Mapping[str, Any], kind: str, *, data: bool = False) -> dict[str, dict[str, Any]]:
    blocks: dict[str, dict[str, Any]] = (stack.get("data" if data else "resource") or {}).get(kind, {})
    return blocks


def _ref(value: str) -> tuple[bool, str, str, str]:
    match = _REF.match(value)
    if match is None:
        raise UnknownReference(value)
    return bool(match[1]), match[2], match[3], match[4]


def _workspace_ref(bootstrap: Mapping[str, Any], name: str) -> str:
    found = [f"${{tfe_workspace.{key}.id}}" for key, block in _resources(bootstrap, "tfe_workspace").items() if block["name"] == name]
    if len(found) != 1:
        raise UnknownReference(f"workspace {name!r}: {len(found)} tfe_workspace resources")
    return found[0]


def team_permissions(bootstrap: Mapping[str, Any], team: str, workspace: str) -> WorkspacePermissions:
    """The permissions ``team`` (by name) holds on ``workspace`` (by name); none when it has no access block."""
    workspace_ref = _workspace_ref(bootstrap, workspace)
    teams = _resources(bootstrap, "tfe_team", data=True)
    granted = []
    for block in _resources(bootstrap, "tfe_team_access").values():
        if block["workspace_id"] != workspace_ref:
            continue
        is_data, kind, key, attribute = _ref(block["team_id"])
        if not (is_data and kind == "tfe_team" and attribute == "id" and key in teams):
            raise UnknownReference(block["team_id"])
        if teams[key]["name"] != team:
            continue
        access = block.get("access", "custom" if "permissions" in block else "read")
        if access == "custom":
            (fields,) = block["permissions"]
            granted.append(WorkspacePermissions(**fields))
        elif access in FIXED_ROLES:
            granted.append(FIXED_ROLES[access])
        else:
            raise UnknownReference(f"access {access!r}")
    if len(granted) > 1:
        raise UnknownReference(f"team {team!r} has {len(granted)} access blocks on {workspace!r} (HCP Terraform keeps one)")
    return granted[0] if granted else WorkspacePermissions()


def may(bootstrap: Mapping[str, Any], team: str, action: Action, workspace: str) -> bool:
    """``may team T <action> on workspace W?`` as HCP Terraform decides from the synthesized access blocks."""
    return allows(team_permissions(bootstrap, team, workspace), action)


@dataclass(frozen=True, slots=True)
class RunPlacement:
    """Where an environment's runs execute and which addresses their connections leave from."""

    mode: Literal["local", "remote", "agent"]
    egress: tuple[Network, ...] | None
    """The runner's addresses; None when nobody can name them (the operator's machine, HCP's shared workers)."""


def _workspace_settings(bootstrap: Mapping[str, Any], workspace_ref: str) -> dict[str, Any]:
    found = [b for b in _resources(bootstrap, "tfe_workspace_settings").values() if b["workspace_id"] == workspace_ref]
    if len(found) != 1:
        raise UnknownReference(f"{workspace_ref}: {len(found)} tfe_workspace_settings")
    return found[0]


def _agent_pool(bootstrap: Mapping[str, Any], reference: str, workspace_ref: str) -> str:
    """The pool key ``reference`` (a settings' ``agent_pool_id``) names, checked to admit the workspace."""
    _, kind, key, attribute = _ref(reference)
    if kind == "tfe_agent_pool_allowed_workspaces" and attribute == "agent_pool_id":
        scope = _resources(bootstrap, kind)[key]
        if workspace_ref not in scope["allowed_workspace_ids"]:
            raise UnknownReference(f"{reference} does not allow {workspace_ref}")
        reference = scope["agent_pool_id"]
        _, kind, key, attribute = _ref(reference)
    if kind != "tfe_agent_pool" or attribute != "id":
        raise UnknownReference(reference)
    pool = _resources(bootstrap, "tfe_agent_pool")[key]
    if pool.get("organization_scoped", True):
        return key  # every workspace of the organization may use it
    scopes = [b for b in _resources(bootstrap, "tfe_agent_pool_allowed_workspaces").values() if b["agent_pool_id"] == reference]
    # HCP Terraform refuses a workspace setting that names a scoped pool which does not allow the workspace.
    if not any(workspace_ref in scope["allowed_workspace_ids"] for scope in scopes):
        raise UnknownReference(f"pool {key} is scoped and does not allow {workspace_ref}")
    return key


def _agents_of_pool(bootstrap: Mapping[str, Any], pool_key: str) -> list[str]:
    """Railway service references whose ``TFC_AGENT_TOKEN`` is a token of the pool: the agents that register in it."""
    tokens = {
        f"${{tfe_agent_token.{key}.token}}"
        for key, block in _resources(bootstrap, "tfe_agent_token").items()
        if block["agent_pool_id"] == f"${{tfe_agent_pool.{pool_key}.id}}"
    }
    services = []
    for block in _resources(bootstrap, "railway_variable_collection").values():
        values = {v["name"]: v["value"] for v in block["variables"]}
        if values.get("TFC_AGENT_TOKEN") in tokens:
            services.append(block["service_id"])
    return services


def _recorded_egress(bootstrap: Mapping[str, Any], service_ref: str) -> tuple[Network, ...]:
    """The static outbound addresses the bootstrap stack records for the agent service (output ``tfc_agents``)."""
    agents = ((bootstrap.get("output") or {}).get("tfc_agents") or {}).get("value", {})
    found = [entry["egress_ips"] for entry in agents.values() if entry["railway_service_id"] == service_ref]
    if len(found) != 1:
        raise UnknownReference(f"{service_ref}: no recorded egress address")
    return tuple(ipaddress.ip_network(address) for address in found[0])


def run_placement(environment_stack: Mapping[str, Any], bootstrap: Mapping[str, Any]) -> RunPlacement:
    """Where the environment's plans and applies execute, from its ``cloud`` block and the bootstrap stack."""
    cloud = environment_stack["terraform"].get("cloud")
    if cloud is None:
        return RunPlacement("local", None)  # local state: the operator's machine
    workspace_ref = _workspace_ref(bootstrap, cloud["workspaces"]["name"])
    settings = _workspace_settings(bootstrap, workspace_ref)
    mode = settings.get("execution_mode", "remote")  # the tfe provider's default
    if mode == "local":
        return RunPlacement("local", None)
    if mode == "remote":
        # HCP Terraform publishes no address range for remote runs (its IP ranges API: api, notifications,
        # sentinel, vcs): their connections may come from anywhere.
        return RunPlacement("remote", None)
    if mode != "agent":
        raise UnknownReference(f"execution_mode {mode!r}")
    pool = _agent_pool(bootstrap, settings["agent_pool_id"], workspace_ref)
    egress: list[Network] = []
    for service in _agents_of_pool(bootstrap, pool):
        egress += _recorded_egress(bootstrap, service)
    return RunPlacement("agent", tuple(egress))


def neon_admits(environment_stack: Mapping[str, Any], network: Network) -> bool:
    """Whether the environment's Neon project accepts a connection from every address of ``network``.

    Neon's IP Allow: an empty list admits any address; otherwise only listed addresses/CIDRs
    (entries that are references, known after apply, admit nothing known here);
    ``block_public_connections`` refuses every public address.
    """
    (project,) = _resources(environment_stack, "neon_project").values()
    if project.get("block_public_connections") == "yes":
        return False
    allowed = project.get("allowed_ips") or []
    if not allowed:
        return True
    literal = [ipaddress.ip_network(entry) for entry in allowed if "${" not in entry]
    return any(network.version == entry.version and network.subnet_of(entry) for entry in literal)  # type: ignore[arg-type]


def runs_reach_the_database(environment_stack: Mapping[str, Any], bootstrap: Mapping[str, Any]) -> bool:
    """Whether every connection an environment's run makes to its Neon project is admitted by the allow-list."""
    placement = run_placement(environment_stack, bootstrap)
    (project,) = _resources(environment_stack, "neon_project").values()
    if placement.egress is None:
        # Unknown addresses pass only an open project.
        return not project.get("allowed_ips") and project.get("block_public_connections") != "yes"
    return bool(placement.egress) and all(neon_admits(environment_stack, network) for network in placement.egress)
