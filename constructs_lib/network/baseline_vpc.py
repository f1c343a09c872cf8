"""``BaselineVpc``: a three-tier VPC with flow logs, a closed default security group and gateway endpoints."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import AwsAccount
from .._provider_requirements import AWS, require_provider
from ..engine.aws import (
    DefaultNetworkAcl,
    DefaultNetworkAclEgress,
    DefaultNetworkAclIngress,
    DefaultSecurityGroup,
    Eip,
    InternetGateway,
    NatGateway,
    Route,
    RouteTable,
    RouteTableAssociation,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from ..errors import Problems
from ..value_rules import MIN_AUDIT_LOG_RETENTION_DAYS, check_aws_region, check_log_retention
from ._flow_logs import FlowLogs
from .subnets import SubnetPlan, plan_subnets

ADMIN_PORT_DENY_RULES: tuple[tuple[int, int], ...] = ((50, 22), (60, 3389))
"""(NACL rule number, TCP port) of the ingress denies for SSH and RDP from 0.0.0.0/0, ahead of the allow at 100."""


class NatGateways(enum.Enum):
    """How private subnets reach the internet."""

    SINGLE = "single"
    """One NAT gateway shared by every AZ: cheaper; an outage of its AZ cuts egress for all."""
    PER_AZ = "per_az"
    """One NAT gateway per AZ: each AZ keeps egress when another fails."""


@dataclass(frozen=True, kw_only=True, slots=True)
class BaselineVpcProps:
    """Settings for BaselineVpc."""

    name_prefix: str
    """Prefix of every Name tag and resource name, e.g. ``healthcare-dev``."""
    cidr: str
    """VPC address range; subnets are computed from it (``constructs_lib.network.subnets``)."""
    region: str
    """AWS region (endpoint service names, the log encryption key policy)."""
    availability_zones: tuple[str, ...]
    """AZ names, one subnet per tier in each; every name must belong to ``region``."""
    nat_gateways: NatGateways = NatGateways.PER_AZ
    """NAT gateways for the private tier. Default: one per AZ."""
    flow_log_retention_days: int = MIN_AUDIT_LOG_RETENTION_DAYS
    """Flow log retention. Default: 365 days (the minimum unless ``allow_short_flow_log_retention``)."""
    allow_short_flow_log_retention: bool = False
    """Permit a retention below 365 days. Default: not permitted."""
    dynamodb_endpoint: bool = True
    """Add a DynamoDB gateway endpoint next to the S3 one (both free). Default: on."""


class BaselineVpc(Construct):
    """A VPC with public, private and database subnets in every AZ.

    Creates the ``aws_vpc`` (``Resource``; DNS support and hostnames on), the subnets
    (no public IPs on launch, any tier), an internet gateway, NAT gateways with Elastic IPs
    (one, or one per AZ), a public route table (default route to the internet gateway),
    one private route table per AZ (default route to a NAT gateway), a database route
    table with no route out of the VPC, S3 (and DynamoDB) gateway endpoints on the private
    route tables, the default security group stripped of every rule, the default network
    ACL managed explicitly, and flow logs (``FlowLogs``).
    """

    def __init__(self, scope: Construct, id_: str, props: BaselineVpcProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        plan = self._validate(self.node.path, props)
        name = props.name_prefix
        zones = props.availability_zones

        self.vpc = Vpc(self, "Resource", cidr_block=props.cidr, enable_dns_support=True, enable_dns_hostnames=True, tags={"Name": name})
        self.vpc_id: str = self.vpc.id

        def subnets(tier: str, cidrs: tuple[object, ...]) -> list[Subnet]:
            return [
                Subnet(
                    self,
                    f"{tier.title()}Subnet-{zone}",
                    vpc_id=self.vpc.id,
                    cidr_block=str(cidr),
                    availability_zone=zone,
                    map_public_ip_on_launch=False,
                    tags={"Name": f"{name}-{tier}-{zone}", "Tier": tier},
                )
                for zone, cidr in zip(zones, cidrs, strict=True)
            ]

        self.public_subnets = subnets("public", plan.public)
        self.private_subnets = subnets("private", plan.private)
        self.database_subnets = subnets("database", plan.database)

        igw = InternetGateway(self, "InternetGateway", vpc_id=self.vpc.id, tags={"Name": name})
        public_table = RouteTable(self, "PublicRouteTable", vpc_id=self.vpc.id, tags={"Name": f"{name}-public"})
        Route(self, "PublicDefaultRoute", route_table_id=public_table.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
        for zone, subnet in zip(zones, self.public_subnets, strict=True):
            RouteTableAssociation(self, f"PublicRouteTableAssociation-{zone}", subnet_id=subnet.id, route_table_id=public_table.id)

        nat_zones = zones if props.nat_gateways is NatGateways.PER_AZ else zones[:1]
        self.nat_gateways: dict[str, NatGateway] = {}
        self.nat_public_ips: list[str] = []
        """Public IPv4 address of each NAT gateway (references): the VPC's egress addresses, e.g. for an allow-list."""
        for zone, subnet in zip(zones, self.public_subnets, strict=True):
            if zone not in nat_zones:
                continue
            eip = Eip(self, f"NatEip-{zone}", domain="vpc", tags={"Name": f"{name}-nat-{zone}"})
            self.nat_public_ips.append(eip.public_ip)
            self.nat_gateways[zone] = NatGateway(
                self, f"NatGateway-{zone}", allocation_id=eip.allocation_id, subnet_id=subnet.id, tags={"Name": f"{name}-{zone}"}, depends_on=[igw]
            )

        self.private_route_tables: list[RouteTable] = []
        for zone, subnet in zip(zones, self.private_subnets, strict=True):
            table = RouteTable(self, f"PrivateRouteTable-{zone}", vpc_id=self.vpc.id, tags={"Name": f"{name}-private-{zone}"})
            nat = self.nat_gateways.get(zone) or self.nat_gateways[nat_zones[0]]
            Route(self, f"PrivateDefaultRoute-{zone}", route_table_id=table.id, destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)
            RouteTableAssociation(self, f"PrivateRouteTableAssociation-{zone}", subnet_id=subnet.id, route_table_id=table.id)
            self.private_route_tables.append(table)

        # Only the VPC's local route: the database tier cannot reach or be reached from the internet.
        database_table = RouteTable(self, "DatabaseRouteTable", vpc_id=self.vpc.id, tags={"Name": f"{name}-database"})
        for zone, subnet in zip(zones, self.database_subnets, strict=True):
            RouteTableAssociation(self, f"DatabaseRouteTableAssociation-{zone}", subnet_id=subnet.id, route_table_id=database_table.id)

        services = ["s3", "dynamodb"] if props.dynamodb_endpoint else ["s3"]
        account = AwsAccount.of(self)
        # Private and database tiers both reach S3 (and DynamoDB) without leaving AWS's network;
        # the endpoint policy admits only this account's resources (no exfiltration to other accounts).
        self.gateway_endpoints = {
            service: VpcEndpoint(
                self,
                f"{service.title()}Endpoint",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{props.region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=[t.id for t in self.private_route_tables] + [database_table.id],
                policy=json.dumps(endpoint_policy(service, props.region, account.account_id)),
                tags={"Name": f"{name}-{service}"},
            )
            for service in services
        }

        # Managing the default security group removes every rule AWS put in it (CKV2_AWS_12).
        DefaultSecurityGroup(self, "DefaultSecurityGroup", vpc_id=self.vpc.id, tags={"Name": f"{name}-default-closed"})
        # The default NACL under Terraform: remote administration ports (SSH 22, RDP 3389) are denied
        # from anywhere (CIS AWS Foundations 5.1), everything else is left to security groups and route
        # tables; drift (an added deny or allow) shows in plan. NACL rules are evaluated by number, lowest first.
        self.default_network_acl = DefaultNetworkAcl(
            self,
            "DefaultNetworkAcl",
            default_network_acl_id=self.vpc.default_network_acl_id,
            subnet_ids=[s.id for s in self.public_subnets + self.private_subnets + self.database_subnets],
            ingress=[
                *(
                    DefaultNetworkAclIngress(protocol="6", rule_no=rule_no, action="deny", cidr_block="0.0.0.0/0", from_port=port, to_port=port)
                    for rule_no, port in ADMIN_PORT_DENY_RULES
                ),
                DefaultNetworkAclIngress(protocol="-1", rule_no=100, action="allow", cidr_block="0.0.0.0/0", from_port=0, to_port=0),
            ],
            egress=[DefaultNetworkAclEgress(protocol="-1", rule_no=100, action="allow", cidr_block="0.0.0.0/0", from_port=0, to_port=0)],
            tags={"Name": f"{name}-default"},
        )

        self.flow_logs = FlowLogs(self, "FlowLogs", vpc_id=self.vpc.id, name_prefix=name, region=props.region, retention_days=props.flow_log_retention_days)

    @staticmethod
    def _validate(path: str, props: BaselineVpcProps) -> SubnetPlan:
        problems = Problems(path)
        try:
            check_aws_region(props.region)
        except ValueError as exc:
            problems.add("region", props.region, str(exc))
        zones = props.availability_zones
        if len(set(zones)) != len(zones) or any(not z.startswith(props.region) or len(z) != len(props.region) + 1 for z in zones):
            problems.add("availability_zones", zones, f"distinct zones of {props.region} such as '{props.region}a'")
        plan: SubnetPlan | None = None
        try:
            plan = plan_subnets(props.cidr, len(zones))
        except ValueError as exc:
            field = "availability_zones" if "availability zone count" in str(exc) else "cidr"
            problems.add(field, props.cidr if field == "cidr" else zones, str(exc))
        try:
            check_log_retention(props.flow_log_retention_days, allow_short=props.allow_short_flow_log_retention)
        except ValueError as exc:
            problems.add("flow_log_retention_days", props.flow_log_retention_days, str(exc))
        problems.raise_if_any()
        assert plan is not None  # plan_subnets failing is one of the problems raised above
        return plan


def endpoint_policy(service: str, region: str, account_id: str) -> dict[str, object]:
    """The gateway endpoint's policy: any principal in the VPC may reach this account's ``service`` resources only.

    S3 additionally admits reads of the ECR image layer bucket of ``region`` (AWS-owned), which
    container hosts in the VPC need to pull images. Written as JSON (an endpoint policy is a
    resource policy; checkov's identity-policy checks would misread a policy document data source).
    """
    statements: list[dict[str, object]] = [
        {
            "Sid": "OwnAccountResourcesOnly",
            "Effect": "Allow",
            "Principal": "*",
            "Action": f"{service}:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceAccount": account_id}},
        }
    ]
    if service == "s3":
        statements.append(
            {
                "Sid": "EcrImageLayers",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*",
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}
