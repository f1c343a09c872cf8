"""PlatformStack: stack names, providers, default tags, backends and the phase superset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from environments import PHASES, EnvironmentConfig
from environments.config import TerraformCloudSettings
from platform_plan.phases import MAX_PHASE, SERVICES, plan_for
from tests.conftest import ALL_COMBOS, ENGINE, ENVIRONMENT_NAMES, Combo, resource_addresses, resources_of
from tests.engines import PROVIDER_PINS


def test_each_phase_writes_one_stack_per_environment(synth_root: Path) -> None:
    for phase in PHASES:
        manifest = json.loads((synth_root / f"phase{phase}" / "manifest.json").read_text())
        # The bootstrap stack (Terraform Cloud workspaces) is phase-independent: written once, with phase 1.
        # On cdktn there is no bootstrap stack (no prebuilt TFE provider, docs/engines.md).
        with_bootstrap = phase == PHASES[0] and ENGINE == "cdktf"
        expected = sorted([*ENVIRONMENT_NAMES, "bootstrap"]) if with_bootstrap else sorted(ENVIRONMENT_NAMES)
        assert sorted(manifest["stacks"]) == expected


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_aws_default_tags(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    aws, *aliased = stacks[env, phase]["provider"]["aws"]
    assert aws["region"] == "us-east-1"
    assert "alias" not in aws
    # Aliased providers (the prod S3 replica region) carry the same default tags.
    assert all(other["default_tags"] == aws["default_tags"] for other in aliased)
    assert aws["default_tags"] == [
        {
            "tags": {
                "Environment": env,
                "Project": "healthcare",
                "DataClassification": "phi",
                "ManagedBy": "cdktf",
            }
        }
    ]


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_phase_is_an_output_and_never_a_tag(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    """A promotion must only add: a Phase tag would update every AWS resource at each promotion."""
    stack = stacks[env, phase]
    assert stack["output"]["platform_phase"]["value"] == phase
    tagged = [
        f"{rtype}.{name}"
        for rtype, blocks in stack["resource"].items()
        for name, block in blocks.items()
        if "Phase" in (block.get("tags") or {}) or "Phase" in (block.get("tags_all") or {})
    ]
    assert tagged == []
    assert all("Phase" not in tags["tags"] for aws in stack["provider"]["aws"] for tags in aws["default_tags"])


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_required_providers_are_pinned(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    terraform = stacks[env, phase]["terraform"]
    assert terraform["required_providers"]["neon"] == {"source": "kislerdm/neon", "version": "0.15.0"}
    assert terraform["required_providers"]["railway"] == {
        "source": "terraform-community-providers/railway",
        "version": "0.6.2",
    }
    # The prebuilt providers' pins are the engine's (tests/engines.py: cdktf 6.25.0 / 5.14.0, cdktn 6.69.1 / 5.28.0).
    for name in ("aws", "cloudflare", "postgresql", "random"):
        source, version = PROVIDER_PINS[name][ENGINE]
        assert terraform["required_providers"].get(name, {"source": source, "version": version}) == {"source": source, "version": version}, name
    # checkov's terraform_json parser stops on required_version (DESIGN.md pitfalls).
    assert "required_version" not in terraform


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_state_backend_follows_the_environment_file(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int) -> None:
    """Disposable dev keeps local state; every other environment's state is in its Terraform Cloud workspace."""
    terraform = stacks[env, phase]["terraform"]
    config = configs[env]
    if config.state_backend == "local":
        assert config.disposable
        assert terraform["backend"] == {"local": {"path": f"terraform.{env}.tfstate"}} and "cloud" not in terraform
    else:
        assert config.terraform_cloud is not None
        assert terraform["cloud"] == {"organization": config.terraform_cloud.organization, "workspaces": {"name": f"healthcare-{env}"}}
        assert "backend" not in terraform
    assert {name: c.state_backend for name, c in configs.items()} == {"dev": "local", "staging": "terraform_cloud", "prod": "terraform_cloud"}


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_aws_providers_are_pinned_to_the_environment_accounts(
    stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int
) -> None:
    """A credential for another account fails at plan: every AWS provider (the replica region's and us-east-1's too), every environment.

    Disposable dev included: without the pin, a shell profile for prod's account creates dev's resources there.
    """
    providers = stacks[env, phase]["provider"]["aws"]
    expected = configs[env].aws_account_ids
    assert expected and all(len(account) == 12 and account.isdigit() for account in expected)
    for provider in providers:
        assert provider.get("allowed_account_ids") == expected, provider.get("alias")


@pytest.mark.parametrize("phase", PHASES)
def test_synthesis_reports_no_guardrail_warnings(synth_warnings: dict[int, list[str]], phase: int) -> None:
    """``stacks.app.synthesize`` (what main.py prints as ``warning: ...``) returns no warning for any environment."""
    assert synth_warnings[phase] == []


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_identities_get_only_attached_managed_policies(
    stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int
) -> None:
    """HC-IAM-003 (cdk-nag IAMNoInlinePolicy): every identity policy is an aws_iam_policy, attached exactly once."""
    stack = stacks[env, phase]
    for inline in ("aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_user_policy_attachment"):
        assert resources_of(stack, inline) == {}, inline
    assert all("inline_policy" not in role for role in resources_of(stack, "aws_iam_role").values())
    policies = resources_of(stack, "aws_iam_policy")
    attached = [a["policy_arn"] for kind in ("aws_iam_group_policy_attachment", "aws_iam_role_policy_attachment") for a in resources_of(stack, kind).values()]
    assert sorted(attached) == sorted(f"${{aws_iam_policy.{name}.arn}}" for name in policies)
    assert {p["path"] for p in policies.values()} <= {"/services/", "/platform/"}
    assert len({p["name"] for p in policies.values()}) == len(policies)
    if phase == 4:  # flow-log delivery plus six grants and the AI service's secret, each Railway service's log-write policy (and, where
        # [railway] static_egress_ips pins the Railway identities, their source-ip policies), and one replication policy per bucket where replicated
        railway = sum(s.runs_on_railway for s in plan_for(phase).services)  # every Railway service has telemetry, hence an identity
        pinned = railway if configs[env].railway.static_egress_ips else 0
        assert sum(p["name"].endswith("-logs-write") for p in policies.values()) == railway == 8
        assert sum(p["path"] == "/services/" for p in policies.values()) == 7 + railway + pinned
        assert sum(p["name"].endswith("-source-ip") for p in policies.values()) == pinned
        assert any(p["name"] == f"healthcare-{env}-vpc-flow-logs-delivery" for p in policies.values())


@pytest.mark.parametrize("env", ENVIRONMENT_NAMES)
@pytest.mark.parametrize("phase", PHASES[:-1])
def test_a_higher_phase_keeps_every_resource(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    lower = resource_addresses(stacks[env, phase])
    higher = resource_addresses(stacks[env, phase + 1])
    assert lower <= higher, sorted(lower - higher)


def test_terraform_cloud_backend_uses_one_workspace_per_environment(tmp_path: Path, configs: dict[str, EnvironmentConfig]) -> None:
    from stacks.app import synthesize

    tfc = TerraformCloudSettings(organization="acme-health", workspace_prefix="platform")
    # Synthesis needs no Terraform binary (conftest hides any on PATH): cdktf's CloudBackend would run `terraform version`.
    # At phase 1 (the smallest stacks): the backend does not depend on the phase.
    synthesize([c.model_copy(update={"terraform_cloud": tfc, "phase": 1}) for c in configs.values()], tmp_path / "out")
    for env in ENVIRONMENT_NAMES:
        stack = json.loads((tmp_path / "out" / "stacks" / env / "cdk.tf.json").read_text())
        assert stack["terraform"]["cloud"] == {"organization": "acme-health", "workspaces": {"name": f"platform-{env}"}}
        assert "backend" not in stack["terraform"]


def test_phase_plan_only_adds() -> None:
    for phase in range(1, MAX_PHASE):
        lower, higher = plan_for(phase), plan_for(phase + 1)
        assert lower.components <= higher.components
        assert set(lower.services) <= set(higher.services)


def test_phase_plan_services_follow_the_design_table() -> None:
    assert [s.name for s in plan_for(1).services if not s.is_job] == ["gateway", "auth", "patient"]
    assert [s.name for s in plan_for(1).services if s.is_job] == ["db-backup"]  # backups start with the first database
    assert {s.name for s in SERVICES if s.phase == 2} == {"provider", "medical-records"}
    assert not plan_for(4).service("ai").runs_on_railway


@pytest.mark.parametrize("phase", [0, 5])
def test_fails_when_plan_phase_is_out_of_range(phase: int) -> None:
    with pytest.raises(ValueError, match=f"phase must be 1..4, got {phase}"):
        plan_for(phase)
