"""The network of a ``PlatformStack``: the Cloudflare edge, the VPC from its phase on, and the public hostnames.

``add_network`` creates the ``Network`` baseline under the stack; ``publish_hostnames`` adds, once
the Railway services exist, each public service's DNS records at the edge.
"""

from __future__ import annotations

from collections.abc import Mapping

from constructs import Construct

from constructs_lib.compute.railway_service import RailwayService
from constructs_lib.guardrails import suppress
from constructs_lib.network.baseline_vpc import BaselineVpcProps, NatGateways
from constructs_lib.network.network_baseline import NetworkBaseline, NetworkBaselineProps
from environments import EnvironmentConfig
from platform_plan.phases import Component, PhasePlan

EDGE_ZONE_RULES = ("HC-CF-001", "HC-CF-002", "HC-CF-003")
"""Guardrail rules on zone settings, which only the environment with ``[cloudflare] manage_zone`` manages."""


def add_network(scope: Construct, config: EnvironmentConfig, plan: PhasePlan) -> NetworkBaseline:
    """The edge (phase 1) and, from its phase on, the VPC; public hostnames are added by ``publish_hostnames``."""
    cloudflare, network = config.cloudflare, config.network
    vpc = None
    if plan.has(Component.VPC):
        vpc = BaselineVpcProps(
            name_prefix=config.name_prefix,
            cidr=config.vpc_cidr,
            region=config.aws_region,
            availability_zones=config.availability_zones,
            nat_gateways=NatGateways(network.nat_gateways),
            flow_log_retention_days=network.flow_log_retention_days,
            allow_short_flow_log_retention=network.allow_short_flow_log_retention,
        )
    baseline = NetworkBaseline(scope, "Network", NetworkBaselineProps(edge=config.edge_props(), vpc=vpc))
    if not cloudflare.manage_zone:
        for rule_id in EDGE_ZONE_RULES:
            suppress(
                baseline.edge,
                rule_id,
                f"zone settings of {config.domain} are managed by the environment whose [cloudflare] manage_zone "
                "is true; this stack only adds DNS records, and the loader requires its values to equal the owner's",
            )
    return baseline


def publish_hostnames(network: NetworkBaseline, plan: PhasePlan, services: Mapping[str, RailwayService]) -> None:
    """Proxied DNS at the edge for each public service's custom domain, plus Railway's ownership TXT record."""
    for spec in plan.services:
        service = services.get(spec.name)
        records = service.custom_domain_records if service is not None else None
        if records is None:
            continue
        network.add_public_hostname(spec.hostname_label, records.dns_record_value)
        network.add_verification_record(spec.hostname_label, records.verification_host, records.verification_record_value)
