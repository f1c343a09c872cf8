"""``NetworkBaseline``: the platform's network, the Cloudflare edge and (optionally) an AWS VPC."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from .._provider_requirements import AWS, CLOUDFLARE, require_provider
from ..engine.cloudflare import DnsRecord
from .baseline_vpc import BaselineVpc, BaselineVpcProps
from .cloudflare_edge import CloudflareEdge
from .cloudflare_edge_props import CloudflareEdgeProps


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkBaselineProps:
    """Settings for NetworkBaseline."""

    edge: CloudflareEdgeProps
    """The Cloudflare zone's edge settings (TLS, headers, caching, rate limits)."""
    vpc: BaselineVpcProps | None = None
    """The AWS VPC. Default: no VPC (services on Railway and Neon do not need one)."""


class NetworkBaseline(Construct):
    """The edge of the platform's zone (``Edge``: a ``CloudflareEdge``) and, with ``props.vpc``,
    a three-tier VPC with flow logs (``Vpc``: a ``BaselineVpc``).

    Public hostnames are added with ``add_public_hostname``; the VPC can be added in a later
    phase without touching the edge's resource addresses.
    """

    def __init__(self, scope: Construct, id_: str, props: NetworkBaselineProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, CLOUDFLARE)
        if props.vpc is not None:
            require_provider(self, AWS)
        self.edge = CloudflareEdge(self, "Edge", props.edge)
        self.vpc: BaselineVpc | None = BaselineVpc(self, "Vpc", props.vpc) if props.vpc is not None else None

    @property
    def zone_id(self) -> str:
        """The Cloudflare zone id (a token)."""
        return self.edge.zone_id

    def add_public_hostname(self, label: str, target: str) -> DnsRecord:
        """A proxied CNAME ``<label>.<public domain>`` -> ``target``; see ``CloudflareEdge.add_public_hostname``."""
        return self.edge.add_public_hostname(label, target)

    def add_verification_record(self, label: str, name: str, content: str) -> DnsRecord:
        """An unproxied ownership-verification TXT record; see ``CloudflareEdge.add_verification_record``."""
        return self.edge.add_verification_record(label, name, content)
