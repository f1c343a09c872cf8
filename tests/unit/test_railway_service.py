"""RailwayService: secure defaults, overrides, variable and secret rules, props validation."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from constructs_lib import RailwayProvider
from constructs_lib.errors import ConstructError
from tests.conftest import resources_of, synth_json

DIGEST = "sha256:" + "a" * 64


@pytest.fixture
def fresh_stack(fresh_stack: Any) -> Any:
    """The shared fresh stack, with the provider its constructs need."""
    RailwayProvider(fresh_stack, "railway")
    return fresh_stack


def _project(stack: Any) -> Any:
    from constructs_lib import RailwayProject, RailwayProjectProps

    return RailwayProject(stack, "Railway", RailwayProjectProps(name="healthcare-test", environment_name="test"))


def _props(stack: Any, **overrides: Any) -> Any:
    from constructs_lib import RailwayServiceProps, RegionReplicas, RepoSource

    base: dict[str, Any] = {
        "name": "auth",
        "project": _project(stack),
        "source": RepoSource(repo="acme/platform", branch="main", root_directory="/services/auth"),
        "regions": [RegionReplicas(region="us-east4-eqdc4a", replicas=2)],
        "variables": {"PLATFORM_ENV": "test"},
    }
    base.update(overrides)
    return RailwayServiceProps(**base)


def _service(stack: Any, **overrides: Any) -> Any:
    from constructs_lib import RailwayService

    return RailwayService(stack, "Auth", _props(stack, **overrides))


def _only(stack_json: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (block,) = resources_of(stack_json, resource_type).values()
    return block


def _sensitive(stack: Any, name: str = "db_url") -> str:
    from constructs_lib.engine.core import TerraformVariable

    return TerraformVariable(stack, name, type="string", sensitive=True).string_value


def test_defaults_are_private_repo_built_and_one_collection(fresh_stack: Any) -> None:
    service = _service(fresh_stack)
    out = synth_json(fresh_stack)
    body = _only(out, "railway_service")
    assert body["name"] == "auth"
    assert body["source_repo"] == "acme/platform"
    assert body["source_repo_branch"] == "main"
    assert body["root_directory"] == "/services/auth"
    assert body["config_path"] == "/services/auth/railway.toml"
    assert body["regions"] == [{"region": "us-east4-eqdc4a", "num_replicas": 2}]
    assert body["project_id"].startswith("${railway_project.") and body["project_id"].endswith(".id}")
    assert "cron_schedule" not in body and "volume" not in body and "source_image" not in body
    collection = _only(out, "railway_variable_collection")
    assert collection["variables"] == [{"name": "PLATFORM_ENV", "value": "test"}, {"name": "PORT", "value": "8080"}]
    assert collection["environment_id"].endswith(".default_environment.id}")
    assert collection["service_id"].startswith("${railway_service.")
    # Private by default: no Railway-generated hostname, no custom domain.
    assert "railway_service_domain" not in out["resource"]
    assert "railway_custom_domain" not in out["resource"]
    assert service.service_domain is None and service.custom_domain_records is None
    assert service.private_domain == "auth.railway.internal"
    assert service.private_url == "http://auth.railway.internal:8080"


def test_project_is_private_without_pr_environments(fresh_stack: Any) -> None:
    from constructs_lib import RailwayProject, RailwayProjectProps

    RailwayProject(fresh_stack, "Railway", RailwayProjectProps(name="healthcare-prod", environment_name="prod"))
    body = _only(synth_json(fresh_stack), "railway_project")
    assert body["private"] is True
    assert body["has_pr_deploys"] is False
    assert body["default_environment"] == {"name": "prod"}
    assert "workspace_id" not in body and "description" not in body


def test_project_overrides(fresh_stack: Any) -> None:
    from constructs_lib import RailwayProject, RailwayProjectProps

    workspace = "0f0e0d0c-0b0a-4908-8706-050403020100"
    RailwayProject(fresh_stack, "Railway", RailwayProjectProps(name="healthcare-dev", workspace_id=workspace, pr_deploys=True, description="dev"))
    body = _only(synth_json(fresh_stack), "railway_project")
    assert (body["workspace_id"], body["has_pr_deploys"], body["description"]) == (workspace, True, "dev")
    assert body["default_environment"] == {"name": "production"}


def test_secrets_are_written_as_references(fresh_stack: Any) -> None:
    _service(fresh_stack, secrets={"DATABASE_URL": _sensitive(fresh_stack)})
    collection = _only(synth_json(fresh_stack), "railway_variable_collection")
    assert {"name": "DATABASE_URL", "value": "${var.db_url}"} in collection["variables"]
    assert [v["name"] for v in collection["variables"]] == ["DATABASE_URL", "PLATFORM_ENV", "PORT"]


def test_custom_and_generated_domains(fresh_stack: Any) -> None:
    service = _service(fresh_stack, custom_domain="api.dev.example.org", generated_domain=True, port=3000)
    out = synth_json(fresh_stack)
    custom = _only(out, "railway_custom_domain")
    assert custom["domain"] == "api.dev.example.org"
    assert custom["target_port"] == 3000
    assert custom["environment_id"].endswith(".default_environment.id}")
    generated = _only(out, "railway_service_domain")
    assert generated["subdomain"] == "healthcare-test-auth"
    records = service.custom_domain_records
    assert records.domain == "api.dev.example.org"
    for name in ("host_label", "zone", "dns_record_value", "verification_host_label", "verification_record_value"):
        assert getattr(records, name).startswith("${TfToken[")
    assert service.service_domain.startswith("${TfToken[")
    assert service.private_url == "http://auth.railway.internal:3000"


def test_verification_host_is_the_txt_record_name_in_railways_zone(fresh_stack: Any) -> None:
    from constructs_lib.engine.core import TerraformOutput

    service = _service(fresh_stack, custom_domain="api.dev.example.org")
    TerraformOutput(fresh_stack, "host", value=service.custom_domain_records.verification_host)
    (name,) = synth_json(fresh_stack)["resource"]["railway_custom_domain"]
    domain = f"railway_custom_domain.{name}"
    assert synth_json(fresh_stack)["output"]["host"]["value"] == f'${{format("%s.%s", {domain}.verification_host_label, {domain}.zone)}}'


def test_image_source_pinned_by_digest_with_private_registry(fresh_stack: Any) -> None:
    from constructs_lib import ImageSource

    source = ImageSource(image=f"ghcr.io/acme/auth@{DIGEST}", registry_username="bot", registry_password=_sensitive(fresh_stack, "pw"))
    _service(fresh_stack, source=source)
    body = _only(synth_json(fresh_stack), "railway_service")
    assert body["source_image"] == f"ghcr.io/acme/auth@{DIGEST}"
    assert body["source_image_registry_username"] == "bot"
    assert body["source_image_registry_password"] == "${var.pw}"
    assert not {"source_repo", "source_repo_branch", "root_directory", "config_path"} & set(body)


def test_mutable_image_tag_needs_the_named_weakening(fresh_stack: Any) -> None:
    from constructs_lib import ImageSource

    _service(fresh_stack, source=ImageSource(image="ghcr.io/acme/auth:1.4", allow_mutable_tag=True))
    assert _only(synth_json(fresh_stack), "railway_service")["source_image"] == "ghcr.io/acme/auth:1.4"


def test_cron_job_with_volume_and_no_port(fresh_stack: Any) -> None:
    from constructs_lib import RegionReplicas, VolumeMount

    service = _service(
        fresh_stack,
        name="scheduler",
        cron_schedule="0 3 * * 1-5",
        regions=[RegionReplicas(region="europe-west4-drams3a")],
        port=None,
        volume=VolumeMount(name="scratch", mount_path="/app/scratch"),
    )
    out = synth_json(fresh_stack)
    body = _only(out, "railway_service")
    assert body["cron_schedule"] == "0 3 * * 1-5"
    assert body["regions"] == [{"region": "europe-west4-drams3a", "num_replicas": 1}]
    assert body["volume"] == {"name": "scratch", "mount_path": "/app/scratch"}
    assert _only(out, "railway_variable_collection")["variables"] == [{"name": "PLATFORM_ENV", "value": "test"}]
    with pytest.raises(ConstructError, match="test/Auth: private_url needs a port"):
        _ = service.private_url


def test_service_without_variables_gets_no_collection(fresh_stack: Any) -> None:
    from constructs_lib import RegionReplicas

    service = _service(fresh_stack, port=None, variables={}, regions=[RegionReplicas(region="us-east4-eqdc4a")])
    assert service.variable_collection is None
    assert "railway_variable_collection" not in synth_json(fresh_stack)["resource"]


def test_name_that_only_looks_secret_can_be_declared_plain(fresh_stack: Any) -> None:
    _service(fresh_stack, variables={"JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----"}, non_secret_names=frozenset({"JWT_PUBLIC_KEY"}))
    names = [v["name"] for v in _only(synth_json(fresh_stack), "railway_variable_collection")["variables"]]
    assert names == ["JWT_PUBLIC_KEY", "PORT"]


def test_replicas_are_a_count_per_region(fresh_stack: Any) -> None:
    from constructs_lib import RegionReplicas

    regions = [RegionReplicas(region="us-east4-eqdc4a", replicas=2), RegionReplicas(region="europe-west4-drams3a", replicas=3)]
    _service(fresh_stack, regions=regions)
    # Sorted by region id: provider 0.6.2 reads regions back sorted, so another order never settles.
    assert _only(synth_json(fresh_stack), "railway_service")["regions"] == [
        {"region": "europe-west4-drams3a", "num_replicas": 3},
        {"region": "us-east4-eqdc4a", "num_replicas": 2},
    ]


_REGIONS_CONDITION = re.compile(r'\$\{try\(join\(",", \[for r in self\.regions : "\$\{r\.region\}:\$\{r\.num_replicas\}"\]\), ""\) == "([^"]*)"\}')


def plan_passes(service: dict[str, Any], planned_regions: list[dict[str, Any]] | None) -> bool:
    """Terraform's verdict on the service's postconditions for a planned ``self.regions`` (a model of the one
    expression ``regions_postcondition`` writes; anything else fails here). With ``ignore_changes = ["regions"]``
    the planned value is Railway's (read back sorted by region from the latest deployment); for a new service, the
    configured value."""
    conditions = service.get("lifecycle", {}).get("postcondition", [])
    for postcondition in conditions:
        match = _REGIONS_CONDITION.fullmatch(postcondition["condition"])
        assert match, f"a condition the test model cannot read: {postcondition['condition']}"
        running = "" if planned_regions is None else ",".join(f"{r['region']}:{r['num_replicas']}" for r in planned_regions)
        if running != match[1]:
            return False
    return True


def test_regions_are_set_at_creation_and_then_ignored_by_default(fresh_stack: Any) -> None:
    """Railway provider 0.6.2 never sends regions on update: a change would fail every apply and never settle."""
    _service(fresh_stack)
    lifecycle = _only(synth_json(fresh_stack), "railway_service")["lifecycle"]
    assert (lifecycle["ignore_changes"], lifecycle["prevent_destroy"]) == (["regions"], True)


def test_a_replica_count_edited_in_the_file_fails_the_plan_with_what_to_do(fresh_stack: Any) -> None:
    """The count is ignored by the provider after creation, so the plan fails until Railway runs what the file says."""
    from constructs_lib import RegionReplicas

    _service(fresh_stack, regions=[RegionReplicas(region="us-east4-eqdc4a", replicas=3)])  # the file went from 2 to 3
    service = _only(synth_json(fresh_stack), "railway_service")
    running = [{"region": "us-east4-eqdc4a", "num_replicas": 2}]
    assert not plan_passes(service, running)
    (postcondition,) = service["lifecycle"]["postcondition"]
    message = postcondition["error_message"]
    assert "\n" not in message and message.startswith("test/Auth: Railway runs other replicas than configured (us-east4-eqdc4a:3)")
    assert "set them in Railway (service > Settings > Deploy > Replicas) to match, then plan again" in message
    # Once someone sets 3 in Railway (the provider reads it back), the plan passes; so does the first apply of a new service.
    assert plan_passes(service, [{"region": "us-east4-eqdc4a", "num_replicas": 3}])
    assert plan_passes(service, service["regions"])
    assert not plan_passes(service, None)


def test_the_regions_check_compares_every_region_in_the_providers_order(fresh_stack: Any) -> None:
    from constructs_lib import RegionReplicas

    _service(fresh_stack, regions=[RegionReplicas(region="us-east4-eqdc4a", replicas=2), RegionReplicas(region="europe-west4-drams3a", replicas=1)])
    service = _only(synth_json(fresh_stack), "railway_service")
    europe, us = {"region": "europe-west4-drams3a", "num_replicas": 1}, {"region": "us-east4-eqdc4a", "num_replicas": 2}
    assert plan_passes(service, [europe, us])
    assert not plan_passes(service, [us])  # a region dropped in the dashboard
    assert not plan_passes(service, [europe, {**us, "num_replicas": 1}])


def test_region_changes_apply_when_the_provider_sends_them(fresh_stack: Any) -> None:
    _service(fresh_stack, apply_region_changes=True, protect_from_destroy=False)
    assert "lifecycle" not in _only(synth_json(fresh_stack), "railway_service")


def test_props_are_frozen(fresh_stack: Any) -> None:
    props = _props(fresh_stack)
    with pytest.raises(dataclasses.FrozenInstanceError):
        props.port = 1  # type: ignore[misc]
