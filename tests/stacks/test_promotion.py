"""``main.py promote``: what a promotion adds, its costs, and refusing one that removes or replaces."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import main as entry
import stacks.app
from constructs_lib.engine.core import App
from environments import EnvironmentConfig
from stacks.promotion import diff, force_new
from tests.conftest import ALL_COMBOS, ENVIRONMENT_NAMES, Combo, resource_addresses


@pytest.mark.parametrize("env", ENVIRONMENT_NAMES)
@pytest.mark.parametrize("phase", [1, 2, 3])
def test_every_phase_step_only_adds(stacks: dict[Combo, dict[str, Any]], env: str, phase: int) -> None:
    """No resource of phase N disappears or changes a force-new attribute in phase N+1 (safe to apply)."""
    promotion = diff(env, phase, stacks[env, phase], phase + 1, stacks[env, phase + 1])
    assert promotion.removed == () and promotion.replaced == (), list(promotion.lines())
    assert promotion.added


def test_preview_of_prod_1_to_4_lists_exactly_what_phase_4_adds(stacks: dict[Combo, dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["promote", "prod", "--to", "4", "--json"], environ={}) == 0
    preview = json.loads(capsys.readouterr().out)
    expected = resource_addresses(stacks["prod", 4]) - resource_addresses(stacks["prod", 1])
    assert set(preview["added_addresses"]) == expected
    assert (preview["from_phase"], preview["to_phase"], preview["safe"], preview["removed"], preview["replaced"]) == (1, 4, True, [], {})
    assert preview["added"]["Database"]["neon_endpoint"] == 2  # phase 3 read replica, phase 4 analytics compute
    costs = "\n".join(preview["cost_bearing"])
    assert "3 aws_nat_gateway" in costs and "nat_gateways = 'per_az', az_count = 3" in costs
    assert "railway_service" in costs and "replicas = 2" in costs


def _renaming_the_audit_bucket(original: Any) -> Any:
    """A build_app that, from phase 2 on, renames prod's audit bucket: a replacement a promotion must refuse."""

    def build(configs: Sequence[EnvironmentConfig], outdir: Path, **options: Any) -> App:
        app = original(configs, outdir, **options)
        for config in configs:
            if config.phase >= 2:
                bucket = app.node.find_child(config.name).node.find_child("Bucket-audit-logs").node.find_child("Resource")
                bucket.add_override("bucket", "healthcare-prod-audit-logs-renamed")
        return app

    return build


def test_fails_when_a_promotion_would_replace_a_resource(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(stacks.app, "build_app", _renaming_the_audit_bucket(stacks.app.build_app))
    assert entry.main(["promote", "prod", "--to", "2"], environ={}) == entry.EXIT_UNSAFE_PROMOTION
    captured = capsys.readouterr()
    assert "! aws_s3_bucket.Bucket-audit-logs_8D22BF74 would be replaced (bucket forces a new resource)" in captured.out
    assert captured.err.strip().splitlines() == ["error: promote prod: the promotion would remove or replace aws_s3_bucket.Bucket-audit-logs_8D22BF74"]


def test_diff_names_removed_and_replaced_addresses(stacks: dict[Combo, dict[str, Any]]) -> None:
    before = stacks["dev", 2]
    after = copy.deepcopy(stacks["dev", 3])
    (bucket,) = [n for n, b in after["resource"]["aws_s3_bucket"].items() if b["//"]["metadata"]["path"] == "dev/Bucket-medical-images/Resource"]
    after["resource"]["aws_s3_bucket"][bucket]["object_lock_enabled"] = True
    removed = sorted(set(before["resource"]["neon_database"]) & set(after["resource"]["neon_database"]))[0]
    del after["resource"]["neon_database"][removed]
    promotion = diff("dev", 2, before, 3, after)
    assert not promotion.safe
    assert [c.address for c in promotion.removed] == [f"neon_database.{removed}"]
    assert [(c.address, c.attributes) for c in promotion.replaced] == [(f"aws_s3_bucket.{bucket}", ("object_lock_enabled",))]


def test_force_new_comes_from_the_binding_schemas_for_neon_and_railway() -> None:
    assert {"region_id", "pg_version", "org_id"} <= force_new("neon_project")
    assert "project_id" in force_new("railway_service")
    assert "bucket" in force_new("aws_s3_bucket")
    assert force_new("aws_iam_user") == frozenset()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["promote", "prod", "--to", "1"],
            "command line promote --to: phase must be higher than prod's current phase 1 (a promotion only adds; environments/prod.toml sets the phase), got 1",
        ),
        (["promote", "staging", "--to", "1"], "command line promote --to: phase must be higher than staging's current phase 2"),
        (["promote", "prod", "--to", "9"], "command line promote --to: phase must be one of 1..4, got '9'"),
        (
            ["promote", "qa", "--to", "2"],
            "command line promote: environment must be one of dev, prod, staging, bootstrap (one file each in environments/), got 'qa'",
        ),
        (["promote", "bootstrap", "--to", "2"], "command line promote: bootstrap has no phase"),
        (["promote", "prod"], "command line: the following arguments are required: --to"),
    ],
    ids=["current-phase", "lower-phase", "no-such-phase", "unknown-env", "bootstrap", "no-target"],
)
def test_fails_when_a_promotion_is_asked_wrongly(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(args, environ={}) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {message}")


def test_every_environment_and_phase_is_covered_by_the_promotion_test() -> None:
    assert {(env, phase) for env, phase in ALL_COMBOS if phase < 4} == {(env, phase) for env in ENVIRONMENT_NAMES for phase in (1, 2, 3)}
