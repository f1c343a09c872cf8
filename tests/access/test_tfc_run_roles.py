"""HCP Terraform runs reach AWS through per-workspace, per-phase roles (dynamic provider credentials), never static keys.

``tests/access/run_roles.py`` answers as STS and IAM would after the bootstrap apply: which run
tokens may assume which role, and what each role may do with the resources the app stacks deploy.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from environments import EnvironmentConfig
from tests.access.iam_eval import Decision, Request, decide_kms
from tests.access.run_roles import AUDIENCE, RunRoles, Token, deploy_requests
from tests.access.world import PARTITION, StackWorld
from tests.conftest import Combo, resources_of

ORG = "meridian-health"
REMOTE = ("staging", "prod")
PHASES = ("plan", "apply")


@pytest.fixture(scope="module")
def roles(bootstrap_stack: dict[str, Any]) -> RunRoles:
    return RunRoles(bootstrap_stack)


def _workspace(configs: dict[str, EnvironmentConfig], env: str) -> str:
    tfc = configs[env].terraform_cloud
    assert tfc is not None and tfc.organization == ORG
    return tfc.workspace_name(env)


# ---------------------------------------------------------------------------------------------
# Trust: one workspace, one run phase, one audience
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("token_env", "token_phase", "role_env", "role_phase"), list(itertools.product(REMOTE, PHASES, REMOTE, PHASES)))
def test_a_run_token_assumes_exactly_its_own_workspaces_role_of_its_phase(
    roles: RunRoles, configs: dict[str, EnvironmentConfig], token_env: str, token_phase: str, role_env: str, role_phase: str
) -> None:
    """prod's apply token assumes prod's apply role; staging's token never a prod role; a plan token never an apply role."""
    token = Token.run(ORG, _workspace(configs, token_env), token_phase)
    assert roles.may_assume(token, role_env, role_phase) is ((token_env, token_phase) == (role_env, role_phase))


def test_the_workspace_may_sit_in_any_project(roles: RunRoles, configs: dict[str, EnvironmentConfig]) -> None:
    """Workspace names are unique per organization, so moving prod's workspace to a project keeps its runs working."""
    assert roles.may_assume(Token.run(ORG, _workspace(configs, "prod"), "apply", project="Platform"), "prod", "apply")


@pytest.mark.parametrize(
    ("token", "why"),
    [
        (Token.run(ORG, "healthcare-prod", "apply", aud="sts.amazonaws.com"), "another audience"),
        (Token.run("another-org", "healthcare-prod", "apply"), "the same workspace name in another organization"),
        (Token.run(ORG, "healthcare-prod-sandbox", "apply"), "a workspace whose name starts like prod's"),
        (Token.run(ORG, "healthcare-bootstrap", "apply"), "the bootstrap workspace"),
        (
            Token(
                sub=f"organization:{ORG}:project:Default Project:workspace:healthcare-prod:run_phase:apply", iss="https://token.actions.githubusercontent.com"
            ),
            "another issuer",
        ),
    ],
)
def test_no_other_token_assumes_prods_apply_role(roles: RunRoles, token: Token, why: str) -> None:
    assert not roles.may_assume(token, "prod", "apply"), why


def test_loosening_the_subject_to_the_organization_is_caught(roles: RunRoles, bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig]) -> None:
    """The defect shape: a trust on ``organization:<org>:*`` lets staging's runs assume prod's apply role."""
    loosened = copy.deepcopy(bootstrap_stack)
    for document in loosened["data"]["aws_iam_policy_document"].values():
        for statement in document["statement"]:
            for condition in statement.get("condition", []):
                if condition["variable"] == "app.terraform.io:sub":
                    condition["values"] = [f"organization:{ORG}:*"]
    staging_apply = Token.run(ORG, _workspace(configs, "staging"), "apply")
    assert not roles.may_assume(staging_apply, "prod", "apply")
    assert RunRoles(loosened).may_assume(staging_apply, "prod", "apply")


@pytest.mark.parametrize("env", REMOTE)
def test_each_environment_trusts_hcp_terraform_in_its_own_account(bootstrap_stack: dict[str, Any], configs: dict[str, EnvironmentConfig], env: str) -> None:
    """One OIDC provider per environment account, for app.terraform.io and its default audience, without a thumbprint."""
    (provider,) = [b for b in resources_of(bootstrap_stack, "aws_iam_openid_connect_provider").values() if b["provider"] == f"aws.{env}"]
    assert (provider["url"], provider["client_id_list"]) == ("https://app.terraform.io", [AUDIENCE])
    assert "thumbprint_list" not in provider  # AWS verifies the issuer's certificate against its trusted CAs
    (aws,) = [p for p in bootstrap_stack["provider"]["aws"] if p["alias"] == env]
    assert aws["allowed_account_ids"] == configs[env].aws_account_ids
    assert aws["profile"] == f"${{var.{env}_aws_profile}}"
    declared = bootstrap_stack["variable"][f"{env}_aws_profile"]
    assert "default" not in declared and declared["nullable"] is False
    aws_blocks = [b for kind, blocks in {**bootstrap_stack["resource"], **bootstrap_stack["data"]}.items() if kind.startswith("aws_") for b in blocks.values()]
    assert {b["provider"] for b in aws_blocks} == {f"aws.{e}" for e in REMOTE}


# ---------------------------------------------------------------------------------------------
# The workspaces hold no AWS key, only the role ARNs
# ---------------------------------------------------------------------------------------------


def _variable_sets(bootstrap_stack: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Environment -> {key: tfe_variable block} of its credential variable set."""
    sets: dict[str, dict[str, dict[str, Any]]] = {}
    for block in resources_of(bootstrap_stack, "tfe_variable").values():
        env = block["//"]["metadata"]["path"].split("/")[1]
        sets.setdefault(env, {})[block["key"]] = block
    return sets


def test_no_workspace_holds_an_aws_key(bootstrap_stack: dict[str, Any]) -> None:
    keys = {block["key"] for block in resources_of(bootstrap_stack, "tfe_variable").values()}
    assert not {key for key in keys if key.startswith("AWS_")}, "static AWS keys in a variable set"
    assert not [name for name in bootstrap_stack["variable"] if "aws_access_key" in name or "aws_secret" in name]


@pytest.mark.parametrize("env", REMOTE)
def test_the_variable_set_turns_on_dynamic_credentials_with_its_own_roles(roles: RunRoles, bootstrap_stack: dict[str, Any], env: str) -> None:
    variables = _variable_sets(bootstrap_stack)[env]
    aws = {key: block for key, block in variables.items() if key.startswith("TFC_AWS_")}
    assert {key: (b["category"], b["sensitive"]) for key, b in aws.items()} == {
        key: ("env", False) for key in ("TFC_AWS_PROVIDER_AUTH", "TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE", "TFC_AWS_PLAN_ROLE_ARN", "TFC_AWS_APPLY_ROLE_ARN")
    }
    assert (aws["TFC_AWS_PROVIDER_AUTH"]["value"], aws["TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE"]["value"]) == ("true", AUDIENCE)
    for phase in PHASES:
        assert roles.world.resolve(aws[f"TFC_AWS_{phase.upper()}_ROLE_ARN"]["value"]) == roles.role_arn(env, phase)
    assert roles.role_arn(env, "apply").endswith(f":role/tfc/healthcare-{env}-tfc-apply")


def test_putting_static_keys_back_is_caught(bootstrap_stack: dict[str, Any]) -> None:
    """The defect shape: an AWS_SECRET_ACCESS_KEY variable in prod's set fails the no-key test."""
    planted = copy.deepcopy(bootstrap_stack)
    (prod_set,) = [name for name, b in resources_of(planted, "tfe_variable_set").items() if b["name"] == "healthcare-prod-provider-credentials"]
    planted["resource"]["tfe_variable"]["planted"] = {
        "//": {"metadata": {"path": "bootstrap/prod/AWS_SECRET_ACCESS_KEY"}},
        "key": "AWS_SECRET_ACCESS_KEY",
        "value_wo": "${var.prod_aws_secret_access_key}",
        "category": "env",
        "sensitive": True,
        "variable_set_id": f"${{tfe_variable_set.{prod_set}.id}}",
    }
    with pytest.raises(AssertionError, match="static AWS keys"):
        test_no_workspace_holds_an_aws_key(planted)


# ---------------------------------------------------------------------------------------------
# Permissions: the apply role deploys what the app stack holds, the plan role only reads it
# ---------------------------------------------------------------------------------------------


def _deploys(stacks: dict[Combo, dict[str, Any]], env: str) -> list[tuple[str, str, list[tuple[str, str]], list[tuple[str, str]]]]:
    """``(address, phase, writes, reads)`` of every AWS resource of ``env``'s stack at every phase."""
    rows = []
    for (stack_env, phase), stack in stacks.items():
        if stack_env != env:
            continue
        world = StackWorld(stack, accounts_from_providers=True)
        for rtype, blocks in stack.get("resource", {}).items():
            if rtype.startswith("aws_"):
                for name, block in blocks.items():
                    writes, reads = deploy_requests(world, rtype, name, block)
                    rows.append((f"phase{phase} {rtype}.{name}", str(phase), writes, reads))
    return rows


@pytest.mark.parametrize("env", REMOTE)
def test_the_apply_role_may_deploy_every_aws_resource_of_the_environment(roles: RunRoles, stacks: dict[Combo, dict[str, Any]], env: str) -> None:
    """Every create/update request of every AWS resource of every phase of the environment's stack is allowed (none missing)."""
    refused = [
        f"{address}: {action} on {resource} -> {decision.name}"
        for address, _phase, writes, reads in _deploys(stacks, env)
        for action, resource in (*writes, *reads)
        if (decision := roles.decide(env, "apply", action, resource)) is not Decision.ALLOW
    ]
    assert not refused, "\n".join(refused)


@pytest.mark.parametrize("env", REMOTE)
def test_the_plan_role_reads_every_aws_resource_and_changes_none(roles: RunRoles, stacks: dict[Combo, dict[str, Any]], env: str) -> None:
    wrong = []
    for address, _phase, writes, reads in _deploys(stacks, env):
        wrong += [f"{address}: cannot {a} on {r}" for a, r in reads if roles.decide(env, "plan", a, r) is not Decision.ALLOW]
        wrong += [f"{address}: may {a} on {r}" for a, r in writes if roles.decide(env, "plan", a, r) is Decision.ALLOW]
    assert not wrong, "\n".join(wrong)


def _arn(env: str, configs: dict[str, EnvironmentConfig], rest: str) -> str:
    return rest.replace("ACCOUNT", configs[env].aws_account_ids[0])


NEVER: list[tuple[str, str, Decision, str]] = [
    ("s3:GetObject", "arn:aws:s3:::healthcare-prod-medical-documents-ACCOUNT/patients/1.pdf", Decision.EXPLICIT_DENY, "no PHI object read"),
    ("s3:GetObjectVersion", "arn:aws:s3:::healthcare-prod-backups-ACCOUNT/neon/auth.dump", Decision.EXPLICIT_DENY, "no backup read"),
    ("logs:GetLogEvents", "arn:aws:logs:us-east-1:ACCOUNT:log-group:/aws/cloudtrail/healthcare-prod:log-stream:x", Decision.EXPLICIT_DENY, "no log read"),
    ("logs:StartQuery", "arn:aws:logs:us-east-1:ACCOUNT:log-group:/aws/vpc/healthcare-prod/flow-logs", Decision.EXPLICIT_DENY, "no log query"),
    ("macie2:GetSensitiveDataOccurrences", "arn:aws:macie2:us-east-1:ACCOUNT:finding/1", Decision.EXPLICIT_DENY, "no PHI sample from Macie"),
    (
        "iam:PassRole",
        "arn:aws:iam::ACCOUNT:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie",
        Decision.IMPLICIT_DENY,
        "only Config's role passed",
    ),
    ("iam:UpdateAssumeRolePolicy", "arn:aws:iam::ACCOUNT:role/tfc/healthcare-prod-tfc-apply", Decision.EXPLICIT_DENY, "no wider trust for itself"),
    ("iam:AttachRolePolicy", "arn:aws:iam::ACCOUNT:role/tfc/healthcare-prod-tfc-plan", Decision.EXPLICIT_DENY, "no new policy for a run role"),
    ("iam:CreatePolicyVersion", "arn:aws:iam::ACCOUNT:policy/tfc/healthcare-prod-tfc-deploy", Decision.EXPLICIT_DENY, "no edit of its own policy"),
    ("iam:UpdateOpenIDConnectProviderThumbprint", "arn:aws:iam::ACCOUNT:oidc-provider/app.terraform.io", Decision.EXPLICIT_DENY, "no change to the trust"),
    ("sts:AssumeRole", "arn:aws:iam::ACCOUNT:role/healthcare-prod-anything", Decision.EXPLICIT_DENY, "no role chaining"),
    ("iam:CreateLoginProfile", "arn:aws:iam::ACCOUNT:user/services/healthcare-prod-provider", Decision.EXPLICIT_DENY, "no console password"),
    ("iam:CreateUser", "arn:aws:iam::ACCOUNT:user/admin", Decision.IMPLICIT_DENY, "no identity outside the environment's names"),
    ("iam:PassRole", "arn:aws:iam::ACCOUNT:role/OrganizationAccountAccessRole", Decision.IMPLICIT_DENY, "no other role passed"),
    ("s3:PutBucketPolicy", "arn:aws:s3:::healthcare-staging-medical-documents-ACCOUNT", Decision.IMPLICIT_DENY, "another environment's bucket"),
    ("ec2:RunInstances", "*", Decision.IMPLICIT_DENY, "no compute"),
    ("organizations:LeaveOrganization", "*", Decision.IMPLICIT_DENY, "no administrator access"),
    ("cloudtrail:StopLogging", "arn:aws:cloudtrail:us-east-1:ACCOUNT:trail/other-trail", Decision.IMPLICIT_DENY, "another trail"),
]
"""``(action, resource, decision, why)``: what neither prod run role may do (``ACCOUNT`` is prod's account)."""


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize(("action", "resource", "expected", "why"), NEVER, ids=[why.replace(" ", "-") for *_, why in NEVER])
def test_what_the_prod_run_roles_may_never_do(
    roles: RunRoles, configs: dict[str, EnvironmentConfig], phase: str, action: str, resource: str, expected: Decision, why: str
) -> None:
    assert roles.decide("prod", phase, action, _arn("prod", configs, resource)) is expected, why


def test_the_apply_role_administers_prods_keys_but_cannot_decrypt_with_them(
    roles: RunRoles, stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig]
) -> None:
    """The key policy delegates administration to the account's IAM, not use: the deploy manages PHI keys, never decrypts."""
    world = StackWorld(stacks["prod", 4], accounts_from_providers=True)
    bucket = world.bucket("Bucket-medical-documents")
    assert bucket.key_arn is not None
    account = configs["prod"].aws_account_ids[0]
    key_policy, identity = world.key_policy(bucket.key_arn), roles.identity_policies("prod", "apply")

    def decide(action: str) -> Decision:
        request = Request(principal=roles.session("prod", "apply"), action=action, resource=bucket.key_arn or "", context={"kms:CallerAccount": account})
        return decide_kms(request, key_policy=key_policy, identity_policies=identity, key_account=account)

    assert decide("kms:PutKeyPolicy") is Decision.ALLOW
    assert decide("kms:ScheduleKeyDeletion") is Decision.ALLOW
    assert decide("kms:Decrypt") is Decision.IMPLICIT_DENY
    assert decide("kms:GenerateDataKey") is Decision.IMPLICIT_DENY
    assert bucket.key_arn.startswith(f"arn:{PARTITION}:kms:")
    # The one decryption it needs: creating or updating the SSE-KMS trail (with an S3 Bucket Key) takes kms:Decrypt on
    # the trail's key, which delegates CloudTrail log-file decryption to the account's IAM.
    audit_key = world.bucket("Bucket-audit-logs").key_arn
    assert audit_key is not None
    trail = {"kms:CallerAccount": account, "kms:EncryptionContext:aws:cloudtrail:arn": world.trail_arn()}
    request = Request(principal=roles.session("prod", "apply"), action="kms:Decrypt", resource=audit_key, context=trail)
    assert decide_kms(request, key_policy=world.key_policy(audit_key), identity_policies=identity, key_account=account) is Decision.ALLOW
