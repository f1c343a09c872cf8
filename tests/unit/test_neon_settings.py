"""Neon's settings are declared once (issue 29): the library's ``NeonSettings`` is the environment file's ``[neon]``
section and the ``NeonDatabaseProps`` base, and ``neon_settings_problems`` is the one rule both apply."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from constructs_lib.data.neon_props import NeonDatabaseProps
from constructs_lib.data.neon_settings import NeonSettings, neon_settings_problems
from constructs_lib.guardrails import HipaaRulePack, StackView
from constructs_lib.value_rules import production_history_shortfall
from environments import load_all
from environments.loader import ConfigError, load_environment
from tests.conftest import REPO_ROOT

ENVIRONMENTS = REPO_ROOT / "environments"


def test_the_neon_section_is_the_library_settings() -> None:
    for config in load_all().values():
        assert isinstance(config.neon, NeonSettings)
    section_keys = [field.name for field in dataclasses.fields(type(load_all()["dev"].neon))]
    library_keys = [field.name for field in dataclasses.fields(NeonSettings)]
    # Every library setting is a key of [neon], in the library's order; the file adds only its own.
    assert section_keys[: len(library_keys)] == library_keys
    assert section_keys[len(library_keys) :] == ["replica_readers"]


def test_props_are_the_settings_plus_the_construct_input() -> None:
    settings = load_all()["prod"].neon
    props = NeonDatabaseProps.from_settings(settings, project_name="healthcare-prod", services=("auth",), read_replica=True)
    for field in dataclasses.fields(NeonSettings):
        assert getattr(props, field.name) == getattr(settings, field.name), field.name
    # The keywords of before keep working and mean the same.
    by_keyword = NeonDatabaseProps(
        project_name="healthcare-prod",
        services=("auth",),
        read_replica=True,
        **{field.name: getattr(settings, field.name) for field in dataclasses.fields(NeonSettings)},
    )
    assert by_keyword == props
    assert issubclass(NeonDatabaseProps, NeonSettings)


def _set_neon_key(text: str, key: str, raw: str) -> str:
    head, body = text.split("[neon]\n", 1)
    section, rest = body.split("\n[", 1)
    line = re.compile(rf"^{key} = .*$", re.MULTILINE)
    section = line.sub(f"{key} = {raw}", section) if line.search(section) else f"{key} = {raw}\n{section}"
    return f"{head}[neon]\n{section}\n[{rest}"


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [
        ("history_retention_seconds", "-1", -1),
        ("history_retention_seconds", "2592001", 2_592_001),
        ("region_id", '"aws-mars-1"', "aws-mars-1"),
        ("suspend_timeout_seconds", "30", 30),
        ("compute_max_cu", "20.0", 20.0),
        ("org_id", '"Org_Upper"', "Org_Upper"),
    ],
)
def test_a_file_is_refused_with_the_library_rule_message(tmp_path: Path, key: str, raw: str, value: object) -> None:
    """The file's message is the library rule's Problem, worded for the file: one rule, not a copy."""
    path = tmp_path / "staging.toml"
    path.write_text(_set_neon_key((ENVIRONMENTS / "staging.toml").read_text(), key, raw))
    settings = dataclasses.replace(NeonSettings(), **{key: value})
    (problem,) = [p for p in neon_settings_problems(settings) if p.field == key]
    with pytest.raises(ConfigError) as caught:
        load_environment(path)
    assert f"neon.{key} must be {problem.allowed}, got {value!r}" in str(caught.value).splitlines()[-1]


def test_the_production_floor_is_the_guardrails_rule(tmp_path: Path) -> None:
    """The loader refuses what HC-NEON-001 refuses, with the same requirement (one function)."""
    needed = production_history_shortfall(259_200)
    assert needed == ">= 604800 (7 days)"
    assert production_history_shortfall(604_800) is None
    view = StackView({"resource": {"neon_project": {"p": {"history_retention_seconds": 259_200}}}})
    rule = next(rule for rule in HipaaRulePack(production=True).rules if rule.id == "HC-NEON-001")
    (violation,) = rule.check(view, HipaaRulePack(production=True).options)
    assert violation.detail.endswith(f"production needs {needed}")
    path = tmp_path / "prod.toml"
    path.write_text((ENVIRONMENTS / "prod.toml").read_text().replace("history_retention_seconds = 2592000", "history_retention_seconds = 259200"))
    with pytest.raises(ConfigError) as caught:
        load_environment(path)
    assert str(caught.value).endswith(f"neon.history_retention_seconds must be {needed} when guardrails.production is true (HC-NEON-001), got 259200")


def test_the_settings_import_neither_cdktf_nor_pydantic() -> None:
    code = "import sys, constructs_lib.data.neon_settings; print(sorted(m for m in ('cdktf', 'cdktn', 'pydantic', 'jsii') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT, timeout=60)
    assert result.stdout.strip() == "[]"
