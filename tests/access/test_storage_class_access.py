"""Every principal that may read a bucket can read its objects at every age, without a restore (issue 24 item 3).

For every bucket of every synthesized environment x phase (SecureS3s, replicas, access-log buckets), every
principal the IAM evaluator lets ``s3:GetObject`` some key (the service identities with their grants, the audit
log reader and the backup restore role with their own accounts' permissions) must find that key in a class
``GetObject`` reads in real time at every age the lifecycle rules make matter (``lifecycle_model``), and, when it
may ``s3:GetObjectVersion``, every earlier version too. A principal that may ``s3:RestoreObject`` would be exempt;
none of the platform's is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from environments import load_all
from tests.access.iam_eval import Decision, Principal
from tests.access.lifecycle_model import readable, storage_class, versions
from tests.access.test_stack_access import LOG_FILE, READER_IDENTITY, s3, why
from tests.access.world import Bucket, StackWorld
from tests.conftest import ALL_COMBOS, Combo

KEYS = ("records/2026/scan-0001.pdf", "neon/patient/2026-12-01T031700Z.dump", LOG_FILE, "models/triage/v3.onnx")
"""Object keys a reader might ask for: a service's records, the backup job's dumps (prefix ``neon/``), a trail log file, a model."""
CONFIGS = load_all()


@dataclass(frozen=True)
class Reader:
    name: str
    principal: Principal
    identity: list[dict[str, Any]]


def _readers(world: StackWorld, env: str) -> Iterator[Reader]:
    """The service identities of the stack, and the named reader roles of the environment file."""
    for path in world.identities():
        principal, identity = world.user(path)
        yield Reader(path, principal, identity)
    config = CONFIGS[env]
    for name, arn in (("audit log reader", config.audit.log_reader_arn), ("backup restore role", config.backups.restore_reader_arn)):
        if arn is not None:
            # Their own (possibly other) account lets them read and decrypt anywhere; our policies decide the rest.
            yield Reader(name, Principal("AWS", arn, arn.split(":")[4]), [READER_IDENTITY])


def _unreadable(world: StackWorld, bucket: Bucket, reader: Reader, key: str) -> list[str]:
    """The versions of ``key`` in ``bucket`` that ``reader`` may request but that sit where GetObject needs a restore."""
    if s3(world, reader.principal, "s3:GetObject", bucket, key, reader.identity) is not Decision.ALLOW:
        return []
    if s3(world, reader.principal, "s3:RestoreObject", bucket, key, reader.identity) is Decision.ALLOW:
        return []
    earlier = s3(world, reader.principal, "s3:GetObjectVersion", bucket, key, reader.identity) is Decision.ALLOW
    rules, tiering = world.lifecycle_rules(bucket), world.tiering_configurations(bucket)
    stuck = []
    for age, replaced in versions(rules, tiering):
        if replaced is not None and not earlier:
            continue
        found = storage_class(rules, key=key, age_days=age, noncurrent_days=replaced, tiering=tiering)
        if not readable(found):
            version = "current" if replaced is None else f"noncurrent for {replaced} days"
            stuck.append(f"{key} at {age} days ({version}): {found}")
    return stuck


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=lambda c: f"{c[0]}-phase{c[1]}")
def test_every_reader_reads_objects_of_every_age_without_a_restore(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    readers = list(_readers(world, combo[0]))
    read_somewhere = set()
    problems = []
    for bucket in world.buckets():
        for reader in readers:
            for key in KEYS:
                if s3(world, reader.principal, "s3:GetObject", bucket, key, reader.identity) is Decision.ALLOW:
                    read_somewhere.add((reader.name, bucket.path))
                problems += [f"{reader.name} on {bucket.path}: {p}" for p in _unreadable(world, bucket, reader, key)]
    assert problems == []
    # The check reached real readers: every read grant of the phase plan, and the named roles where configured.
    granted = {(f"Identity-{g}", p) for g, p in _read_grants(combo[1])}
    reached = {(name, path.split("/")[1]) for name, path in read_somewhere}
    assert granted <= reached, f"read grants the evaluator did not confirm: {sorted(granted - reached)}"


def _read_grants(phase: int) -> set[tuple[str, str]]:
    from constructs_lib.storage.storage_types import BucketAccess
    from platform_plan.phases import plan_for

    return {(g.service, f"Bucket-{g.bucket}") for g in plan_for(phase).bucket_grants if g.access is not BucketAccess.WRITE}


@pytest.mark.parametrize("combo", [c for c in ALL_COMBOS if CONFIGS[c[0]].audit.log_reader_arn], ids=lambda c: f"{c[0]}-phase{c[1]}")
def test_the_named_readers_are_among_the_checked_readers(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    """Where the file names an audit log reader, it reads the audit logs (and its checks above were not vacuous)."""
    world = worlds[combo]
    reader = next(r for r in _readers(world, combo[0]) if r.name == "audit log reader")
    audit = world.bucket("Bucket-audit-logs")
    assert s3(world, reader.principal, "s3:GetObject", audit, LOG_FILE, reader.identity) is Decision.ALLOW, why()
    assert world.lifecycle_rules(audit), "the audit-log bucket has a lifecycle"


# The model itself ----------------------------------------------------------------------------------

RULE = {
    "id": "r",
    "status": "Enabled",
    "filter": [{"prefix": ""}],
    "transition": [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 90, "storage_class": "GLACIER"}],
    "noncurrent_version_expiration": [{"noncurrent_days": 400}],
}


def test_model_follows_current_transitions() -> None:
    assert [storage_class([RULE], key="a", age_days=age) for age in (0, 29, 30, 89, 90, 3650)] == [
        "STANDARD",
        "STANDARD",
        "STANDARD_IA",
        "STANDARD_IA",
        "GLACIER",
        "GLACIER",
    ]
    assert not readable("GLACIER") and readable("GLACIER_IR") and readable(None)


def test_model_noncurrent_versions_keep_their_class_then_follow_their_own_rules() -> None:
    # Replaced at 40 days (STANDARD_IA), seen 60 days later: still STANDARD_IA, not the current rule's GLACIER.
    assert storage_class([RULE], key="a", age_days=100, noncurrent_days=60) == "STANDARD_IA"
    later = {**RULE, "noncurrent_version_transition": [{"noncurrent_days": 30, "storage_class": "DEEP_ARCHIVE"}]}
    assert storage_class([later], key="a", age_days=100, noncurrent_days=60) == "DEEP_ARCHIVE"
    assert storage_class([RULE], key="a", age_days=1000, noncurrent_days=400) is None  # expired


def test_model_respects_prefixes_and_intelligent_tiering_archive_tiers() -> None:
    scoped = {**RULE, "filter": [{"prefix": "archive/"}]}
    assert storage_class([scoped], key="records/a", age_days=365) == "STANDARD"
    tiering_rule = {**RULE, "transition": [{"days": 0, "storage_class": "INTELLIGENT_TIERING"}]}
    tiering = [{"status": "Enabled", "tiering": [{"access_tier": "ARCHIVE_ACCESS", "days": 90}]}]
    assert storage_class([tiering_rule], key="a", age_days=89, tiering=tiering) == "INTELLIGENT_TIERING"
    assert storage_class([tiering_rule], key="a", age_days=90, tiering=tiering) == "INTELLIGENT_TIERING/ARCHIVE_ACCESS"
