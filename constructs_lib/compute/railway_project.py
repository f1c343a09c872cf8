"""``RailwayProject``: one private Railway project holding one platform environment's services."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Construct

from .._provider_requirements import RAILWAY, require_provider
from ..engine.core import TerraformResourceLifecycle
from ..errors import Problems
from ..providers.railway import Project, ProjectDefaultEnvironment

_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,48}[a-z0-9]$")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True, kw_only=True, slots=True)
class RailwayProjectProps:
    """Settings for RailwayProject."""

    name: str
    """Project name, e.g. ``healthcare-prod``; also the prefix of generated service domains."""
    environment_name: str = "production"
    """Name of the project's only Railway environment (the one ``railway_project`` creates).
    Default: ``production``. Changing it later replaces the whole project, volumes and all."""
    description: str = ""
    """Shown in Railway's dashboard. Default: none."""
    workspace_id: str | None = None
    """Railway workspace that owns the project. Default: the token's only workspace
    (the provider requires it when the token sees several). Changing it replaces the project."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the project (deleting it deletes every service, volume and
    variable in it). Default: on."""
    pr_deploys: bool = False
    """Weakening: create a temporary Railway environment for every pull request, a copy of the
    project's environment that runs unreviewed code next to its variables (secrets included).
    Default: off."""


class RailwayProject(Construct):
    """A private Railway project (``railway_project``) and its single default environment.

    The platform uses one project per environment so that a service's source, regions and
    volume, which Railway applies to every environment of a project, stay per environment,
    and so prod's PHI-bearing variables never share a project with dev. Services join it
    through ``RailwayServiceProps.project``.
    """

    def __init__(self, scope: Construct, id_: str, props: RailwayProjectProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, RAILWAY)
        problems = Problems(self.node.path)
        if not _NAME_RE.match(props.name):
            problems.add("name", props.name, "2..50 lowercase letters, digits and '-', starting with a letter")
        if not _NAME_RE.match(props.environment_name):
            problems.add("environment_name", props.environment_name, "2..50 lowercase letters, digits and '-', starting with a letter")
        if props.workspace_id is not None and not _UUID_RE.match(props.workspace_id):
            problems.add("workspace_id", props.workspace_id, "a Railway workspace UUID")
        problems.raise_if_any()
        self.name = props.name
        """The project name (a plain string)."""
        self.environment_name = props.environment_name
        """Name of the project's Railway environment (a plain string)."""
        self.resource = Project(
            self,
            "Resource",
            name=props.name,
            description=props.description or None,
            private=True,
            has_pr_deploys=props.pr_deploys,
            workspace_id=props.workspace_id,
            default_environment=ProjectDefaultEnvironment(name=props.environment_name),
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None,
        )

    @property
    def project_id(self) -> str:
        """Reference to the project's id."""
        return self.resource.id

    @property
    def environment_id(self) -> str:
        """Reference to the id of the project's environment, the one its services run in."""
        return self.resource.get_string_attribute("default_environment.id")
