"""``RailwayService``: one service of a Railway project, its variables and (when public) its domains."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from constructs import Construct

from .._provider_requirements import RAILWAY, require_provider
from ..engine.core import Fn, Postcondition, TerraformResourceLifecycle
from ..errors import ConstructError, Problems, ValidationError
from ..providers.railway import (
    CustomDomain,
    Service,
    ServiceDomain,
    ServiceRegions,
    ServiceVolume,
    VariableCollection,
    VariableCollectionVariables,
)
from ..value_rules import check_cron, check_domain
from ._railway_variables import service_variables
from .railway_project import RailwayProject
from .railway_source import ImageSource, RegionReplicas, RepoSource, VolumeMount

MAX_REPLICAS = 50
"""Railway's ceiling on a service's replicas across all regions."""

_NAME_RE = re.compile(r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
_LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True, kw_only=True, slots=True)
class RailwayServiceProps:
    """Settings for RailwayService."""

    name: str
    """Service name; also its private host ``<name>.railway.internal``. A DNS label."""
    project: RailwayProject
    """The project (one per platform environment) the service runs in."""
    source: ImageSource | RepoSource
    """What the service deploys. Health checks and the start command live in the repository's
    config-as-code file (``RepoSource.config_path``): the provider has no attribute for them."""
    regions: Sequence[RegionReplicas]
    """Where the service runs and how many replicas in each region (at most 50 in total); applied at
    creation only. This is the whole of Railway's horizontal scaling: a fixed count per region. Railway
    scales each replica vertically up to the plan's limits by itself, but never adds or removes replicas."""
    cron_schedule: str | None = None
    """Five-field cron expression (UTC): the service becomes a job Railway starts on schedule. Railway
    requires its regions to add up to exactly 1 replica. Default: a long-running service."""
    port: int | None = 8080
    """Port the service listens on, written as ``PORT``; domains and ``private_url`` use it.
    ``None``: the service serves no port (a job). Default: 8080."""
    variables: Mapping[str, str] = field(default_factory=dict)
    """Plain variables. A secret-like name (``*PASSWORD*``, ``*SECRET*``, ``*TOKEN*``, ``*KEY*``,
    ``DATABASE_URL`` ...) is refused here: it belongs in ``secrets``. Default: none."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Secret variables, each a reference to a sensitive Terraform value (a Neon connection string,
    an IAM access key); a literal is refused. Stored in Terraform state in plain text. Default: none."""
    non_secret_names: frozenset[str] = frozenset()
    """Names in ``variables`` that look secret but are not (``JWT_PUBLIC_KEY``). Default: none."""
    custom_domain: str | None = None
    """Public hostname (``api.dev.example.org``) routed to ``port``; its DNS records are exposed in
    ``custom_domain_records``. Default: none, the service is reachable only on the private network."""
    generated_domain: bool = False
    """Weakening: also give the service a Railway ``*.up.railway.app`` hostname, which reaches it
    without passing the Cloudflare edge (its WAF and rate limits). Default: off."""
    generated_subdomain: str | None = None
    """Label of that hostname. Default: ``<project name>-<name>``."""
    volume: VolumeMount | None = None
    """A persistent volume. Default: none (data belongs in Neon and S3)."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the service (deleting it drops its domains, variables and
    deployment history). Default: on."""
    apply_region_changes: bool = False
    """Let Terraform update ``regions`` after creation. Railway provider 0.6.2 never sends ``regions``
    on update (its Update builds the service instance input without them), so a replica change
    fails every apply with "Provider produced inconsistent result after apply" and the plan never
    settles (upstream issues #77/#78, fix in PR #79, unreleased). Default: off: ``regions`` is set at
    creation and then ignored (``lifecycle.ignore_changes``), and a postcondition fails the plan, with
    what to do, whenever the replicas Railway runs differ from ``regions`` (a count edited in a file, or
    changed in the dashboard): set them in Railway, then plan again. Turn on only with a provider release
    that sends them."""


@dataclass(frozen=True, slots=True)
class CustomDomainRecords:
    """What the DNS zone needs for a service's custom domain (references, known after apply)."""

    domain: str
    """The hostname (a plain string)."""
    host_label: str
    """Name of the routing record, relative to ``zone``."""
    zone: str
    """Zone Railway computed for the record."""
    dns_record_value: str
    """Target of the routing (CNAME) record."""
    verification_host_label: str
    """Name of the ownership-verification (TXT) record."""
    verification_record_value: str
    """Value of the ownership-verification record."""

    @property
    def verification_host(self) -> str:
        """Full name of the ownership-verification (TXT) record: ``<verification_host_label>.<zone>`` (a reference)."""
        host: str = Fn.format("%s.%s", [self.verification_host_label, self.zone])
        return host


class RailwayService(Construct):
    """A ``railway_service`` with one ``railway_variable_collection`` in its project's environment.

    Creates ``Resource`` (the service), ``Variables`` (all variables in one collection, so an
    apply redeploys once; left out when the service has none), and, when asked,
    ``GeneratedDomain`` (``railway_service_domain``) and ``CustomDomain`` (``railway_custom_domain``).
    """

    def __init__(self, scope: Construct, id_: str, props: RailwayServiceProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, RAILWAY)
        path = self.node.path
        self._check(path, props)
        pairs = service_variables(path, port=props.port, variables=props.variables, secrets=props.secrets, non_secret_names=props.non_secret_names)
        subdomain = props.generated_subdomain or f"{props.project.name}-{props.name}"
        if props.generated_domain and not _LABEL_RE.match(subdomain):
            raise ValidationError(path, "generated_subdomain", subdomain, "a DNS label of 1..63 lowercase letters, digits and '-'")
        self.name = props.name
        """The service name (a plain string)."""
        self.port = props.port
        """The port the service listens on, or None for a job."""
        source = props.source
        self.resource = Service(
            self,
            "Resource",
            name=props.name,
            project_id=props.project.project_id,
            source_image=source.image if isinstance(source, ImageSource) else None,
            source_image_registry_username=source.registry_username if isinstance(source, ImageSource) else None,
            source_image_registry_password=source.registry_password if isinstance(source, ImageSource) else None,
            source_repo=source.repo if isinstance(source, RepoSource) else None,
            source_repo_branch=source.branch if isinstance(source, RepoSource) else None,
            root_directory=source.root_directory if isinstance(source, RepoSource) else None,
            config_path=source.resolved_config_path if isinstance(source, RepoSource) else None,
            # Sorted by region id: the provider reads regions back sorted, so any other order never settles.
            regions=[ServiceRegions(region=r.region, num_replicas=r.replicas) for r in sorted(props.regions, key=lambda r: r.region)],
            cron_schedule=props.cron_schedule,
            volume=ServiceVolume(name=props.volume.name, mount_path=props.volume.mount_path) if props.volume else None,
            lifecycle=_lifecycle(path, props),
        )
        environment_id = props.project.environment_id
        self.variable_collection: VariableCollection | None = None
        """The ``railway_variable_collection``; None when the service has no variables."""
        if pairs:
            self.variable_collection = VariableCollection(
                self,
                "Variables",
                service_id=self.resource.id,
                environment_id=environment_id,
                variables=[VariableCollectionVariables(name=n, value=v) for n, v in pairs],
            )
        self.generated_domain_resource: ServiceDomain | None = None
        if props.generated_domain:
            self.generated_domain_resource = ServiceDomain(
                self, "GeneratedDomain", service_id=self.resource.id, environment_id=environment_id, subdomain=subdomain
            )
        self.custom_domain = props.custom_domain
        """The public hostname (a plain string), or None."""
        self.custom_domain_resource: CustomDomain | None = None
        if props.custom_domain is not None:
            self.custom_domain_resource = CustomDomain(
                self,
                "CustomDomain",
                service_id=self.resource.id,
                environment_id=environment_id,
                domain=props.custom_domain,
                target_port=props.port,
            )

    @staticmethod
    def _check(path: str, props: RailwayServiceProps) -> None:
        problems = Problems(path)
        problems.attempt(lambda: _check_name_and_source(path, props))
        problems.attempt(lambda: _check_replicas(path, props))
        problems.attempt(lambda: _check_port_schedule_domains(path, props))
        if props.volume is not None:
            volume = props.volume
            problems.attempt(lambda: volume.check(path, "volume"))
        problems.raise_if_any()

    @property
    def service_id(self) -> str:
        """Reference to the service's id."""
        return self.resource.id

    @property
    def private_domain(self) -> str:
        """The service's host on the project's private network: ``<name>.railway.internal``."""
        return f"{self.name}.railway.internal"

    @property
    def private_url(self) -> str:
        """``http://<name>.railway.internal:<port>``: how other services of the environment reach it.

        Railway's private network is an encrypted WireGuard mesh per project environment; the
        service must listen on ``port`` on all addresses (``::`` covers IPv6-only environments).
        """
        if self.port is None:
            raise ConstructError(f"{self.node.path}: private_url needs a port, and this service has none")
        return f"http://{self.private_domain}:{self.port}"

    @property
    def service_domain(self) -> str | None:
        """Reference to the Railway-generated hostname, or None without ``generated_domain``."""
        return None if self.generated_domain_resource is None else self.generated_domain_resource.domain

    @property
    def custom_domain_records(self) -> CustomDomainRecords | None:
        """The DNS records the custom domain needs, or None without ``custom_domain``."""
        resource = self.custom_domain_resource
        if resource is None or self.custom_domain is None:
            return None
        return CustomDomainRecords(
            domain=self.custom_domain,
            host_label=resource.host_label,
            zone=resource.zone,
            dns_record_value=resource.dns_record_value,
            verification_host_label=resource.verification_host_label,
            verification_record_value=resource.verification_record_value,
        )


def _check_name_and_source(path: str, props: RailwayServiceProps) -> None:
    problems = Problems(path)
    if not _NAME_RE.match(props.name):
        problems.add("name", props.name, "a DNS label: 1..63 lowercase letters, digits and '-', starting with a letter")
    if not isinstance(props.source, (ImageSource, RepoSource)):
        problems.add("source", props.source, "an ImageSource or a RepoSource")
    else:
        source = props.source
        problems.attempt(lambda: source.check(path, "source"))
    problems.raise_if_any()


def _check_port_schedule_domains(path: str, props: RailwayServiceProps) -> None:
    problems = Problems(path)
    if props.port is not None and (isinstance(props.port, bool) or not isinstance(props.port, int) or not 1 <= props.port <= 65535):
        problems.add("port", props.port, "1..65535, or None for a service that serves no port")
    if props.cron_schedule is not None:
        try:
            check_cron(props.cron_schedule)
        except ValueError as exc:
            problems.add("cron_schedule", props.cron_schedule, str(exc))
    if props.custom_domain is not None:
        try:
            check_domain(props.custom_domain)
        except ValueError as exc:
            problems.add("custom_domain", props.custom_domain, str(exc))
    for name, wanted in (("custom_domain", props.custom_domain is not None), ("generated_domain", props.generated_domain)):
        if wanted and props.port is None:
            problems.add(name, getattr(props, name), "unset when port is None (a domain routes to a port)")
        if wanted and props.cron_schedule is not None:
            problems.add(name, getattr(props, name), "unset for a cron service (a job serves no requests)")
    problems.raise_if_any()


def _check_replicas(path: str, props: RailwayServiceProps) -> None:
    regions = tuple(props.regions)
    if not regions:
        raise ValidationError(path, "regions", [], "at least one RegionReplicas")
    seen: set[str] = set()
    for index, region in enumerate(regions):
        if not isinstance(region, RegionReplicas):
            raise ValidationError(path, f"regions[{index}]", region, "a RegionReplicas")
        region.check(path, f"regions[{index}]")
        if region.region in seen:
            raise ValidationError(path, f"regions[{index}].region", region.region, "listed once")
        seen.add(region.region)
    total = sum(r.replicas for r in regions)
    shown = ", ".join(f"{r.region}: {r.replicas}" for r in regions)
    if props.cron_schedule is not None and total != 1:
        raise ValidationError(path, "regions", f"{total} replicas ({shown})", "exactly 1 replica in total for a cron service (a Railway rule)")
    if total > MAX_REPLICAS:
        raise ValidationError(path, "regions", f"{total} replicas ({shown})", f"at most {MAX_REPLICAS} replicas in total (Railway's ceiling)")


REGIONS_ATTRIBUTE = "regions"


def regions_text(regions: Sequence[RegionReplicas]) -> str:
    """``<region>:<replicas>`` per region, sorted by region id and joined by ``,``: how the regions postcondition
    compares what Railway runs with what the props ask for."""
    return ",".join(f"{r.region}:{r.replicas}" for r in sorted(regions, key=lambda r: r.region))


def regions_postcondition(path: str, regions: Sequence[RegionReplicas]) -> Postcondition:
    """Fail the plan while the replicas Railway runs (``self.regions``, read back from its latest deployment) differ
    from ``regions``. With ``ignore_changes = ["regions"]`` the planned value is Railway's, so an edited count that
    the provider cannot send is reported instead of ignored; a new service plans the configured value and passes."""
    wanted = regions_text(regions)
    running = '[for r in self.regions : "${r.region}:${r.num_replicas}"]'
    return Postcondition(
        condition=f'${{try(join(",", {running}), "") == "{wanted}"}}',
        error_message=(
            f"{path}: Railway runs other replicas than configured ({wanted}); railway provider 0.6.2 cannot change them: set "
            "them in Railway (service > Settings > Deploy > Replicas) to match, then plan again (docs/constructs/RailwayService.md, Replicas and regions)"
        ),
    )


def _lifecycle(path: str, props: RailwayServiceProps) -> TerraformResourceLifecycle | None:
    """``prevent_destroy`` when protected; unless region changes can be applied, ``ignore_changes = ["regions"]``
    and the postcondition that reports a difference instead of hiding it."""
    if props.apply_region_changes:
        return TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None
    return TerraformResourceLifecycle(
        prevent_destroy=props.protect_from_destroy or None,
        ignore_changes=[REGIONS_ATTRIBUTE],
        postcondition=[regions_postcondition(path, props.regions)],
    )
