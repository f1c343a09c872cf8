"""``BootstrapStack``: Terraform Cloud as code, from the same environment files as the app stacks.

Applied once by an administrator, before the environments (docs/deploying.md), and again when
a workspace setting changes. For every environment whose ``state_backend`` is
``terraform_cloud`` it creates the workspace the app stack's ``cloud`` block names (the name
comes from ``TerraformCloudSettings.workspace_name``, the single place it is made), the execution
mode the file chooses with a pinned Terraform version, auto-apply as configured (never in
production), a variable set holding the provider credentials as sensitive environment variables,
team access, health assessments (drift detection) and an email to named members when a run fails, drift is
found or a check fails (and a generic webhook with ``health_webhook_url``). An environment with
``execution_mode = "agent"`` also gets its own agent pool, scoped to its workspace, and the agent
itself: a Railway service in a project of its own (``EnvironmentAgent``).

AWS has no key in the variable set: the runs use HCP Terraform's dynamic provider credentials.
For each environment this stack creates, in the environment's AWS account, an OIDC provider for
HCP Terraform and one role per run phase that trusts only that workspace's tokens of that phase
(``stacks/_tfc_aws.py``), and puts ``TFC_AWS_PROVIDER_AUTH`` and the two role ARNs in the variable
set. The administrator applies it with an AWS profile per environment (``TF_VAR_<env>_aws_profile``).

Credentials are never in code, files or this stack's state: each value is a sensitive
Terraform variable (``TF_VAR_<env>_<credential>`` at apply time) written to Terraform Cloud
through the provider's write-only ``value_wo`` argument, which Terraform does not store. The one
exception is the agent token, which HCP Terraform creates: it lands in this stack's state (held
only by the administrators' local-execution bootstrap workspace) and in the agent's Railway variables.
"""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from constructs_lib.compute.railway_project import RailwayProject, RailwayProjectProps
from constructs_lib.compute.railway_source import ImageSource
from constructs_lib.compute.tfc_agent import TerraformCloudAgent, TerraformCloudAgentProps
from constructs_lib.engine.core import TerraformOutput, TerraformResource, TerraformResourceLifecycle, TerraformStack, TerraformVariable
from constructs_lib.engine.tfe import (
    AgentPool,
    AgentPoolAllowedWorkspaces,
    AgentToken,
    DataTfeOrganizationMembership,
    DataTfeTeam,
    NotificationConfiguration,
    TeamAccess,
    TeamAccessPermissions,
    TfeProvider,
    Variable,
    VariableSet,
    Workspace,
    WorkspaceSettings,
    WorkspaceVariableSet,
)
from constructs_lib.providers.railway import RailwayProvider
from environments import EnvironmentConfig
from environments.config import TerraformCloudSettings

from ._tfc_aws import EnvironmentAwsAccess
from .backends import TerraformCloudWorkspace
from .credentials import AWS_WORKLOAD_IDENTITY_AUDIENCE, BOOTSTRAP_AWS_PROFILE, PROVIDER_CREDENTIALS, TFC_AWS_VARIABLES, credential_variable_name

BOOTSTRAP_STACK = "bootstrap"
"""Name of the stack (``cdktf deploy bootstrap``); no environment may use it."""

RUN_FAILURE_TRIGGERS = ("run:errored",)
"""Terraform Cloud notification triggers that email the environment's members."""

HEALTH_TRIGGERS = ("assessment:drifted", "assessment:check_failure", "assessment:failed")
"""Health-assessment notification triggers (tfe 0.71): drift found, a continuous-validation check failed, the
assessment itself failed. Emailed to the environment's members and sent to ``health_webhook_url``."""


def read_team_permissions() -> TeamAccessPermissions:
    """Custom workspace permissions of ``read_team``: runs and their (redacted) plan and apply logs, nothing else.

    Not the fixed ``read`` role, which includes reading state versions (every secret the stack creates,
    in plain text). Not ``runs = "plan"`` either: a speculative plan runs the planner's own configuration
    with the workspace's credentials and state, so it can print both. No state outputs (``read-outputs``
    includes sensitive ones), no Sentinel mocks (they carry plan data), no variables (the workspace has
    none: the credentials are in its variable set), no locking and no run tasks.
    """
    return TeamAccessPermissions(runs="read", variables="none", state_versions="none", sentinel_mocks="none", workspace_locking=False, run_tasks=False)


APPLY_TEAM_ACCESS = "write"
"""Fixed role of ``apply_team``: plan, apply, lock, and read and write state and variables."""


class EnvironmentWorkspace(Construct):
    """One environment's workspace, settings, credential variable set, AWS run roles, team access and run alerts."""

    def __init__(self, scope: Construct, id_: str, *, config: EnvironmentConfig, tfc: TerraformCloudSettings) -> None:
        super().__init__(scope, id_)
        production = config.guardrails.production
        # The workspace holds the environment's state: deleting it deletes the state.
        protect = TerraformResourceLifecycle(prevent_destroy=True) if not config.disposable else None
        self.name = tfc.workspace_name(config.name)
        """The workspace name, equal to the app stack's cloud block by construction."""
        self.workspace = Workspace(
            self,
            "Workspace",
            name=self.name,
            organization=tfc.organization,
            terraform_version=tfc.terraform_version,
            description=f"{config.project} platform, {config.name} environment (cdktf stack {config.name})",
            queue_all_runs=False,
            lifecycle=protect,
        )
        self.agent: EnvironmentAgent | None = None
        """The environment's own agent pool and agent (``execution_mode = "agent"``), else None."""
        credentials = VariableSet(
            self,
            "Credentials",
            name=f"{self.name}-provider-credentials",
            organization=tfc.organization,
            description=f"Provider credentials of {config.name} (sensitive environment variables; values set by the bootstrap apply) "
            "and its AWS dynamic credentials (run role ARNs)",
        )
        WorkspaceVariableSet(self, "CredentialsAttachment", workspace_id=self.workspace.id, variable_set_id=credentials.id)
        stack = TerraformStack.of(self)
        credential: dict[str, TerraformVariable] = {}
        for key, description in PROVIDER_CREDENTIALS:
            value = credential[key] = TerraformVariable(
                stack,
                credential_variable_name(config.name, key),
                type="string",
                sensitive=True,
                nullable=False,
                description=f"{description} ({config.name}); set TF_VAR_{credential_variable_name(config.name, key)}",
            )
            Variable(
                self,
                key,
                key=key,
                value_wo=value.string_value,
                category="env",
                sensitive=True,
                variable_set_id=credentials.id,
                description=description,
            )
        profile = TerraformVariable(
            stack,
            credential_variable_name(config.name, BOOTSTRAP_AWS_PROFILE),
            type="string",
            nullable=False,
            description=f"AWS CLI profile of {config.name}'s account {', '.join(config.aws_account_ids) or '(any)'} for this apply; "
            f"set TF_VAR_{credential_variable_name(config.name, BOOTSTRAP_AWS_PROFILE)}",
        )
        self.aws = EnvironmentAwsAccess(self, "Aws", config=config, tfc=tfc, profile=profile)
        """The environment's OIDC trust and run roles (``stacks/_tfc_aws.py``)."""
        values = {
            "TFC_AWS_PROVIDER_AUTH": "true",
            "TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE": AWS_WORKLOAD_IDENTITY_AUDIENCE,
            "TFC_AWS_PLAN_ROLE_ARN": self.aws.plan_role_arn,
            "TFC_AWS_APPLY_ROLE_ARN": self.aws.apply_role_arn,
        }
        for key, description in TFC_AWS_VARIABLES:
            # Not secrets: an ARN grants nothing without a token that the role's trust policy admits.
            Variable(self, key, key=key, value=values[key], category="env", sensitive=False, variable_set_id=credentials.id, description=description)
        if tfc.execution_mode == "agent":
            self.agent = EnvironmentAgent(self, "Agent", config=config, tfc=tfc, workspace=self.workspace, railway_token=credential["RAILWAY_TOKEN"])
        WorkspaceSettings(
            self,
            "Settings",
            workspace_id=self.workspace.id,
            execution_mode=tfc.execution_mode,
            # Through the scoping resource: the pool must allow the workspace before the workspace selects it.
            agent_pool_id=self.agent.allowed.agent_pool_id if self.agent is not None else None,
            auto_apply=tfc.auto_apply and not production,
            assessments_enabled=tfc.health_assessments,
        )
        if tfc.read_team is not None:
            team = DataTfeTeam(self, "ReadTeam", name=tfc.read_team, organization=tfc.organization)
            TeamAccess(
                self,
                "ReadAccess",
                access="custom",
                permissions=[read_team_permissions()],
                team_id=team.id,
                workspace_id=self.workspace.id,
            )
        if tfc.apply_team is not None:
            team = DataTfeTeam(self, "ApplyTeam", name=tfc.apply_team, organization=tfc.organization)
            TeamAccess(self, "ApplyAccess", access=APPLY_TEAM_ACCESS, team_id=team.id, workspace_id=self.workspace.id)
        members = [
            DataTfeOrganizationMembership(self, f"Member{index}", organization=tfc.organization, email=email)
            for index, email in enumerate(tfc.notify_member_emails)
        ]
        health = list(HEALTH_TRIGGERS) if tfc.health_assessments else []
        if members:
            NotificationConfiguration(
                self,
                "RunFailures",
                name=f"{self.name} run failures",
                destination_type="email",
                email_user_ids=[member.user_id for member in members],
                triggers=list(RUN_FAILURE_TRIGGERS),
                enabled=True,
                workspace_id=self.workspace.id,
            )
        if members and health:
            NotificationConfiguration(
                self,
                "HealthAlerts",
                name=f"{self.name} drift and failed checks",
                destination_type="email",
                email_user_ids=[member.user_id for member in members],
                triggers=health,
                enabled=True,
                workspace_id=self.workspace.id,
            )
        if tfc.health_webhook_url is not None:
            NotificationConfiguration(
                self,
                "Webhook",
                name=f"{self.name} run failures, drift and failed checks",
                destination_type="generic",
                url=tfc.health_webhook_url,
                triggers=[*RUN_FAILURE_TRIGGERS, *health],
                enabled=True,
                workspace_id=self.workspace.id,
            )


class EnvironmentAgent(Construct):
    """An environment's HCP Terraform agent: its pool (scoped to the workspace), the pool's token and the agent.

    The agent is a ``TerraformCloudAgent`` (Railway service) in a Railway project of its own,
    ``<project>-<env>-tfc-agent``, in the environment's Railway workspace (``[railway] workspace_id``) and
    region, created with the environment's own Railway token (``TF_VAR_<env>_railway_token``, the value the
    workspace's variable set receives). It lives here, not in the environment's stack: the agent executes
    that stack's runs, so it must exist before the stack's first run, and a run that broke it could not run
    again to repair it. The pool token lands in this stack's state and in the service's Railway variables.
    """

    def __init__(
        self, scope: Construct, id_: str, *, config: EnvironmentConfig, tfc: TerraformCloudSettings, workspace: Workspace, railway_token: TerraformVariable
    ) -> None:
        super().__init__(scope, id_)
        self.egress_ips = tuple(tfc.agent_egress_ips)
        """The agent's static outbound addresses, as the environment file records them."""
        self.pool = AgentPool(self, "Pool", name=f"{tfc.workspace_name(config.name)}-agents", organization=tfc.organization, organization_scoped=False)
        self.allowed = AgentPoolAllowedWorkspaces(self, "PoolWorkspaces", agent_pool_id=self.pool.id, allowed_workspace_ids=[workspace.id])
        """The pool's scope: exactly this environment's workspace."""
        token = AgentToken(self, "Token", agent_pool_id=self.pool.id, description=f"{config.name} agent on Railway (bootstrap stack)")
        railway = RailwayProvider(self, "Railway", alias=config.name)
        # A reference to the sensitive variable, never a literal; provider configuration is not kept in state.
        railway.add_override("token", railway_token.string_value)
        project = RailwayProject(
            self,
            "Project",
            RailwayProjectProps(
                name=f"{config.name_prefix}-tfc-agent",
                description=f"HCP Terraform agent of {config.name} (bootstrap stack)",
                workspace_id=config.railway.workspace_id,
                protect_from_destroy=config.railway.protect_from_destroy,
            ),
        )
        self.agent = TerraformCloudAgent(
            self,
            "Service",
            TerraformCloudAgentProps(
                name=f"{config.name}-tfc-agent",
                project=project,
                agent_token=token.token,
                # A release tag is accepted from the file (AGENT_IMAGE_PATTERN); a digest pins it byte for byte.
                image=ImageSource(image=tfc.agent_image, allow_mutable_tag="@sha256:" not in tfc.agent_image),
                region=config.railway.region,
                protect_from_destroy=config.railway.protect_from_destroy,
            ),
        )
        for node in (*project.node.find_all(), *self.agent.node.find_all()):
            if isinstance(node, TerraformResource):
                node.provider = railway

    @property
    def pool_id(self) -> str:
        """Reference to the agent pool's id."""
        return str(self.pool.id)


class BootstrapStack(TerraformStack):
    """The ``bootstrap`` stack: one ``EnvironmentWorkspace`` per Terraform Cloud environment.

    Its own state lives in the workspace ``<workspace_prefix>-bootstrap`` of the same
    organization, created by hand once with execution mode *local* (the apply runs on the
    administrator's machine, where the ``TF_VAR_`` credentials and each environment account's AWS
    profile are; the state is encrypted in Terraform Cloud). Every Terraform Cloud environment must share one organization and
    workspace prefix (checked when the environment files are loaded).
    """

    def __init__(self, scope: Construct, configs: Sequence[EnvironmentConfig]) -> None:
        super().__init__(scope, BOOTSTRAP_STACK)
        remote = [(config, config.terraform_cloud) for config in configs if config.terraform_cloud is not None]
        if not remote:
            raise ValueError("bootstrap: no environment has state_backend = 'terraform_cloud'")
        first = remote[0][1]
        TerraformCloudWorkspace(self, organization=first.organization, workspace=first.workspace_name(BOOTSTRAP_STACK))
        TfeProvider(self, "tfe")
        self.workspaces = {config.name: EnvironmentWorkspace(self, config.name, config=config, tfc=tfc) for config, tfc in remote}
        """Environment name -> its workspace construct."""
        agents = {name: w.agent for name, w in self.workspaces.items() if w.agent is not None}
        if agents:
            TerraformOutput(
                self,
                "tfc_agents",
                value={
                    name: {"agent_pool_id": agent.pool_id, "railway_service_id": agent.agent.service_id, "egress_ips": list(agent.egress_ips)}
                    for name, agent in agents.items()
                },
                description="Each agent environment's pool, the Railway service running its agent, and that service's static "
                "outbound addresses as [terraform_cloud] agent_egress_ips records them (the addresses its runs reach Neon from)",
            )
        TerraformOutput(
            self,
            "workspace_names",
            value={name: workspace.name for name, workspace in self.workspaces.items()},
            description="Terraform Cloud workspace of each environment (the app stacks' cloud blocks use the same names)",
        )
