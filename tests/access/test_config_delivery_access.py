"""AWS Config delivers into the audit-log bucket exactly as its documentation says, and may do nothing else there:
AWS's decisions (``iam_eval``) for Config's requests against the bucket and key policies of every stack."""

from __future__ import annotations

from typing import Any

import pytest

from environments import load_all
from tests.access.iam_eval import Decision, Principal
from tests.access.test_stack_access import AUDIT, kms, s3, why
from tests.access.world import ACCOUNT, Bucket, StackWorld
from tests.conftest import ALL_COMBOS, Combo

CONFIG = Principal.service("config.amazonaws.com")
OTHER_ACCOUNT = "999988887777"
CONFIGS = load_all()
RECORDING = [c for c in ALL_COMBOS if CONFIGS[c[0]].account.owns_account_baseline]
IDS = [f"{e}-phase{p}" for e, p in RECORDING]
HISTORY = f"AWSLogs/{ACCOUNT}/Config/us-east-1/2026/1/12/ConfigHistory/{ACCOUNT}_Config_us-east-1_ConfigHistory_AWS::S3::Bucket_20260112T000000Z.json.gz"
SNAPSHOT = f"AWSLogs/{ACCOUNT}/Config/us-east-1/2026/1/12/ConfigSnapshot/{ACCOUNT}_Config_us-east-1_ConfigSnapshot_20260112T000000Z_0a1b.json.gz"
ACL = {"s3:x-amz-acl": "bucket-owner-full-control"}


def this_account(**extra: Any) -> dict[str, Any]:
    return {"aws:SourceAccount": ACCOUNT, **extra}


def via_s3(bucket: Bucket, account: str = ACCOUNT) -> dict[str, Any]:
    """KMS request context when S3 encrypts Config's delivery with the bucket key."""
    return {"aws:SourceAccount": account, "kms:ViaService": f"s3.{bucket.region}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": bucket.arn}


@pytest.mark.parametrize("combo", RECORDING, ids=IDS)
@pytest.mark.parametrize("key", [HISTORY, SNAPSHOT], ids=["history", "snapshot"])
@pytest.mark.parametrize("headers", ["kms-key-named", "default-encryption"])
def test_config_delivers_history_and_snapshots(worlds: dict[Combo, StackWorld], combo: Combo, key: str, headers: str) -> None:
    """The delivery channel names the bucket's key (SSE-KMS headers); either way the documented delivery is allowed."""
    world = worlds[combo]
    bucket = world.bucket(AUDIT)
    encryption = (
        {"s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": bucket.key_arn} if headers == "kms-key-named" else {}
    )
    assert s3(world, CONFIG, "s3:PutObject", bucket, key, **this_account(**ACL, **encryption)) is Decision.ALLOW, why()
    assert s3(world, CONFIG, "s3:GetBucketAcl", bucket, None, **this_account()) is Decision.ALLOW, why()
    assert s3(world, CONFIG, "s3:ListBucket", bucket, None, **this_account()) is Decision.ALLOW, why()
    assert bucket.key_arn is not None
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        assert kms(world, CONFIG, action, bucket.key_arn, **via_s3(bucket)) is Decision.ALLOW, (action, why())


@pytest.mark.parametrize("combo", RECORDING, ids=IDS)
def test_config_may_do_nothing_else(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    bucket = world.bucket(AUDIT)
    assert bucket.key_arn is not None
    denied: list[tuple[str, str | None, dict[str, Any]]] = [
        ("s3:PutObject", HISTORY, this_account()),  # without bucket-owner-full-control
        ("s3:PutObject", HISTORY, {**ACL}),  # without aws:SourceAccount
        ("s3:PutObject", HISTORY, {**ACL, "aws:SourceAccount": OTHER_ACCOUNT}),  # Config acting for another account
        ("s3:PutObject", f"AWSLogs/{OTHER_ACCOUNT}/Config/x.json.gz", this_account(**ACL)),  # another account's prefix
        ("s3:PutObject", f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/x.json.gz", this_account(**ACL)),  # the trail's files
        ("s3:PutObject", "Config/x.json.gz", this_account(**ACL)),  # outside AWSLogs/
        ("s3:GetObject", HISTORY, this_account()),
        ("s3:DeleteObject", HISTORY, this_account()),
        ("s3:PutBucketPolicy", None, this_account()),
        ("s3:GetBucketAcl", None, {"aws:SourceAccount": OTHER_ACCOUNT}),
        ("s3:ListBucket", None, {}),
    ]
    for action, key, context in denied:
        assert s3(world, CONFIG, action, bucket, key, **context) is not Decision.ALLOW, (action, key, context, why())
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        assert kms(world, CONFIG, action, bucket.key_arn, **via_s3(bucket, OTHER_ACCOUNT)) is Decision.IMPLICIT_DENY, (action, why())
        assert kms(world, CONFIG, action, bucket.key_arn) is Decision.IMPLICIT_DENY, (action, why())
    for action in ("kms:Encrypt", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:ScheduleKeyDeletion"):
        assert kms(world, CONFIG, action, bucket.key_arn, **via_s3(bucket)) is Decision.IMPLICIT_DENY, (action, why())


@pytest.mark.parametrize("combo", RECORDING, ids=IDS)
def test_configs_statements_open_nothing_to_other_services(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    bucket = world.bucket(AUDIT)
    assert bucket.key_arn is not None
    for service in ("logging.s3.amazonaws.com", "delivery.logs.amazonaws.com", "events.amazonaws.com"):
        other = Principal.service(service)
        assert s3(world, other, "s3:PutObject", bucket, HISTORY, **this_account(**ACL)) is Decision.IMPLICIT_DENY, (service, why())
        assert kms(world, other, "kms:GenerateDataKey", bucket.key_arn, **via_s3(bucket)) is Decision.IMPLICIT_DENY, (service, why())


@pytest.mark.parametrize("combo", RECORDING, ids=IDS)
def test_config_reaches_no_other_bucket(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    for bucket in world.buckets():
        if bucket.path.split("/", 1)[1] == f"{AUDIT}/Resource":
            continue
        assert s3(world, CONFIG, "s3:PutObject", bucket, HISTORY, **this_account(**ACL)) is Decision.IMPLICIT_DENY, (bucket.path, why())
