"""The checkov gate: zero unaccepted failures, and proof that checkov really checked every stack.

A ``terraform.required_version`` in cdk.tf.json makes checkov's parser drop the file and
run nothing (checkov issue 7454), so "no failures" alone proves nothing: every stack
file must produce results, and every resource of a type checkov has checks for must
have been checked at least once. The floor therefore grows by itself as constructs land.
Results are compared by full address (``_checkov.qualify_addresses``): checkov names
its Python-check results ``resource.<name>``, its graph-check results ``<type>.<name>``.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.checkov_gate import evaluate, stack_files
from tests.conftest import ALL_COMBOS, Combo
from tests.security._broken_stacks import BrokenStacks
from tests.security._checkov import (
    CheckovMissing,
    SkipFileError,
    accepted_entries,
    checkov_bin,
    load_skips,
    load_unevaluable,
    published_accepted,
    qualify_addresses,
    results_of,
    unchecked_stacks,
)

pytestmark = pytest.mark.checkov


def _terraform_report(reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    report = reports.get("terraform_json")
    assert report is not None, "checkov ran no terraform_json checks at all (did it parse cdk.tf.json? see checkov issue 7454)"
    return report


def _stack_key(env: str, phase: int) -> str:
    return f"phase{phase}/{env}"


def test_checkov_parsed_and_checked_every_stack(checkov_reports: dict[str, dict[str, Any]]) -> None:
    report = _terraform_report(checkov_reports)
    assert report["summary"]["parsing_errors"] == 0, report["results"].get("parsing_errors")
    missing = unchecked_stacks(report, [_stack_key(e, p) for e, p in ALL_COMBOS])
    assert missing == [], f"checkov ran no checks on {missing}"


def test_the_checks_per_stack_table_of_docs_testing_is_current(
    checkov_reports: dict[str, dict[str, Any]], synth_root: Path, checkov_types: frozenset[str]
) -> None:
    from tests.security.checkov_report import PAGE, page_table, table

    expected = table(synth_root, checkov_reports["terraform_json"], checkov_types)
    assert page_table(PAGE.read_text()) == expected, "docs/testing.md is stale: run python -m tests.security.checkov_report --write"


def test_the_gate_notices_a_stack_checkov_could_not_parse(broken_stacks: BrokenStacks) -> None:
    # checkov issue 7454: terraform.required_version (on the prod copy) makes the parser drop the file silently.
    assert unchecked_stacks(broken_stacks.unparsable_report, ["phase1/dev", "phase1/prod"]) == ["phase1/prod"]


def test_checkov_checked_every_resource_it_has_checks_for(
    checkov_reports: dict[str, dict[str, Any]], checkov_types: frozenset[str], stacks: dict[Combo, dict[str, Any]]
) -> None:
    checked = {(r.stack, r.resource) for r in results_of(_terraform_report(checkov_reports))}
    unevaluable = load_unevaluable()
    unchecked, stale = [], set()
    for (env, phase), stack in stacks.items():
        for rtype, blocks in stack.get("resource", {}).items():
            if rtype not in checkov_types:
                continue
            missed = [name for name in blocks if (_stack_key(env, phase), f"{rtype}.{name}") not in checked]
            if rtype in unevaluable:
                stale |= {rtype} if len(missed) < len(blocks) else set()
                continue
            unchecked += [f"{_stack_key(env, phase)}:{rtype}.{name}" for name in missed]
    assert unchecked == [], f"checkov has checks for these resources but ran none: {unchecked}"
    assert stale == set(), f"checkov now checks these [[unevaluable]] types: remove their entries: {sorted(stale)}"
    assert set(unevaluable) <= checkov_types, "an [[unevaluable]] type has no checkov checks at all"


def _report_on(tmp_path: Path, stack: dict[str, Any], *resources: str) -> dict[str, Any]:
    target = tmp_path / "phase2" / "stacks" / "dev"
    target.mkdir(parents=True)
    (target / "cdk.tf.json").write_text(json.dumps(stack))
    records = [{"check_id": "CKV_AWS_1", "resource": r, "file_path": "/phase2/stacks/dev/cdk.tf.json"} for r in resources]
    return {"results": {"passed_checks": records, "failed_checks": []}}


def test_python_check_results_get_their_terraform_address(tmp_path: Path) -> None:
    # checkov names Python-check results "resource.<name>" / "data.<name>"; graph checks use the address.
    stack = {"resource": {"aws_s3_bucket_policy": {"P_1": {}}, "aws_s3_bucket": {"B_2": {}}}, "data": {"aws_iam_policy_document": {"D_3": {}}}}
    report = _report_on(tmp_path, stack, "resource.P_1", "data.D_3", "aws_s3_bucket.B_2", "data.aws_iam_policy_document.D_3", "provider.aws")
    qualify_addresses(report, tmp_path)
    assert [r.resource for r in results_of(report)] == [
        "aws_s3_bucket_policy.P_1",
        "data.aws_iam_policy_document.D_3",
        "aws_s3_bucket.B_2",
        "data.aws_iam_policy_document.D_3",
        "provider.aws",
    ]


def test_fails_when_a_python_check_result_names_no_single_resource(tmp_path: Path) -> None:
    stack = {"resource": {"aws_s3_bucket_policy": {"Same": {}}, "aws_s3_bucket": {"Same": {}}}}
    with pytest.raises(
        ValueError, match=r"resource\.Same in /phase2/stacks/dev/cdk\.tf\.json: resource name found under types \['aws_s3_bucket_policy', 'aws_s3_bucket'\]"
    ):
        qualify_addresses(_report_on(tmp_path, stack, "resource.Same"), tmp_path)
    with pytest.raises(ValueError, match=r"resource\.Gone .*found under types \[\]"):
        qualify_addresses(_report_on(tmp_path / "other", stack, "resource.Gone"), tmp_path / "other")


def test_checkov_finds_nothing_that_the_skip_file_does_not_accept(checkov_reports: dict[str, dict[str, Any]], synth_root: Path) -> None:
    skips = accepted_entries(synth_root)
    failures = [r for r in results_of(_terraform_report(checkov_reports)) if not r.passed]
    unaccepted = [f"{r.check_id} {r.stack}:{r.resource}" for r in failures if not any(s.accepts(r) for s in skips)]
    assert unaccepted == [], (
        "checkov failures (fix them, record the decision in the construct's props, or accept each in "
        "tests/security/checkov_skips.toml with a reason):\n" + "\n".join(unaccepted)
    )


def _skips_of_this_run(synth_root: Path) -> list[Any]:
    """The skip entries whose ``stacks`` name a stack this session synthesized (on cdktn there is no bootstrap stack,
    so the entries for its run-role policies accept nothing there and are not stale)."""
    scanned = set(stack_files(synth_root))
    return [s for s in load_skips() if any(fnmatch.fnmatchcase(stack, pattern) for stack in scanned for pattern in s.stacks)]


def test_the_library_gate_passes_every_stack(checkov_reports: dict[str, dict[str, Any]], synth_root: Path) -> None:
    # The consumer gate (constructs_lib.checkov_gate) judges the same run the same way.
    result = evaluate(checkov_reports, synth_root, _skips_of_this_run(synth_root))
    assert result.ok, result.report()
    sources = {entry.source for _, entry in result.accepted}
    assert sources <= {"construct", "checkov_skips.toml"}


def test_constructs_publish_the_platform_decisions_with_reasons(synth_root: Path) -> None:
    published = published_accepted(synth_root)
    by_check = {(a.id, a.resources[0].split(".")[1].split("_")[0], a.stacks[0].split("/")[1]) for a in published}
    # Access-log buckets (SSE-S3, not replicated), service IAM users, and dev/staging buckets without a replica.
    assert ("CKV_AWS_145", "AccessLogs", "prod") in by_check
    assert ("CKV_AWS_144", "AccessLogs", "dev") in by_check
    assert any(c == "CKV_AWS_273" for c, _, _ in by_check)
    assert any(c == "CKV_AWS_144" and r.startswith("Bucket-") and env == "dev" for c, r, env in by_check)
    assert not any(c == "CKV_AWS_144" and r.startswith("Bucket-") and env == "prod" for c, r, env in by_check)
    assert all(len(a.reason) >= 20 for a in published)


def test_every_skip_entry_accepts_a_current_failure(checkov_reports: dict[str, dict[str, Any]], synth_root: Path) -> None:
    failures = [r for r in results_of(_terraform_report(checkov_reports)) if not r.passed]
    stale = [f"{s.id} {list(s.resources)}" for s in _skips_of_this_run(synth_root) if not any(s.accepts(r) for r in failures)]
    assert stale == [], f"skip entries that match no failure (remove them): {stale}"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "checkov_skips.toml"
    path.write_text(text)
    return path


GOOD_REASON = "AWS cannot deliver server access logs to an SSE-KMS bucket, so the log target uses SSE-S3"


def test_a_complete_skip_entry_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, f'[[skip]]\nid = "CKV_AWS_145"\nresources = ["aws_s3_bucket.*Logs*"]\nstacks = ["phase*/prod"]\nreason = "{GOOD_REASON}"\n')
    (skip,) = load_skips(path)
    assert (skip.id, skip.resources, skip.stacks, skip.reason) == ("CKV_AWS_145", ("aws_s3_bucket.*Logs*",), ("phase*/prod",), GOOD_REASON)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('id = "CKV_AWS_145"\nresources = ["aws_s3_bucket.Logs"]', r"skip #1 \(CKV_AWS_145\): reason must be a reason of at least 20 characters.*got None"),
        ('id = "CKV_AWS_145"\nresources = ["aws_s3_bucket.Logs"]\nreason = "false positive"', r"reason must be .*got 'false positive'"),
        ('id = "CKV_AWS_145"\nresources = ["aws_s3_bucket.Logs"]\nreason = "not needed, accepted risk, ok"', r"reason must be .*not boilerplate"),
        (f'id = "S3-1"\nresources = ["aws_s3_bucket.Logs"]\nreason = "{GOOD_REASON}"', r"id must be a checkov check id .*got 'S3-1'"),
        (f'id = "CKV_AWS_145"\nresources = []\nreason = "{GOOD_REASON}"', r"resources must be a non-empty list"),
        (f'id = "CKV_AWS_145"\nresources = ["aws_s3_bucket.Logs"]\nreason = "{GOOD_REASON}"\nwhy = "x"', r"unknown key\(s\) \['why'\]"),
    ],
    ids=["no-reason", "short-reason", "boilerplate-reason", "bad-id", "no-resources", "unknown-key"],
)
def test_fails_when_a_skip_entry_is_not_justified(tmp_path: Path, entry: str, message: str) -> None:
    with pytest.raises(SkipFileError, match=message):
        load_skips(_write(tmp_path, f"[[skip]]\n{entry}\n"))


def test_the_repository_skip_file_is_valid() -> None:
    for skip in load_skips():
        assert len(skip.reason) >= 20


def test_fails_with_a_setup_hint_when_checkov_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHECKOV_BIN", str(tmp_path / "nowhere" / "checkov"))
    with pytest.raises(CheckovMissing, match=r"run `make setup`"):
        checkov_bin()


def test_checkov_checks_only_the_aws_run_roles_of_the_bootstrap_stack(
    checkov_types: frozenset[str], bootstrap_stack: dict[str, Any], checkov_reports: dict[str, dict[str, Any]]
) -> None:
    """Coverage, said plainly: checkov has no Terraform Cloud (tfe) or Railway checks, so of the bootstrap stack only
    the AWS side of the runs' dynamic credentials (OIDC provider, run roles, their policies) is policy-checked; the
    rest is parsed and secret-scanned (tests/stacks/test_bootstrap_stack.py asserts its settings,
    tests/access/test_terraform_cloud_access.py and test_tfc_run_roles.py the decisions they make)."""
    types = set(bootstrap_stack["resource"])
    assert types and all(t.startswith(("tfe_", "railway_", "aws_")) for t in types)
    assert types & checkov_types == {t for t in types if t.startswith("aws_")} & checkov_types != set()
    assert _terraform_report(checkov_reports)["summary"]["parsing_errors"] == 0
