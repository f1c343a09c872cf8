"""Macie can read the PHI buckets it inspects, through S3 only: AWS's decisions on the bucket keys' policies."""

from __future__ import annotations

import pytest

from constructs_lib.storage.storage_types import DataClassification
from environments import load_all
from tests.access.iam_eval import Decision, Principal
from tests.access.test_stack_access import kms, s3, why
from tests.access.world import ACCOUNT, StackWorld
from tests.conftest import ALL_COMBOS, Combo

CONFIGS = load_all()
MACIE_ROLE = Principal.role(ACCOUNT, "aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie")
MACIE_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "kms:Decrypt"], "Resource": "*"}]}
"""What the service-linked role's own (AWS managed) policy allows, as far as these requests go."""


def _phi_primaries(world: StackWorld) -> list[str]:
    """Construct paths of the PHI buckets in the stack's region (not replicas, not the log buckets)."""
    tagged = world.resources["aws_s3_bucket"]
    return sorted(
        b.path.split("/", 1)[1].removesuffix("/Resource")
        for b in world.buckets()
        if tagged[b.resource].get("tags", {}).get("DataClassification") == DataClassification.PHI.value and "/Replica" not in b.path
    )


@pytest.mark.parametrize("combo", [c for c in ALL_COMBOS if CONFIGS[c[0]].detection.macie], ids=lambda c: f"{c[0]}-phase{c[1]}")
def test_macie_decrypts_phi_objects_through_s3(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    paths = _phi_primaries(world)
    assert paths, "no PHI bucket found"
    jobs = world.resources["aws_macie2_classification_job"]
    assert len(jobs) == len(paths)
    for path in paths:
        bucket = world.bucket(path)
        assert bucket.key_arn is not None
        through_s3 = {"kms:ViaService": f"s3.{bucket.region}.amazonaws.com", "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:aws:s3:arn": bucket.arn}
        assert s3(world, MACIE_ROLE, "s3:GetObject", bucket, "patients/1.pdf", [MACIE_POLICY]) is Decision.ALLOW, (path, why())
        assert kms(world, MACIE_ROLE, "kms:Decrypt", bucket.key_arn, [MACIE_POLICY], **through_s3) is Decision.ALLOW, (path, why())
        # Not directly, not through another service, and nothing but Decrypt.
        assert kms(world, MACIE_ROLE, "kms:Decrypt", bucket.key_arn, [MACIE_POLICY], **{"kms:CallerAccount": ACCOUNT}) is Decision.IMPLICIT_DENY, why()
        other = {**through_s3, "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}
        assert kms(world, MACIE_ROLE, "kms:Decrypt", bucket.key_arn, [MACIE_POLICY], **other) is Decision.IMPLICIT_DENY, why()
        assert kms(world, MACIE_ROLE, "kms:GenerateDataKey", bucket.key_arn, [MACIE_POLICY], **through_s3) is Decision.IMPLICIT_DENY, why()


@pytest.mark.parametrize("combo", [c for c in ALL_COMBOS if not CONFIGS[c[0]].detection.macie], ids=lambda c: f"{c[0]}-phase{c[1]}")
def test_without_macie_no_key_admits_it(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    assert "aws_macie2_account" not in world.resources
    for bucket in world.buckets():
        if bucket.key_arn is None:
            continue
        through_s3 = {"kms:ViaService": f"s3.{bucket.region}.amazonaws.com", "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:aws:s3:arn": bucket.arn}
        assert kms(world, MACIE_ROLE, "kms:Decrypt", bucket.key_arn, [MACIE_POLICY], **through_s3) is Decision.IMPLICIT_DENY, (bucket.path, why())
