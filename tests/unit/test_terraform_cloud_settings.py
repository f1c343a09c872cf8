"""``[terraform_cloud]`` rules across keys: runs that can reach the database, one access level per team.

Each bad file gives one line per problem naming the file's keys, all problems at once, through
``load_all`` (what ``main.py`` runs before importing cdktf) and through the real entry point.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from environments import ConfigError, load_all
from tests.conftest import REPO_ROOT
from tests.unit.test_environments import _copy_environments, _set_key


def _problems(directory: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_all(directory)
    lines = str(caught.value).splitlines()
    return lines[1:] if len(lines) > 1 else lines


def test_repository_files_put_prod_on_an_agent_inside_its_allow_list() -> None:
    configs = load_all()
    prod, staging = configs["prod"].terraform_cloud, configs["staging"].terraform_cloud
    assert prod is not None and staging is not None
    assert (prod.execution_mode, prod.agent_egress_ips) == ("agent", ["203.0.113.10/32"])
    assert prod.agent_egress_ips[0] in configs["prod"].neon.allowed_ips
    assert (staging.execution_mode, staging.agent_egress_ips, list(configs["staging"].neon.allowed_ips)) == ("remote", [], [])


def test_fails_when_an_allow_listed_environment_runs_remotely(tmp_path: Path) -> None:
    """Issue 24 item 1 put back: prod's runs on HCP Terraform's workers while Neon admits only listed addresses."""
    directory = _copy_environments(tmp_path)
    _set_key(directory / "prod.toml", "terraform_cloud.execution_mode", '"remote"')
    _set_key(directory / "prod.toml", "terraform_cloud.agent_egress_ips", None)
    (line,) = _problems(directory)
    assert line.startswith("environments/prod.toml: terraform_cloud.execution_mode must be 'agent' when neon.allowed_ips is set") or line.startswith(
        f"{directory / 'prod.toml'}: terraform_cloud.execution_mode must be 'agent' when neon.allowed_ips is set"
    ), line
    assert line.endswith("got 'remote'")


def test_fails_when_the_default_execution_mode_meets_an_allow_list(tmp_path: Path) -> None:
    """The key left out means remote: the same one line."""
    directory = _copy_environments(tmp_path)
    _set_key(directory / "prod.toml", "terraform_cloud.execution_mode", None)
    _set_key(directory / "prod.toml", "terraform_cloud.agent_egress_ips", None)
    (line,) = _problems(directory)
    assert "prod.toml: terraform_cloud.execution_mode must be 'agent' when neon.allowed_ips is set" in line


def test_fails_when_staging_adds_an_allow_list_without_an_agent(tmp_path: Path) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / "staging.toml", "# allowed_ips", '["203.0.113.10/32"]')
    (line,) = _problems(directory)
    assert "staging.toml: terraform_cloud.execution_mode must be 'agent' when neon.allowed_ips is set" in line


@pytest.mark.parametrize(
    ("egress", "outside"),
    [
        ('["192.0.2.7/32"]', ["192.0.2.7/32"]),
        ('["203.0.113.10/32", "192.0.2.7/32", "198.51.100.16/28"]', ["192.0.2.7/32", "198.51.100.16/28"]),
        ('["2001:db8::1/128"]', ["2001:db8::1/128"]),
        ('["198.51.100.0/27"]', ["198.51.100.0/27"]),  # wider than the /28 it overlaps
    ],
    ids=["one-outside", "two-of-three-outside", "ipv6-against-ipv4-list", "wider-than-entry"],
)
def test_fails_when_an_agent_address_is_outside_the_allow_list(tmp_path: Path, egress: str, outside: list[str]) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / "prod.toml", "terraform_cloud.agent_egress_ips", egress)
    lines = _problems(directory)
    assert len(lines) == len(outside), lines
    for line, address in zip(lines, outside, strict=True):
        assert "prod.toml: terraform_cloud.agent_egress_ips must be inside neon.allowed_ips ['203.0.113.10/32', '198.51.100.0/28']" in line
        assert line.endswith(f"got {address!r}")


def test_an_agent_address_inside_a_listed_range_is_admitted(tmp_path: Path) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / "prod.toml", "terraform_cloud.agent_egress_ips", '["198.51.100.5", "198.51.100.8/30"]')
    assert load_all(directory)["prod"].terraform_cloud.agent_egress_ips == ["198.51.100.5", "198.51.100.8/30"]  # type: ignore[union-attr]


def test_fails_when_an_agent_has_no_recorded_address(tmp_path: Path) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / "prod.toml", "terraform_cloud.agent_egress_ips", "[]")
    (line,) = _problems(directory)
    assert "prod.toml: terraform_cloud.agent_egress_ips is required when terraform_cloud.execution_mode is 'agent' and neon.allowed_ips is set" in line


def test_fails_when_remote_runs_claim_agent_addresses(tmp_path: Path) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / "staging.toml", "terraform_cloud.execution_mode", '"remote"\nagent_egress_ips = ["192.0.2.7/32"]')
    (line,) = _problems(directory)
    assert "staging.toml: terraform_cloud.agent_egress_ips must be empty unless terraform_cloud.execution_mode is 'agent'" in line


@pytest.mark.parametrize(
    ("key", "raw", "fragment"),
    [
        ("terraform_cloud.execution_mode", '"local"', "terraform_cloud.execution_mode must be 'remote' or 'agent', got 'local'"),
        ("terraform_cloud.agent_egress_ips", '["0.0.0.0/0"]', "terraform_cloud.agent_egress_ips.0 must be an IPv4 or IPv6 address or CIDR"),
        ("terraform_cloud.agent_egress_ips", '["203.0.113.10/32", "203.0.113.10/32"]', "terraform_cloud.agent_egress_ips must be distinct entries"),
        ("terraform_cloud.agent_image", '"hashicorp/tfc-agent:latest"', "terraform_cloud.agent_image must match pattern"),
        ("terraform_cloud.agent_image", '"hashicorp/tfc-agent:1.28"', "terraform_cloud.agent_image must match pattern"),
    ],
    ids=["mode-local", "egress-everyone", "egress-twice", "image-latest", "image-moving-minor"],
)
def test_fails_when_an_agent_setting_is_bad(tmp_path: Path, key: str, raw: str, fragment: str) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / "prod.toml", key, raw)
    lines = _problems(directory)
    assert any(f"prod.toml: {fragment}" in line for line in lines), lines


def test_a_digest_pinned_agent_image_is_accepted(tmp_path: Path) -> None:
    directory = _copy_environments(tmp_path)
    image = "hashicorp/tfc-agent:1.28.11@sha256:" + "c" * 64
    _set_key(directory / "prod.toml", "terraform_cloud.agent_image", f'"{image}"')
    assert load_all(directory)["prod"].terraform_cloud.agent_image == image  # type: ignore[union-attr]


def test_fails_when_one_team_holds_two_access_levels(tmp_path: Path) -> None:
    directory = _copy_environments(tmp_path)
    _set_key(directory / "prod.toml", "terraform_cloud.apply_team", '"engineering"')
    (line,) = _problems(directory)
    assert line.endswith(
        "prod.toml: terraform_cloud.read_team must differ from terraform_cloud.apply_team (a team has one access level per "
        "workspace: read without state, or plan and apply), got 'engineering' for both"
    )


def test_every_problem_is_reported_at_once_through_the_entry_point(tmp_path: Path) -> None:
    """Three broken rules in two files: exit 2, one line each, nothing written."""
    directory = _copy_environments(tmp_path)
    _set_key(directory / "prod.toml", "terraform_cloud.agent_egress_ips", '["192.0.2.7/32"]')
    _set_key(directory / "prod.toml", "terraform_cloud.apply_team", '"engineering"')
    _set_key(directory / "staging.toml", "terraform_cloud.read_team", '"platform-engineers"')
    outdir = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "main.py"), "--config-dir", str(directory), "--outdir", str(outdir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].endswith("3 problems in " + str(directory) + ":") or "3 problems in" in lines[0], lines
    body = lines[1:]
    assert len(body) == 3, lines
    assert sum("prod.toml: terraform_cloud.read_team must differ from terraform_cloud.apply_team" in line for line in body) == 1
    assert sum("prod.toml: terraform_cloud.agent_egress_ips must be inside neon.allowed_ips" in line for line in body) == 1
    assert sum("staging.toml: terraform_cloud.read_team must differ from terraform_cloud.apply_team" in line for line in body) == 1
    assert not outdir.exists()


def test_health_assessments_are_on_by_default_and_the_webhook_is_optional() -> None:
    for config in load_all().values():
        if config.terraform_cloud is not None:
            assert (config.terraform_cloud.health_assessments, config.terraform_cloud.health_webhook_url) == (True, None)


def test_fails_when_the_health_webhook_is_not_https(tmp_path: Path) -> None:
    directory = _copy_environments(tmp_path)
    path = directory / "staging.toml"
    path.write_text(path.read_text().replace("[terraform_cloud]\n", '[terraform_cloud]\nhealth_webhook_url = "http://alerts.example-health.org/hook"\n', 1))
    (line,) = _problems(directory)
    assert "staging.toml: terraform_cloud.health_webhook_url" in line and "an https:// URL" in line and "http://alerts.example-health.org/hook" in line, line
