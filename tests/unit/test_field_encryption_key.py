"""FieldEncryptionKey: a PHI service's own KMS key, its secure defaults, its one grant, and what it refuses."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from constructs_lib import ValidationError
from tests.access.iam_eval import Decision, Principal, Request, decide_kms
from tests.access.world import ACCOUNT, StackWorld
from tests.conftest import resources_of, synth_json
from tests.unit._s3_helpers import REGION, block, ref


def _key(stack: Any, service: str = "patient", **overrides: Any) -> Any:
    from constructs_lib import FieldEncryptionKey, FieldEncryptionKeyProps
    from constructs_lib.engine.aws import AwsProvider

    if stack.node.try_find_child("aws") is None:
        AwsProvider(stack, "aws", region=REGION)
    props = {"project": "acme", "environment": "dev", "service": service, **overrides}
    return FieldEncryptionKey(stack, f"FieldKey-{service}", FieldEncryptionKeyProps(**props))


def _identity(stack: Any, service: str) -> Any:
    from constructs_lib import ServiceIdentity, ServiceIdentityProps

    return ServiceIdentity(stack, f"Identity-{service}", ServiceIdentityProps(project="acme", environment="dev", service=service))


def test_secure_defaults(fresh_stack: Any) -> None:
    key = _key(fresh_stack)
    out = synth_json(fresh_stack)
    resource = block(out, key.resource)
    assert {k: v for k, v in resource.items() if k not in ("//", "policy")} == {
        "description": "PHI field encryption of acme-dev-patient (envelope encryption, context service=patient)",
        "key_usage": "ENCRYPT_DECRYPT",
        "customer_master_key_spec": "SYMMETRIC_DEFAULT",
        "enable_key_rotation": True,
        "deletion_window_in_days": 30,
        "is_enabled": True,
        "tags": {"DataClassification": "phi", "Service": "patient"},
        "lifecycle": {"prevent_destroy": True},
    }
    assert resource["policy"] == ref(key.policy.document, "json")
    assert block(out, key.alias) == {"name": "alias/acme-dev-patient-field-key", "target_key_id": ref(key.resource, "key_id")}
    assert key.encryption_context == {"service": "patient"}
    assert key.encryption_context_text == "service=patient"
    assert key.alias_name == "alias/acme-dev-patient-field-key"
    (admin,) = [s["sid"] for s in block(out, key.policy.document)["statement"]]
    assert admin == "AccountAdministersKey"  # before a grant nobody may use the key


def test_overrides(fresh_stack: Any) -> None:
    key = _key(fresh_stack, deletion_window_days=7, protect_from_destroy=False)
    resource = block(synth_json(fresh_stack), key.resource)
    assert resource["deletion_window_in_days"] == 7
    assert "lifecycle" not in resource


def _world_with_grant(stack: Any) -> tuple[StackWorld, str, Principal, Principal]:
    key = _key(stack)
    patient = _identity(stack, "patient")
    _identity(stack, "appointment")
    grant = key.grant_use(patient)
    out = synth_json(stack)
    by_sid = {s["sid"]: s for s in block(out, key.policy.document)["statement"]}
    assert [by_sid[g.sid]["principals"] for g in (grant.use, grant.describe)] == [[{"type": "AWS", "identifiers": [ref(patient.resource, "arn")]}]] * 2
    world = StackWorld(out)
    arn = world.key("FieldKey-patient")
    return world, arn, world.user("Identity-patient")[0], world.user("Identity-appointment")[0]


def _decide(world: StackWorld, principal: Principal, action: str, arn: str, identity: list[dict[str, Any]] | None = None, **context: str) -> Decision:
    request_context: dict[str, Any] = {"kms:CallerAccount": ACCOUNT, **{f"kms:EncryptionContext:{k}": v for k, v in context.items()}}
    return decide_kms(Request(principal, action, arn, request_context), key_policy=world.key_policy(arn), identity_policies=identity or [], key_account=ACCOUNT)


def test_grant_lets_only_its_service_use_the_key_with_its_context(fresh_stack: Any) -> None:
    world, arn, patient, appointment = _world_with_grant(fresh_stack)
    admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        assert _decide(world, patient, action, arn, service="patient") is Decision.ALLOW
        assert _decide(world, patient, action, arn) is Decision.IMPLICIT_DENY
        assert _decide(world, patient, action, arn, service="appointment") is Decision.IMPLICIT_DENY
        assert _decide(world, appointment, action, arn, service="patient") is Decision.IMPLICIT_DENY
        assert _decide(world, appointment, action, arn, [admin], service="patient") is Decision.IMPLICIT_DENY
        assert _decide(world, Principal.root(ACCOUNT), action, arn, service="patient") is Decision.IMPLICIT_DENY
    assert _decide(world, patient, "kms:DescribeKey", arn) is Decision.ALLOW
    assert _decide(world, patient, "kms:Encrypt", arn, service="patient") is Decision.IMPLICIT_DENY
    assert _decide(world, patient, "kms:PutKeyPolicy", arn) is Decision.IMPLICIT_DENY


def test_the_grant_needs_no_identity_policy(fresh_stack: Any) -> None:
    """The key policy names the user, which alone allows in the key's account: no IAM policy is created for it."""
    _world_with_grant(fresh_stack)
    out = synth_json(fresh_stack)
    assert resources_of(out, "aws_iam_policy") == {}
    assert resources_of(out, "aws_kms_grant") == {}


def test_fails_when_another_services_identity_asks_for_the_key(fresh_stack: Any) -> None:
    key = _key(fresh_stack)
    with pytest.raises(
        ValidationError, match=r"^test/FieldKey-patient: identity\.service must be 'patient' \(a service uses only its own field key\), got 'appointment'$"
    ):
        key.grant_use(_identity(fresh_stack, "appointment"))
    assert [s["sid"] for s in block(synth_json(fresh_stack), key.policy.document)["statement"]] == ["AccountAdministersKey"]


def test_fails_when_the_key_is_granted_twice(fresh_stack: Any) -> None:
    key = _key(fresh_stack)
    key.grant_use(_identity(fresh_stack, "patient"))
    from constructs_lib import ServiceIdentity, ServiceIdentityProps

    second = ServiceIdentity(fresh_stack, "Second", ServiceIdentityProps(project="acme", environment="dev", service="patient", path="/other/"))
    with pytest.raises(
        ValidationError, match=r"^test/FieldKey-patient: identity must be granted once \(the key is already used by patient's identity\), got 'test/Second'$"
    ):
        key.grant_use(second)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"service": "Patient"}, r"service must be lowercase letters and digits in hyphen-separated words such as 'medical-documents', got 'Patient'"),
        ({"deletion_window_days": 6}, r"deletion_window_days must be an integer 7\.\.30, got 6"),
        ({"deletion_window_days": 31}, r"deletion_window_days must be an integer 7\.\.30, got 31"),
        ({"deletion_window_days": True}, r"deletion_window_days must be an integer 7\.\.30, got True"),
    ],
    ids=["service-name", "window-short", "window-long", "window-bool"],
)
def test_fails_when_prop_is_out_of_range(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    from constructs_lib import FieldEncryptionKey, FieldEncryptionKeyProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(fresh_stack, "aws", region=REGION)
    with pytest.raises(ValidationError, match=f"^test/Key: {message}$"):
        FieldEncryptionKey(fresh_stack, "Key", FieldEncryptionKeyProps(**{"project": "acme", "environment": "dev", "service": "patient", **overrides}))
    assert fresh_stack.node.find_child("Key").node.children == []


def test_fails_with_every_problem_at_once(fresh_stack: Any) -> None:
    from constructs_lib import FieldEncryptionKey, FieldEncryptionKeyProps, ValidationErrors
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(fresh_stack, "aws", region=REGION)
    with pytest.raises(ValidationErrors) as caught:
        FieldEncryptionKey(fresh_stack, "Key", FieldEncryptionKeyProps(project="Acme", environment="dev", service="x_y", deletion_window_days=0))
    assert [e.field for e in caught.value.errors] == ["project", "service", "deletion_window_days"]


def test_fails_without_an_aws_provider(fresh_stack: Any) -> None:
    from constructs_lib import FieldEncryptionKey, FieldEncryptionKeyProps, MissingProviderError

    with pytest.raises(MissingProviderError, match="AwsProvider"):
        FieldEncryptionKey(fresh_stack, "Key", FieldEncryptionKeyProps(project="acme", environment="dev", service="patient"))


def test_props_are_frozen() -> None:
    from constructs_lib import FieldEncryptionKeyProps

    with pytest.raises(dataclasses.FrozenInstanceError):
        FieldEncryptionKeyProps(project="a", environment="b", service="c").service = "d"  # type: ignore[misc]
