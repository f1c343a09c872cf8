"""Copies of synthesized stacks broken on purpose: the checkov tests prove the gate and the secret scan notice them.

``BrokenStacks.start`` writes both copies and starts both checkov runs at once: the two tests that read them run at the
end of the session, one after the other, and side by side the runs take the time of one.
"""

from __future__ import annotations

import functools
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.security._checkov import finish_checkov, start_checkov

PLANTED_ACCESS_KEY = "AKIA" + "Q3EGT5BZ7WXN4RMC"  # split so this file itself does not look like a credential


def write_unparsable(synth_root: Path, root: Path) -> None:
    """Phase 1's dev stack as synthesized and its prod stack with ``terraform.required_version``, under ``root``.

    checkov issue 7454: a ``required_version`` makes checkov's parser drop the file silently.
    """
    for env in ("dev", "prod"):
        stack = json.loads((synth_root / "phase1" / "stacks" / env / "cdk.tf.json").read_text())
        if env == "prod":
            stack["terraform"]["required_version"] = ">= 1.5"
        target = root / "phase1" / "stacks" / env
        target.mkdir(parents=True)
        (target / "cdk.tf.json").write_text(json.dumps(stack))


def write_planted_secret(synth_root: Path, root: Path) -> int:
    """Phase 1's dev stack with a Railway variable holding ``PLANTED_ACCESS_KEY``, under ``root``; the key's line number."""
    stack = json.loads((synth_root / "phase1" / "stacks" / "dev" / "cdk.tf.json").read_text())
    stack.setdefault("resource", {})["railway_variable"] = {
        "leak": {"name": "AWS_ACCESS_KEY_ID", "value": PLANTED_ACCESS_KEY, "environment_id": "e", "service_id": "s"}
    }
    text = json.dumps(stack, indent=2)
    target = root / "phase1" / "stacks" / "dev"
    target.mkdir(parents=True)
    (target / "cdk.tf.json").write_text(text)
    return next(number for number, line in enumerate(text.splitlines(), start=1) if PLANTED_ACCESS_KEY in line)


@dataclass(frozen=True)
class BrokenStacks:
    """Both broken copies, each under its own root with its own checkov run (started by ``start``)."""

    unparsable: Path
    planted_secret: Path
    planted_line: int
    unparsable_run: subprocess.Popen[bytes]
    planted_secret_run: subprocess.Popen[bytes]

    @classmethod
    def start(cls, synth_root: Path, root: Path) -> BrokenStacks:
        unparsable, planted_secret = root / "unparsable", root / "planted-secret"
        write_unparsable(synth_root, unparsable)
        planted_line = write_planted_secret(synth_root, planted_secret)
        unparsable_run = start_checkov(unparsable, "terraform_json")
        return cls(unparsable, planted_secret, planted_line, unparsable_run, start_checkov(planted_secret, "secrets"))

    @functools.cached_property
    def unparsable_report(self) -> dict[str, Any] | None:
        """checkov's ``terraform_json`` report over the unparsable copy."""
        return finish_checkov(self.unparsable_run, self.unparsable).get("terraform_json")

    @functools.cached_property
    def planted_secret_report(self) -> dict[str, Any] | None:
        """checkov's ``secrets`` report over the planted-secret copy."""
        return finish_checkov(self.planted_secret_run, self.planted_secret).get("secrets")
