"""The CIS monitoring alarms: every alarm's metric, namespace, statistic and threshold, and what each
filter pattern matches in concrete CloudTrail events (a small evaluator of the pattern subset used)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from constructs_lib.audit._audit_alarms import SECURITY_ALARMS
from tests.conftest import resources_of, synth_json

# Security Hub user guide, "Amazon CloudWatch controls" (CloudWatch.3/9/12/13/14): the events each control counts.
CIS_EVENTS = {
    "AwsConfigChanges": ("StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"),
    "NetworkGatewayChanges": (
        "CreateCustomerGateway",
        "DeleteCustomerGateway",
        "AttachInternetGateway",
        "CreateInternetGateway",
        "DeleteInternetGateway",
        "DetachInternetGateway",
    ),
    "RouteTableChanges": (
        "CreateRoute",
        "CreateRouteTable",
        "ReplaceRoute",
        "ReplaceRouteTableAssociation",
        "DeleteRouteTable",
        "DeleteRoute",
        "DisassociateRouteTable",
    ),
    "VpcChanges": (
        "CreateVpc",
        "DeleteVpc",
        "ModifyVpcAttribute",
        "AcceptVpcPeeringConnection",
        "CreateVpcPeeringConnection",
        "DeleteVpcPeeringConnection",
        "RejectVpcPeeringConnection",
        "AttachClassicLinkVpc",
        "DetachClassicLinkVpc",
        "DisableVpcClassicLink",
        "EnableVpcClassicLink",
    ),
    "SecurityGroupChanges": (
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "CreateSecurityGroup",
        "DeleteSecurityGroup",
    ),
    "NetworkAclChanges": (
        "CreateNetworkAcl",
        "CreateNetworkAclEntry",
        "DeleteNetworkAcl",
        "DeleteNetworkAclEntry",
        "ReplaceNetworkAclEntry",
        "ReplaceNetworkAclAssociation",
    ),
}
SOURCES = {"AwsConfigChanges": "config.amazonaws.com"}
READS = {
    "AwsConfigChanges": "DescribeConfigurationRecorders",
    "NetworkGatewayChanges": "DescribeInternetGateways",
    "RouteTableChanges": "DescribeRouteTables",
    "VpcChanges": "DescribeVpcs",
    "SecurityGroupChanges": "DescribeSecurityGroups",
    "NetworkAclChanges": "DescribeNetworkAcls",
}
"""A read of the same resources, which no change alarm counts."""


# A CloudWatch Logs JSON filter pattern evaluator for the subset the CIS patterns use: { ... } around
# $.field = value / != value / NOT EXISTS, joined by && and || with parentheses; values quoted or bare,
# with * as a wildcard. A comparison on a field the event lacks does not match (the tests never rely on it).
_TOKEN = re.compile(r'\s*(\(|\)|&&|\|\||!=|=|NOT EXISTS|\$\.[A-Za-z0-9_.]+|"[^"]*"|[A-Za-z0-9_*.\-]+)')


def _tokens(pattern: str) -> list[str]:
    body = pattern.strip()
    assert body.startswith("{") and body.endswith("}"), pattern
    body, tokens, position = body[1:-1], [], 0
    while body[position:].strip():
        match = _TOKEN.match(body, position)
        assert match, f"cannot read {body[position:]!r}"
        tokens.append(match[1])
        position = match.end()
    return tokens


def matches(pattern: str, event: dict[str, Any]) -> bool:
    tokens = _tokens(pattern)

    def field(path: str) -> Any:
        value: Any = event
        for part in path[2:].split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def equal(actual: Any, expected: str) -> bool:
        expected = expected.strip('"')
        return isinstance(actual, str) and re.fullmatch(re.escape(expected).replace(r"\*", ".*"), actual) is not None

    def expression(i: int) -> tuple[bool, int]:
        value, i = term(i)
        while i < len(tokens) and tokens[i] == "||":
            right, i = term(i + 1)
            value = value or right
        return value, i

    def term(i: int) -> tuple[bool, int]:
        value, i = factor(i)
        while i < len(tokens) and tokens[i] == "&&":
            right, i = factor(i + 1)
            value = value and right
        return value, i

    def factor(i: int) -> tuple[bool, int]:
        if tokens[i] == "(":
            value, i = expression(i + 1)
            assert tokens[i] == ")"
            return value, i + 1
        actual = field(tokens[i])
        if tokens[i + 1] == "NOT EXISTS":
            return actual is None, i + 2
        operator, expected = tokens[i + 1], tokens[i + 2]
        if actual is None:
            return False, i + 3
        return (equal(actual, expected) if operator == "=" else not equal(actual, expected)), i + 3

    value, end = expression(0)
    assert end == len(tokens), f"unread tokens {tokens[end:]}"
    return value


def _alarm(name: str) -> str:
    return next(a.pattern for a in SECURITY_ALARMS if a.id == name)


def _matching(event: dict[str, Any]) -> set[str]:
    return {a.id for a in SECURITY_ALARMS if matches(a.pattern, event)}


def _console_login(user_type: str, mfa: str, result: str) -> dict[str, Any]:
    event: dict[str, Any] = {
        "eventName": "ConsoleLogin",
        "eventSource": "signin.amazonaws.com",
        "eventType": "AwsConsoleSignIn",
        "userIdentity": {"type": user_type},
        "additionalEventData": {"MFAUsed": mfa},
        "responseElements": {"ConsoleLogin": result},
    }
    if result == "Failure":
        event["errorMessage"] = "Failed authentication"
    return event


def test_console_sign_in_without_mfa_counts_successful_iam_user_sign_ins_only() -> None:
    assert _matching(_console_login("IAMUser", "No", "Success")) == {"ConsoleSignInWithoutMfa"}
    assert _matching(_console_login("IAMUser", "Yes", "Success")) == set()
    # Federated (IAM Identity Center) sessions sign in as assumed roles: MFA is the identity provider's job.
    assert _matching(_console_login("AssumedRole", "No", "Success")) == set()
    assert _matching(_console_login("IAMUser", "No", "Failure")) == {"ConsoleSignInFailures"}


@pytest.mark.parametrize("alarm", sorted(CIS_EVENTS))
def test_change_alarms_count_exactly_the_cis_events(alarm: str) -> None:
    source = SOURCES.get(alarm, "ec2.amazonaws.com")
    for name in CIS_EVENTS[alarm]:
        event = {"eventName": name, "eventSource": source, "eventType": "AwsApiCall", "userIdentity": {"type": "AssumedRole"}}
        assert _matching(event) == {alarm}, name
    reads = {"eventName": READS[alarm], "eventSource": source, "eventType": "AwsApiCall", "userIdentity": {"type": "AssumedRole"}}
    assert _matching(reads) == set()


def test_aws_config_changes_need_the_config_event_source() -> None:
    pattern = _alarm("AwsConfigChanges")
    assert matches(pattern, {"eventName": "StopConfigurationRecorder", "eventSource": "config.amazonaws.com"})
    assert not matches(pattern, {"eventName": "StopConfigurationRecorder", "eventSource": "example.amazonaws.com"})


def test_the_evaluator_reads_the_existing_patterns_as_cis_means_them() -> None:
    """The evaluator agrees with the earlier alarms' intent too (root use, denied calls)."""
    root = {"eventName": "ListBuckets", "eventType": "AwsApiCall", "userIdentity": {"type": "Root"}}
    assert _matching(root) == {"RootAccountUse"}
    assert _matching({**root, "userIdentity": {"type": "Root", "invokedBy": "support.amazonaws.com"}}) == set()
    denied = {
        "eventName": "GetObject",
        "errorCode": "AccessDenied",
        "sourceIPAddress": "203.0.113.9",
        "eventType": "AwsApiCall",
        "userIdentity": {"type": "IAMUser"},
    }
    assert _matching(denied) == {"UnauthorizedApiCalls"}
    assert _matching({**denied, "eventName": "HeadBucket"}) == set()


# CIS AWS Foundations 4.15 ("Ensure AWS Organizations changes are monitored"): the Organizations calls its pattern counts.
CIS_ORGANIZATIONS_EVENTS = (
    "AcceptHandshake",
    "AttachPolicy",
    "CreateAccount",
    "CreateOrganizationalUnit",
    "CreatePolicy",
    "DeclineHandshake",
    "DeleteOrganization",
    "DeleteOrganizationalUnit",
    "DeletePolicy",
    "DetachPolicy",
    "DisablePolicyType",
    "EnablePolicyType",
    "InviteAccountToOrganization",
    "LeaveOrganization",
    "MoveAccount",
    "RemoveAccountFromOrganization",
    "UpdatePolicy",
    "UpdateOrganizationalUnit",
)


def _organizations_event(name: str, source: str = "organizations.amazonaws.com") -> dict[str, Any]:
    """A CloudTrail record of an Organizations call as the management account's admin makes it (abridged)."""
    return {
        "eventVersion": "1.08",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "eventType": "AwsApiCall",
        "sourceIPAddress": "198.51.100.7",
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/admin/alice"},
        "requestParameters": {"accountId": "444455556666", "destinationParentId": "ou-ab12-cdef3456"},
    }


@pytest.mark.parametrize("name", CIS_ORGANIZATIONS_EVENTS)
def test_organizations_changes_count_every_cis_4_15_event(name: str) -> None:
    # CIS 4.4's IAM pattern names no event source, so Organizations' CreatePolicy/DeletePolicy count there too (as CIS wrote it).
    also = {"IamPolicyChanges"} if name in ("CreatePolicy", "DeletePolicy") else set()
    assert _matching(_organizations_event(name)) == {"OrganizationsChanges", *also}


def test_organizations_changes_ignore_reads_and_same_named_calls_of_other_services() -> None:
    assert _matching(_organizations_event("DescribeOrganization")) == set()
    assert _matching(_organizations_event("ListAccounts")) == set()
    # IAM's own CreatePolicy / AttachPolicy-like calls share names with Organizations': 4.15 needs its event source.
    assert _matching(_organizations_event("CreatePolicy", source="iam.amazonaws.com")) == {"IamPolicyChanges"}
    assert _matching(_organizations_event("UpdatePolicy", source="fms.amazonaws.com")) == set()
    assert _matching(_organizations_event("MoveAccount", source="example.amazonaws.com")) == set()


def test_every_alarm_has_its_metric_namespace_statistic_and_threshold(fresh_stack: Any) -> None:
    from tests.unit.test_audit_trail import _stack_with_buckets, _trail

    audit, _ = _stack_with_buckets(fresh_stack)
    _trail(fresh_stack, audit, unauthorized_api_calls_threshold=7, console_signin_failures_threshold=4, change_alarm_threshold=2)
    synthesized = synth_json(fresh_stack)
    alarms = {a["metric_name"]: a for a in resources_of(synthesized, "aws_cloudwatch_metric_alarm").values()}
    filters = {f["metric_transformation"]["name"]: f for f in resources_of(synthesized, "aws_cloudwatch_log_metric_filter").values()}
    thresholds = {"unauthorized_api_calls_threshold": 7, "console_signin_failures_threshold": 4, "change_alarm_threshold": 2}
    assert len(SECURITY_ALARMS) == 15 and set(alarms) == set(filters) == {a.id for a in SECURITY_ALARMS}
    for spec in SECURITY_ALARMS:
        alarm, metric_filter = alarms[spec.id], filters[spec.id]
        assert (alarm["namespace"], alarm["statistic"], alarm["period"], alarm["evaluation_periods"]) == ("acme-dev/audit", "Sum", 300, 1), spec.id
        assert (alarm["threshold"], alarm["comparison_operator"]) == (thresholds[spec.threshold], "GreaterThanOrEqualToThreshold"), spec.id
        assert metric_filter["pattern"] == spec.pattern
        assert metric_filter["metric_transformation"] == {"name": spec.id, "namespace": "acme-dev/audit", "value": "1", "default_value": "0"}
    assert {a.id: a.threshold for a in SECURITY_ALARMS if a.threshold != "change_alarm_threshold"} == {
        "UnauthorizedApiCalls": "unauthorized_api_calls_threshold",
        "ConsoleSignInFailures": "console_signin_failures_threshold",
    }
