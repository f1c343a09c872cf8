"""Unit tests of the IAM policy evaluator in ``tests/access/iam_eval.py``.

Policies are modelled on the examples of the AWS documentation pages cited next to each test.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.access.iam_eval import (
    Decision,
    Principal,
    PrincipalMatch,
    Request,
    UnsupportedPolicy,
    action_matches,
    arn_matches,
    decide_kms,
    decide_same_account,
    decide_web_identity,
    evaluate,
    explain_kms,
    explain_same_account,
    match_policy,
    parse_policy,
    principal_matches,
    resource_matches,
)

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ROLE = Principal.role(ACCOUNT, "app")
OTHER_ROLE = Principal.role(ACCOUNT, "other")
FOREIGN_ROLE = Principal.role(OTHER_ACCOUNT, "partner")
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
BUCKET = "arn:aws:s3:::doc-bucket"
OBJECT = f"{BUCKET}/reports/2024/summary.pdf"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(condition: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """An identity-policy Allow of everything, narrowed by ``condition``/``extra``."""
    statement: dict[str, Any] = {"Sid": "Test", "Effect": "Allow", "Action": "*", "Resource": "*", **extra}
    if condition is not None:
        statement["Condition"] = condition
    return statement


def request(
    context: dict[str, Any] | None = None,
    *,
    action: str = "s3:GetObject",
    resource: str = OBJECT,
    principal: Principal = ROLE,
) -> Request:
    return Request(principal, action, resource, context or {})


def identity(statement: dict[str, Any], req: Request) -> str | None:
    return evaluate(policy(statement), req, resource_policy=False)


# ---------------------------------------------------------------------------------------------
# Condition operators ["IAM JSON policy elements: Condition operators"]
# ---------------------------------------------------------------------------------------------

# The page's string example: iam:*AccessKey* on users, if aws:PrincipalTag/job-category is iamuser-admin.
PRINCIPAL_TAG_POLICY = policy(
    {
        "Effect": "Allow",
        "Action": "iam:*AccessKey*",
        "Resource": f"arn:aws:iam::{ACCOUNT}:user/*",
        "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}},
    }
)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"aws:PrincipalTag/job-category": "iamuser-admin"}, "allow"),
        ({"aws:PrincipalTag/job-category": "IAMUSER-ADMIN"}, None),  # values are case-sensitive
        ({"aws:PrincipalTag/job-category": "dev"}, None),
        ({}, None),  # key absent: "the values do not match"
    ],
)
def test_string_equals_principal_tag(context: dict[str, Any], expected: str | None) -> None:
    req = request(context, action="iam:CreateAccessKey", resource=f"arn:aws:iam::{ACCOUNT}:user/alice")
    assert evaluate(PRINCIPAL_TAG_POLICY, req, resource_policy=False) == expected


def test_condition_keys_are_case_insensitive() -> None:
    req = request({"AWS:PRINCIPALTAG/JOB-CATEGORY": "iamuser-admin"}, action="iam:ListAccessKeys", resource=f"arn:aws:iam::{ACCOUNT}:user/bob")
    assert evaluate(PRINCIPAL_TAG_POLICY, req, resource_policy=False) == "allow"


def test_string_equals_ignore_case() -> None:
    statement = allow({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "Platform"}})
    assert identity(statement, request({"aws:PrincipalTag/team": "PLATFORM"})) == "allow"
    assert identity(statement, request({"aws:PrincipalTag/team": "platforms"})) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("home/alice/", "allow"), ("home/", "allow"), ("home", None), ("Home/alice", None), ("homeXY", None), ("home1", "allow")],
)
def test_string_like_wildcards(value: str, expected: str | None) -> None:
    # "*" any run (including "/"), "?" exactly one character, case-sensitive.
    statement = allow({"StringLike": {"s3:prefix": ["home/*", "home?"]}}, Action="s3:ListBucket")
    assert identity(statement, request({"s3:prefix": value}, action="s3:ListBucket", resource=BUCKET)) == expected


def test_string_like_question_mark_is_one_character() -> None:
    statement = allow({"StringLike": {"aws:PrincipalTag/cc": "cc-??"}})
    assert identity(statement, request({"aws:PrincipalTag/cc": "cc-12"})) == "allow"
    assert identity(statement, request({"aws:PrincipalTag/cc": "cc-123"})) is None


def test_string_not_like_missing_key_is_true() -> None:
    # "If the policy condition requires that the key is not matched, such as StringNotLike or
    # ArnNotLike, and the right key is not present, the condition is true."
    statement = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotLike": {"aws:userid": "AROA*"}}}
    assert identity(statement, request({})) == "deny"
    assert identity(statement, request({"aws:userid": "AROAEXAMPLE:session"})) is None
    assert identity(statement, request({"aws:userid": "AIDAEXAMPLE"})) == "deny"


# S3 user guide "Controlling access from VPC endpoints with bucket policies": Deny unless aws:SourceVpce.
VPCE_DENY = {
    "Sid": "Access-to-specific-VPCE-only",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [BUCKET, f"{BUCKET}/*"],
    "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
}


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({}, "deny"),  # negated operator, key absent -> true
        ({"aws:SourceVpce": "vpce-1a2b3c4d"}, None),
        ({"aws:SourceVpce": "vpce-9999"}, "deny"),
    ],
)
def test_string_not_equals_source_vpce(context: dict[str, Any], expected: str | None) -> None:
    assert evaluate(policy(VPCE_DENY), request(context), resource_policy=True) == expected


@pytest.mark.parametrize(("account", "expected"), [(ACCOUNT, None), (OTHER_ACCOUNT, None), ("999988887777", "deny")])
def test_negated_operator_with_several_values_is_nor(account: str, expected: str | None) -> None:
    # "If a single negated matching condition operator includes multiple values for a context
    # key, those values are evaluated using a logical NOR." ["Conditions with multiple context keys or values"]
    statement = {
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalAccount": [ACCOUNT, OTHER_ACCOUNT]}},
    }
    assert identity(statement, request({"aws:PrincipalAccount": account})) == expected


def test_string_not_equals_ignore_case() -> None:
    statement = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEqualsIgnoreCase": {"aws:RequestedRegion": "US-EAST-1"}}}
    assert identity(statement, request({"aws:RequestedRegion": "us-east-1"})) is None
    assert identity(statement, request({"aws:RequestedRegion": "eu-west-1"})) == "deny"
    assert identity(statement, request({})) == "deny"


# "...IfExists condition operators": the page's RunInstance/DescribeActions example.
INSTANCE_TYPE_POLICY = policy(
    {
        "Sid": "RunInstance",
        "Effect": "Allow",
        "Action": "ec2:RunInstances",
        "Resource": "*",
        "Condition": {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}},
    },
    {
        "Sid": "DescribeActions",
        "Effect": "Allow",
        "Action": ["ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeVpcs"],
        "Resource": "*",
    },
)
INSTANCE = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0123456789abcdef0"


@pytest.mark.parametrize(
    ("context", "expected"),
    [({}, "allow"), ({"ec2:InstanceType": "t2.micro"}, "allow"), ({"ec2:InstanceType": "c5.large"}, None)],
)
def test_string_like_if_exists(context: dict[str, Any], expected: str | None) -> None:
    req = request(context, action="ec2:RunInstances", resource=INSTANCE)
    assert evaluate(INSTANCE_TYPE_POLICY, req, resource_policy=False) == expected


def test_if_exists_on_negated_operator() -> None:
    statement = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}}
    assert identity(statement, request({})) == "deny"  # absent: IfExists -> true
    assert identity(statement, request({"aws:RequestedRegion": "us-east-1"})) is None
    assert identity(statement, request({"aws:RequestedRegion": "eu-west-1"})) == "deny"


# "...IfExists condition operators": deny unless MFA, also when the key is absent (long-term keys).
MFA_DENY = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}


@pytest.mark.parametrize(
    ("context", "expected"),
    [({}, "deny"), ({"aws:MultiFactorAuthPresent": False}, "deny"), ({"aws:MultiFactorAuthPresent": True}, None)],
)
def test_bool_if_exists_mfa(context: dict[str, Any], expected: str | None) -> None:
    assert identity(MFA_DENY, request(context)) == expected


# Null example of the condition operators page: aws:TokenIssueTime is absent for long-term credentials.
@pytest.mark.parametrize(
    ("null_value", "context", "expected"),
    [
        ("true", {}, "allow"),
        ("true", {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}, None),
        ("false", {}, None),
        ("false", {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}, "allow"),
        (True, {}, "allow"),  # a JSON boolean works like the string
    ],
)
def test_null(null_value: Any, context: dict[str, Any], expected: str | None) -> None:
    statement = allow({"Null": {"aws:TokenIssueTime": null_value}})
    assert identity(statement, request(context)) == expected


# S3 user guide "enforce encryption of data in transit": Deny when aws:SecureTransport is false.
SECURE_TRANSPORT_DENY = {
    "Sid": "AllowSSLRequestsOnly",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [BUCKET, f"{BUCKET}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"aws:SecureTransport": False}, "deny"),
        ({"aws:SecureTransport": "FALSE"}, "deny"),  # compared lower-cased
        ({"aws:SecureTransport": True}, None),
        ({}, None),  # plain Bool on an absent key is false: the Deny does not fire
    ],
)
def test_bool_secure_transport(context: dict[str, Any], expected: str | None) -> None:
    assert evaluate(policy(SECURE_TRANSPORT_DENY), request(context), resource_policy=True) == expected


# S3 user guide "Enforcing a minimum version of TLS": Deny when s3:TlsVersion < 1.2.
TLS_DENY = {
    "Sid": "EnforceTLSv12orHigher",
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "s3:*",
    "Resource": [BUCKET, f"{BUCKET}/*"],
    "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}},
}


@pytest.mark.parametrize(("tls", "expected"), [("1.1", "deny"), (1.0, "deny"), ("1.2", None), ("1.3", None), (None, None)])
def test_numeric_less_than_tls_version(tls: Any, expected: str | None) -> None:
    context = {} if tls is None else {"s3:TlsVersion": tls}
    assert evaluate(policy(TLS_DENY), request(context), resource_policy=True) == expected


@pytest.mark.parametrize(
    ("operator", "value", "matches"),
    [
        ("NumericEquals", "10", True),
        ("NumericEquals", "11", False),
        ("NumericNotEquals", "11", True),
        ("NumericNotEquals", "10", False),
        ("NumericLessThan", "10", False),
        ("NumericLessThanEquals", "10", True),
        ("NumericLessThanEquals", "9", False),
        ("NumericGreaterThan", "9.5", True),
        ("NumericGreaterThan", "10", False),
        ("NumericGreaterThanEquals", "10", True),
        ("NumericGreaterThanEquals", "10.5", False),
    ],
)
def test_numeric_operators(operator: str, value: str, matches: bool) -> None:
    # "s3:max-keys" example of the numeric operators: the context value is 10.
    statement = allow({operator: {"s3:max-keys": value}})
    assert (identity(statement, request({"s3:max-keys": "10"})) == "allow") is matches


def test_numeric_absent_key_and_if_exists() -> None:
    assert identity(allow({"NumericLessThanEquals": {"s3:max-keys": "10"}}), request({})) is None
    assert identity(allow({"NumericLessThanEqualsIfExists": {"s3:max-keys": "10"}}), request({})) == "allow"
    assert identity(allow({"NumericLessThanEqualsIfExists": {"s3:max-keys": "10"}}), request({"s3:max-keys": "11"})) is None
    assert identity(allow({"NumericNotEquals": {"s3:max-keys": "10"}}), request({})) == "allow"  # negated, absent


# CloudTrail's bucket policy pattern (confused-deputy protection with aws:SourceArn).
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit"


@pytest.mark.parametrize(
    ("source_arn", "expected"),
    [
        (TRAIL_ARN, "allow"),
        (f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/other", "allow"),
        (f"arn:aws:cloudtrail:us-east-1:{OTHER_ACCOUNT}:trail/audit", None),
        # each of the six components is matched separately: "*" cannot swallow the account
        (f"arn:aws:cloudtrail:us-east-1:{OTHER_ACCOUNT}:{ACCOUNT}:trail/audit", None),
        ("not-an-arn", None),
        (None, None),
    ],
)
def test_arn_like_source_arn(source_arn: str | None, expected: str | None) -> None:
    statement = {
        "Sid": "AWSCloudTrailWrite",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{BUCKET}/AWSLogs/{ACCOUNT}/*",
        "Condition": {
            "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"},
            "ArnLike": {"aws:SourceArn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"},
        },
    }
    context: dict[str, Any] = {"s3:x-amz-acl": "bucket-owner-full-control"}
    if source_arn is not None:
        context["aws:SourceArn"] = source_arn
    req = request(
        context,
        action="s3:PutObject",
        resource=f"{BUCKET}/AWSLogs/{ACCOUNT}/CloudTrail/x.json.gz",
        principal=Principal.service("cloudtrail.amazonaws.com"),
    )
    assert evaluate(policy(statement), req, resource_policy=True) == expected


def test_arn_like_versus_string_like_documented_example() -> None:
    # The ARN operators section: StringLike lets the first "*" swallow colons, ArnLike does not.
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    assert identity(allow({"StringLike": {"aws:SourceArn": pattern}}), request({"aws:SourceArn": value})) == "allow"
    assert identity(allow({"ArnLike": {"aws:SourceArn": pattern}}), request({"aws:SourceArn": value})) is None


def test_arn_equals_is_like_arn_like() -> None:
    # ArnEquals and ArnLike are documented with the same (wildcard, per-component) behaviour.
    statement = allow({"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:*:{ACCOUNT}:alerts"}})
    assert identity(statement, request({"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"})) == "allow"
    assert identity(statement, request({"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts2"})) is None


@pytest.mark.parametrize("operator", ["ArnNotEquals", "ArnNotLike"])
def test_negated_arn_operators(operator: str) -> None:
    statement = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {operator: {"aws:SourceArn": TRAIL_ARN}}}
    assert identity(statement, request({})) == "deny"  # negated, key absent -> true
    assert identity(statement, request({"aws:SourceArn": TRAIL_ARN})) is None
    assert identity(statement, request({"aws:SourceArn": TRAIL_ARN + "2"})) == "deny"


def test_arn_like_if_exists() -> None:
    statement = allow({"ArnLikeIfExists": {"aws:SourceArn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"}})
    assert identity(statement, request({})) == "allow"
    assert identity(statement, request({"aws:SourceArn": TRAIL_ARN})) == "allow"
    assert identity(statement, request({"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:x"})) is None


# ---------------------------------------------------------------------------------------------
# Combining conditions ["Conditions with multiple context keys or values"]
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("team", "expected"), [("a", "allow"), ("b", "allow"), ("c", None)])
def test_values_of_one_key_are_ored(team: str, expected: str | None) -> None:
    assert identity(allow({"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}), request({"aws:PrincipalTag/team": team})) == expected


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"aws:PrincipalTag/team": "a", "aws:RequestedRegion": "us-east-1"}, "allow"),
        ({"aws:PrincipalTag/team": "a", "aws:RequestedRegion": "eu-west-1"}, None),
        ({"aws:PrincipalTag/team": "a"}, None),
        ({"aws:RequestedRegion": "us-east-1"}, None),
    ],
)
def test_keys_of_one_operator_are_anded(context: dict[str, Any], expected: str | None) -> None:
    condition = {"StringEquals": {"aws:PrincipalTag/team": "a", "aws:RequestedRegion": "us-east-1"}}
    assert identity(allow(condition), request(context)) == expected


@pytest.mark.parametrize(("secure", "expected"), [(True, "allow"), (False, None)])
def test_operators_are_anded(secure: bool, expected: str | None) -> None:
    condition = {"StringEquals": {"aws:PrincipalTag/team": "a"}, "Bool": {"aws:SecureTransport": "true"}}
    assert identity(allow(condition), request({"aws:PrincipalTag/team": "a", "aws:SecureTransport": secure})) == expected


# "Single-valued vs. multivalued context keys": set operators on aws:TagKeys.
@pytest.mark.parametrize(
    ("operator", "tag_keys", "expected"),
    [
        ("ForAllValues:StringEquals", ("environment",), "allow"),
        ("ForAllValues:StringEquals", ("environment", "cost-center"), "allow"),
        ("ForAllValues:StringEquals", ("environment", "owner"), None),
        ("ForAllValues:StringEquals", None, "allow"),  # no key in the request -> true
        ("ForAnyValue:StringEquals", ("environment", "owner"), "allow"),
        ("ForAnyValue:StringEquals", ("owner",), None),
        ("ForAnyValue:StringEquals", None, None),  # no key in the request -> false
        ("ForAnyValue:StringLike", ("cost", "owner"), None),
        ("ForAnyValue:StringLike", ("cost-center",), "allow"),
    ],
)
def test_set_operators(operator: str, tag_keys: tuple[str, ...] | None, expected: str | None) -> None:
    values = ["environment", "cost-*"] if "Like" in operator else ["environment", "cost-center"]
    context = {} if tag_keys is None else {"aws:TagKeys": tag_keys}
    assert identity(allow({operator: {"aws:TagKeys": values}}), request(context)) == expected


def test_multivalued_key_with_plain_operator_raises() -> None:
    with pytest.raises(UnsupportedPolicy, match="ForAnyValue"):
        identity(allow({"StringEquals": {"aws:TagKeys": "environment"}}), request({"aws:TagKeys": ("environment",)}))


# ---------------------------------------------------------------------------------------------
# Action, NotAction, Resource ["IAM JSON policy elements: Action / NotAction / Resource"]
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("s3:*", "s3:GetObject", True),
        ("S3:GETOBJECT", "s3:getobject", True),
        ("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", True),
        ("kms:GenerateDataKey*", "KMS:generatedatakey", True),
        ("kms:GenerateDataKey*", "kms:Decrypt", False),
        ("iam:*AccessKey*", "iam:UpdateAccessKey", True),
        ("s3:Get?bject", "s3:GetObject", True),
        ("s3:Get?bject", "s3:GetObjectAcl", False),
        ("*", "sts:AssumeRole", True),
        ("s3:*", "s3express:CreateSession", False),
    ],
)
def test_action_matching(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(("action", "expected"), [("s3:GetObject", "deny"), ("iam:ListUsers", None), ("sts:GetCallerIdentity", None)])
def test_not_action(action: str, expected: str | None) -> None:
    # "IAM JSON policy elements: NotAction": the statement applies to every action not listed.
    statement = {"Effect": "Deny", "NotAction": ["iam:*", "sts:GetCallerIdentity"], "Resource": "*"}
    assert identity(statement, request(action=action)) == expected


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        (f"{BUCKET}/*", OBJECT, True),  # "*" spans "/"
        (f"{BUCKET}/*", BUCKET, False),
        (f"{BUCKET}/*", "arn:aws:s3:::doc-bucket-2/x", False),
        ("arn:aws:s3:::doc-bucket*", "arn:aws:s3:::doc-bucket-2/x", True),
        ("arn:aws:s3:::Doc-Bucket/*", OBJECT, False),  # case-sensitive
        ("arn:aws:s3:::doc-bucke?/reports/*", OBJECT, True),
        ("*", OBJECT, True),
        (f"arn:aws:kms:*:{ACCOUNT}:key/*", KEY, True),
        (f"arn:aws:kms:*:{OTHER_ACCOUNT}:key/*", KEY, False),
        (f"arn:aws:logs:*:{ACCOUNT}:log-group:app:*", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:app:log-stream:s1", True),
    ],
)
def test_resource_matching(pattern: str, resource: str, expected: bool) -> None:
    assert resource_matches(pattern, resource) is expected


def test_resource_element_limits_statement() -> None:
    statement = allow(Resource=f"{BUCKET}/reports/*")
    assert identity(statement, request(resource=OBJECT)) == "allow"
    assert identity(statement, request(resource=f"{BUCKET}/other/x")) is None


def test_arn_matches_component_wise() -> None:
    assert arn_matches("arn:aws:iam::*:role/app", f"arn:aws:iam::{ACCOUNT}:role/app") is True
    assert arn_matches("arn:aws:iam::*:role/app", f"arn:aws:iam::{ACCOUNT}:role/app2") is False


# ---------------------------------------------------------------------------------------------
# Principals ["AWS JSON policy elements: Principal"]
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "principal", "expected"),
    [
        ("*", Principal.anonymous(), PrincipalMatch.DIRECT),
        ({"AWS": "*"}, Principal.anonymous(), PrincipalMatch.DIRECT),
        ({"AWS": "*"}, Principal.service("cloudtrail.amazonaws.com"), PrincipalMatch.DIRECT),
        ({"AWS": ROOT_ARN}, Principal.anonymous(), PrincipalMatch.NONE),
        ({"AWS": ROOT_ARN}, ROLE, PrincipalMatch.ACCOUNT),
        ({"AWS": ACCOUNT}, ROLE, PrincipalMatch.ACCOUNT),
        ({"AWS": ROOT_ARN}, Principal.root(ACCOUNT), PrincipalMatch.DIRECT),
        ({"AWS": ROOT_ARN}, FOREIGN_ROLE, PrincipalMatch.NONE),
        ({"AWS": ROLE.id}, ROLE, PrincipalMatch.DIRECT),
        ({"AWS": [OTHER_ROLE.id, ROLE.id]}, ROLE, PrincipalMatch.DIRECT),
        ({"AWS": ROLE.id}, OTHER_ROLE, PrincipalMatch.NONE),
        ({"AWS": [ROOT_ARN, ROLE.id]}, ROLE, PrincipalMatch.DIRECT),
        ({"Service": "cloudtrail.amazonaws.com"}, Principal.service("cloudtrail.amazonaws.com"), PrincipalMatch.DIRECT),
        ({"Service": "cloudtrail.amazonaws.com"}, Principal.service("config.amazonaws.com"), PrincipalMatch.NONE),
        ({"Service": "cloudtrail.amazonaws.com"}, Principal.anonymous(), PrincipalMatch.NONE),
        ({"Service": ["logs.amazonaws.com"], "AWS": ROLE.id}, ROLE, PrincipalMatch.DIRECT),
    ],
)
def test_principal_matching(element: Any, principal: Principal, expected: PrincipalMatch) -> None:
    statement = {"Effect": "Allow", "Principal": element, "Action": "s3:GetObject", "Resource": OBJECT}
    (parsed,) = parse_policy(policy(statement), resource_policy=True)
    assert parsed.principal is not None
    assert principal_matches(parsed.principal, principal) is expected


def test_anonymous_only_matches_star() -> None:
    anonymous = request(principal=Principal.anonymous())
    public = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"}
    account_only = {**public, "Principal": {"AWS": ROOT_ARN}}
    role_only = {**public, "Principal": {"AWS": ROLE.id}}
    assert evaluate(policy(public), anonymous, resource_policy=True) == "allow"
    assert evaluate(policy(account_only), anonymous, resource_policy=True) is None
    assert evaluate(policy(role_only), anonymous, resource_policy=True) is None
    for bucket_policy, expected in ((public, Decision.ALLOW), (account_only, Decision.IMPLICIT_DENY)):
        decision = decide_same_account(anonymous, resource_policy=policy(bucket_policy), identity_policies=[], resource_account=ACCOUNT)
        assert decision is expected


def test_principal_model_validation() -> None:
    with pytest.raises(ValueError, match="does not match"):
        Principal("AWS", ROLE.id, OTHER_ACCOUNT)
    with pytest.raises(ValueError, match="IAM role, user or root ARN"):
        Principal("AWS", f"arn:aws:sts::{ACCOUNT}:assumed-role/app/session", ACCOUNT)
    with pytest.raises(ValueError, match="differ only in case"):
        Request(ROLE, "s3:GetObject", OBJECT, {"aws:SecureTransport": True, "AWS:SecureTransport": True})


# ---------------------------------------------------------------------------------------------
# Policy evaluation logic ["Policy evaluation logic"]
# ---------------------------------------------------------------------------------------------


def test_explicit_deny_beats_allow_in_one_policy() -> None:
    document = policy(
        {"Sid": "AllowAll", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Sid": "DenyDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
    )
    assert evaluate(document, request(action="s3:DeleteObject"), resource_policy=False) == "deny"
    assert evaluate(document, request(action="s3:GetObject"), resource_policy=False) == "allow"
    assert match_policy(document, request(action="s3:DeleteObject"), resource_policy=False).denies == ("DenyDelete",)


def test_explicit_deny_beats_allow_across_policies() -> None:
    bucket_policy = policy({"Sid": "AllowRole", "Effect": "Allow", "Principal": {"AWS": ROLE.id}, "Action": "s3:*", "Resource": f"{BUCKET}/*"})
    role_policy = policy({"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"})
    explanation = explain_same_account(
        request(action="s3:DeleteObject"), resource_policy=bucket_policy, identity_policies=[role_policy], resource_account=ACCOUNT
    )
    assert explanation.decision is Decision.EXPLICIT_DENY
    assert explanation.statements == ("identity_policies[0]:NoDeletes",)


def test_single_statement_dict_and_json_text() -> None:
    document = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}
    assert evaluate(document, request(), resource_policy=False) == "allow"
    assert evaluate('{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}', request(), resource_policy=False) == "allow"


def test_bucket_root_delegation_alone_does_not_allow_a_role() -> None:
    bucket_policy = policy({"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "s3:*", "Resource": f"{BUCKET}/*"})
    role_policy = policy({"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"})
    req = request()
    assert evaluate(bucket_policy, req, resource_policy=True) is None
    assert match_policy(bucket_policy, req, resource_policy=True).delegations == ("Account",)
    assert decide_same_account(req, resource_policy=bucket_policy, identity_policies=[], resource_account=ACCOUNT) is Decision.IMPLICIT_DENY
    assert decide_same_account(req, resource_policy=bucket_policy, identity_policies=[role_policy], resource_account=ACCOUNT) is Decision.ALLOW


def test_assuming_a_role_of_the_same_account_needs_its_trust_policy() -> None:
    # ["IAM roles: how roles differ from resource-based policies"]: within one account an identity policy alone
    # allows a request on a resource, but not sts:AssumeRole: the role's trust policy must name the caller, or name
    # the account (then the caller's identity policy must allow as well).
    target = f"arn:aws:iam::{ACCOUNT}:role/deployer"
    assume = request(action="sts:AssumeRole", resource=target)
    may_assume = policy({"Sid": "Assume", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": target})
    names_caller = policy({"Sid": "Caller", "Effect": "Allow", "Principal": {"AWS": ROLE.id}, "Action": "sts:AssumeRole"})
    names_account = policy({"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "sts:AssumeRole"})
    names_other = policy({"Sid": "Other", "Effect": "Allow", "Principal": {"AWS": OTHER_ROLE.id}, "Action": "sts:AssumeRole"})

    def decide(trust: dict[str, Any] | None, identities: list[dict[str, Any]]) -> Decision:
        return decide_same_account(assume, resource_policy=trust, identity_policies=identities, resource_account=ACCOUNT)

    assert decide(names_other, [may_assume]) is Decision.IMPLICIT_DENY
    assert decide(None, [may_assume]) is Decision.IMPLICIT_DENY
    assert decide(names_caller, []) is Decision.ALLOW
    assert decide(names_account, []) is Decision.IMPLICIT_DENY
    assert decide(names_account, [may_assume]) is Decision.ALLOW
    # Any other request in the account is still allowed by the identity policy alone.
    assert decide_same_account(request(), resource_policy=None, identity_policies=[policy(allow())], resource_account=ACCOUNT) is Decision.ALLOW


def test_same_account_identity_allow_suffices_without_bucket_policy() -> None:
    role_policy = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"})
    assert decide_same_account(request(), resource_policy=None, identity_policies=[role_policy], resource_account=ACCOUNT) is Decision.ALLOW
    assert (
        decide_same_account(request(action="s3:PutObject"), resource_policy=None, identity_policies=[role_policy], resource_account=ACCOUNT)
        is Decision.IMPLICIT_DENY
    )


def test_same_account_bucket_policy_naming_the_role_suffices() -> None:
    bucket_policy = policy({"Sid": "App", "Effect": "Allow", "Principal": {"AWS": ROLE.id}, "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"})
    assert decide_same_account(request(), resource_policy=bucket_policy, identity_policies=[], resource_account=ACCOUNT) is Decision.ALLOW
    assert (
        decide_same_account(request(principal=OTHER_ROLE), resource_policy=bucket_policy, identity_policies=[], resource_account=ACCOUNT)
        is Decision.IMPLICIT_DENY
    )


def test_service_principal_allowed_by_bucket_policy() -> None:
    bucket_policy = policy(
        {"Sid": "Trail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": f"{BUCKET}/*"}
    )
    trail = request(action="s3:PutObject", principal=Principal.service("cloudtrail.amazonaws.com"))
    config = request(action="s3:PutObject", principal=Principal.service("config.amazonaws.com"))
    assert decide_same_account(trail, resource_policy=bucket_policy, identity_policies=[], resource_account=ACCOUNT) is Decision.ALLOW
    assert decide_same_account(config, resource_policy=bucket_policy, identity_policies=[], resource_account=ACCOUNT) is Decision.IMPLICIT_DENY
    with pytest.raises(ValueError, match="no identity-based policies"):
        decide_same_account(trail, resource_policy=bucket_policy, identity_policies=[policy(allow())], resource_account=ACCOUNT)


def test_bucket_deny_to_account_covers_its_roles() -> None:
    bucket_policy = policy({"Sid": "NoAccount", "Effect": "Deny", "Principal": {"AWS": ACCOUNT}, "Action": "s3:*", "Resource": f"{BUCKET}/*"})
    role_policy = policy(allow())
    assert decide_same_account(request(), resource_policy=bucket_policy, identity_policies=[role_policy], resource_account=ACCOUNT) is Decision.EXPLICIT_DENY


def test_cross_account_needs_both_sides() -> None:
    bucket_policy = policy(
        {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}, "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"}
    )
    partner_policy = policy({"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"})
    req = request(principal=FOREIGN_ROLE)
    assert decide_same_account(req, resource_policy=bucket_policy, identity_policies=[partner_policy], resource_account=ACCOUNT) is Decision.ALLOW
    assert decide_same_account(req, resource_policy=bucket_policy, identity_policies=[], resource_account=ACCOUNT) is Decision.IMPLICIT_DENY
    assert decide_same_account(req, resource_policy=None, identity_policies=[partner_policy], resource_account=ACCOUNT) is Decision.IMPLICIT_DENY


# ---------------------------------------------------------------------------------------------
# KMS ["Key policies in AWS KMS"; "Default key policy"]
# ---------------------------------------------------------------------------------------------

ENABLE_IAM = {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "kms:*", "Resource": "*"}
KMS_USE = {"Sid": "UseKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": KEY}


def kms_request(principal: Principal = ROLE, action: str = "kms:Decrypt", context: dict[str, Any] | None = None) -> Request:
    return Request(principal, action, KEY, context or {})


def test_kms_root_delegation_plus_iam_allow_allows() -> None:
    explanation = explain_kms(kms_request(), key_policy=policy(ENABLE_IAM), identity_policies=[policy(KMS_USE)], key_account=ACCOUNT)
    assert explanation.decision is Decision.ALLOW
    assert explanation.statements == ("key_policy:Enable IAM User Permissions", "identity_policies[0]:UseKey")


def test_kms_root_delegation_without_iam_allow_is_implicit_deny() -> None:
    decision = decide_kms(kms_request(), key_policy=policy(ENABLE_IAM), identity_policies=[], key_account=ACCOUNT)
    assert decision is Decision.IMPLICIT_DENY
    other = decide_kms(kms_request(action="kms:ScheduleKeyDeletion"), key_policy=policy(ENABLE_IAM), identity_policies=[policy(KMS_USE)], key_account=ACCOUNT)
    assert other is Decision.IMPLICIT_DENY


def test_kms_iam_allow_without_key_policy_delegation_is_implicit_deny() -> None:
    key_policy = policy({"Sid": "AdminsOnly", "Effect": "Allow", "Principal": {"AWS": OTHER_ROLE.id}, "Action": "kms:*", "Resource": "*"})
    explanation = explain_kms(kms_request(), key_policy=key_policy, identity_policies=[policy(KMS_USE)], key_account=ACCOUNT)
    assert explanation.decision is Decision.IMPLICIT_DENY
    assert explanation.statements == ("identity_policies[0]:UseKey",)


def test_kms_delegation_must_match_action_and_conditions() -> None:
    # The root statement enables IAM policies only for the requests it matches.
    key_policy = policy(
        {
            "Sid": "ViaS3Only",
            "Effect": "Allow",
            "Principal": {"AWS": ROOT_ARN},
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
        }
    )
    iam = [policy(KMS_USE)]
    via_s3 = kms_request(context={"kms:ViaService": "s3.us-east-1.amazonaws.com"})
    assert decide_kms(via_s3, key_policy=key_policy, identity_policies=iam, key_account=ACCOUNT) is Decision.ALLOW
    assert decide_kms(kms_request(), key_policy=key_policy, identity_policies=iam, key_account=ACCOUNT) is Decision.IMPLICIT_DENY
    generate = kms_request(action="kms:GenerateDataKey", context={"kms:ViaService": "s3.us-east-1.amazonaws.com"})
    assert decide_kms(generate, key_policy=key_policy, identity_policies=iam, key_account=ACCOUNT) is Decision.IMPLICIT_DENY


def test_kms_key_policy_naming_role_directly_needs_no_iam() -> None:
    key_policy = policy({"Sid": "App", "Effect": "Allow", "Principal": {"AWS": ROLE.id}, "Action": "kms:Decrypt", "Resource": "*"})
    assert decide_kms(kms_request(), key_policy=key_policy, identity_policies=[], key_account=ACCOUNT) is Decision.ALLOW


def test_kms_service_principal_allowed_directly() -> None:
    key_policy = policy(
        ENABLE_IAM,
        {
            "Sid": "Allow CloudTrail to encrypt logs",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"}},
        },
    )
    trail = Principal.service("cloudtrail.amazonaws.com")
    good = kms_request(trail, "kms:GenerateDataKey", {"kms:EncryptionContext:aws:cloudtrail:arn": TRAIL_ARN})
    bad = kms_request(trail, "kms:GenerateDataKey", {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:us-east-1:999988887777:trail/x"})
    assert decide_kms(good, key_policy=key_policy, identity_policies=[], key_account=ACCOUNT) is Decision.ALLOW
    assert decide_kms(bad, key_policy=key_policy, identity_policies=[], key_account=ACCOUNT) is Decision.IMPLICIT_DENY
    assert decide_kms(kms_request(trail), key_policy=key_policy, identity_policies=[], key_account=ACCOUNT) is Decision.IMPLICIT_DENY


def test_kms_root_user_allowed_by_root_statement() -> None:
    assert decide_kms(kms_request(Principal.root(ACCOUNT)), key_policy=policy(ENABLE_IAM), identity_policies=[], key_account=ACCOUNT) is Decision.ALLOW


def test_kms_deny_anywhere_wins() -> None:
    key_policy = policy(
        ENABLE_IAM,
        {
            "Sid": "DenyDecryptOutsideS3",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
        },
    )
    explanation = explain_kms(kms_request(), key_policy=key_policy, identity_policies=[policy(KMS_USE)], key_account=ACCOUNT)
    assert explanation.decision is Decision.EXPLICIT_DENY
    assert explanation.statements == ("key_policy:DenyDecryptOutsideS3",)
    assert "EXPLICIT_DENY" in str(explanation)
    iam_deny = policy({"Sid": "NoDecrypt", "Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"})
    decision = decide_kms(kms_request(), key_policy=policy(ENABLE_IAM), identity_policies=[policy(KMS_USE), iam_deny], key_account=ACCOUNT)
    assert decision is Decision.EXPLICIT_DENY


def test_kms_cross_account() -> None:
    # "Allowing users in other accounts to use a KMS key": key policy names the other account,
    # and that account's IAM policies must allow too.
    key_policy = policy(
        ENABLE_IAM,
        {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}, "Action": "kms:Decrypt", "Resource": "*"},
    )
    req = kms_request(FOREIGN_ROLE)
    assert decide_kms(req, key_policy=key_policy, identity_policies=[policy(KMS_USE)], key_account=ACCOUNT) is Decision.ALLOW
    assert decide_kms(req, key_policy=key_policy, identity_policies=[], key_account=ACCOUNT) is Decision.IMPLICIT_DENY
    assert decide_kms(req, key_policy=policy(ENABLE_IAM), identity_policies=[policy(KMS_USE)], key_account=ACCOUNT) is Decision.IMPLICIT_DENY


# ---------------------------------------------------------------------------------------------
# Unsupported shapes raise
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "resource_policy", "message"),
    [
        ({"Effect": "Deny", "NotPrincipal": {"AWS": ROLE.id}, "Action": "s3:*", "Resource": "*"}, True, "NotPrincipal"),
        ({"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET}/*"}, False, "NotResource"),
        (allow({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}), False, "DateGreaterThan"),
        (allow({"IpAddress": {"aws:SourceIp": "203.0.113.0/33"}}), False, "not an IP address or CIDR"),
        (allow({"ForAnyValue:IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}), False, "set operator"),
        ({"Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/corp"}, "Action": "sts:*", "Resource": "*"}, True, "Federated"),
        (allow({"NullIfExists": {"aws:TokenIssueTime": "true"}}), False, "NullIfExists"),
        (allow({"ForAnyValue:StringNotEquals": {"aws:TagKeys": "x"}}), False, "set operator"),
        (allow({"ForAllValues:StringEqualsIfExists": {"aws:TagKeys": "x"}}), False, "set operator"),
        (allow({"stringequals": {"aws:PrincipalTag/team": "a"}}), False, "stringequals"),
        (allow(Resource=f"{BUCKET}/home/${{aws:username}}/*"), False, "policy variables"),
        (allow({"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}}), False, "policy variables"),
        ({"Effect": "Allow", "Principal": {"AWS": ROLE.id}, "Action": "s3:*", "Resource": "*"}, False, "identity-based"),
        ({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, True, "needs a Principal"),
        ({"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "s3:*", "Resource": "*"}, True, "Federated"),
        ({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/app-*"}, "Action": "s3:*", "Resource": "*"}, True, "not understood"),
        ({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s"}, "Action": "s3:*", "Resource": "*"}, True, "not understood"),
        ({"Effect": "Allow", "Principal": "AWS", "Action": "s3:*", "Resource": "*"}, True, "Principal must be"),
        ({"Effect": "allow", "Action": "s3:*", "Resource": "*"}, False, "Effect"),
        ({"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"}, False, "exactly one of Action"),
        ({"Effect": "Allow", "Action": "s3:*"}, False, "needs a Resource"),
        ({"Effect": "Allow", "Action": "s3:*", "Resource": "doc-bucket/*"}, False, "six-part ARN"),
        (allow({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*"}}), False, "six ARN components"),
        (allow({"NumericLessThan": {"s3:TlsVersion": "one"}}), False, "not a number"),
        (allow({"Bool": {"aws:SecureTransport": "yes"}}), False, "'true' or 'false'"),
        (allow({"StringEquals": {"aws:PrincipalTag/n": 5}}), False, "JSON number"),
    ],
)
def test_unsupported_policy_raises(statement: dict[str, Any], resource_policy: bool, message: str) -> None:
    with pytest.raises(UnsupportedPolicy, match=message):
        evaluate(policy(statement), request(), resource_policy=resource_policy)


def test_unsupported_statement_raises_even_when_it_does_not_apply() -> None:
    document = policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Action": "ec2:*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2020-01-01"}}},
    )
    with pytest.raises(UnsupportedPolicy, match="DateLessThan"):
        evaluate(document, request(), resource_policy=False)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"Version": "2012-10-17", "Statement": [], "Extra": 1}, "Extra"),
        ({"Version": "2021-01-01", "Statement": [allow()]}, "Version"),
        ({"Version": "2012-10-17", "Statement": []}, "Statement"),
        ({"Version": "2012-10-17"}, "Statement"),
    ],
)
def test_unsupported_policy_document_raises(document: dict[str, Any], message: str) -> None:
    with pytest.raises(UnsupportedPolicy, match=message):
        evaluate(document, request(), resource_policy=False)


def test_root_user_requests_are_not_modelled_for_s3() -> None:
    with pytest.raises(ValueError, match="root user"):
        decide_same_account(request(principal=Principal.root(ACCOUNT)), resource_policy=None, identity_policies=[], resource_account=ACCOUNT)


# ---------------------------------------------------------------------------------------------
# IP address conditions ("IAM JSON policy elements: Condition operators", IP address operators;
# "AWS: Denies access to AWS based on the source IP")
# ---------------------------------------------------------------------------------------------

DENY_OUTSIDE_RANGES = {
    "Sid": "DenyOutsideRanges",
    "Effect": "Deny",
    "Action": "*",
    "Resource": "*",
    "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}, "Bool": {"aws:ViaAWSService": "false"}},
}
"""The documented example, with the aws:ViaAWSService exemption of its earlier revision (requests AWS services make for the principal)."""


@pytest.mark.parametrize(
    ("source", "via_service", "expected"),
    [
        ("203.0.113.7", False, Decision.ALLOW),
        ("192.0.2.255", False, Decision.ALLOW),
        ("198.51.100.7", False, Decision.EXPLICIT_DENY),
        (None, False, Decision.EXPLICIT_DENY),  # no aws:SourceIp (a VPC endpoint): NotIpAddress holds, the Deny applies
        ("198.51.100.7", True, Decision.ALLOW),  # made by an AWS service for the principal: not denied
        ("2001:db8::1", False, Decision.EXPLICIT_DENY),  # another IP version matches no listed range
    ],
)
def test_deny_outside_source_ranges(source: str | None, via_service: bool, expected: Decision) -> None:
    context: dict[str, Any] = {"aws:ViaAWSService": via_service}
    if source is not None:
        context["aws:SourceIp"] = source
    identity = [policy({"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"}), policy(DENY_OUTSIDE_RANGES)]
    assert decide_same_account(request(context), resource_policy=None, identity_policies=identity, resource_account=ACCOUNT) is expected


@pytest.mark.parametrize(
    ("operator", "value", "source", "expected"),
    [
        ("IpAddress", "203.0.113.5", "203.0.113.5", True),  # a bare address is a /32
        ("IpAddress", "203.0.113.5", "203.0.113.6", False),
        ("IpAddress", "2001:db8::/32", "2001:db8:1::1", True),
        ("IpAddressIfExists", "203.0.113.0/24", None, True),
        ("IpAddress", "203.0.113.0/24", None, False),
        ("NotIpAddress", "203.0.113.0/24", "203.0.113.9", False),
    ],
)
def test_ip_address_operators(operator: str, value: str, source: str | None, expected: bool) -> None:
    context = {} if source is None else {"aws:SourceIp": source}
    assert (evaluate(policy(allow({operator: {"aws:SourceIp": value}})), request(context), resource_policy=False) == "allow") is expected


# ---------------------------------------------------------------------------------------------
# Web identity federation ("Create a role for OpenID Connect federation"; HCP Terraform's
# "Dynamic credentials with the AWS provider" trust policy)
# ---------------------------------------------------------------------------------------------

PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/app.terraform.io"
DEPLOY_ROLE = f"arn:aws:iam::{ACCOUNT}:role/deploy"
TRUST = policy(
    {
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {"app.terraform.io:aud": "aws.workload.identity"},
            "StringLike": {"app.terraform.io:sub": "organization:acme:project:*:workspace:prod:run_phase:apply"},
        },
    }
)


def claims(sub: str, aud: str = "aws.workload.identity") -> dict[str, str]:
    return {"app.terraform.io:sub": sub, "app.terraform.io:aud": aud}


@pytest.mark.parametrize(
    ("provider", "token", "expected"),
    [
        (PROVIDER, claims("organization:acme:project:Default Project:workspace:prod:run_phase:apply"), Decision.ALLOW),
        (PROVIDER, claims("organization:acme:project:Default Project:workspace:prod:run_phase:plan"), Decision.IMPLICIT_DENY),
        (PROVIDER, claims("organization:acme:project:Default Project:workspace:staging:run_phase:apply"), Decision.IMPLICIT_DENY),
        (PROVIDER, claims("organization:acme:project:Default Project:workspace:prod:run_phase:apply", "sts.amazonaws.com"), Decision.IMPLICIT_DENY),
        (
            f"arn:aws:iam::{OTHER_ACCOUNT}:oidc-provider/app.terraform.io",
            claims("organization:acme:project:p:workspace:prod:run_phase:apply"),
            Decision.IMPLICIT_DENY,
        ),
    ],
)
def test_web_identity_trust(provider: str, token: dict[str, str], expected: Decision) -> None:
    assert decide_web_identity(TRUST, provider_arn=provider, role_arn=DEPLOY_ROLE, claims=token) is expected


def test_a_federated_principal_is_not_an_aws_principal() -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": ROOT_ARN}, "Action": "sts:AssumeRoleWithWebIdentity"}
    token = claims("organization:acme:project:p:workspace:prod:run_phase:apply")
    assert decide_web_identity(policy(statement), provider_arn=PROVIDER, role_arn=DEPLOY_ROLE, claims=token) is Decision.IMPLICIT_DENY
    assert principal_matches(parse_policy(TRUST, resource_policy=True)[0].principal, ROLE) is PrincipalMatch.NONE  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="OIDC provider ARN"):
        Principal.web_identity("accounts.google.com")
