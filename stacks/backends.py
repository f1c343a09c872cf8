"""``TerraformCloudWorkspace``: the ``cloud`` block of a stack, without a Terraform binary at synth.

cdktf's own ``CloudBackend`` adds a validation that runs ``terraform version`` while
synthesizing (the ``cloud`` block needs Terraform >= 1.1), so ``make synth`` of a stack with
remote state would fail on a machine without Terraform ("Could not determine version of
terraform"). Synthesis must need nothing but Python and Node; the version that runs is pinned
per workspace (``[terraform_cloud] terraform_version``, set by the bootstrap stack) and
Terraform itself rejects a ``cloud`` block it does not understand at ``init``. The JSON written
is exactly ``CloudBackend``'s: ``terraform.cloud = {organization, workspaces: {name}}``.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from constructs_lib.engine.core import TerraformBackend, TerraformRemoteState


class TerraformCloudWorkspace(TerraformBackend):
    """State and runs in the Terraform Cloud workspace ``workspace`` of ``organization``."""

    def __init__(self, scope: Construct, *, organization: str, workspace: str) -> None:
        super().__init__(scope, "backend", "cloud")
        self.organization = organization
        self.workspace = workspace

    def to_terraform(self) -> Any:
        """The ``terraform.cloud`` block (cdktf calls this when it synthesizes the stack)."""
        return {"terraform": {"cloud": {"organization": self.organization, "workspaces": {"name": self.workspace}}}}

    def get_remote_state_data_source(self, scope: Construct, name: str, _from_stack: str) -> TerraformRemoteState:
        """Cross-stack references are not used by the platform: each environment is self-contained."""
        raise NotImplementedError(f"{self.workspace}: cross-stack references between platform stacks are not supported")
