"""``[terraform_cloud]``: the environment's Terraform Cloud workspace, its runs and agent (no cdktf import)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from constructs_lib.value_rules import (
    check_allowed_ip,
    check_email,
    check_https_url,
)

from ._section import _Section

TERRAFORM_VERSION = "1.14.2"
"""Terraform version the workspaces run unless ``[terraform_cloud] terraform_version`` says otherwise."""

TFC_TEAM_PATTERN = r"^[A-Za-z0-9_-]{1,60}$"

TFC_AGENT_IMAGE = "hashicorp/tfc-agent:1.28.11"
"""The HCP Terraform agent image the bootstrap stack deploys unless ``[terraform_cloud] agent_image`` says otherwise."""
AGENT_IMAGE_PATTERN = r"^[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::\d+\.\d+\.\d+(?:@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$"
"""An image reference pinned to a release tag ``X.Y.Z`` and/or a digest (never ``latest`` or a moving ``1.28``)."""


class TerraformCloudSettings(_Section):
    """``[terraform_cloud]``: the environment's Terraform Cloud workspace (state, runs, who may apply).

    The workspace itself, its variable set and team access are created by the ``bootstrap``
    stack from these same values (docs/deploying.md).
    """

    organization: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
    """Terraform Cloud organization that owns the workspaces (configuration: your organization's name)."""
    workspace_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,60}$")] = "healthcare"
    """Workspaces are named ``<workspace_prefix>-<env>``."""
    terraform_version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")] = TERRAFORM_VERSION
    """Exact Terraform version the workspace runs (pinned: an upgrade is a reviewed change)."""
    auto_apply: bool = False
    """Apply a successful plan without confirmation. Refused in production."""
    read_team: Annotated[str | None, Field(pattern=TFC_TEAM_PATTERN)] = None
    """Team (by name) that may follow the workspace's runs: runs and their plan and apply logs (sensitive values
    redacted), but not state, state outputs or variables (custom permissions, stacks/bootstrap.py). Must differ
    from ``apply_team``. Absent: owners only."""
    apply_team: Annotated[str | None, Field(pattern=TFC_TEAM_PATTERN)] = None
    """Team (by name) that may plan and apply. Required in production."""
    notify_member_emails: Annotated[list[Annotated[str, AfterValidator(check_email)]], Field(max_length=20)] = []
    """Organization members (by their Terraform Cloud email) who get an email when a run fails.
    Terraform Cloud emails members only (arbitrary addresses are Terraform Enterprise only). Required in production."""
    health_assessments: bool = True
    """Health assessments (drift detection and continuous validation): HCP Terraform plans the workspace about once a
    day and reports drift and failed checks, which are emailed to ``notify_member_emails`` (and sent to
    ``health_webhook_url``). Needs the HCP Terraform Standard or Premium edition: on the Free edition the bootstrap
    apply fails until this is false (docs/operations/pipeline.md, "Drift detection"). Default: on."""
    health_webhook_url: Annotated[str, AfterValidator(check_https_url)] | None = None
    """HTTPS endpoint of a generic HCP Terraform webhook (JSON payload) that receives failed runs, drift and failed
    checks, e.g. the inbound webhook of the router that pages on-call. HCP Terraform cannot publish to the alert
    topic (SNS), and PagerDuty's CloudWatch integration URLs of ``[alerts]`` expect SNS messages, not this payload.
    Absent: email only."""
    execution_mode: Literal["remote", "agent"] = "remote"
    """Where the workspace's runs execute: ``remote`` on HCP Terraform's shared workers, whose addresses HCP does
    not publish, or ``agent`` on the environment's own HCP Terraform agent, which the bootstrap stack deploys as a
    Railway service (docs/deploying.md, "Terraform Cloud agent"). ``agent`` is required when ``neon.allowed_ips``
    is set: the ``postgresql`` providers connect to Neon from the run's worker."""
    agent_egress_ips: list[Annotated[str, AfterValidator(check_allowed_ip)]] = []
    """The agent's static outbound address(es) (Railway's Static Outbound IPs of the agent service, copied here by
    hand: the provider cannot read them). Each must be inside ``neon.allowed_ips``. Only with
    ``execution_mode = "agent"``, and required then when ``neon.allowed_ips`` is set."""
    agent_image: Annotated[str, Field(pattern=AGENT_IMAGE_PATTERN)] = TFC_AGENT_IMAGE
    """Container image of the agent: ``hashicorp/tfc-agent`` (or an image built on it) pinned to a release tag
    ``X.Y.Z`` or a digest ``@sha256:<64 hex>``; the agent's self-update is turned off, so this is what runs."""

    @field_validator("agent_egress_ips")
    @classmethod
    def _distinct_addresses(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("distinct entries")
        return value

    def workspace_name(self, environment: str) -> str:
        """``<workspace_prefix>-<environment>``: the one place workspace names are made (app stacks and bootstrap)."""
        return f"{self.workspace_prefix}-{environment}"
