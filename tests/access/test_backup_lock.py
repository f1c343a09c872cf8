"""The off-site dumps are Object-Locked: the job that writes them cannot delete, overwrite or unlock one within retention.

IAM decides first (``iam_eval``); Object Lock then decides on the version (``object_lock``, a model of the S3 User
Guide). The writer is refused by both; nobody in the stack may bypass a governance lock; in production (COMPLIANCE)
nobody at all may.
"""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest

from environments import load_all
from tests.access.iam_eval import Decision, Principal
from tests.access.object_lock import Caller, LockedVersion, lifecycle_may_delete, may_delete_version, may_shorten_retention
from tests.access.test_stack_access import s3, why
from tests.access.world import ACCOUNT, StackWorld
from tests.conftest import ALL_COMBOS, Combo

DUMP = "neon/patient/2026-12-01T031700Z.dump"
CONFIGS = load_all()
IDS = [f"{e}-phase{p}" for e, p in ALL_COMBOS]
BUCKETS = ("Bucket-backups", "Bucket-backups/Replica")
ADMIN = Principal("AWS", f"arn:aws:iam::{ACCOUNT}:role/account-admin", ACCOUNT)
ADMIN_IDENTITY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
"""An account administrator outside this stack: IAM allows it everything, only Object Lock stands in its way."""
UNLOCKING = ("s3:DeleteObjectVersion", "s3:BypassGovernanceRetention", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:PutBucketObjectLockConfiguration")


def _lock_configuration(world: StackWorld, bucket_path: str) -> dict[str, Any]:
    blocks = world.resources.get("aws_s3_bucket_object_lock_configuration", {}).values()
    (block,) = [b for b in blocks if b["//"]["metadata"]["path"].split("/", 1)[1] == f"{bucket_path}/ObjectLock"]
    return dict(world.resolve(dict(block)))


def _bucket_block(world: StackWorld, bucket_path: str) -> dict[str, Any]:
    blocks = world.resources["aws_s3_bucket"].values()
    (block,) = [b for b in blocks if b["//"]["metadata"]["path"].split("/", 1)[1] == f"{bucket_path}/Resource"]
    return dict(block)


def _could_grant(document: dict[str, Any], action: str) -> dict[str, Any]:
    """``document`` with only the statements whose Action matches ``action`` (or that use NotAction): the others cannot
    decide it (and may use policy variables the evaluator refuses, such as an MFA policy's ``${aws:username}``)."""

    def matches(statement: dict[str, Any]) -> bool:
        if "NotAction" in statement:
            return True
        actions = statement.get("Action", [])
        return any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in ([actions] if isinstance(actions, str) else actions))

    statements = document.get("Statement", [])
    return {**document, "Statement": [s for s in ([statements] if isinstance(statements, dict) else statements) if matches(s)]}


def _present_buckets(world: StackWorld) -> list[str]:
    return [path for path in BUCKETS if any(b.path.split("/", 1)[1] == f"{path}/Resource" for b in world.buckets())]


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_backups_and_replica_are_locked_for_the_retention_in_the_files_mode(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world, config = worlds[env, phase], CONFIGS[env]
    paths = _present_buckets(world)
    assert paths[0] == "Bucket-backups"
    assert ("Bucket-backups/Replica" in paths) is (config.s3.replica_region is not None)
    expected_mode = "COMPLIANCE" if config.guardrails.production else "GOVERNANCE"
    assert config.backup_lock_mode == expected_mode
    for path in paths:
        assert _bucket_block(world, path)["object_lock_enabled"] is True, path
        retention = _lock_configuration(world, path)["rule"]["default_retention"]
        assert retention == {"mode": expected_mode, "days": config.backups.retention_days}, path


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_the_writer_adds_dumps_but_cannot_remove_or_unlock_one(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world = worlds[env, phase]
    bucket = world.bucket("Bucket-backups")
    user, identity = world.user("Identity-db-backup")
    assert s3(world, user, "s3:PutObject", bucket, DUMP, identity) is Decision.ALLOW, why()  # a new dump (or a new version of one)
    for action in UNLOCKING:
        assert s3(world, user, action, bucket, DUMP, identity) is not Decision.ALLOW, (action, why())
    retention = CONFIGS[env].backups.retention_days
    for age in (0, retention - 1):
        version = LockedVersion(CONFIGS[env].backup_lock_mode, retention, age)
        writer = Caller(iam_allows_action=False, iam_allows_bypass=False)
        assert not may_delete_version(version, writer)
        assert not may_shorten_retention(version, writer)
        assert not lifecycle_may_delete(version)
    assert lifecycle_may_delete(LockedVersion(CONFIGS[env].backup_lock_mode, retention, retention))


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_no_principal_of_the_stack_may_bypass_the_governance_lock(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world = worlds[env, phase]
    assert not world.resources.get("aws_iam_role_policy"), "inline role policies are not modelled here"
    roles = world.resources.get("aws_iam_role", {})
    assert not any(block.get("inline_policy") for block in roles.values()), "inline role policies are not modelled here"
    documents = [world.policy(block["policy"]) for block in world.resources.get("aws_iam_policy", {}).values()]
    assert documents, "the stack's managed policies were not found"
    documents = [d for d in (_could_grant(d, "s3:BypassGovernanceRetention") for d in documents) if d["Statement"]]
    principals = [world.user(path)[0] for path in world.user_paths()] + [ADMIN]
    for path in _present_buckets(world):
        bucket = world.bucket(path)
        for document in documents:
            for principal in principals:
                decision = s3(world, principal, "s3:BypassGovernanceRetention", bucket, DUMP, [document])
                assert decision is not Decision.ALLOW, (path, document.get("Statement"), why())


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=IDS)
def test_an_account_admin_cannot_delete_a_dump_within_retention_in_production(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    """IAM allows an outside administrator everything; the lock decides. COMPLIANCE: never; GOVERNANCE: only with the
    bypass, which an administrator could grant itself (why production is COMPLIANCE)."""
    world, config = worlds[env, phase], CONFIGS[env]
    retention = config.backups.retention_days
    for path in _present_buckets(world):
        bucket = world.bucket(path)
        iam = {action: s3(world, ADMIN, action, bucket, DUMP, [ADMIN_IDENTITY]) is Decision.ALLOW for action in UNLOCKING}
        admin = Caller(iam_allows_action=iam["s3:DeleteObjectVersion"], iam_allows_bypass=iam["s3:BypassGovernanceRetention"])
        version = LockedVersion(config.backup_lock_mode, retention, age_days=1)
        assert may_delete_version(version, admin) is (config.backup_lock_mode == "GOVERNANCE"), path
        assert not may_delete_version(version, Caller(iam_allows_action=True, iam_allows_bypass=True, sends_bypass_header=False))
        if config.guardrails.production:
            assert not may_delete_version(version, admin)
            assert not may_shorten_retention(version, admin)


def test_the_lock_model() -> None:
    """The model's own cases, against the S3 User Guide's statements."""
    anyone = Caller(iam_allows_action=True, iam_allows_bypass=True)
    no_bypass = Caller(iam_allows_action=True, iam_allows_bypass=False)
    assert not may_delete_version(LockedVersion("COMPLIANCE", 30, 29), anyone)  # root included
    assert may_delete_version(LockedVersion("COMPLIANCE", 30, 30), no_bypass)  # retention over
    assert may_delete_version(LockedVersion("GOVERNANCE", 30, 1), anyone)
    assert not may_delete_version(LockedVersion("GOVERNANCE", 30, 1), no_bypass)
    assert not may_delete_version(LockedVersion("GOVERNANCE", 30, 1), Caller(iam_allows_action=False, iam_allows_bypass=True))
