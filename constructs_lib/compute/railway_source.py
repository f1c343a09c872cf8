"""Value types of ``RailwayServiceProps``: where a service's code comes from, where it runs, its volume.

Each type checks itself with ``check(construct_path, field)``, raising ``ValidationError``
naming the construct path, the field (``source.image``) and the bad value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine import core as cdk
from ..errors import ValidationError
from ..value_rules import WITHHELD

_IMAGE_RE = re.compile(r"^[a-z0-9]+(?:[._/:-][a-z0-9]+)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")
_DIGEST_RE = re.compile(r"@sha256:[0-9a-f]{64}$")
_REPO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")
_BRANCH_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")
_REPO_PATH_RE = re.compile(r"^(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$")
_CONFIG_FILES = ("railway.toml", "railway.json")
_REGION_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
_VOLUME_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True, slots=True)
class ImageSource:
    """Deploy a container image. Railway's config-as-code file cannot be attached to an image source
    (the provider refuses ``config_path`` with an image), so its health check and start command
    come from the image or Railway's dashboard."""

    image: str
    """Image reference, pinned by digest: ``ghcr.io/org/auth@sha256:<64 hex>``."""
    allow_mutable_tag: bool = False
    """Weakening: accept a reference without a digest (``ghcr.io/org/auth:1.4``), whose content can
    change under the same name. Default: off, a digest is required."""
    registry_username: str | None = None
    """User of a private registry. Default: a public image."""
    registry_password: str | None = None
    """Password of a private registry: a reference to a sensitive Terraform value, never a literal.
    Required with ``registry_username``."""

    def check(self, path: str, field: str) -> None:
        """Raise ``ValidationError`` when a setting is not allowed."""
        if not _IMAGE_RE.match(self.image):
            raise ValidationError(path, f"{field}.image", self.image, "a lowercase image reference such as 'ghcr.io/org/auth@sha256:<64 hex>'")
        if not self.allow_mutable_tag and not _DIGEST_RE.search(self.image):
            raise ValidationError(path, f"{field}.image", self.image, "pinned by digest ('<image>@sha256:<64 hex>') unless allow_mutable_tag=True")
        if self.registry_username is None and self.registry_password is not None:
            raise ValidationError(path, f"{field}.registry_username", None, "set together with registry_password")
        if self.registry_username is not None and self.registry_password is None:
            raise ValidationError(path, f"{field}.registry_password", None, "set together with registry_username")
        if self.registry_password is not None and not cdk.Token.is_unresolved(self.registry_password):
            raise ValidationError(path, f"{field}.registry_password", WITHHELD, "a reference to a sensitive terraform value (an unresolved token)")


@dataclass(frozen=True, kw_only=True, slots=True)
class RepoSource:
    """Deploy a folder of a GitHub repository; Railway builds it and redeploys on every push to ``branch``.

    Health checks, the start command, the builder and the restart policy are not in the
    provider's schema: Railway reads them from the config-as-code file at ``config_path``.
    """

    repo: str
    """GitHub repository, ``owner/name``."""
    branch: str
    """Branch to deploy."""
    root_directory: str | None = None
    """Folder of the service inside the repository, absolute from the repository root
    (``/services/auth``). Default: the repository root."""
    config_path: str | None = None
    """Railway config-as-code file (``railway.toml`` or ``railway.json``), absolute from the repository
    root: Railway does not resolve it against ``root_directory``. Default: ``<root_directory>/railway.toml``."""

    @property
    def resolved_config_path(self) -> str:
        """``config_path``, or its default ``<root_directory>/railway.toml``."""
        return self.config_path or f"{self.root_directory or ''}/railway.toml"

    def check(self, path: str, field: str) -> None:
        """Raise ``ValidationError`` when a setting is not allowed."""
        if not _REPO_RE.match(self.repo):
            raise ValidationError(path, f"{field}.repo", self.repo, "a GitHub repository 'owner/name'")
        if not _BRANCH_RE.match(self.branch) or ".." in self.branch:
            raise ValidationError(path, f"{field}.branch", self.branch, "a git branch name such as 'main' or 'release/prod'")
        if self.root_directory is not None and (not _REPO_PATH_RE.match(self.root_directory) or "/../" in f"{self.root_directory}/"):
            raise ValidationError(path, f"{field}.root_directory", self.root_directory, "a folder absolute from the repository root such as '/services/auth'")
        config = self.resolved_config_path
        if not _REPO_PATH_RE.match(config) or "/../" in config or not config.endswith(tuple(f"/{f}" for f in _CONFIG_FILES)):
            raise ValidationError(path, f"{field}.config_path", config, "a path absolute from the repository root ending in /railway.toml or /railway.json")


@dataclass(frozen=True, kw_only=True, slots=True)
class RegionReplicas:
    """How many replicas of a service run in one Railway region.

    Railway applies regions only when the service is created (provider 0.6.2 never sends a changed
    value): later, the plan fails until the count in Railway is changed by hand to match
    (``RailwayServiceProps.apply_region_changes``)."""

    region: str
    """Railway region id, e.g. ``us-east4-eqdc4a``, ``europe-west4-drams3a``."""
    replicas: int = 1
    """Replicas in this region. Default: 1."""

    def check(self, path: str, field: str) -> None:
        """Raise ``ValidationError`` when a setting is not allowed."""
        if not _REGION_RE.match(self.region):
            raise ValidationError(path, f"{field}.region", self.region, "a Railway region id such as 'us-east4-eqdc4a'")
        if isinstance(self.replicas, bool) or not isinstance(self.replicas, int) or self.replicas < 1:
            raise ValidationError(path, f"{field}.replicas", self.replicas, "an integer >= 1")


@dataclass(frozen=True, kw_only=True, slots=True)
class VolumeMount:
    """A persistent Railway volume mounted into the service. Removing it deletes the volume and its data."""

    name: str
    """Volume name."""
    mount_path: str
    """Absolute mount path inside the container, e.g. ``/app/data`` (not ``/``)."""

    def check(self, path: str, field: str) -> None:
        """Raise ``ValidationError`` when a setting is not allowed."""
        if not _VOLUME_NAME_RE.match(self.name):
            raise ValidationError(path, f"{field}.name", self.name, "2..32 lowercase letters, digits and '-', starting with a letter")
        if not _REPO_PATH_RE.match(self.mount_path) or "/../" in f"{self.mount_path}/":
            raise ValidationError(path, f"{field}.mount_path", self.mount_path, "an absolute path other than '/', such as '/app/data'")
