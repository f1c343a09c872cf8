"""``PlatformStack``: one Terraform stack per environment, composed from the phase plan."""

from __future__ import annotations

from cdktf import CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from cdktf_cdktf_provider_cloudflare.provider import CloudflareProvider
from constructs import Construct

from constructs_lib.guardrails import apply_guardrails
from constructs_lib.providers.versions import NEON, RAILWAY
from environments import EnvironmentConfig

from .phases import PhasePlan

STACK_DATA_CLASSIFICATION = "phi"
"""Default DataClassification tag: an environment of this platform holds PHI unless a resource says otherwise."""


class PlatformStack(TerraformStack):
    """The stack of one environment (``dev``, ``staging`` or ``prod``) at its rollout phase.

    Creates the providers (AWS with default tags, Cloudflare; Neon and Railway pinned in
    ``required_providers``), the state backend (local ``terraform.<env>.tfstate``, or
    the Terraform Cloud workspace ``<prefix>-<env>`` when configured) and every
    component the phase plan lists, and the HIPAA guardrail pack (``constructs_lib.guardrails``),
    with production-only rules when ``[guardrails] production`` is set. Credentials come from the process environment at
    deploy time (``AWS_*``, ``CLOUDFLARE_API_TOKEN``, ``NEON_API_KEY``, ``RAILWAY_TOKEN``).
    """

    def __init__(self, scope: Construct, config: EnvironmentConfig, plan: PhasePlan) -> None:
        super().__init__(scope, config.name)
        self.config = config
        self.plan = plan
        self._configure_backend()
        self._configure_providers()
        self._add_guardrails()

    def _configure_backend(self) -> None:
        tfc = self.config.terraform_cloud
        if tfc is None:
            LocalBackend(self, path=f"terraform.{self.config.name}.tfstate")
        else:
            CloudBackend(
                self,
                organization=tfc.organization,
                workspaces=NamedCloudWorkspace(f"{tfc.workspace_prefix}-{self.config.name}"),
            )

    def _add_guardrails(self) -> None:
        # Evaluated at synth over the finished stack, so components added later are covered too.
        apply_guardrails(self, production=self.config.guardrails.production)

    def _configure_providers(self) -> None:
        self.aws = AwsProvider(
            self,
            "aws",
            region=self.config.aws_region,
            default_tags=[
                AwsProviderDefaultTags(
                    tags={
                        "Environment": self.config.name,
                        "Phase": str(self.plan.phase),
                        "Project": self.config.project,
                        "DataClassification": STACK_DATA_CLASSIFICATION,
                        "ManagedBy": "cdktf",
                    }
                )
            ],
        )
        self.cloudflare = CloudflareProvider(self, "cloudflare")
        for pin in (NEON, RAILWAY):
            self.add_override(f"terraform.required_providers.{pin.name}", pin.as_required_provider())
