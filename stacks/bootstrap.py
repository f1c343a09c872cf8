"""``BootstrapStack``: Terraform Cloud as code, from the same environment files as the app stacks.

Applied once by an administrator, before the environments (docs/deploying.md), and again when
a workspace setting changes. For every environment whose ``state_backend`` is
``terraform_cloud`` it creates the workspace the app stack's ``cloud`` block names (the name
comes from ``TerraformCloudSettings.workspace_name``, the single place it is made), remote
execution with a pinned Terraform version, auto-apply as configured (never in production), a
variable set holding the provider credentials as sensitive environment variables, team access
and an email to named members when a run fails.

Credentials are never in code, files or this stack's state: each value is a sensitive
Terraform variable (``TF_VAR_<env>_<credential>`` at apply time) written to Terraform Cloud
through the provider's write-only ``value_wo`` argument, which Terraform does not store.
"""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from constructs_lib.engine.core import TerraformOutput, TerraformResourceLifecycle, TerraformStack, TerraformVariable
from constructs_lib.engine.tfe import (
    DataTfeOrganizationMembership,
    DataTfeTeam,
    NotificationConfiguration,
    TeamAccess,
    TfeProvider,
    Variable,
    VariableSet,
    Workspace,
    WorkspaceSettings,
    WorkspaceVariableSet,
)
from environments import EnvironmentConfig
from environments.config import TerraformCloudSettings

from .backends import TerraformCloudWorkspace
from .credentials import PROVIDER_CREDENTIALS, credential_variable_name

BOOTSTRAP_STACK = "bootstrap"
"""Name of the stack (``cdktf deploy bootstrap``); no environment may use it."""

RUN_FAILURE_TRIGGERS = ("run:errored",)
"""Terraform Cloud notification triggers that email the environment's members."""


class EnvironmentWorkspace(Construct):
    """One environment's workspace, settings, credential variable set, team access and run alerts."""

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
        WorkspaceSettings(
            self,
            "Settings",
            workspace_id=self.workspace.id,
            execution_mode="remote",
            auto_apply=tfc.auto_apply and not production,
        )
        credentials = VariableSet(
            self,
            "Credentials",
            name=f"{self.name}-provider-credentials",
            organization=tfc.organization,
            description=f"Provider credentials of {config.name} (sensitive environment variables; values set by the bootstrap apply)",
        )
        WorkspaceVariableSet(self, "CredentialsAttachment", workspace_id=self.workspace.id, variable_set_id=credentials.id)
        stack = TerraformStack.of(self)
        for key, description in PROVIDER_CREDENTIALS:
            value = TerraformVariable(
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
        if tfc.read_team is not None:
            team = DataTfeTeam(self, "ReadTeam", name=tfc.read_team, organization=tfc.organization)
            TeamAccess(self, "ReadAccess", access="read", team_id=team.id, workspace_id=self.workspace.id)
        if tfc.apply_team is not None:
            team = DataTfeTeam(self, "ApplyTeam", name=tfc.apply_team, organization=tfc.organization)
            TeamAccess(self, "ApplyAccess", access="write", team_id=team.id, workspace_id=self.workspace.id)
        if tfc.notify_member_emails:
            members = [
                DataTfeOrganizationMembership(self, f"Member{index}", organization=tfc.organization, email=email)
                for index, email in enumerate(tfc.notify_member_emails)
            ]
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


class BootstrapStack(TerraformStack):
    """The ``bootstrap`` stack: one ``EnvironmentWorkspace`` per Terraform Cloud environment.

    Its own state lives in the workspace ``<workspace_prefix>-bootstrap`` of the same
    organization, created by hand once with execution mode *local* (the apply runs on the
    administrator's machine, where the ``TF_VAR_`` credentials are; the state is encrypted
    in Terraform Cloud). Every Terraform Cloud environment must share one organization and
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
        TerraformOutput(
            self,
            "workspace_names",
            value={name: workspace.name for name, workspace in self.workspaces.items()},
            description="Terraform Cloud workspace of each environment (the app stacks' cloud blocks use the same names)",
        )
