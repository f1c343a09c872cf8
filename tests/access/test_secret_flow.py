"""The secret-flow map, asserted: for every secret of every stack, the services, people and runs that can read it.

``tests/access/secret_flow.py`` finds each secret and follows every reference to where it lands; these
tests state the intended answer for each kind of secret (a service's own credentials: that service, the
apply team, the runs; a key that protects PHI: no person at all) and fail on any secret or destination
nobody has modelled. docs/secret-flow.md is the map as a table, generated and checked current here
(``UPDATE_SECRET_FLOW=1`` rewrites it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import pytest

from environments import EnvironmentConfig
from tests.access.secret_flow import Reach, markdown_table, secret_flow
from tests.conftest import ALL_COMBOS, REPO_ROOT, Combo

DOC = REPO_ROOT / "docs" / "secret-flow.md"
DOC_STACK: Combo = ("prod", 4)
"""The stack the page maps: prod with every phase's components (the full production shape)."""

# Kinds of secret by construct path (below the stack). Each names who may receive it: the service it
# belongs to (``{service}``), a fixed set, or nobody.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("service AWS secret access key", re.compile(r"^Identity-(?P<service>[a-z0-9-]+)/AccessKey\d+$")),
    ("service database password", re.compile(r"^Database/(?P<service>[a-z0-9-]+)-access/LoginPassword$")),
    ("reader database password", re.compile(r"^Database/reader-(?P<reader>[a-z_]+)/LoginPassword$")),
    ("database owner password (migrations)", re.compile(r"^Database/(?P<service>[a-z0-9-]+)-access/OwnerPassword$")),
    ("Secrets Manager value", re.compile(r"^Secret-(?P<secret>[a-z0-9-]+)/Value$")),
    ("database administrator password", re.compile(r"^Database/(Resource|Administrator(/.*)?)$")),
    ("application key", re.compile(r"^Secret-(?P<service>auth)-(?P<name>jwt-signing-key)/v\d+$")),
    ("PHI field-encryption key", re.compile(r"^Secret-(?P<service>[a-z0-9-]+)-field-encryption-key/v\d+$")),
    ("Terraform Cloud agent token", re.compile(r"^(?P<environment>[a-z][a-z0-9-]*)/Agent/Token$")),
    ("provider credential (input)", re.compile(r"^(?P<environment>[a-z][a-z0-9-]*)_(aws|cloudflare|neon|railway|tfc)_[a-z_]+$")),
)
READER_SERVICES: Mapping[str, set[str]] = {"backup_reader": {"db-backup"}, "analytics_reader": set()}
"""Railway services that receive a reader role's password: the backup job; the AI service runs outside Railway."""


def kind_of(reach: Reach) -> tuple[str, dict[str, str]]:
    for kind, pattern in _KINDS:
        match = pattern.match(reach.secret.path)
        if match:
            return kind, {k: v for k, v in match.groupdict().items() if v is not None}
    raise AssertionError(f"{reach.secret.address} ({reach.secret.path}): a secret of no modelled kind; add it to _KINDS with its intended readers")


def intended_services(reach: Reach, config: EnvironmentConfig | None) -> set[str]:
    """The Railway services that should receive the secret, by kind."""
    kind, parts = kind_of(reach)
    if kind in ("service AWS secret access key", "service database password", "database owner password (migrations)", "application key"):
        return {parts["service"]} if parts["service"] != "ai" else set()
    if kind == "reader database password":
        return READER_SERVICES[parts["reader"]]
    if kind == "Terraform Cloud agent token":
        return {f"{parts['environment']}-tfc-agent"}
    return set()


def intended_people(reach: Reach, config: EnvironmentConfig | None, services: set[str], *, managed: bool = True) -> set[str]:
    """State readers of the stack (the apply team, or whoever holds local state / owns the bootstrap workspace),
    plus the Railway project members of the services that receive it; never the read team.

    ``managed`` False (no bootstrap stack on this engine): the workspace's access is not code here, so its owners
    stand for the state readers."""
    allowed = {"local-state", "owners:healthcare-bootstrap"}
    tfc = config.terraform_cloud if config is not None else None
    if tfc is not None and tfc.apply_team is not None:
        allowed.add(f"team:{tfc.apply_team}")
    if tfc is not None and config is not None and not managed:
        allowed.add(f"owners:{tfc.workspace_name(config.name)}")
    return allowed | {person for person in reach.humans if person.startswith("railway:") and services}


def _flows(stacks: dict[Combo, dict[str, Any]], bootstrap_stack: dict[str, Any] | None, combo: Combo) -> list[Reach]:
    return secret_flow(stacks[combo], bootstrap_stack)


@pytest.fixture(scope="module")
def bootstrap(request: pytest.FixtureRequest) -> dict[str, Any] | None:
    """The bootstrap stack (cdktf only); on cdktn the environments' team access is not modelled."""
    try:
        return dict(request.getfixturevalue("bootstrap_stack"))
    except pytest.skip.Exception:
        return None


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_every_secret_lands_only_where_modelled_and_never_in_an_output(
    stacks: dict[Combo, dict[str, Any]], bootstrap: dict[str, Any] | None, env: str, phase: int
) -> None:
    for reach in secret_flow(stacks[env, phase], bootstrap if _managed(env, bootstrap) else None):
        kind_of(reach)  # every secret is of a known kind
        assert not reach.unmodelled, f"{reach.secret.path}: lands where the map has no model: {reach.unmodelled}"
        outputs = [d.target for d in reach.destinations if d.kind == "output"]
        assert not outputs, f"{reach.secret.path} ({kind_of(reach)[0]}) is a stack output: {outputs}; say where an operator finds it instead"


def _managed(env: str, bootstrap: dict[str, Any] | None) -> bool:
    return bootstrap is not None and any(w.get("name", "").endswith(f"-{env}") for w in (bootstrap.get("resource") or {}).get("tfe_workspace", {}).values())


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_each_secret_reaches_its_owner_the_apply_team_and_the_runs_only(
    stacks: dict[Combo, dict[str, Any]], bootstrap: dict[str, Any] | None, configs: dict[str, EnvironmentConfig], env: str, phase: int
) -> None:
    config = configs[env]
    for reach in secret_flow(stacks[env, phase], bootstrap if _managed(env, bootstrap) else None):
        kind, _ = kind_of(reach)
        services = intended_services(reach, config)
        assert reach.services == services, f"{reach.secret.path} ({kind}) reaches services {sorted(reach.services)}, intended {sorted(services)}"
        people = intended_people(reach, config, services, managed=_managed(env, bootstrap))
        assert reach.humans <= people, f"{reach.secret.path} ({kind}) is readable by {sorted(reach.humans - people)}"
        if config.terraform_cloud is not None and config.terraform_cloud.read_team is not None and _managed(env, bootstrap):
            assert f"team:{config.terraform_cloud.read_team}" not in reach.humans, f"{reach.secret.path}: the read team reads it"


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_no_phi_key_is_readable_by_a_person(
    stacks: dict[Combo, dict[str, Any]], bootstrap: dict[str, Any] | None, configs: dict[str, EnvironmentConfig], env: str, phase: int
) -> None:
    """A key that protects PHI lives in KMS (its service may use it, no person may read it): no field-encryption key is
    in state or in a Railway variable, unless the file opts a service into a raw key (``[field_encryption] raw_key_services``)."""
    opted_in = set(configs[env].field_encryption.raw_key_services)
    for reach in secret_flow(stacks[env, phase], bootstrap if _managed(env, bootstrap) else None):
        kind, parts = kind_of(reach)
        if kind == "PHI field-encryption key" and parts["service"] not in opted_in:
            pytest.fail(f"{reach.secret.path}: a PHI field-encryption key in state, readable by {sorted(reach.humans)}")


def test_the_bootstrap_stack_keeps_provider_credentials_out_of_state_and_the_agent_token_with_the_agent(bootstrap: dict[str, Any] | None) -> None:
    if bootstrap is None:
        pytest.skip("no bootstrap stack on this engine")
    for reach in secret_flow(bootstrap, bootstrap):
        kind, parts = kind_of(reach)
        assert not reach.unmodelled, reach.unmodelled
        if kind == "provider credential (input)":
            workspaces = {run for run in reach.runs if run != "runs:healthcare-bootstrap"}
            assert workspaces == {f"runs:healthcare-{parts['environment']}"}, f"{reach.secret.path} reaches {sorted(reach.runs)}"
            landed = [d for d in reach.destinations if d.kind == "tfc-variable"]
            assert all(d.detail.endswith("(value_wo)") for d in landed), f"{reach.secret.path}: stored in the bootstrap state: {landed}"
        if kind == "Terraform Cloud agent token":
            assert reach.services == {f"{parts['environment']}-tfc-agent"}
            assert reach.humans <= {"owners:healthcare-bootstrap", f"railway:healthcare-{parts['environment']}-tfc-agent"}


def render(stacks: dict[Combo, dict[str, Any]], bootstrap: dict[str, Any] | None) -> str:
    """docs/secret-flow.md from synthesized stacks."""
    env, phase = DOC_STACK
    lines = [
        "# Secret-flow map (generated)",
        "",
        "Every secret the stacks create or receive, where each lands, and who can read it. Generated from the",
        "synthesized JSON by `tests/access/secret_flow.py`; `tests/access/test_secret_flow.py` asserts the intended readers",
        "per kind and fails when this page is stale (`UPDATE_SECRET_FLOW=1 .venv/bin/python -m pytest tests/access/test_secret_flow.py`).",
        "",
        "How to read it: *in state* means the value is stored in the workspace's state in plain text, so everyone",
        "who can read that state reads it (the apply team and the runs: docs/deploying.md, Who can read state);",
        "*people* are Terraform Cloud teams (`team:`), the members of a Railway project, who see its services'",
        "variables (`railway:`), the owners of the hand-made bootstrap workspace (`owners:`), or whoever holds a",
        "local state file (`local-state`). A value given only to a write-only argument (`*_wo`) is not stored.",
        "",
        *markdown_table(f"{env} at phase {phase} (every component)", secret_flow(stacks[DOC_STACK], bootstrap if _managed(env, bootstrap) else None)),
    ]
    if bootstrap is not None:
        lines += markdown_table("bootstrap (Terraform Cloud, applied by an administrator)", secret_flow(bootstrap, bootstrap))
    return "\n".join(lines).rstrip() + "\n"


def test_the_secret_flow_page_is_current(stacks: dict[Combo, dict[str, Any]], bootstrap: dict[str, Any] | None) -> None:
    """``UPDATE_SECRET_FLOW=1 .venv/bin/python -m pytest tests/access/test_secret_flow.py`` rewrites the page."""
    if bootstrap is None:
        pytest.skip("the page includes the bootstrap stack, which exists on cdktf only")
    page = render(stacks, bootstrap)
    if os.environ.get("UPDATE_SECRET_FLOW") == "1":
        DOC.write_text(page)
    assert DOC.read_text() == page, "docs/secret-flow.md is stale: UPDATE_SECRET_FLOW=1 .venv/bin/python -m pytest tests/access/test_secret_flow.py"
