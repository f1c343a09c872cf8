"""``TerraformCloudAgent``: an HCP Terraform agent (``hashicorp/tfc-agent``) running as a Railway service."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Construct

from .._provider_requirements import RAILWAY, require_provider
from ..errors import Problems
from .railway_project import RailwayProject
from .railway_service import RailwayService, RailwayServiceProps
from .railway_source import ImageSource, RegionReplicas

HCP_TERRAFORM_ADDRESS = "https://app.terraform.io"
"""HCP Terraform's address (``TFC_ADDRESS``); a Terraform Enterprise installation has its own."""

_ADDRESS_RE = re.compile(r"^https://[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?$")
_NAME_RE = re.compile(r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True, kw_only=True, slots=True)
class TerraformCloudAgentProps:
    """Settings for TerraformCloudAgent."""

    name: str
    """Service name (a DNS label); also the agent's name in HCP Terraform (``TFC_AGENT_NAME``)."""
    project: RailwayProject
    """The Railway project the agent runs in. Give it a project of its own: an agent executes runs with the
    workspace's provider credentials, and nothing else should share its project, network or members."""
    agent_token: str
    """Reference to the sensitive token of the agent's pool (``tfe_agent_token.token``), written as
    ``TFC_AGENT_TOKEN``; a literal is refused. It lands in the state of the stack that creates it and in the
    service's Railway variables."""
    image: ImageSource
    """The agent image, ``hashicorp/tfc-agent`` or one built on it (pinned by digest unless the source says
    ``allow_mutable_tag``)."""
    region: str
    """Railway region of the service. Railway's static outbound IPs belong to a region: moving the service
    changes its egress address, which every allow-list that admits the agent names."""
    replicas: int = 1
    """Agent processes (each runs one Terraform run at a time; the HCP Terraform plan caps how many may
    register). Default: 1."""
    address: str = HCP_TERRAFORM_ADDRESS
    """HCP Terraform or Terraform Enterprise address (``TFC_ADDRESS``). Default: HCP Terraform."""
    auto_update: bool = False
    """Let the agent replace its own binary with newer minor releases at run time (``TFC_AGENT_AUTO_UPDATE``).
    Default: off (``disabled``), so the pinned image is what runs and an upgrade is a reviewed image change."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the service: its static outbound IP, which allow-lists name, goes with it.
    Default: on."""


class TerraformCloudAgent(Construct):
    """One ``RailwayService`` (``Resource``) running HCP Terraform's agent in ``project``.

    The agent only polls HCP Terraform over HTTPS (no port, no domain); the workspaces of its pool
    then plan and apply from the service's egress address. Railway's *Static Outbound IPs* are not
    in the Railway provider: enable them on the service by hand once and record the address where
    allow-lists need it (the page says how, and what such an address admits).
    """

    def __init__(self, scope: Construct, id_: str, props: TerraformCloudAgentProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, RAILWAY)
        problems = Problems(self.node.path)
        if not isinstance(props.name, str) or not _NAME_RE.match(props.name):
            problems.add("name", props.name, "a DNS label: 1..63 lowercase letters, digits and '-', starting with a letter")
        if not isinstance(props.address, str) or not _ADDRESS_RE.match(props.address):
            problems.add("address", props.address, "an https:// address without a path, such as 'https://app.terraform.io'")
        if not isinstance(props.image, ImageSource):
            problems.add("image", props.image, "an ImageSource (the agent is a container image)")
        problems.raise_if_any()
        self.name = props.name
        """The service's and the agent's name (a plain string)."""
        self.service = RailwayService(
            self,
            "Resource",
            RailwayServiceProps(
                name=props.name,
                project=props.project,
                source=props.image,
                regions=[RegionReplicas(region=props.region, replicas=props.replicas)],
                port=None,
                variables={
                    "TFC_ADDRESS": props.address,
                    "TFC_AGENT_NAME": props.name,
                    "TFC_AGENT_AUTO_UPDATE": "minor" if props.auto_update else "disabled",
                },
                secrets={"TFC_AGENT_TOKEN": props.agent_token},
                protect_from_destroy=props.protect_from_destroy,
            ),
        )
        """The Railway service running the agent."""

    @property
    def service_id(self) -> str:
        """Reference to the Railway service's id."""
        return self.service.service_id
