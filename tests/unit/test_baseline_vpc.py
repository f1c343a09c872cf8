"""BaselineVpc: tiers, routing, NAT choices, default SG/NACL, endpoints, flow logs and bad props."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from constructs_lib.network.subnets import plan_subnets
from tests.conftest import resources_of, synth_json

ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")


def _vpc(stack: Any, **overrides: Any) -> Any:
    from constructs_lib.engine.aws import AwsProvider
    from constructs_lib.network.baseline_vpc import BaselineVpc, BaselineVpcProps

    AwsProvider(stack, "aws", region="us-east-1")
    props = {"name_prefix": "hc-test", "cidr": "10.2.0.0/16", "region": "us-east-1", "availability_zones": ZONES, **overrides}
    return BaselineVpc(stack, "Vpc", BaselineVpcProps(**props))


def _ref(doc: dict[str, Any], resource_type: str, name_part: str, attribute: str = "id") -> str:
    (name,) = [n for n in resources_of(doc, resource_type) if name_part in n]
    return f"${{{resource_type}.{name}.{attribute}}}"


@pytest.fixture(scope="module")
def default_vpc() -> dict[str, Any]:
    from constructs_lib.engine.core import TerraformStack, Testing as CdktfTesting

    stack = TerraformStack(CdktfTesting.app(), "test")
    _vpc(stack)
    return synth_json(stack)


def test_vpc_has_dns_on(default_vpc: dict[str, Any]) -> None:
    (vpc,) = resources_of(default_vpc, "aws_vpc").values()
    assert (vpc["cidr_block"], vpc["enable_dns_support"], vpc["enable_dns_hostnames"]) == ("10.2.0.0/16", True, True)


def test_subnets_follow_the_plan_and_never_map_public_ips(default_vpc: dict[str, Any]) -> None:
    plan = plan_subnets("10.2.0.0/16", 3)
    subnets = resources_of(default_vpc, "aws_subnet").values()
    assert len(subnets) == 9
    by_tier: dict[str, list[tuple[str, str]]] = {}
    for subnet in subnets:
        assert subnet["map_public_ip_on_launch"] is False
        by_tier.setdefault(subnet["tags"]["Tier"], []).append((subnet["availability_zone"], subnet["cidr_block"]))
    for tier in ("public", "private", "database"):
        assert sorted(by_tier[tier]) == [(z, str(c)) for z, c in zip(ZONES, getattr(plan, tier), strict=True)]


def test_routes_per_tier(default_vpc: dict[str, Any]) -> None:
    routes = list(resources_of(default_vpc, "aws_route").values())
    igw = _ref(default_vpc, "aws_internet_gateway", "InternetGateway")
    public_table = _ref(default_vpc, "aws_route_table", "PublicRouteTable")
    database_table = _ref(default_vpc, "aws_route_table", "DatabaseRouteTable")
    assert [r for r in routes if r["route_table_id"] == public_table] == [
        {"route_table_id": public_table, "destination_cidr_block": "0.0.0.0/0", "gateway_id": igw}
    ]
    # The database tier has only the VPC's local route.
    assert [r for r in routes if r["route_table_id"] == database_table] == []
    for zone in ZONES:
        table = _ref(default_vpc, "aws_route_table", f"PrivateRouteTable-{zone}")
        (route,) = [r for r in routes if r["route_table_id"] == table]
        assert route["destination_cidr_block"] == "0.0.0.0/0"
        assert route["nat_gateway_id"] == _ref(default_vpc, "aws_nat_gateway", f"NatGateway-{zone}")
    associations = resources_of(default_vpc, "aws_route_table_association").values()
    assert sum(a["route_table_id"] == database_table for a in associations) == 3


def test_one_nat_gateway_per_az_by_default(default_vpc: dict[str, Any]) -> None:
    nats = resources_of(default_vpc, "aws_nat_gateway")
    assert len(nats) == 3
    assert len(resources_of(default_vpc, "aws_eip")) == 3
    public_subnets = {_ref(default_vpc, "aws_subnet", f"PublicSubnet-{z}") for z in ZONES}
    assert {n["subnet_id"] for n in nats.values()} == public_subnets


def test_single_nat_gateway_is_shared(fresh_stack: Any) -> None:
    from constructs_lib.network.baseline_vpc import NatGateways

    _vpc(fresh_stack, nat_gateways=NatGateways.SINGLE)
    doc = synth_json(fresh_stack)
    (nat_name,) = resources_of(doc, "aws_nat_gateway")
    assert "us-east-1a" in nat_name
    nat_routes = {r["nat_gateway_id"] for r in resources_of(doc, "aws_route").values() if "nat_gateway_id" in r}
    assert nat_routes == {f"${{aws_nat_gateway.{nat_name}.id}}"}
    assert len(resources_of(doc, "aws_eip")) == 1


def test_default_security_group_has_no_rules(default_vpc: dict[str, Any]) -> None:
    (group,) = resources_of(default_vpc, "aws_default_security_group").values()
    assert group["vpc_id"] == _ref(default_vpc, "aws_vpc", "Vpc")
    assert "ingress" not in group and "egress" not in group


def test_default_network_acl_is_managed(default_vpc: dict[str, Any]) -> None:
    (acl,) = resources_of(default_vpc, "aws_default_network_acl").values()
    assert acl["default_network_acl_id"] == _ref(default_vpc, "aws_vpc", "Vpc", "default_network_acl_id")
    assert len(acl["subnet_ids"]) == 9
    rule = {"protocol": "-1", "rule_no": 100, "action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}
    assert acl["egress"] == [rule]
    assert acl["ingress"][-1] == rule


@pytest.mark.parametrize(("port", "expected"), [(22, "deny"), (3389, "deny"), (443, "allow"), (5432, "allow")])
def test_default_network_acl_denies_remote_administration_from_anywhere(default_vpc: dict[str, Any], port: int, expected: str) -> None:
    """CIS AWS Foundations 5.1: no NACL admits 0.0.0.0/0 to SSH or RDP. NACLs apply the lowest-numbered matching rule."""
    (acl,) = resources_of(default_vpc, "aws_default_network_acl").values()

    def matches(rule: dict[str, Any]) -> bool:
        if rule["cidr_block"] != "0.0.0.0/0":
            return False
        return rule["protocol"] == "-1" or (rule["protocol"] == "6" and rule["from_port"] <= port <= rule["to_port"])

    first = min((r for r in acl["ingress"] if matches(r)), key=lambda r: r["rule_no"])
    assert first["action"] == expected


def test_gateway_endpoints_on_private_route_tables(default_vpc: dict[str, Any]) -> None:
    endpoints = {e["service_name"]: e for e in resources_of(default_vpc, "aws_vpc_endpoint").values()}
    assert set(endpoints) == {"com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"}
    tables = sorted(
        [_ref(default_vpc, "aws_route_table", f"PrivateRouteTable-{z}") for z in ZONES] + [_ref(default_vpc, "aws_route_table", "DatabaseRouteTable")]
    )
    for endpoint in endpoints.values():
        assert endpoint["vpc_endpoint_type"] == "Gateway"
        # The database tier reaches S3 (backups, exports) without a route out of the VPC.
        assert sorted(endpoint["route_table_ids"]) == tables


def test_gateway_endpoint_policies_admit_only_this_account(default_vpc: dict[str, Any]) -> None:
    """Decisions of the endpoint policy: this account's buckets and tables yes, another account's no."""
    import json

    from tests.access.iam_eval import Principal, Request, evaluate

    account = "111122223333"
    caller = Principal.role(account, "ai-service")
    for endpoint in resources_of(default_vpc, "aws_vpc_endpoint").values():
        service = endpoint["service_name"].rsplit(".", 1)[1]
        policy = json.loads(endpoint["policy"].replace("${data.aws_caller_identity.AwsAccount_Identity_E18432DC.account_id}", account))
        action, resource = (
            ("s3:GetObject", "arn:aws:s3:::bucket/key") if service == "s3" else ("dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{account}:table/t")
        )
        ours = Request(caller, action, resource, {"aws:ResourceAccount": account})
        theirs = Request(caller, action, resource, {"aws:ResourceAccount": "444455556666"})
        assert evaluate(policy, ours, resource_policy=True) == "allow"
        assert evaluate(policy, theirs, resource_policy=True) is None
    s3_endpoint = next(e for e in resources_of(default_vpc, "aws_vpc_endpoint").values() if e["service_name"].endswith(".s3"))
    s3_policy = json.loads(s3_endpoint["policy"].replace("${data.aws_caller_identity.AwsAccount_Identity_E18432DC.account_id}", account))
    layers = Request(caller, "s3:GetObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/sha256/abc", {"aws:ResourceAccount": "444455556666"})
    assert evaluate(s3_policy, layers, resource_policy=True) == "allow"


def test_dynamodb_endpoint_can_be_left_out(fresh_stack: Any) -> None:
    _vpc(fresh_stack, dynamodb_endpoint=False)
    services = [e["service_name"] for e in resources_of(synth_json(fresh_stack), "aws_vpc_endpoint").values()]
    assert services == ["com.amazonaws.us-east-1.s3"]


def test_flow_logs_capture_all_traffic_into_an_encrypted_year_long_log_group(default_vpc: dict[str, Any]) -> None:
    (flow_log,) = resources_of(default_vpc, "aws_flow_log").values()
    log_group_arn = _ref(default_vpc, "aws_cloudwatch_log_group", "LogGroup", "arn")
    assert flow_log["traffic_type"] == "ALL"
    assert flow_log["vpc_id"] == _ref(default_vpc, "aws_vpc", "Vpc")
    assert flow_log["log_destination_type"] == "cloud-watch-logs"
    assert flow_log["log_destination"] == log_group_arn
    assert flow_log["iam_role_arn"] == _ref(default_vpc, "aws_iam_role", "FlowLogs_Role", "arn")
    (log_group,) = resources_of(default_vpc, "aws_cloudwatch_log_group").values()
    assert log_group["name"] == "/aws/vpc/hc-test/flow-logs"
    assert log_group["retention_in_days"] == 365
    assert log_group["kms_key_id"] == _ref(default_vpc, "aws_kms_key", "Key", "arn")


def test_flow_log_key_rotates_and_serves_only_this_log_group(default_vpc: dict[str, Any]) -> None:
    (key,) = resources_of(default_vpc, "aws_kms_key").values()
    assert key["enable_key_rotation"] is True
    policy = json.loads(key["policy"])
    admin, logs = policy["Statement"]
    assert admin["Principal"]["AWS"].endswith(":root")
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    (arn,) = logs["Condition"]["ArnEquals"].values()
    assert re.fullmatch(
        r"arn:\$\{data\.aws_partition\.\w+\.partition\}:logs:us-east-1:\$\{data\.aws_caller_identity\.\w+\.account_id\}:log-group:/aws/vpc/hc-test/flow-logs",
        arn,
    )


def test_flow_log_role_is_least_privilege(default_vpc: dict[str, Any]) -> None:
    documents = default_vpc["data"]["aws_iam_policy_document"]
    (trust,) = [d["statement"][0] for n, d in documents.items() if "TrustPolicy" in n]
    assert trust["principals"] == [{"type": "Service", "identifiers": ["vpc-flow-logs.amazonaws.com"]}]
    conditions = {c["variable"]: (c["test"], c["values"]) for c in trust["condition"]}
    assert conditions["aws:SourceAccount"][0] == "StringEquals"
    assert conditions["aws:SourceAccount"][1][0].startswith("${data.aws_caller_identity.")
    (delivery,) = [d["statement"] for n, d in documents.items() if "DeliveryPolicy" in n]
    log_group_arn = _ref(default_vpc, "aws_cloudwatch_log_group", "LogGroup", "arn")
    assert delivery == [
        {
            "sid": "DeliverToThisLogGroupOnly",
            "effect": "Allow",
            "actions": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "resources": [log_group_arn, f"{log_group_arn}:*"],
        }
    ]
    assert resources_of(default_vpc, "aws_iam_role_policy") == {}
    (policy,) = resources_of(default_vpc, "aws_iam_policy").values()
    (delivery_json,) = [f"${{data.aws_iam_policy_document.{n}.json}}" for n in documents if "DeliveryPolicy" in n]
    assert policy == {
        "name": "hc-test-vpc-flow-logs-delivery",
        "path": "/platform/",
        "description": "VPC flow logs delivery to /aws/vpc/hc-test/flow-logs only",
        "policy": delivery_json,
    }
    (attachment,) = resources_of(default_vpc, "aws_iam_role_policy_attachment").values()
    assert attachment == {
        "role": _ref(default_vpc, "aws_iam_role", "FlowLogs_Role", "name"),
        "policy_arn": _ref(default_vpc, "aws_iam_policy", "FlowLogs_RolePolicy", "arn"),
    }
    (attachment_name,) = resources_of(default_vpc, "aws_iam_role_policy_attachment")
    (flow_log,) = resources_of(default_vpc, "aws_flow_log").values()
    assert flow_log["depends_on"] == [f"aws_iam_role_policy_attachment.{attachment_name}"]


def test_short_retention_needs_the_explicit_flag(fresh_stack: Any) -> None:
    _vpc(fresh_stack, flow_log_retention_days=90, allow_short_flow_log_retention=True)
    (log_group,) = resources_of(synth_json(fresh_stack), "aws_cloudwatch_log_group").values()
    assert log_group["retention_in_days"] == 90


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cidr": "10.2.0.1/16"}, "cidr must be an IPv4 CIDR such as '10.0.0.0/16', got '10.2.0.1/16'"),
        ({"cidr": "not-a-cidr"}, "cidr must be an IPv4 CIDR"),
        (
            {"cidr": "10.2.0.0/24", "availability_zones": tuple(f"us-east-1{c}" for c in "abcdef")},
            r"cidr must be a /23 or larger network to fit 6 availability zone\(s\)",
        ),
        ({"availability_zones": tuple(f"us-east-1{c}" for c in "abcdefg")}, r"availability_zones must be an availability zone count of 1..6"),
        ({"availability_zones": ("us-east-1a", "us-east-1a")}, "availability_zones must be distinct zones of us-east-1"),
        ({"availability_zones": ("eu-west-1a",)}, "availability_zones must be distinct zones of us-east-1 such as 'us-east-1a'"),
        ({"region": "moon-1"}, "region must be an AWS region code"),
        ({"flow_log_retention_days": 90}, r"flow_log_retention_days must be >= 365 \(or turn on allow_short_flow_log_retention\), got 90"),
        ({"flow_log_retention_days": 100, "allow_short_flow_log_retention": True}, r"flow_log_retention_days must be one of \(1, 3, 5,"),
    ],
)
def test_fails_when_vpc_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=f"^test/Vpc: {message}"):
        _vpc(fresh_stack, **overrides)
