"""The secret-flow map: every secret of a synthesized stack, every place it lands, and who can read it.

Read from the synthesized JSON, never from the code that wrote it:

1. **Secrets** are the sensitive values a stack creates or receives: the attributes in ``SECRET_ATTRIBUTES``
   (generated passwords and keys, Neon role passwords, IAM secret access keys, the agent token, ...) and
   every ``variable`` marked sensitive.
2. **Destinations**: each reference to a secret is found where it appears (a Railway service's variables,
   a SQL role's password, a provider's login, an output, a Terraform Cloud variable, a Secrets Manager
   version). A reference anywhere else is an ``Unmodelled`` destination, and the tests fail on it.
3. **Readers**, by HIPAA's minimum-necessary question "who can read this value?":
   - *state*: a resource attribute is stored in the stack's state in plain text (the providers document
     it), so the teams that may read the workspace's state (``tfc_model.may(..., "read_state")``), the
     workspace's runs, and for a local backend the machine holding the state file read it. A
     sensitive input variable used only through write-only arguments (``*_wo``) is not stored.
   - *services*: a Railway service reads its own variables; the members of its Railway project read
     them in Railway's dashboard (``railway:<project>``).
   - *outputs*: whoever reads the state reads outputs, and teams with ``read-outputs`` read sensitive ones.
   - *Terraform Cloud variables*: the runs of the workspaces the variable set is attached to.
   - *Secrets Manager*: the IAM principals the stack grants ``secretsmanager:GetSecretValue`` on it
     (recorded as ``aws:<secret>``; the access tests ask the IAM evaluator for the principals).

``python -m tests.access.secret_flow`` rewrites docs/secret-flow.md from a fresh synthesis;
``tests/access/test_secret_flow.py`` asserts the intended readers per kind of secret and that the page is current.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.access.tfc_model import may

SECRET_ATTRIBUTES: Mapping[str, tuple[str, ...]] = {
    "random_password": ("result", "bcrypt_hash"),
    "random_bytes": ("base64", "hex"),
    "aws_iam_access_key": ("secret", "ses_smtp_password_v4", "encrypted_secret"),
    "neon_role": ("password",),
    "neon_project": ("database_password", "connection_uri", "connection_uri_pooler"),
    "neon_api_key": ("key",),
    "neon_org_api_key": ("key",),
    "tfe_agent_token": ("token",),
    "tfe_team_token": ("token",),
    "tfe_organization_token": ("token",),
    "aws_secretsmanager_secret_version": ("secret_string", "secret_binary"),
}
"""Sensitive attributes by resource type (the providers' schemas mark them sensitive)."""

_SECRET_REF = re.compile(r"\b(" + "|".join(SECRET_ATTRIBUTES) + r")\.([A-Za-z0-9_-]+)\.([a-z_0-9]+)\b")
_VAR_REF = re.compile(r"\bvar\.([A-Za-z0-9_-]+)\b")
_ID_REF = re.compile(r"^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.id\}$")


@dataclass(frozen=True, slots=True)
class Secret:
    """One secret: ``random_password.X.result`` or ``var.prod_neon_api_key``."""

    address: str
    """Terraform address with attribute (``random_password.X.result``) or ``var.<name>``."""
    path: str
    """Construct path below the stack (``Database/patient-access/LoginPassword``), or the variable's name."""
    stored: bool
    """Whether the value is in state: every resource attribute; a variable only where a non-write-only argument takes it."""


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a reference to a secret lands."""

    kind: str
    """``service``, ``sql-login``, ``provider``, ``output``, ``tfc-variable``, ``secrets-manager`` or ``unmodelled``."""
    target: str
    """The service, role, provider alias, output, workspace(s) or secret it reaches."""
    detail: str = ""
    """The variable name or attribute (``DATABASE_URL``, ``password``)."""


@dataclass(slots=True)
class Reach:
    """Everyone who can read one secret."""

    secret: Secret
    destinations: list[Destination] = field(default_factory=list)
    services: set[str] = field(default_factory=set)
    """Railway services (and the agent) that receive it as a variable."""
    humans: set[str] = field(default_factory=set)
    """Teams (``team:<name>``), Railway project members (``railway:<project>``), the local state holder (``local-state``)."""
    runs: set[str] = field(default_factory=set)
    """Terraform runs that read it (``runs:<workspace>`` or ``runs:local``)."""
    principals: set[str] = field(default_factory=set)
    """AWS secrets it lands in (``aws:<secret resource>``): whoever IAM lets read that secret."""

    @property
    def unmodelled(self) -> list[Destination]:
        return [d for d in self.destinations if d.kind == "unmodelled"]


def _strings(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "//":
                yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, str(index)))


def _construct_path(block: Mapping[str, Any]) -> str:
    path = str(((block.get("//") or {}).get("metadata") or {}).get("path", ""))
    return path.split("/", 1)[1] if "/" in path else path


def _resource(stack: Mapping[str, Any], kind: str, name: str) -> dict[str, Any]:
    block: dict[str, Any] = ((stack.get("resource") or {}).get(kind) or {}).get(name) or {}
    return block


def _named(stack: Mapping[str, Any], reference: str) -> str:
    """The ``name`` of the resource ``${type.name.id}`` refers to (a Railway service, a project), else the reference."""
    match = _ID_REF.match(reference)
    if match is None:
        return reference
    return str(_resource(stack, match.group(1), match.group(2)).get("name", f"{match.group(1)}.{match.group(2)}"))


def secrets_of(stack: Mapping[str, Any]) -> list[Secret]:
    """Every secret the stack creates or takes as a sensitive variable (each referenced attribute once)."""
    found: dict[str, Secret] = {}
    for _, text in _strings({k: v for k, v in stack.items() if k != "variable"}):
        for kind, name, attribute in _SECRET_REF.findall(text):
            if attribute in SECRET_ATTRIBUTES[kind]:
                address = f"{kind}.{name}.{attribute}"
                found.setdefault(address, Secret(address, _construct_path(_resource(stack, kind, name)), stored=True))
    # A secret nothing refers to is still in state (an access key kept only there): its primary attribute.
    for kind, attributes in SECRET_ATTRIBUTES.items():
        for name, body in ((stack.get("resource") or {}).get(kind) or {}).items():
            if not any(address.startswith(f"{kind}.{name}.") for address in found):
                found[f"{kind}.{name}.{attributes[0]}"] = Secret(f"{kind}.{name}.{attributes[0]}", _construct_path(body), stored=True)
    for name, variable in (stack.get("variable") or {}).items():
        if variable.get("sensitive"):
            address = f"var.{name}"
            # Provider arguments are not stored; resource arguments are, except the write-only ones.
            stored = any(
                address in re.findall(r"\bvar\.[A-Za-z0-9_-]+\b", text) and not any(part.endswith("_wo") for part in path)
                for path, text in _strings({k: v for k, v in stack.items() if k in ("resource", "output")})
            )
            found[address] = Secret(address, name, stored=stored)
    return sorted(found.values(), key=lambda s: s.address)


def _destination(stack: Mapping[str, Any], path: tuple[str, ...]) -> Destination:
    """What the string at ``path`` of the stack JSON is (``path`` from ``_strings``)."""
    top = path[0]
    if top == "output":
        return Destination("output", path[1])
    if top == "provider":
        provider = stack["provider"][path[1]][int(path[2])]
        return Destination("provider", f"{path[1]}.{provider.get('alias', 'default')}", path[3])
    if top != "resource":
        return Destination("unmodelled", ".".join(path))
    kind, name = path[1], path[2]
    body = _resource(stack, kind, name)
    if kind == "railway_variable_collection" and path[3] == "variables":
        variable = body["variables"][int(path[4])]
        return Destination("service", _named(stack, body["service_id"]), str(variable["name"]))
    if kind == "railway_variable":
        return Destination("service", _named(stack, body["service_id"]), str(body.get("name")))
    if kind == "postgresql_role" and path[3] in ("password", "password_wo"):
        return Destination("sql-login", str(body.get("name", name)), path[3])
    if kind == "tfe_variable" and path[3] in ("value", "value_wo"):
        if "variable_set_id" in body:
            workspaces = sorted(_workspaces_of_variable_set(stack, str(body["variable_set_id"])))
        else:
            workspaces = [_named(stack, str(body.get("workspace_id")))]
        return Destination("tfc-variable", ",".join(workspaces), f"{body.get('key')} ({path[3]})")
    if kind == "aws_secretsmanager_secret_version" and path[3] in ("secret_string", "secret_string_wo"):
        return Destination("secrets-manager", _named(stack, str(body.get("secret_id"))), path[3])
    return Destination("unmodelled", ".".join(path))


def _workspaces_of_variable_set(bootstrap: Mapping[str, Any], variable_set: str) -> set[str]:
    """Workspace names a ``${tfe_variable_set.X.id}`` is attached to."""
    names = set()
    for attachment in ((bootstrap.get("resource") or {}).get("tfe_workspace_variable_set") or {}).values():
        if attachment.get("variable_set_id") == variable_set:
            names.add(_named(bootstrap, attachment["workspace_id"]))
    return names


def _teams(bootstrap: Mapping[str, Any] | None) -> set[str]:
    if bootstrap is None:
        return set()
    return {str(team["name"]) for team in ((bootstrap.get("data") or {}).get("tfe_team") or {}).values()}


def workspace_of(stack: Mapping[str, Any]) -> str | None:
    """The Terraform Cloud workspace holding the stack's state, or None (local state)."""
    cloud = (stack.get("terraform") or {}).get("cloud")
    if not cloud:
        return None
    return str(cloud["workspaces"]["name"])


def _managed_workspaces(bootstrap: Mapping[str, Any] | None) -> set[str]:
    if bootstrap is None:
        return set()
    return {str(body["name"]) for body in ((bootstrap.get("resource") or {}).get("tfe_workspace") or {}).values()}


def state_readers(stack: Mapping[str, Any], bootstrap: Mapping[str, Any] | None, *, outputs: bool = False) -> tuple[set[str], set[str]]:
    """``(humans, runs)`` that read the stack's state (or, with ``outputs``, its sensitive outputs).

    A local backend: whoever holds the state file (``local-state``). A workspace the bootstrap stack manages:
    the teams its ``tfe_team_access`` lets read state (``tfc_model``). The bootstrap's own workspace, made by
    hand with local execution (docs/deploying.md): its owners (``owners:<workspace>``)."""
    workspace = workspace_of(stack)
    if workspace is None:
        return {"local-state"}, {"runs:local"}
    if bootstrap is None or workspace not in _managed_workspaces(bootstrap):
        return {f"owners:{workspace}"}, {f"runs:{workspace}"}
    action = "read_sensitive_outputs" if outputs else "read_state"
    return {f"team:{team}" for team in _teams(bootstrap) if may(bootstrap, team, action, workspace)}, {f"runs:{workspace}"}


def _railway_project_of(stack: Mapping[str, Any], service: str) -> str:
    for body in ((stack.get("resource") or {}).get("railway_service") or {}).values():
        if body.get("name") == service:
            return _named(stack, str(body.get("project_id", "")))
    return "?"


def secret_flow(stack: Mapping[str, Any], bootstrap: Mapping[str, Any] | None = None) -> list[Reach]:
    """Per secret of ``stack``: where it lands and who reads it. ``bootstrap``: the bootstrap stack's JSON, for
    team access to the stack's workspace (and, for the bootstrap stack itself, the workspaces its variables reach)."""
    reaches = {secret.address: Reach(secret) for secret in secrets_of(stack)}
    for path, text in _strings({k: v for k, v in stack.items() if k in ("resource", "provider", "output", "data")}):
        addresses = [f"{k}.{n}.{a}" for k, n, a in _SECRET_REF.findall(text) if a in SECRET_ATTRIBUTES[k]]
        addresses += [f"var.{name}" for name in _VAR_REF.findall(text)]
        for address in addresses:
            reach = reaches.get(address)
            if reach is None or (path[0] == "resource" and f"{path[1]}.{path[2]}" == address.rsplit(".", 1)[0]):
                continue
            destination = _destination(stack, path)
            if destination not in reach.destinations:
                reach.destinations.append(destination)
    state_humans, state_runs = state_readers(stack, bootstrap)
    output_humans, _ = state_readers(stack, bootstrap, outputs=True)
    for reach in reaches.values():
        kind, name, _ = reach.secret.address.split(".", 2) if not reach.secret.address.startswith("var.") else ("var", "", "")
        if kind == "aws_secretsmanager_secret_version":  # the secret's own value: whoever IAM lets read the secret
            reach.principals.add(f"aws:{_named(stack, str(_resource(stack, kind, name).get('secret_id')))}")
        if reach.secret.stored:
            reach.humans |= state_humans
            reach.runs |= state_runs
        for destination in reach.destinations:
            if destination.kind == "service":
                reach.services.add(destination.target)
                reach.humans.add(f"railway:{_railway_project_of(stack, destination.target)}")
            elif destination.kind == "provider":
                reach.runs |= state_runs
            elif destination.kind == "output":
                reach.humans |= state_humans | output_humans
            elif destination.kind == "tfc-variable":
                # A run exposes the workspace's environment variables to the configuration it runs: whoever
                # may queue a plan there can print them.
                for workspace in destination.target.split(","):
                    reach.runs.add(f"runs:{workspace}")
                    reach.humans |= {f"team:{team}" for team in _teams(stack) if may(stack, team, "queue_plan", workspace)}
            elif destination.kind == "secrets-manager":
                reach.principals.add(f"aws:{destination.target}")
    return [reaches[address] for address in sorted(reaches)]


def markdown_table(title: str, reaches: list[Reach]) -> list[str]:
    """One section of docs/secret-flow.md."""
    lines = [
        f"## {title}",
        "",
        "| secret (construct path) | in state | lands in | services | people | runs |",
        "|---|---|---|---|---|---|",
    ]
    for reach in reaches:
        lands = "; ".join(f"{d.kind} {d.target}{f' ({d.detail})' if d.detail else ''}" for d in reach.destinations) or "-"
        lines.append(
            f"| `{reach.secret.path}` | {'yes' if reach.secret.stored else 'no'} | {lands} | {', '.join(sorted(reach.services)) or '-'} "
            f"| {', '.join(sorted(reach.humans | reach.principals)) or '-'} | {', '.join(sorted(reach.runs)) or '-'} |"
        )
    return [*lines, ""]
