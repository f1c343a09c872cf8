"""A Railway service's AWS access keys work only from the environment's static egress addresses (issue 25 item 4).

Railway has no workload identity, so each service that uses S3 keeps an IAM user's access key
(``ServiceIdentity``). Where the environment records the services' Static Outbound IPs
(``[railway] static_egress_ips``), a Deny on the service's group refuses every request from any other
address; requests an AWS service makes on the identity's behalf (S3 asking KMS to decrypt an object:
``aws:ViaAWSService`` true) are not refused. Requests carry what AWS puts in every signed request's
context: ``aws:ViaAWSService`` always, ``aws:SourceIp`` unless the request came through a VPC endpoint.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from environments import EnvironmentConfig, load_all
from platform_plan.phases import SERVICES, plan_for
from tests.access.iam_eval import Decision, Request, explain_kms, explain_same_account
from tests.access.world import ACCOUNT, StackWorld
from tests.conftest import ALL_COMBOS, Combo

CONFIGS = load_all()
ON_RAILWAY = {spec.name for spec in SERVICES if spec.runs_on_railway}
ELSEWHERE = "192.0.2.77"
"""An address in none of the files' egress ranges (someone holding a copied key)."""
S3_ITSELF = "52.216.8.1"
"""The address a request S3 makes to KMS on the identity's behalf comes from (an S3 address, not the service's)."""
TLS_OK = {"aws:SecureTransport": True, "s3:TlsVersion": "1.3"}

GRANTS = [(env, phase, grant) for env, phase in ALL_COMBOS for grant in plan_for(phase).bucket_grants]


def _inside(config: EnvironmentConfig) -> str:
    """An address inside the environment's first static egress range."""
    return str(next(ipaddress.ip_network(config.railway.static_egress_ips[0]).hosts()))


def _decide(world: StackWorld, service: str, purpose: str, action: str, key: str | None, **context: Any) -> Decision:
    user, identity = world.user(f"Identity-{service}")
    bucket = world.bucket(f"Bucket-{purpose}")
    if action.startswith("kms:"):
        assert bucket.key_arn is not None
        request = Request(user, action, bucket.key_arn, {"aws:PrincipalAccount": ACCOUNT, **context})
        return explain_kms(request, key_policy=world.key_policy(bucket.key_arn), identity_policies=identity, key_account=ACCOUNT).decision
    resource = bucket.arn if key is None else f"{bucket.arn}/{key}"
    request = Request(user, action, resource, {"aws:PrincipalAccount": ACCOUNT, **TLS_OK, **context})
    return explain_same_account(request, resource_policy=bucket.policy, identity_policies=identity, resource_account=ACCOUNT).decision


def _via_s3(world: StackWorld, purpose: str) -> dict[str, Any]:
    bucket = world.bucket(f"Bucket-{purpose}")
    return {"kms:ViaService": f"s3.{bucket.region}.amazonaws.com", "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:aws:s3:arn": bucket.arn}


@pytest.mark.parametrize(("env", "phase", "grant"), GRANTS, ids=[f"{env}-p{phase}-{g.service}-{g.bucket}" for env, phase, g in GRANTS])
def test_a_railway_services_key_works_only_from_its_static_egress(worlds: dict[Combo, StackWorld], env: str, phase: int, grant: Any) -> None:
    config, world = CONFIGS[env], worlds[env, phase]
    action = "s3:GetObject" if grant.access.value != "write" else "s3:PutObject"
    key = f"{grant.prefix}records/2026/scan-0001.pdf"
    pinned = grant.service in ON_RAILWAY and bool(config.railway.static_egress_ips)
    if pinned:
        inside = _inside(config)
        assert _decide(world, grant.service, grant.bucket, action, key, **{"aws:SourceIp": inside, "aws:ViaAWSService": False}) is Decision.ALLOW
        assert _decide(world, grant.service, grant.bucket, action, key, **{"aws:SourceIp": ELSEWHERE, "aws:ViaAWSService": False}) is Decision.EXPLICIT_DENY
        # No aws:SourceIp at all (a VPC endpoint): refused too; Railway services reach S3 over the internet.
        assert _decide(world, grant.service, grant.bucket, action, key, **{"aws:ViaAWSService": False}) is Decision.EXPLICIT_DENY
    else:
        # dev, staging (no static egress recorded) and the AI service (in the VPC, through the S3 gateway endpoint): not pinned.
        for context in ({"aws:SourceIp": ELSEWHERE, "aws:ViaAWSService": False}, {"aws:ViaAWSService": False}):
            assert _decide(world, grant.service, grant.bucket, action, key, **context) is Decision.ALLOW
    # S3 -> KMS on the identity's behalf is never refused for the address S3 calls from.
    for kms_action in ("kms:Decrypt",) if grant.access.value == "read" else ("kms:Decrypt", "kms:GenerateDataKey"):
        context = {**_via_s3(world, grant.bucket), "aws:SourceIp": S3_ITSELF, "aws:ViaAWSService": True}
        assert _decide(world, grant.service, grant.bucket, kms_action, None, **context) is Decision.ALLOW, kms_action
    if pinned:
        # The same KMS call made directly with a copied key from elsewhere is refused before the key policy is asked.
        direct = {**_via_s3(world, grant.bucket), "aws:SourceIp": ELSEWHERE, "aws:ViaAWSService": False}
        assert _decide(world, grant.service, grant.bucket, "kms:Decrypt", None, **direct) is Decision.EXPLICIT_DENY


def test_prod_pins_every_railway_identity_and_only_those(stacks: dict[Combo, dict[str, Any]]) -> None:
    """Which identities carry the egress policy, by name: prod's Railway services at every phase, never the AI service."""
    egress = CONFIGS["prod"].railway.static_egress_ips
    assert egress == ["198.51.100.0/28"]
    for env, phase in ALL_COMBOS:
        policies = {b["name"]: b for b in stacks[env, phase]["resource"].get("aws_iam_policy", {}).values() if b["name"].endswith("-source-ip")}
        # Every identity of a Railway service: its bucket grants, (patient) its field-encryption key, and its telemetry (all of them).
        plan = plan_for(phase)
        services = {g.service for g in plan.bucket_grants} | {s.name for s in plan.services if s.encrypts_fields} | {s.name for s in plan.monitored_services}
        expected = {f"healthcare-prod-{s}-source-ip" for s in services & ON_RAILWAY} if env == "prod" else set()
        assert set(policies) == expected, (env, phase)
        assert all(p["path"] == "/services/" for p in policies.values())
