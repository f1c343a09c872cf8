"""The cdktf CLI path: ``cdktf synth`` (pinned cdktf-cli from package.json) matches ``make synth``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from environments import ENVIRONMENT_NAMES, EnvironmentConfig
from tests.conftest import REPO_ROOT, Combo

CDKTF = REPO_ROOT / "node_modules" / ".bin" / "cdktf"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed: the cdktf CLI cannot run")
def test_cdktf_synth_matches_the_readme_synth(
    tmp_path: Path, stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig]
) -> None:
    assert CDKTF.exists(), "node_modules/.bin/cdktf is missing: run `make setup` (npm ci installs cdktf-cli 0.21.0)"
    env = {
        **os.environ,
        "PATH": f"{CDKTF.parent}{os.pathsep}{os.environ['PATH']}",
        "CHECKPOINT_DISABLE": "1",
        "CI": "1",
    }
    result = subprocess.run(
        [str(CDKTF), "synth", "--output", str(tmp_path / "cli")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ENVIRONMENT_NAMES:
        cli_stack = json.loads((tmp_path / "cli" / "stacks" / name / "cdk.tf.json").read_text())
        assert cli_stack == stacks[name, configs[name].phase], name
