"""The CLI path: ``cdktf synth`` (pinned cdktf-cli from package.json), or ``cdktn synth`` on CDK Terrain, matches ``make synth``.

The CLI process is started by ``tests/conftest.py`` right after collection, so it runs in
parallel with the rest of the session.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from environments import EnvironmentConfig
from tests.conftest import CDKTF, ENGINE, ENVIRONMENT_NAMES, Combo

pytestmark = pytest.mark.cdktf_cli


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed: the cdktf CLI cannot run")
def test_cdktf_synth_matches_the_readme_synth(
    cdktf_cli_output: tuple[int, str, Path],
    stacks: dict[Combo, dict[str, Any]],
    configs: dict[str, EnvironmentConfig],
    request: pytest.FixtureRequest,
) -> None:
    assert CDKTF.exists(), f"{CDKTF} is missing: run `make setup` (cdktf-cli 0.21.0) or `make test ENGINE=cdktn` (cdktn-cli 0.24.0)"
    returncode, log, out = cdktf_cli_output
    assert returncode == 0, log
    # The bootstrap stack needs the tfe provider, prebuilt for cdktf only (docs/engines.md).
    names = "bootstrap, dev, prod, staging" if ENGINE == "cdktf" else "dev, prod, staging"
    assert f"Generated Terraform code for the stacks: {names}" in log
    # No Terraform binary on PATH (conftest), and no Node deprecation noise from the tfe provider.
    assert "Could not determine version of terraform" not in log and "DEP0044" not in log
    for name in ENVIRONMENT_NAMES:
        cli_stack = json.loads((out / "stacks" / name / "cdk.tf.json").read_text())
        assert cli_stack == stacks[name, configs[name].phase], name
    if ENGINE == "cdktf":
        assert json.loads((out / "stacks" / "bootstrap" / "cdk.tf.json").read_text()) == request.getfixturevalue("bootstrap_stack")
    else:
        assert not (out / "stacks" / "bootstrap").exists()
