"""The platform's storage: buckets and grants per phase, replication and protection per environment."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from constructs_lib.storage.storage_types import BucketAccess, DataClassification
from platform_plan.phases import BUCKETS, plan_for
from tests.conftest import ALL_COMBOS, Combo, resources_of

PRIMARY_BUCKETS = {
    1: {"audit-logs", "backups"},
    2: {"audit-logs", "backups", "medical-documents", "medical-images"},
    3: {"audit-logs", "backups", "medical-documents", "medical-images", "appointment-attachments"},
    4: {"audit-logs", "backups", "medical-documents", "medical-images", "appointment-attachments", "ml-models"},
}
# Services with a bucket grant, and the PHI services whose identity uses their own field-encryption key (patient).
# Every Railway service writes its own application logs (stacks/_telemetry.py), so each has an identity; the AI service
# has one for its bucket grant.
IDENTITIES = {1: {"gateway", "auth", "db-backup", "patient"}}
IDENTITIES[2] = IDENTITIES[1] | {"medical-records", "provider"}
IDENTITIES[3] = IDENTITIES[2] | {"appointment", "appointment-scheduler"}
IDENTITIES[4] = IDENTITIES[3] | {"ai"}


_ACCOUNT_SUFFIX = re.compile(r"-\$\{data\.aws_caller_identity\.[A-Za-z0-9_]+\.account_id\}$")


def _stem(bucket: str) -> str:
    """A bucket name without its ``-<account id>`` suffix (bucket names are global: the account id makes them ours)."""
    stem, count = _ACCOUNT_SUFFIX.subn("", bucket)
    assert count == 1, f"bucket {bucket!r} does not end in -<account id>"
    return stem


def _primary_buckets(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{bucket name stem: block}`` of the buckets in the stack's default provider region."""
    return {_stem(b["bucket"]): b for b in resources_of(stack, "aws_s3_bucket").values() if "provider" not in b}


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_buckets_and_identities_follow_the_phase_table(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    expected = {f"healthcare-{env}-{purpose}" for purpose in PRIMARY_BUCKETS[phase]} | {f"healthcare-{env}-access-logs"}
    assert set(_primary_buckets(stack)) == expected
    users = {b["name"] for b in resources_of(stack, "aws_iam_user").values()}
    assert users == {f"healthcare-{env}-{service}" for service in IDENTITIES[phase]}


def test_grants_per_service_per_bucket(stacks: dict[Combo, dict[str, Any]]) -> None:
    stack = stacks["dev", 4]
    assert resources_of(stack, "aws_iam_group_policy") == {}
    arns = {
        f"${{aws_iam_policy.{name}.arn}}": b["name"]
        for name, b in resources_of(stack, "aws_iam_policy").items()
        if b["path"] == "/services/" and not b["name"].endswith("-logs-write")  # the telemetry grants: tests/access/test_telemetry_access.py
    }
    policies = {
        arns[b["policy_arn"]]: json.dumps(b["group"]) for b in resources_of(stack, "aws_iam_group_policy_attachment").values() if b["policy_arn"] in arns
    }
    assert (
        set(policies)
        == set(arns.values())
        == {
            "healthcare-dev-medical-records-healthcare-dev-medical-documents-read_write",
            "healthcare-dev-medical-records-healthcare-dev-medical-images-read_write",
            "healthcare-dev-provider-healthcare-dev-medical-documents-read",
            "healthcare-dev-appointment-healthcare-dev-appointment-attachments-read_write",
            "healthcare-dev-ai-healthcare-dev-ml-models-read",
            "healthcare-dev-db-backup-healthcare-dev-backups-write-neon",
            "healthcare-dev-ai-secret-healthcare-dev-ai-analytics-database",  # ServiceSecret: read its analytics URLs
        }
    )
    groups = {b["name"]: name for name, b in resources_of(stack, "aws_iam_group").items()}
    assert f"aws_iam_group.{groups['healthcare-dev-ai']}" in policies["healthcare-dev-ai-healthcare-dev-ml-models-read"]
    assert f"aws_iam_group.{groups['healthcare-dev-provider']}" in policies["healthcare-dev-provider-healthcare-dev-medical-documents-read"]


def test_plan_grants_only_reference_present_services_and_buckets() -> None:
    for phase in range(1, 5):
        plan = plan_for(phase)
        services = {s.name for s in plan.services}
        buckets = {b.purpose for b in plan.buckets}
        assert all(g.service in services and g.bucket in buckets for g in plan.bucket_grants)
    assert [(g.service, g.bucket, g.access) for g in plan_for(4).bucket_grants if g.service == "ai"] == [("ai", "ml-models", BucketAccess.READ)]
    assert [(g.service, g.bucket, g.access, g.prefix) for g in plan_for(1).bucket_grants] == [
        ("db-backup", "backups", BucketAccess.WRITE, "neon/")  # write-only, under its prefix: no read, no delete
    ]
    assert {b.purpose for b in BUCKETS if b.classification is DataClassification.PHI} == {
        "backups",
        "medical-documents",
        "medical-images",
        "appointment-attachments",
    }


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_audit_log_bucket_is_locked_per_environment(stacks: dict[Combo, dict[str, Any]], env: str) -> None:
    expected = {"dev": ("GOVERNANCE", 1), "staging": ("GOVERNANCE", 90), "prod": ("COMPLIANCE", 2190)}[env]
    stack = stacks[env, 1]
    assert _primary_buckets(stack)[f"healthcare-{env}-audit-logs"]["object_lock_enabled"] is True
    locks = resources_of(stack, "aws_s3_bucket_object_lock_configuration").values()
    rules = [b["rule"]["default_retention"] for b in locks if "Bucket-audit-logs" in b["bucket"]]
    assert rules  # the backups bucket's lock: tests/access/test_backup_lock.py
    assert {(r["mode"], r["days"]) for r in rules} == {expected}


@pytest.mark.parametrize("phase", [1, 2, 3, 4])
def test_only_prod_replicates_every_bucket_to_another_region(stacks: dict[Combo, dict[str, Any]], phase: int) -> None:
    for env in ("dev", "staging"):
        assert resources_of(stacks[env, phase], "aws_s3_bucket_replication_configuration") == {}
    prod = stacks["prod", phase]
    replicas = {_stem(b["bucket"]): b for b in resources_of(prod, "aws_s3_bucket").values() if "provider" in b}
    assert set(replicas) == {f"healthcare-prod-{purpose}-replica" for purpose in PRIMARY_BUCKETS[phase]} | {"healthcare-prod-access-logs-us-west-2"}
    assert all(b["provider"] == "aws.replica" for b in replicas.values())
    assert len(resources_of(prod, "aws_s3_bucket_replication_configuration")) == len(PRIMARY_BUCKETS[phase])
    (replica_provider,) = [p for p in prod["provider"]["aws"] if p.get("alias") == "replica"]
    assert replica_provider["region"] == "us-west-2"


@pytest.mark.parametrize(("env", "protected"), [("dev", False), ("staging", True), ("prod", True)])
def test_protect_from_destroy_comes_from_the_environment(stacks: dict[Combo, dict[str, Any]], env: str, protected: bool) -> None:
    stack = stacks[env, 4]
    for resource_type in ("aws_s3_bucket", "aws_kms_key"):
        storage = [
            b for b in resources_of(stack, resource_type).values() if "/Bucket-" in b["//"]["metadata"]["path"] or "/AccessLogs" in b["//"]["metadata"]["path"]
        ]
        assert storage
        for block in storage:
            assert (block.get("lifecycle") == {"prevent_destroy": True}) is protected, (resource_type, block.get("bucket"))
    # A disposable environment (dev) can be torn down: every bucket may be emptied by destroy.
    assert all(b["force_destroy"] is not protected for b in resources_of(stack, "aws_s3_bucket").values())


@pytest.mark.parametrize(("env", "protected"), [("dev", False), ("prod", True)])
def test_prevent_destroy_covers_every_stateful_type_in_protected_environments(stacks: dict[Combo, dict[str, Any]], env: str, protected: bool) -> None:
    """Per resource type, prod protects what holds data or names (docs/constructs/SecureS3.md: destroy protection)."""
    stack = stacks[env, 4]
    types = (
        "cloudflare_dns_record",
        "aws_s3_bucket_object_lock_configuration",
        "aws_sns_topic",
        "neon_database",
        "aws_secretsmanager_secret",
        "railway_project",
        "railway_service",
    )
    for resource_type in types:
        blocks = resources_of(stack, resource_type)
        assert blocks, resource_type
        for name, block in blocks.items():
            assert bool((block.get("lifecycle") or {}).get("prevent_destroy")) is protected, (env, resource_type, name)
    for name, block in resources_of(stacks["prod", 4], "aws_s3_bucket_replication_configuration").items():
        assert block["lifecycle"] == {"prevent_destroy": True}, name


def test_bucket_names_are_unique_by_account() -> None:
    """Every bucket the plan can create fits S3's 63 characters with the account suffix (checked at load)."""
    from environments import load_all
    from environments.loader import check_bucket_names

    for name, config in load_all().items():
        check_bucket_names(config, name)
