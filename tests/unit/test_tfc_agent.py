"""TerraformCloudAgent: an HCP Terraform agent as a Railway service; defaults, overrides, refused props."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib import RailwayProvider, ValidationError
from tests.conftest import resources_of, synth_json

DIGEST = "sha256:" + "b" * 64


@pytest.fixture
def fresh_stack(fresh_stack: Any) -> Any:
    """The shared fresh stack, with the provider its constructs need."""
    RailwayProvider(fresh_stack, "railway")
    return fresh_stack


def _agent(stack: Any, **overrides: Any) -> Any:
    from constructs_lib import ImageSource, RailwayProject, RailwayProjectProps, TerraformCloudAgent, TerraformCloudAgentProps
    from constructs_lib.engine.core import TerraformVariable

    base: dict[str, Any] = {
        "name": "prod-tfc-agent",
        "project": RailwayProject(stack, "AgentProject", RailwayProjectProps(name="acme-prod-tfc-agent")),
        "agent_token": TerraformVariable(stack, "agent_token", type="string", sensitive=True).string_value,
        "image": ImageSource(image=f"hashicorp/tfc-agent@{DIGEST}"),
        "region": "us-east4-eqdc4a",
    }
    base.update(overrides)
    return TerraformCloudAgent(stack, "Agent", TerraformCloudAgentProps(**base))


def _variables(stack_json: dict[str, Any]) -> dict[str, str]:
    (collection,) = resources_of(stack_json, "railway_variable_collection").values()
    return {v["name"]: v["value"] for v in collection["variables"]}


def test_secure_defaults(fresh_stack: Any) -> None:
    """No port, no domain, one replica, self-update off, the token only as a reference, protected."""
    _agent(fresh_stack)
    stack_json = synth_json(fresh_stack)
    (service,) = resources_of(stack_json, "railway_service").values()
    assert service["name"] == "prod-tfc-agent"
    assert service["source_image"] == f"hashicorp/tfc-agent@{DIGEST}"
    assert service["regions"] == [{"num_replicas": 1, "region": "us-east4-eqdc4a"}]
    assert service["lifecycle"]["prevent_destroy"] is True
    assert _variables(stack_json) == {
        "TFC_ADDRESS": "https://app.terraform.io",
        "TFC_AGENT_AUTO_UPDATE": "disabled",
        "TFC_AGENT_NAME": "prod-tfc-agent",
        "TFC_AGENT_TOKEN": "${var.agent_token}",
    }
    assert not resources_of(stack_json, "railway_service_domain") and not resources_of(stack_json, "railway_custom_domain")


def test_overrides(fresh_stack: Any) -> None:
    from constructs_lib import ImageSource

    _agent(
        fresh_stack,
        replicas=2,
        address="https://tfe.example.org",
        auto_update=True,
        protect_from_destroy=False,
        image=ImageSource(image="hashicorp/tfc-agent:1.28.11", allow_mutable_tag=True),
    )
    stack_json = synth_json(fresh_stack)
    (service,) = resources_of(stack_json, "railway_service").values()
    assert service["regions"] == [{"num_replicas": 2, "region": "us-east4-eqdc4a"}]
    assert service["source_image"] == "hashicorp/tfc-agent:1.28.11"
    assert "prevent_destroy" not in service["lifecycle"]
    variables = _variables(stack_json)
    assert (variables["TFC_ADDRESS"], variables["TFC_AGENT_AUTO_UPDATE"]) == ("https://tfe.example.org", "minor")


def test_service_id_is_the_services_reference(fresh_stack: Any) -> None:
    from constructs_lib.engine.core import TerraformOutput

    TerraformOutput(fresh_stack, "service", value=_agent(fresh_stack).service_id)
    stack_json = synth_json(fresh_stack)
    (name,) = resources_of(stack_json, "railway_service")
    assert stack_json["output"]["service"]["value"] == f"${{railway_service.{name}.id}}"


def test_fails_when_every_prop_is_bad_at_once(fresh_stack: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _agent(fresh_stack, name="Prod Agent", address="http://app.terraform.io/path", image="hashicorp/tfc-agent:latest")
    lines = str(caught.value).splitlines()
    assert any("test/Agent: name must be a DNS label" in line and "'Prod Agent'" in line for line in lines), lines
    assert any("test/Agent: address must be an https:// address" in line and "http://app.terraform.io/path" in line for line in lines), lines
    assert any("test/Agent: image must be an ImageSource" in line for line in lines), lines


def test_fails_when_the_token_is_a_literal(fresh_stack: Any) -> None:
    with pytest.raises(ValidationError, match=r"secrets\.TFC_AGENT_TOKEN must be a reference to a sensitive terraform value") as caught:
        _agent(fresh_stack, agent_token="atlasv1-not-a-reference")
    assert "atlasv1" not in str(caught.value)


def test_fails_when_the_image_is_not_pinned(fresh_stack: Any) -> None:
    from constructs_lib import ImageSource

    with pytest.raises(ValidationError, match=r"source\.image must be pinned by digest.*got 'hashicorp/tfc-agent:1\.28\.11'"):
        _agent(fresh_stack, image=ImageSource(image="hashicorp/tfc-agent:1.28.11"))
