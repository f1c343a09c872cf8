"""``[detection]``, ``[account] owns_account_baseline`` and the security topic's paging route: checked at load, one line
per problem, and one owner of the account baseline per AWS account and region across files."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.detection.detection_types import FindingSeverity, SecurityStandard
from environments import ENVIRONMENTS_DIR, ConfigError, load_all, parse_environment
from environments.loader import account_owner_problems
from tests.unit.test_environments import _with

REASON = "a reason with enough meaningful words to say why"


def _parse(env: str, **changes: object) -> Any:
    return parse_environment(_with(env, **changes), f"{env}.toml", name=env)


def test_the_checked_in_files() -> None:
    configs = load_all()
    assert {n: c.account.owns_account_baseline for n, c in configs.items()} == {"dev": True, "staging": True, "prod": True}
    assert {n: c.detection.macie for n, c in configs.items()} == {"dev": False, "staging": False, "prod": True}
    assert configs["prod"].detection.severity is FindingSeverity.HIGH
    assert configs["prod"].detection.standards == (SecurityStandard.FSBP, SecurityStandard.CIS_3_0_0)
    assert [c.control_id for c in configs["prod"].detection.controls] == ["S3.20"]
    assert configs["prod"].audit.alert_https_endpoints  # production security alerts page someone


def test_defaults_when_the_section_is_absent() -> None:
    config = _parse("staging", detection=None)
    assert config.detection.severity is FindingSeverity.HIGH
    assert (config.detection.macie, config.detection.unused_access_analyzer, config.detection.record_global_resources) == (False, False, True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"detection__min_severity": "SEVERE"}, r"^dev\.toml: detection\.min_severity must be 'LOW', 'MEDIUM', 'HIGH' or 'CRITICAL', got 'SEVERE'$"),
        ({"detection__cis_version": "1.2.0"}, r"^dev\.toml: detection\.cis_version must be '1\.4\.0', '3\.0\.0' or '5\.0\.0', got '1\.2\.0'$"),
        (
            {"detection__disabled_controls": [{"standard": "fsbp", "control": "s3-20", "reason": REASON}]},
            r"^dev\.toml: detection\.disabled_controls\.0\.control must be a Security Hub control id such as S3\.20, got 's3-20'$",
        ),
        (
            {"detection__disabled_controls": [{"standard": "nist", "control": "S3.20", "reason": REASON}]},
            r"^dev\.toml: detection\.disabled_controls\.0\.standard must be 'fsbp' or 'cis', got 'nist'$",
        ),
        (
            {"detection__disabled_controls": [{"standard": "cis", "control": "S3.20", "reason": "not needed"}]},
            r"^dev\.toml: detection\.disabled_controls\.0\.reason must be a reason of at least 20 characters",
        ),
        (
            {"detection__excluded_config_rules": [{"rule": "no-such-rule", "reason": REASON}]},
            r"^dev\.toml: detection\.excluded_config_rules\.0\.rule must be a ConfigRuleName of the HIPAA Security conformance pack",
        ),
        (
            {"detection__excluded_config_rules": [{"rule": "iam-user-mfa-enabled", "reason": REASON}] * 2},
            r"^dev\.toml: detection\.excluded_config_rules must name each rule once, got iam-user-mfa-enabled twice$",
        ),
        ({"detection__unused_access_age_days": 0}, r"^dev\.toml: detection\.unused_access_age_days must be greater than or equal to 1, got 0$"),
        (
            {"account__owns_account_baseline": False, "account__manage_password_policy": True},
            r"^dev\.toml: account\.manage_password_policy must be false when account\.owns_account_baseline is false",
        ),
    ],
)
def test_fails_when_a_detection_value_is_bad(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _parse("dev", **changes)


def test_production_inspects_phi_and_pages() -> None:
    with pytest.raises(ConfigError, match=r"^prod\.toml: detection\.macie must be true when guardrails\.production is true"):
        _parse("prod", detection__macie=False)
    required = r"^prod\.toml: audit\.alert_https_endpoints is required when guardrails\.production is true .*audit\.no_paging_reason$"
    with pytest.raises(ConfigError, match=required):
        _parse("prod", audit__alert_https_endpoints=[])
    reason = "the security rota watches the security mailbox around the clock"
    assert _parse("prod", audit__alert_https_endpoints=[], audit__no_paging_reason=reason).audit.no_paging_reason == reason
    with pytest.raises(ConfigError, match=r"^prod\.toml: audit\.no_paging_reason must be unset when audit\.alert_https_endpoints are given"):
        _parse("prod", audit__no_paging_reason=reason)
    with pytest.raises(ConfigError, match=r"^prod\.toml: audit\.alert_https_endpoints must be an https:// URL"):
        _parse("prod", audit__alert_https_endpoints=["http://events.pagerduty.com/x"])
    # A production environment that does not own the baseline has no Macie of its own to require.
    assert not _parse("prod", account__owns_account_baseline=False, account__manage_password_policy=False, detection__macie=False).detection.macie


# One owner per account and region, across files -----------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    directory = tmp_path / "environments"
    directory.mkdir()
    for path in ENVIRONMENTS_DIR.glob("*.toml"):
        (directory / path.name).write_text(path.read_text())
    return directory


def _share_prods_account(directory: Path, env: str, **settings: str) -> None:
    """Put ``env`` in prod's AWS account and region, with ``[account]``/``[detection]`` keys replaced by ``settings``."""
    path = directory / f"{env}.toml"
    text = path.read_text().replace('aws_account_ids = ["777788889999"]', 'aws_account_ids = ["111122223333"]')
    text = text.replace('aws_account_ids = ["444455556666"]', 'aws_account_ids = ["111122223333"]')
    for key, value in settings.items():
        lines = text.splitlines()
        (index,) = [i for i, line in enumerate(lines) if line.split("=")[0].strip() == key]
        lines[index] = f"{key} = {value}"
        text = "\n".join(lines) + "\n"
    path.write_text(text)
    assert tomllib.loads(text)["aws_account_ids"] == ["111122223333"]


def test_fails_when_two_files_own_the_baseline_of_one_account_and_region(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _share_prods_account(directory, "staging")
    with pytest.raises(ConfigError) as caught:
        load_all(directory)
    lines = str(caught.value).splitlines()
    prod = f"{directory}/prod.toml"
    assert any(
        line.endswith(
            f"staging.toml: account.owns_account_baseline must be false while {prod} owns the baseline of AWS account 111122223333 in us-east-1 "
            "(the AWS Config recorder, GuardDuty detector, Security Hub, IAM Access Analyzer account analyzer and Macie exist once per "
            "account and region), got True"
        )
        for line in lines
    ), lines
    assert any(
        "staging.toml: account.manage_password_policy must be false while" in line and "prod.toml manages the IAM password policy" in line for line in lines
    )


def test_a_second_environment_in_the_account_leaves_the_baseline_to_its_owner(tmp_path: Path) -> None:
    # dev (local state): two Terraform Cloud environments cannot share an account (one OIDC provider for HCP
    # Terraform per account, stacks/_tfc_aws.py), so the second environment here is the local one.
    directory = _copy(tmp_path)
    _share_prods_account(directory, "dev", owns_account_baseline="false", manage_password_policy="false")
    configs = load_all(directory)
    assert not configs["dev"].account.owns_account_baseline and configs["prod"].account.owns_account_baseline


def test_owners_in_two_regions_of_one_account_record_global_resources_once() -> None:
    prod = load_all()["prod"]
    other = _parse("staging", aws_account_ids=list(prod.aws_account_ids), aws_region="us-west-2", account__manage_password_policy=False)
    sources = {"prod": "environments/prod.toml", "staging": "environments/staging.toml"}
    assert account_owner_problems([prod, other], sources) == [
        "environments/staging.toml: detection.record_global_resources must be false while environments/prod.toml records AWS Config's "
        "global resource types (IAM) of AWS account 111122223333 in us-east-1 (one region per account), got True"
    ]
    fixed = _parse(
        "staging",
        aws_account_ids=list(prod.aws_account_ids),
        aws_region="us-west-2",
        account__manage_password_policy=False,
        detection__record_global_resources=False,
    )
    assert account_owner_problems([prod, fixed], sources) == []
    # Different accounts never conflict.
    assert account_owner_problems(list(load_all().values()), {n: n for n in ("dev", "staging", "prod")}) == []
