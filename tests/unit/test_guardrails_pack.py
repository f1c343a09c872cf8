"""The guardrail framework: rule table, suppressions, where the pack applies, and failures through main.py."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from constructs import Construct

import main
import stacks.app
from constructs_lib.engine.aws import AwsProvider, AwsProviderDefaultTags, S3Bucket
from constructs_lib.engine.core import App, Aspects, TerraformProviderGeneratorMetadata, TerraformStack
from constructs_lib.errors import GuardrailViolation, ValidationError
from constructs_lib.guardrails import ALL_RULES, ERROR_METADATA_TYPE, SUPPRESSED_KEY, HipaaRulePack, Level, apply_guardrails, suppress
from environments import EnvironmentConfig
from tests.conftest import ALL_COMBOS, REPO_ROOT
from tests.unit._guardrails import FULL_TAGS, BucketParts, RawResource, compliant_bucket, logged_bucket_pair, run_pack

_WARNING_LINE = re.compile(r"^warning: [^:]+: HC-[A-Z0-9]+-\d{3} \(warning\): .+; fix: .+$")
REASON = "the org-wide trail bucket: access is recorded by CloudTrail data events instead"


def test_rule_ids_are_unique_and_well_formed() -> None:
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids)) == 19
    for rule in ALL_RULES:
        assert re.fullmatch(r"HC-(S3|KMS|IAM|NEON|RWY|CF|TAG)-\d{3}", rule.id), rule.id
        assert rule.rationale and "\n" not in rule.rationale
        assert rule.fix and "\n" not in rule.fix
        assert rule.hipaa is None or rule.hipaa.startswith("HIPAA.Security-")


def test_each_rule_module_is_named_by_its_rule_id() -> None:
    modules = sorted(p.stem for p in (REPO_ROOT / "constructs_lib" / "guardrails" / "rules").glob("*.py") if not p.stem.startswith("_"))
    assert len(modules) == len(ALL_RULES)
    for rule in ALL_RULES:
        assert len([m for m in modules if m.startswith(rule.id.lower().replace("-", "_") + "_")]) == 1, rule.id


def test_guardrails_doc_table_lists_every_rule_with_its_level() -> None:
    readme = (REPO_ROOT / "docs" / "guardrails.md").read_text()
    for rule in ALL_RULES:
        row = next((line for line in readme.splitlines() if line.startswith(f"| {rule.id} |")), None)
        assert row is not None, rule.id
        assert f"| {rule.level.value} |" in row
        assert (rule.hipaa or "—") in row


def test_a_suppression_silences_its_rule_and_shows_in_cdk_tf_json(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        bucket = compliant_bucket(stack, "Trail")
        suppress(bucket, "HC-S3-005", REASON)

    outcome = run_pack(tmp_path, build)
    assert outcome.errors == []
    assert outcome.stack is not None
    comment = outcome.stack["resource"]["aws_s3_bucket"]["Trail"]["//"]
    assert comment[SUPPRESSED_KEY] == [{"rule": "HC-S3-005", "reason": REASON, "declared_at": "test/Trail"}]
    assert comment["metadata"]["path"] == "test/Trail"


def test_a_suppression_on_a_parent_covers_the_resources_beneath_it(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        group = Construct(stack, "Archive")
        compliant_bucket(group, "One")
        compliant_bucket(group, "Two")
        compliant_bucket(stack, "Outside")
        suppress(group, "HC-S3-005", REASON)

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/Outside", "HC-S3-005")}


def test_fails_when_a_suppression_matches_nothing(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        data, _ = logged_bucket_pair(stack)
        suppress(data, "HC-S3-001", "encrypted with KMS already; kept from an older layout")

    outcome = run_pack(tmp_path, build)
    assert outcome.errors == ["test/Data: HC-SUPPRESS (error): suppression of HC-S3-001 matches no finding; fix: remove the suppression (the rule passes now)"]


def test_a_suppression_of_a_rule_the_pack_did_not_run_is_not_stale(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        project = RawResource(stack, "Project", "neon_project", {"name": "p", "history_retention_seconds": 86_400})
        suppress(project, "HC-NEON-002", "a scratch project recreated by every test run; nothing to keep")

    assert run_pack(tmp_path, build).errors == []
    outcome = run_pack(tmp_path, build, production=True)
    assert outcome.rules_at() == {("test/Project", "HC-NEON-001")}


@pytest.mark.parametrize(
    ("rule_id", "reason", "message"),
    [
        ("HC-S3-999", REASON, r"test/Trail: rule_id must be one of HC-CF-001, .*got 'HC-S3-999'"),
        ("HC-S3-005", "not needed", r"test/Trail: reason must be a reason of at least 20 characters.*got 'not needed'"),
        ("HC-S3-005", "false positive, not needed, by design", r"reason must be .*not boilerplate.*got 'false positive, not needed, by design'"),
        ("HC-S3-005", "   " * 10, r"reason must be a reason of at least 20 characters"),
    ],
    ids=["unknown-rule", "short-reason", "boilerplate-reason", "blank-reason"],
)
def test_fails_when_a_suppression_is_not_justified(rule_id: str, reason: str, message: str) -> None:
    stack = TerraformStack(App(), "test")
    bucket = S3Bucket(stack, "Trail")
    with pytest.raises(ValidationError, match=message):
        suppress(bucket, rule_id, reason)


def test_a_pack_on_the_app_checks_every_stack(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: S3Bucket(s, "Bare"), on_app=True)
    assert ("test/Bare", "HC-S3-001") in outcome.rules_at()


@pytest.mark.parametrize("added_by", ["aspect", "apply_guardrails"])
def test_a_pack_on_a_subtree_reports_only_that_subtree(tmp_path: Path, added_by: str) -> None:
    app = App(outdir=str(tmp_path / "out"))
    stack = TerraformStack(app, "test")
    AwsProvider(stack, "aws", region="us-east-1", default_tags=[AwsProviderDefaultTags(tags=FULL_TAGS)])
    checked = Construct(stack, "Checked")
    S3Bucket(checked, "Bare")
    S3Bucket(stack, "Unchecked")
    if added_by == "aspect":
        Aspects.of(checked).add(HipaaRulePack())
    else:
        apply_guardrails(checked)
        # No aspect: cdktf would call its visit on every construct of the stack, a jsii round trip each.
        assert [list(Aspects.of(scope).all) for scope in (stack, checked)] == [[], []]
    with pytest.raises(RuntimeError, match=r"\[test/Checked/Bare\] HC-S3-001"):
        app.synth()
    unchecked = stack.node.find_child("Unchecked")
    assert [e.type for e in unchecked.node.metadata if e.type == ERROR_METADATA_TYPE] == []


def test_one_pack_serves_stacks_of_the_same_name_in_two_apps(tmp_path: Path) -> None:
    pack = HipaaRulePack()
    for number in (1, 2):
        app = App(outdir=str(tmp_path / f"out{number}"))
        stack = TerraformStack(app, "test")
        AwsProvider(stack, "aws", region="us-east-1", default_tags=[AwsProviderDefaultTags(tags=FULL_TAGS)])
        S3Bucket(stack, "Bare")
        Aspects.of(stack).add(pack)
        with pytest.raises(RuntimeError, match=r"\[test/Bare\] HC-S3-001"):
            app.synth()


def test_rules_can_be_narrowed(tmp_path: Path) -> None:
    only_versioning = [r for r in ALL_RULES if r.id == "HC-S3-002"]
    app = App(outdir=str(tmp_path / "out"))
    stack = TerraformStack(app, "test")
    AwsProvider(stack, "aws", region="us-east-1")
    compliant_bucket(stack, "NoVersions", BucketParts(versioning=None))
    Aspects.of(stack).add(HipaaRulePack(rules=only_versioning))
    with pytest.raises(RuntimeError) as caught:
        app.synth()
    assert re.findall(r"HC-[A-Z0-9]+-\d+", str(caught.value)) == ["HC-S3-002"]
    assert only_versioning[0].level is Level.ERROR


def _platform_with_bare_bucket(original):  # noqa: ANN001, ANN202 - wraps stacks.app.build_app
    def build(configs: Sequence[EnvironmentConfig], outdir: Path, **options: Any) -> App:
        app = original(configs, outdir, **options)
        S3Bucket(app.node.find_child("dev"), "Stray", bucket="healthcare-dev-stray")
        return app

    return build


def test_platform_stack_fails_synthesis_on_a_guardrail_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, configs: dict[str, EnvironmentConfig]) -> None:
    monkeypatch.setattr(stacks.app, "build_app", _platform_with_bare_bucket(stacks.app.build_app))
    with pytest.raises(GuardrailViolation) as caught:
        stacks.app.synthesize([configs["dev"]], tmp_path / "out")
    assert caught.value.findings[0].startswith("dev/Stray: HC-S3-001 (error): bucket has no aws_s3_bucket_server_side_encryption_configuration")
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_main_prints_one_line_per_finding_and_keeps_cdktf_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outdir = tmp_path / "cdktf.out"
    outdir.mkdir()
    (outdir / "previous.txt").write_text("previous output")
    monkeypatch.setattr(stacks.app, "build_app", _platform_with_bare_bucket(stacks.app.build_app))
    status = main.main(["--env", "dev", "--outdir", str(outdir)], {})
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert [re.match(r"error: dev/Stray: (HC-S3-00\d) \(error\): .*; fix: .+$", line)[1] for line in lines] == [f"HC-S3-00{n}" for n in range(1, 6)]
    assert (outdir / "previous.txt").read_text() == "previous output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdktf.out"]


def test_main_reports_cdktf_validation_errors_in_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = stacks.app.build_app

    def build(configs: Sequence[EnvironmentConfig], outdir: Path, **options: Any) -> App:
        app = original(configs, outdir, **options)
        RawResource(
            app.node.find_child("dev"),
            "Suffix",
            "null_resource",
            {},
            terraform_generator_metadata=TerraformProviderGeneratorMetadata(provider_name="null"),
        )
        return app

    monkeypatch.setattr(stacks.app, "build_app", build)
    status = main.main(["--env", "dev", "--outdir", str(tmp_path / "cdktf.out")], {})
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("error: dev: Found resources without a matching provider construct")
    assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_main_prints_guardrail_warnings_and_succeeds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from constructs_lib.engine.aws import IamRole, IamRolePolicy

    original = stacks.app.build_app
    assume = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    )
    send = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:q"}]}
    )

    def build(configs: Sequence[EnvironmentConfig], outdir: Path, **options: Any) -> App:
        app = original(configs, outdir, **options)
        dev = app.node.find_child("dev")
        role = IamRole(dev, "Worker", assume_role_policy=assume)
        IamRolePolicy(dev, "WorkerInline", role=role.name, policy=send)
        return app

    monkeypatch.setattr(stacks.app, "build_app", build)
    status = main.main(["--env", "dev", "--outdir", str(tmp_path / "cdktf.out")], {})
    assert status == 0
    lines = capsys.readouterr().err.splitlines()
    # Every line is one guardrail warning (the platform's own constructs may add some); the
    # planted inline policy gives exactly one, and nothing is reported as an error.
    assert [line for line in lines if not _WARNING_LINE.match(line)] == []
    assert [line for line in lines if line.startswith("warning: dev/Worker")] == [
        "warning: dev/WorkerInline: HC-IAM-003 (warning): aws_iam_role_policy is an inline policy; "
        "fix: use an aws_iam_policy attached with aws_iam_role_policy_attachment"
    ]
    assert (tmp_path / "cdktf.out" / "stacks" / "dev" / "cdk.tf.json").is_file()


def test_platform_stack_applies_production_rules_only_to_production(configs: dict[str, EnvironmentConfig]) -> None:
    from platform_plan.phases import plan_for
    from stacks.platform import PlatformStack

    app = App()
    packs = {name: PlatformStack(app, config, plan_for(config.phase)).guardrails.options.production for name, config in configs.items()}
    assert packs == {"dev": False, "staging": False, "prod": True}


def test_every_repository_stack_passes_the_guardrails(synth_root: Path) -> None:
    # synth_root ran the real synthesize (which raises on any error finding); check it wrote every stack.
    written = sorted(str(p.relative_to(synth_root)) for p in synth_root.glob("phase*/stacks/*/cdk.tf.json") if p.parent.name != "bootstrap")
    assert len(written) == len(ALL_COMBOS)  # 12, or make check's one
    for path in synth_root.glob("phase*/stacks/*/cdk.tf.json"):
        if path.parent.name == "bootstrap":
            continue
        assert "HC-SUPPRESS" not in path.read_text()
        assert json.loads(path.read_text())["//"]["metadata"]["stackName"] in ("dev", "staging", "prod")
