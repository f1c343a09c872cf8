"""Who can reach the off-site database dumps: the backup job writes, the restore role reads, nobody deletes."""

from __future__ import annotations

from typing import Any

import pytest

from environments import load_all
from tests.access.iam_eval import Decision, Principal
from tests.access.test_stack_access import READER_IDENTITY, WRITE_EVERYTHING, kms, s3, via_s3, why
from tests.access.world import StackWorld
from tests.conftest import ALL_COMBOS, Combo

DUMP = "neon/patient/2026-12-01T031700Z.dump"
CONFIGS = load_all()
RESTORABLE = [
    (env, phase, path) for env, phase in ALL_COMBOS if CONFIGS[env].backups.restore_reader_arn for path in ("Bucket-backups", "Bucket-backups/Replica")
]


def test_production_names_a_restore_role() -> None:
    assert CONFIGS["prod"].backups.restore_reader_arn is not None
    assert {env for env, _, _ in RESTORABLE} == {"prod"}


@pytest.mark.parametrize(("env", "phase", "path"), RESTORABLE, ids=lambda v: str(v).replace("/", "."))
def test_restore_role_lists_reads_and_decrypts_dumps_in_both_regions(worlds: dict[Combo, StackWorld], env: str, phase: int, path: str) -> None:
    world = worlds[env, phase]
    bucket = world.bucket(path)
    arn = CONFIGS[env].backups.restore_reader_arn
    assert arn is not None
    restorer = Principal("AWS", arn, arn.split(":")[4])
    identity = [READER_IDENTITY]  # what the restorer's own account lets it do; our policies decide the rest
    assert s3(world, restorer, "s3:ListBucket", bucket, None, identity) is Decision.ALLOW, why()
    assert s3(world, restorer, "s3:GetObject", bucket, DUMP, identity) is Decision.ALLOW, why()
    assert bucket.key_arn is not None
    assert kms(world, restorer, "kms:Decrypt", bucket.key_arn, identity, **via_s3(bucket)) is Decision.ALLOW, why()
    for action in ("s3:PutObject", "s3:DeleteObject"):  # restoring never changes the backups
        assert s3(world, restorer, action, bucket, DUMP, [*identity, WRITE_EVERYTHING]) is Decision.IMPLICIT_DENY, (action, why())


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_backup_job_only_adds_dumps(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world = worlds[env, phase]
    bucket = world.bucket("Bucket-backups")
    user, identity = world.user("Identity-db-backup")
    assert s3(world, user, "s3:PutObject", bucket, DUMP, identity) is Decision.ALLOW, why()
    for action, key in (("s3:GetObject", DUMP), ("s3:DeleteObject", DUMP), ("s3:ListBucket", None), ("s3:PutObject", "other/x.dump")):
        assert s3(world, user, action, bucket, key, identity) is not Decision.ALLOW, (action, key, why())
    assert bucket.key_arn is not None
    assert kms(world, user, "kms:GenerateDataKey", bucket.key_arn, identity, **via_s3(bucket)) is Decision.ALLOW, why()


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS, ids=[f"{e}-phase{p}" for e, p in ALL_COMBOS])
def test_no_service_reads_the_dumps(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world = worlds[env, phase]
    bucket = world.bucket("Bucket-backups")
    services = sorted({p.split("/")[1] for p in _identity_paths(world)})
    assert "Identity-db-backup" in services
    for service in services:
        user, identity = world.user(service)
        assert s3(world, user, "s3:GetObject", bucket, DUMP, identity) is not Decision.ALLOW, (service, why())


def _identity_paths(world: StackWorld) -> list[str]:
    users: dict[str, Any] = world.stack.get("resource", {}).get("aws_iam_user", {})
    return [b["//"]["metadata"]["path"] for b in users.values()]
