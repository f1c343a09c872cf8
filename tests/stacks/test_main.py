"""main.py: selection by flags and environment variables, atomic output, deploy preflight."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import main as entry
from constructs_lib.errors import ValidationError
from tests.conftest import ENGINE, REPO_ROOT

ALL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIA-test-id",
    "AWS_SECRET_ACCESS_KEY": "test-secret",
    "CLOUDFLARE_API_TOKEN": "cf",
    "NEON_API_KEY": "neon",
    "RAILWAY_TOKEN": "railway",
}


def test_flags_select_environment_and_preview_phase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["--env", "prod", "--phase", "3", "--outdir", str(tmp_path / "out")], environ={}) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert list(manifest["stacks"]) == ["prod"]
    stack = json.loads((tmp_path / "out" / "stacks" / "prod" / "cdk.tf.json").read_text())
    assert stack["output"]["platform_phase"]["value"] == 3
    assert "error:" not in capsys.readouterr().err


def test_environment_variables_select_environments_phase_and_outdir(tmp_path: Path) -> None:
    environ = {"PLATFORM_ENVIRONMENTS": "staging, dev", "PLATFORM_PHASE": "2", "CDKTF_OUTDIR": str(tmp_path / "o")}
    selection = entry.resolve([], environ)
    assert [(c.name, c.phase) for c in selection.configs] == [("staging", 2), ("dev", 2)]
    assert selection.bootstrap == []
    assert selection.outdir == tmp_path / "o"


@pytest.mark.skipif(ENGINE != "cdktf", reason="the bootstrap stack needs the prebuilt TFE provider: cdktf only")
def test_default_selection_adds_the_bootstrap_stack() -> None:
    selection = entry.resolve([], {})
    # Environments are the files in environments/, by name.
    assert [c.name for c in selection.configs] == ["dev", "prod", "staging"]
    assert [c.name for c in selection.bootstrap] == ["dev", "prod", "staging"]
    only = entry.resolve(["--env", "bootstrap"], {})
    assert (only.configs, [c.name for c in only.bootstrap]) == ([], ["dev", "prod", "staging"])


def test_terraform_cloud_from_environment_variables() -> None:
    configs = entry.resolve(["--env", "dev"], {"TFC_ORGANIZATION": "acme-health", "TFC_WORKSPACE_PREFIX": "plat"}).configs
    assert configs[0].terraform_cloud is not None
    assert (configs[0].terraform_cloud.organization, configs[0].terraform_cloud.workspace_prefix) == ("acme-health", "plat")
    assert configs[0].state_backend == "terraform_cloud"
    # The file's other workspace settings survive the override.
    prod = entry.resolve(["--env", "prod"], {"TFC_ORGANIZATION": "acme-health"}).configs[0]
    assert prod.terraform_cloud is not None and prod.terraform_cloud.apply_team == "platform-admins"


def test_fails_when_terraform_cloud_organization_is_malformed(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["--env", "dev"], environ={"TFC_ORGANIZATION": "acme health!"}) == 2
    assert "TFC_ORGANIZATION" in capsys.readouterr().err


def test_fails_when_environment_variable_names_unknown_environment(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main([], environ={"PLATFORM_ENVIRONMENTS": "dev,qa"}) == 2
    assert capsys.readouterr().err == (
        "error: environment PLATFORM_ENVIRONMENTS: environment must be one of dev, prod, staging, bootstrap (one file each in environments/), got 'qa'\n"
    )


def test_fails_when_construct_rejects_props_and_keeps_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from stacks import app as stacks_app

    out = tmp_path / "out"
    assert entry.main(["--env", "dev", "--outdir", str(out)], environ={}) == 0
    before = (out / "stacks" / "dev" / "cdk.tf.json").read_text()
    capsys.readouterr()  # the successful run may print guardrail warnings; only the failing run is judged

    def failing_stack(*args: object, **kwargs: object) -> None:
        raise ValidationError("dev/Documents", "retention_days", 0, "1..3650")

    monkeypatch.setattr(stacks_app, "PlatformStack", failing_stack)
    assert entry.main(["--env", "dev", "--outdir", str(out)], environ={}) == 2
    assert capsys.readouterr().err == "error: dev/Documents: retention_days must be 1..3650, got 0\n"
    assert (out / "stacks" / "dev" / "cdk.tf.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_next_synthesis_removes_the_staging_folders_of_killed_ones_and_keeps_a_running_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from constructs_lib.engine.core import TerraformStack
    from stacks import app as stacks_app
    from stacks.staging import STALE_AFTER_SECONDS

    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # its pid now names no process: the synthesis it stands for was killed
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    old = time.time() - STALE_AFTER_SECONDS - 60
    try:
        folders = {
            f".out.new-{finished.pid}-a1b2": True,  # owner gone: removed
            f".out.new-{running.pid}-c3d4": False,  # a synthesis running now: kept
            f".out.new-{running.pid}-e5f6": True,  # pid alive but older than any synthesis (pid reused): removed
            ".out.new-g7h8": False,  # no pid (another machine, or the old naming), young: kept
            ".out.new-i9j0": True,  # no pid, old: removed
        }
        for name in folders:
            (tmp_path / name / "stacks").mkdir(parents=True)
        for name in (f".out.new-{running.pid}-e5f6", ".out.new-i9j0"):
            os.utime(tmp_path / name, (old, old))
        # A tiny stack: what is judged is the folder handling around the synthesis, not the platform.
        monkeypatch.setattr(stacks_app, "PlatformStack", lambda app, config, plan: TerraformStack(app, config.name))
        assert entry.main(["--env", "dev", "--outdir", str(tmp_path / "out"), "--quiet"], environ={}) == 0
    finally:
        running.kill()
        running.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", *(name for name, stale in folders.items() if not stale)])
    assert (tmp_path / "out" / "stacks" / "dev" / "cdk.tf.json").is_file()


def test_deploy_fails_fast_naming_every_missing_credential(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["deploy", "dev"], environ={"NEON_API_KEY": "set"}) == 2
    lines = capsys.readouterr().err.splitlines()
    # The checked-in dev.toml pins AWS's documentation account: refused together with the missing credentials.
    assert lines[0] == "error: deploy dev: 1 placeholder value must be replaced first (docs/deploying.md, Values to replace):"
    assert lines[1].startswith("error: environments/dev.toml: aws_account_ids.0: account 777788889999 is an AWS documentation example account id")
    assert lines[2:] == [
        "error: deploy dev: missing credentials: AWS credentials (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, "
        "or AWS_PROFILE); CLOUDFLARE_API_TOKEN; RAILWAY_TOKEN (see docs/deploying.md)"
    ]


def test_a_local_deploy_needs_what_the_workspaces_hold(tmp_path: Path) -> None:
    """One list: every credential a Terraform Cloud workspace holds is checked before a local deploy."""
    from stacks.credentials import PROVIDER_CREDENTIALS

    config = entry.load_all()["dev"]
    assert entry.missing_deploy_credentials({"HOME": str(tmp_path), **ALL_CREDENTIALS}, config) == []
    for name, _ in PROVIDER_CREDENTIALS:
        environ = {"HOME": str(tmp_path), **{k: v for k, v in ALL_CREDENTIALS.items() if k != name}}
        assert entry.missing_deploy_credentials(environ, config) != [], name


def test_main_imports_no_cdktf_before_the_config_is_valid() -> None:
    code = "import sys, main; print('cdktf' in sys.modules, 'jsii' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_deploy_with_terraform_cloud_needs_only_the_api_token(tmp_path: Path) -> None:
    config = entry.load_all()["prod"]
    environ = {"TFC_ORGANIZATION": "acme-health", "HOME": str(tmp_path)}
    assert entry.missing_deploy_credentials(environ, config) == ["TF_TOKEN_app_terraform_io (or `terraform login`)"]
    assert entry.missing_deploy_credentials({**environ, "TF_TOKEN_app_terraform_io": "t"}, config) == []


@pytest.mark.parametrize("args", [["deploy"], ["deploy", "qa"]], ids=["no-env", "unknown-env"])
def test_fails_when_deploy_target_is_bad(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(args, environ={}) == 2
    assert "command line" in capsys.readouterr().err


@pytest.mark.skipif(ENGINE == "cdktf", reason="the cdktn path; cdktf's is test_deploy_hands_over_to_cdktf_deploy")
def test_on_cdktn_the_bootstrap_stack_is_refused_and_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    assert [c.name for c in entry.resolve([], {}).configs] == ["dev", "prod", "staging"]
    assert entry.resolve([], {}).bootstrap == [] and entry.resolve([], {}).bootstrap_skipped
    assert entry.summary(entry.Selection(configs=[], bootstrap=[], outdir=Path("x"), bootstrap_skipped=True)) == [
        "bootstrap: skipped on cdktn (no prebuilt TFE provider; synthesize and deploy it on cdktf, docs/engines.md)"
    ]
    for argv in (["--env", "bootstrap"], ["deploy", "bootstrap"]):
        assert entry.main(argv, environ={}) == 2
        assert capsys.readouterr().err.startswith("error: bootstrap: the Terraform Cloud bootstrap stack needs the prebuilt TFE provider")


def test_deploy_hands_over_to_cdktf_deploy(tmp_path: Path) -> None:
    """With credentials present, main.py execs ``cdktf deploy <env>`` (``cdktn deploy`` on cdktn) for that environment only."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    cdktf = fake_bin / ENGINE
    cdktf.write_text('#!/bin/sh\necho "args=$* envs=$PLATFORM_ENVIRONMENTS"\n')
    cdktf.chmod(cdktf.stat().st_mode | stat.S_IEXEC)
    directory = _replace_placeholders(tmp_path, "dev")
    code = f"import os, sys, main; from pathlib import Path; sys.exit(main.deploy(['dev', '--auto-approve'], os.environ, config_dir=Path({str(directory)!r})))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": f"{fake_bin}{os.pathsep}/usr/bin:/bin", "HEALTHCARE_CDK_ENGINE": ENGINE, **ALL_CREDENTIALS},
    )
    assert result.returncode == 0, result.stderr
    # cdktf.json's app is .venv's Python; on cdktn the CLI is told to run this interpreter.
    app = "" if ENGINE == "cdktf" else f" --app {sys.executable} main.py"
    assert result.stdout.strip() == f"args=deploy dev{app} --auto-approve envs=dev"


@pytest.mark.skipif(ENGINE != "cdktf", reason="the bootstrap stack needs the prebuilt TFE provider: cdktf only")
def test_deploy_bootstrap_names_every_missing_credential_variable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bootstrap apply writes each Terraform Cloud environment's secrets from TF_VAR_<env>_<credential> and creates
    its AWS run roles with the administrator's profile TF_VAR_<env>_aws_profile; no AWS key is asked for."""
    environ = {"HOME": str(tmp_path), "TF_TOKEN_app_terraform_io": "t", "TF_VAR_prod_neon_api_key": "set"}
    missing = entry.missing_bootstrap_credentials(environ, list(entry.load_all().values()))
    assert missing == [
        "TF_VAR_prod_cloudflare_api_token",
        "TF_VAR_prod_railway_token",
        "TF_VAR_prod_aws_profile (an AWS CLI profile of prod's account 111122223333)",
        "TF_VAR_staging_cloudflare_api_token",
        "TF_VAR_staging_neon_api_key",
        "TF_VAR_staging_railway_token",
        "TF_VAR_staging_aws_profile (an AWS CLI profile of staging's account 444455556666)",
    ]
    assert not [line for line in missing if "access_key" in line or "secret" in line]
    assert entry.main(["deploy", "bootstrap"], environ=environ) == 2
    # The checked-in files' Railway workspace and AWS accounts (where the bootstrap creates prod's agent and the run roles)
    # are reported with them.
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "error: deploy bootstrap: 3 placeholder values must be replaced first (docs/deploying.md, Values to replace):"
    assert [line.split(": ")[1:3] for line in lines[1:4]] == [
        ["environments/prod.toml", "aws_account_ids.0"],
        ["environments/prod.toml", "railway.workspace_id"],
        ["environments/staging.toml", "aws_account_ids.0"],
    ]
    assert lines[4].startswith("error: deploy bootstrap: missing credentials: TF_VAR_prod_cloudflare_api_token; ")


def test_deploy_bootstrap_checks_each_aws_profile_exists(tmp_path: Path) -> None:
    """A named profile must be in the AWS CLI's shared files (config: ``[profile NAME]``, credentials: ``[NAME]``)."""
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text("[profile healthcare-prod-admin]\nsso_session = corp\n[sso-session corp]\nsso_region = us-east-1\n")
    secrets = {f"TF_VAR_{env}_{key}": "set" for env in ("prod", "staging") for key in ("cloudflare_api_token", "neon_api_key", "railway_token")}
    environ = {"HOME": str(tmp_path), "TF_TOKEN_app_terraform_io": "t", **secrets}
    configs = list(entry.load_all().values())
    chosen = {"TF_VAR_prod_aws_profile": "healthcare-prod-admin", "TF_VAR_staging_aws_profile": "staging-admin"}
    assert entry.missing_bootstrap_credentials({**environ, **chosen}, configs) == [
        "TF_VAR_staging_aws_profile='staging-admin': no such profile in the AWS CLI's config or credentials file (`aws configure sso --profile staging-admin`)"
    ]
    other = tmp_path / "elsewhere"
    other.write_text("[staging-admin]\naws_access_key_id = AKIA-test\n")
    assert entry.missing_bootstrap_credentials({**environ, **chosen, "AWS_SHARED_CREDENTIALS_FILE": str(other)}, configs) == []
    assert entry.aws_profiles({"HOME": str(tmp_path), "AWS_SHARED_CREDENTIALS_FILE": str(other)}) == {"healthcare-prod-admin", "staging-admin"}


PROD_PLACEHOLDER_KEYS = [
    "aws_account_ids.0",
    "neon.org_id",
    "neon.allowed_ips.0",
    "neon.allowed_ips.1",
    "railway.workspace_id",
    "railway.static_egress_ips.0",
    "cloudflare.zone_id",
    "audit.log_reader_arn",
    "audit.alert_https_endpoints.0",
    "backups.restore_reader_arn",
    "terraform_cloud.agent_egress_ips.0",
    "alerts.https_endpoints.0",
]
REAL_VALUES = {
    # Example -> what an operator puts in (made up here, but of no documented placeholder form). Replaced as
    # text in the whole file, so an example repeated under another key (an agent's egress IP that must also
    # be in neon.allowed_ips) is replaced consistently.
    "111122223333": "730335412345",
    "777788889999": "730335412347",
    "123456789012": "730335412346",
    "org-meridian-health-00000000": "org-quiet-lake-81040908",
    "203.0.113.": "34.86.10.",
    "198.51.100.": "35.245.1.",
    "192.0.2.": "35.245.2.",
    "3b9d2c71-5e4f-4a8b-9c0d-1e2f3a4b5c6d": "a41c9e07-2d58-4b3f-8e6a-70c2f19d3b85",
    "9f8e7d6c5b4a39281706f5e4d3c2b1a0": "e2a7c4419b0d4f6c8a35d1f07b9e6c21",
    "YOUR-INTEGRATION-KEY": "7c1f0e3a9b2d4e8f6a5c0b1d2e3f4a5b",
    "YOUR-SECURITY-INTEGRATION-KEY": "0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a",
}


def test_deploy_prod_refuses_every_placeholder_before_any_cli_or_engine(tmp_path: Path) -> None:
    """The checked-in prod.toml: exit 2, one line per placeholder naming file and key; no CLI ran, no jsii imported."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    ran = tmp_path / "cli-ran"
    cli = fake_bin / ENGINE
    cli.write_text(f"#!/bin/sh\ntouch {ran}\n")
    cli.chmod(cli.stat().st_mode | stat.S_IEXEC)
    code = "import sys, main; rc = main.main(['deploy', 'prod']); print(rc, 'cdktf' in sys.modules, 'cdktn' in sys.modules, 'jsii' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": f"{fake_bin}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp_path), "HEALTHCARE_CDK_ENGINE": ENGINE, entry.TFC_TOKEN: "t", **ALL_CREDENTIALS},
    )
    assert result.stdout.split() == ["2", "False", "False", "False"], result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "error: deploy prod: 12 placeholder values must be replaced first (docs/deploying.md, Values to replace):"
    assert [line.split(": ")[2] for line in lines[1:]] == PROD_PLACEHOLDER_KEYS
    assert all(line.startswith("error: environments/prod.toml: ") for line in lines[1:])
    assert not ran.exists()


def _replace_placeholders(tmp_path: Path, name: str) -> Path:
    """A copy of environments/ whose ``name``.toml has every example replaced by an operator's kind of value."""
    from tests.unit.test_environments import _copy_environments

    directory = _copy_environments(tmp_path)
    path = directory / f"{name}.toml"
    text = path.read_text()
    for example, real in REAL_VALUES.items():
        text = text.replace(example, real)
    path.write_text(text)
    return directory


def test_deploy_prod_with_its_placeholders_replaced_passes_the_preflight(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = _replace_placeholders(tmp_path, "prod")
    handed_over: list[tuple[list[str], dict[str, str]]] = []

    def fake_exec(file: str, args: list[str], env: dict[str, str]) -> None:
        handed_over.append((args, env))

    monkeypatch.setattr(entry.os, "execvpe", fake_exec)
    environ = {"HOME": str(tmp_path), entry.TFC_TOKEN: "t"}
    assert entry.deploy_placeholders("prod", entry.load_all(directory), environ, directory) == []
    assert entry.deploy(["prod", "--auto-approve"], environ, config_dir=directory) == 0
    ((args, env),) = handed_over
    expected = (
        ["cdktf", "deploy", "prod", "--auto-approve"]
        if ENGINE == "cdktf"
        else ["cdktn", "deploy", "prod", "--app", f"{sys.executable} main.py", "--auto-approve"]
    )
    assert (args, env["PLATFORM_ENVIRONMENTS"]) == (expected, "prod")
    # One placeholder put back is enough to refuse again, naming just that key.
    from tests.unit.test_environments import _set_key

    _set_key(directory / "prod.toml", "neon.allowed_ips", '["34.86.10.10/32", "35.245.1.0/28", "203.0.113.77/32"]')
    with pytest.raises(entry.ConfigError) as refused:
        entry.deploy(["prod"], environ, config_dir=directory)
    assert str(refused.value).splitlines()[1].startswith(f"{directory / 'prod.toml'}: neon.allowed_ips.2: 203.0.113.77/32 is in 203.0.113.0/24")
    assert len(handed_over) == 1


def test_deploy_reports_placeholders_and_missing_credentials_together(tmp_path: Path) -> None:
    with pytest.raises(entry.ConfigError) as refused:
        entry.deploy(["staging"], {"HOME": str(tmp_path)})
    lines = str(refused.value).splitlines()
    assert lines[0] == "deploy staging: 3 placeholder values must be replaced first (docs/deploying.md, Values to replace):"
    assert [line.split(": ")[1] for line in lines[1:4]] == ["aws_account_ids.0", "cloudflare.zone_id", "audit.log_reader_arn"]
    assert lines[4] == "deploy staging: missing credentials: TF_TOKEN_app_terraform_io (or `terraform login`) (see docs/deploying.md)"


def test_deploy_bootstrap_checks_what_the_bootstrap_stack_applies(tmp_path: Path) -> None:
    """Every Terraform Cloud environment's [terraform_cloud] section, the Railway workspace the agent is created in and the
    AWS accounts the run roles are created in; prod's audit reader is prod's own deploy's business, and the agent's egress
    address exists only after the bootstrap apply."""
    from tests.unit.test_environments import _copy_environments, _set_key

    directory = _copy_environments(tmp_path)
    configs = entry.load_all(directory)
    prod, staging = str(directory / "prod.toml"), str(directory / "staging.toml")
    assert [line.split(": ")[:2] for line in entry.deploy_placeholders("bootstrap", configs, {}, directory)] == [
        [prod, "aws_account_ids.0"],
        [prod, "railway.workspace_id"],
        [staging, "aws_account_ids.0"],
    ]
    _set_key(directory / "staging.toml", "notify_member_emails", '["oncall@health.example.org"]')
    lines = entry.deploy_placeholders("bootstrap", entry.load_all(directory), {}, directory)
    assert [line.split(": ")[:2] for line in lines] == [
        [prod, "aws_account_ids.0"],
        [prod, "railway.workspace_id"],
        [staging, "aws_account_ids.0"],
        [staging, "terraform_cloud.notify_member_emails.0"],
    ]


def test_placeholders_command_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["placeholders", "prod", "dev"], environ={}) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[1] for line in lines[:-1]] == PROD_PLACEHOLDER_KEYS
    assert [line.split(": ")[:2] for line in lines[-1:]] == [["environments/dev.toml", "aws_account_ids.0"]]


def test_synth_summary_counts_placeholders_per_environment(tmp_path: Path) -> None:
    configs = entry.load_all()
    for name in ("dev", "prod"):
        (tmp_path / "stacks" / name).mkdir(parents=True)
        (tmp_path / "stacks" / name / "cdk.tf.json").write_text('{"resource": {"aws_s3_bucket": {"a": {}, "b": {}}}}')
    selection = entry.Selection(configs=[configs["dev"], configs["prod"]], bootstrap=[], outdir=tmp_path)
    assert entry.summary(selection) == [
        f"dev: phase 4, 2 resources -> {tmp_path / 'stacks' / 'dev' / 'cdk.tf.json'}",
        "dev: 1 placeholder value must be replaced before deploy (python main.py placeholders dev)",
        f"prod: phase 1, 2 resources -> {tmp_path / 'stacks' / 'prod' / 'cdk.tf.json'}",
        "prod: 12 placeholder values must be replaced before deploy (python main.py placeholders prod)",
    ]


def test_exit_process_keeps_the_status_the_output_and_the_atexit_handlers(tmp_path: Path) -> None:
    # main.py ends through it: what it printed must reach a pipe, and the atexit handlers (jsii stopping Node) must run.
    code = (
        "import atexit, pathlib, sys\n"
        "from commands.common import exit_process\n"
        "atexit.register(pathlib.Path(sys.argv[1]).write_text, 'ran')\n"
        "print('written', end='')\n"
        "print('also', end='', file=sys.stderr)\n"
        "exit_process(3)\n"
    )
    marker = tmp_path / "atexit-ran"
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as a user's shell would
    result = subprocess.run([sys.executable, "-c", code, str(marker)], capture_output=True, text=True, cwd=REPO_ROOT, env=buffered, timeout=60)
    assert (result.returncode, result.stdout, result.stderr, marker.read_text()) == (3, "written", "also", "ran")
