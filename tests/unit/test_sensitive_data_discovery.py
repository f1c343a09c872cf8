"""SensitiveDataDiscovery: Macie enabled, one scheduled classification job per PHI bucket, the bucket keys admit Macie."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json
from tests.unit._detection_helpers import aws, phi_bucket, statements


def test_macie_and_a_weekly_job_per_bucket(fresh_stack: Any) -> None:
    from constructs_lib import SensitiveDataDiscovery, SensitiveDataDiscoveryProps

    aws(fresh_stack)
    docs, images = phi_bucket(fresh_stack, "Docs"), phi_bucket(fresh_stack, "Images")
    SensitiveDataDiscovery(fresh_stack, "Macie", SensitiveDataDiscoveryProps(name_prefix="acme-dev", buckets=(docs, images)))
    synthesized = synth_json(fresh_stack)
    ((account_name, account),) = resources_of(synthesized, "aws_macie2_account").items()
    assert (account["status"], account["finding_publishing_frequency"]) == ("ENABLED", "FIFTEEN_MINUTES")
    jobs = {j["name"]: j for j in resources_of(synthesized, "aws_macie2_classification_job").values()}
    assert set(jobs) == {"acme-dev-docs-phi-scan", "acme-dev-images-phi-scan"}
    job = jobs["acme-dev-docs-phi-scan"]
    assert (job["job_type"], job["initial_run"], job["sampling_percentage"]) == ("SCHEDULED", True, 100)
    assert job["schedule_frequency"] == {"weekly_schedule": "SUNDAY"}
    (definition,) = job["s3_job_definition"]["bucket_definitions"]
    assert definition["buckets"] == ["${aws_s3_bucket.Docs_A50029D5.bucket}"]
    assert job["depends_on"] == [f"aws_macie2_account.{account_name}"]
    for key in ("Docs_Key_Policy", "Images_Key_Policy"):
        macie = statements(synthesized, key)["MacieDecryptsThroughS3"]
        assert macie["actions"] == ["kms:Decrypt"]
        assert macie["principals"][0]["identifiers"][0].endswith(":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie")
        assert {c["variable"] for c in macie["condition"]} == {"kms:ViaService", "kms:CallerAccount"}


@pytest.mark.parametrize(("schedule", "expected"), [("DAILY", {"daily_schedule": True}), ("MONTHLY", {"monthly_schedule": 1})])
def test_schedule_is_settable(fresh_stack: Any, schedule: str, expected: dict[str, Any]) -> None:
    from constructs_lib import MacieSchedule, SensitiveDataDiscovery, SensitiveDataDiscoveryProps

    aws(fresh_stack)
    props = SensitiveDataDiscoveryProps(name_prefix="acme-dev", buckets=(phi_bucket(fresh_stack),), schedule=MacieSchedule(schedule), sampling_percentage=10)
    SensitiveDataDiscovery(fresh_stack, "Macie", props)
    (job,) = resources_of(synth_json(fresh_stack), "aws_macie2_classification_job").values()
    assert job["schedule_frequency"] == expected and job["sampling_percentage"] == 10


def test_fails_without_buckets_or_with_a_bad_sampling_percentage(fresh_stack: Any) -> None:
    from constructs_lib import SensitiveDataDiscovery, SensitiveDataDiscoveryProps

    aws(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Macie: buckets must be a non-empty tuple of SecureS3 \(the PHI buckets\), got \(\)$"):
        SensitiveDataDiscovery(fresh_stack, "Macie", SensitiveDataDiscoveryProps(name_prefix="acme-dev", buckets=()))
    with pytest.raises(ValidationError, match=r"^test/Macie2: sampling_percentage must be 1\.\.100, got 0$"):
        SensitiveDataDiscovery(
            fresh_stack, "Macie2", SensitiveDataDiscoveryProps(name_prefix="acme-dev", buckets=(phi_bucket(fresh_stack),), sampling_percentage=0)
        )
