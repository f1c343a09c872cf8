"""AccountBaseline: CIS password policy, the require-MFA policy and the human admin group."""

from __future__ import annotations

import re
from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json


def _baseline(stack: Any, **overrides: Any) -> Any:
    from constructs_lib import AccountBaseline, AccountBaselineProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region="us-east-1")
    return AccountBaseline(stack, "Account", AccountBaselineProps(**{"name_prefix": "acme-prod", "admin_group_name": "acme-prod-admins", **overrides}))


def test_password_policy_has_the_cis_values(fresh_stack: Any) -> None:
    _baseline(fresh_stack)
    (policy,) = resources_of(synth_json(fresh_stack), "aws_iam_account_password_policy").values()
    assert {k: v for k, v in policy.items() if k != "//"} == {
        "minimum_password_length": 14,
        "password_reuse_prevention": 24,
        "max_password_age": 90,
        "require_uppercase_characters": True,
        "require_lowercase_characters": True,
        "require_numbers": True,
        "require_symbols": True,
        "allow_users_to_change_password": True,
        "hard_expiry": False,
    }


def test_require_mfa_policy_denies_everything_but_mfa_setup_without_mfa(fresh_stack: Any) -> None:
    from constructs_lib.operations.account_baseline import MFA_SETUP_ACTIONS

    _baseline(fresh_stack)
    synthesized = synth_json(fresh_stack)
    (policy,) = resources_of(synthesized, "aws_iam_policy").values()
    assert (policy["name"], policy["path"]) == ("acme-prod-require-mfa", "/platform/")
    (document,) = synthesized["data"]["aws_iam_policy_document"].values()
    statements = {s["sid"]: s for s in document["statement"]}
    deny = statements["DenyAllExceptListedIfNoMFA"]
    assert (deny["effect"], deny["resources"], deny["not_actions"]) == ("Deny", ["*"], list(MFA_SETUP_ACTIONS))
    assert deny["condition"] == [{"test": "BoolIfExists", "variable": "aws:MultiFactorAuthPresent", "values": ["false"]}]
    # Devices under any name (the user names them), bound to the own user only: &{aws:username} is the document's ${aws:username}.
    assert statements["AllowCreateVirtualMFADevice"]["resources"][0].endswith(":mfa/*")
    assert statements["AllowManageOwnUserMFA"]["resources"][0].endswith(":user/&{aws:username}")
    assert "iam:GetMFADevice" in statements["AllowManageOwnUserMFA"]["actions"]
    assert "iam:DeactivateMFADevice" not in deny["not_actions"]  # removing MFA needs MFA


def test_admin_group_gets_the_require_mfa_policy(fresh_stack: Any) -> None:
    _baseline(fresh_stack)
    synthesized = synth_json(fresh_stack)
    (group,) = resources_of(synthesized, "aws_iam_group").values()
    (attachment,) = resources_of(synthesized, "aws_iam_group_policy_attachment").values()
    assert (group["name"], group["path"]) == ("acme-prod-admins", "/humans/")
    assert re.fullmatch(r"\$\{aws_iam_group\.Account_AdminGroup_[0-9A-F]{8}\.name\}", attachment["group"])
    assert re.fullmatch(r"\$\{aws_iam_policy\.Account_RequireMfa_[0-9A-F]{8}\.arn\}", attachment["policy_arn"])


def test_without_group_or_password_policy(fresh_stack: Any) -> None:
    baseline = _baseline(fresh_stack, admin_group_name=None, manage_password_policy=False)
    synthesized = synth_json(fresh_stack)
    assert resources_of(synthesized, "aws_iam_group") == resources_of(synthesized, "aws_iam_account_password_policy") == {}
    assert baseline.require_mfa_policy_arn.startswith("${TfToken[")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_password_length": 8}, "min_password_length must be 14..128 (CIS AWS Foundations), got 8"),
        ({"password_reuse_prevention": 5}, "password_reuse_prevention must be 24..24 (CIS AWS Foundations), got 5"),
        ({"max_password_age_days": 365}, "max_password_age_days must be 1..90 (CIS AWS Foundations), got 365"),
        ({"admin_group_name": "prod admins"}, "admin_group_name must be an IAM group name: 1..128 letters, digits and +=,.@_-, got 'prod admins'"),
    ],
    ids=["short-password", "reuse", "age", "group-name"],
)
def test_fails_when_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match="^test/Account: " + re.escape(message) + "$"):
        _baseline(fresh_stack, **overrides)
