"""ServiceSecret: a Secrets Manager secret only its reader (and Terraform's runs) may read, under its own KMS key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from constructs_lib import ValidationError
from tests.conftest import resources_of, synth_json
from tests.unit._s3_helpers import REGION, block, ref


def _secret(stack: Any, **overrides: Any) -> Any:
    from constructs_lib import AppSecret, AppSecretProps, ServiceIdentity, ServiceIdentityProps, ServiceSecret, ServiceSecretProps
    from constructs_lib.engine.aws import AwsProvider

    AwsProvider(stack, "aws", region=REGION)
    reader = ServiceIdentity(stack, "Reader", ServiceIdentityProps(project="acme", environment="dev", service="ai"))
    key = AppSecret(stack, "Key", AppSecretProps(name="ai-key"))
    props = {"name": "acme-dev/ai/keys", "reader": reader, "values": {"AI_KEY": key.current}, **overrides}
    return ServiceSecret(stack, "Secret", ServiceSecretProps(**props)), reader, key


def _document(out: dict[str, Any], reference: str) -> dict[str, Any]:
    name = reference.removeprefix("${data.aws_iam_policy_document.").removesuffix(".json}")
    return out["data"]["aws_iam_policy_document"][name]


def test_defaults_encrypt_with_its_own_key_and_protect_the_secret(fresh_stack: Any) -> None:
    secret, _, key = _secret(fresh_stack)
    out = synth_json(fresh_stack)
    assert block(out, secret.resource) == {
        "name": "acme-dev/ai/keys",
        "kms_key_id": ref(secret.key.resource, "arn"),
        "recovery_window_in_days": 30,
        "lifecycle": {"prevent_destroy": True},
    }
    kms = block(out, secret.key.resource)
    assert kms["enable_key_rotation"] is True and kms["deletion_window_in_days"] == 30 and kms["lifecycle"] == {"prevent_destroy": True}
    assert block(out, secret.key.alias)["name"] == "alias/secret/acme-dev/ai/keys"
    (bytes_name,) = resources_of(out, "random_bytes")
    # A reference, never the value: cdk.tf.json holds the expression; state holds the value, like the key it comes from.
    assert block(out, secret.value) == {
        "secret_id": ref(secret.resource, "id"),
        "secret_string": f'${{jsonencode({{"AI_KEY" = random_bytes.{bytes_name}.base64}})}}',
    }
    assert block(out, secret.policy)["block_public_policy"] is True


def test_only_the_reader_and_terraform_may_read_the_value(fresh_stack: Any) -> None:
    secret, reader, _ = _secret(fresh_stack)
    out = synth_json(fresh_stack)
    (deny,) = _document(out, block(out, secret.policy)["policy"])["statement"]
    (runner,) = out["data"]["aws_iam_session_context"]
    assert deny == {
        "sid": "OnlyTheReaderAndTerraformReadTheValue",
        "effect": "Deny",
        "actions": ["secretsmanager:GetSecretValue"],
        "resources": ["*"],
        "principals": [{"type": "AWS", "identifiers": ["*"]}],
        "condition": [
            {
                "test": "StringNotEquals",
                "variable": "aws:PrincipalArn",
                "values": [ref(reader.resource, "arn"), f"${{data.aws_iam_session_context.{runner}.issuer_arn}}"],
            }
        ],
    }
    reader_policy = block(out, secret.reader_policy)
    assert reader_policy["path"] == "/services/" and reader_policy["name"] == "acme-dev-ai-secret-acme-dev-ai-keys"
    assert block(out, secret.reader_attachment) == {"group": ref(reader.group, "name"), "policy_arn": ref(secret.reader_policy, "arn")}
    statements = {s["sid"]: s for s in _document(out, reader_policy["policy"])["statement"]}
    assert statements["ReadTheSecret"]["actions"] == ["secretsmanager:GetSecretValue"]
    assert statements["ReadTheSecret"]["resources"] == [ref(secret.resource, "arn")]
    key_statements = {s["sid"]: s for s in _document(out, block(out, secret.key.resource)["policy"])["statement"]}
    assert set(key_statements) == {"AccountAdministersKey", "ReaderDecryptsThroughSecretsManager", "TerraformWritesThroughSecretsManager"}
    assert key_statements["ReaderDecryptsThroughSecretsManager"]["actions"] == ["kms:Decrypt"]
    assert key_statements["TerraformWritesThroughSecretsManager"]["actions"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    for sid in ("ReaderDecryptsThroughSecretsManager", "TerraformWritesThroughSecretsManager"):
        via = [c for c in key_statements[sid]["condition"] if c["variable"] == "kms:ViaService"]
        assert via == [
            {
                "test": "StringEquals",
                "variable": "kms:ViaService",
                "values": [f"secretsmanager.${{data.aws_region.{next(iter(out['data']['aws_region']))}.region}}.amazonaws.com"],
            }
        ]


def test_rotation_is_an_accepted_checkov_finding_with_its_reason(tmp_path: Path) -> None:
    from constructs_lib.engine.core import App, TerraformStack

    app = App(outdir=str(tmp_path))
    secret, _, _ = _secret(TerraformStack(app, "test"))
    app.synth()
    stack = json.loads((tmp_path / "stacks" / "test" / "cdk.tf.json").read_text())
    accepted = stack["resource"]["aws_secretsmanager_secret"][secret.resource.friendly_unique_id]["//"]["checkov_accepted"]
    assert set(accepted) == {"CKV2_AWS_57"} and "random_password" in accepted["CKV2_AWS_57"]


def test_unprotected_secret_may_be_destroyed_after_a_short_window(fresh_stack: Any) -> None:
    secret, _, _ = _secret(fresh_stack, protect_from_destroy=False, recovery_window_days=7, description="AI keys")
    out = synth_json(fresh_stack)
    body = block(out, secret.resource)
    assert "lifecycle" not in body and body["recovery_window_in_days"] == 7 and body["description"] == "AI keys"
    assert "lifecycle" not in block(out, secret.key.resource)


def test_fails_when_props_are_invalid_naming_every_problem(fresh_stack: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        _secret(fresh_stack, name="acme dev/ai", recovery_window_days=3, values={"ai_key": "hunter2"})
    assert str(raised.value).splitlines() == [
        "test/Secret: name must be segments of letters, digits, '_' and '-' joined by '/', at most 200 characters, got 'acme dev/ai'",
        "test/Secret: recovery_window_days must be 7..30, got 3",
        "test/Secret: values must be keys in UPPER_SNAKE_CASE (A-Z, 0-9, '_'), at most 128 characters, got 'ai_key'",
        "test/Secret: values['ai_key'] must be a reference to a sensitive value (a literal would be written into cdk.tf.json), got '<literal>'",
    ]
    assert "hunter2" not in str(raised.value)


def test_fails_when_there_is_nothing_to_store(fresh_stack: Any) -> None:
    with pytest.raises(ValidationError, match=r"^test/Secret: values must be at least one key, got \{\}$"):
        _secret(fresh_stack, values={})


def test_value_reaches_no_output_and_no_literal(fresh_stack: Any) -> None:
    _secret(fresh_stack)
    out = synth_json(fresh_stack)
    assert "output" not in out
    assert "hunter" not in json.dumps(out)
