"""Build the cdktf ``App`` for a set of environments and write ``cdktf.out`` atomically."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from constructs_lib.engine import memoize_binding_type_hints
from constructs_lib.engine.core import App
from constructs_lib.errors import GuardrailViolation, SynthesisError
from constructs_lib.guardrails import error_findings, synthesized_findings
from environments import EnvironmentConfig
from platform_plan.phases import plan_for

from .platform import PlatformStack
from .staging import remove_stale_staging, staging_prefix


def build_app(configs: Sequence[EnvironmentConfig], outdir: Path, *, bootstrap: Sequence[EnvironmentConfig] = ()) -> App:
    """An ``App`` writing to ``outdir`` with one ``PlatformStack`` per config, not yet synthesized.

    ``bootstrap`` (every environment file) adds the ``bootstrap`` stack: the Terraform Cloud
    workspaces of those environments (``stacks/bootstrap.py``).
    """
    memoize_binding_type_hints()  # the bindings' argument checks read their annotations once (docs/performance.md)
    app = App(outdir=str(outdir))
    for config in configs:
        PlatformStack(app, config, plan_for(config.phase))
    if any(config.terraform_cloud is not None for config in bootstrap):
        from .bootstrap import BootstrapStack  # the tfe provider: cdktf only (main.py never selects it on cdktn)

        BootstrapStack(app, bootstrap)
    return app


def synthesize(configs: Sequence[EnvironmentConfig], outdir: Path, *, bootstrap: Sequence[EnvironmentConfig] = ()) -> list[str]:
    """Synthesize ``configs`` into ``outdir``, replacing it only when everything succeeded.

    The stacks are written to a temporary sibling folder which then takes the place of
    ``outdir`` (``stacks/staging.py``; folders left by a killed synthesis are removed first);
    an error anywhere (bad props, a failed guardrail) leaves the previous ``outdir`` as it was and removes the temporary folder. Error annotations (failed
    guardrails) raise ``GuardrailViolation`` with one line per finding. Returns the
    warning annotations (guardrail warnings among them), one line each.
    """
    outdir = outdir.resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(outdir)  # left by a synthesis that was killed (stacks/staging.py)
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(outdir), dir=outdir.parent))
    try:
        app = build_app(configs, staging, bootstrap=bootstrap)
        _synth(app)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    warnings = synthesized_findings(staging)
    previous = outdir.parent / f".{outdir.name}.old"
    shutil.rmtree(previous, ignore_errors=True)
    if outdir.exists():
        outdir.rename(previous)
    staging.rename(outdir)
    shutil.rmtree(previous, ignore_errors=True)
    return warnings


def _synth(app: App) -> None:
    """``app.synth()``, turning cdktf's reported failures (jsii ``RuntimeError``) into ``ConstructError``.

    Error annotations (failed guardrails) become ``GuardrailViolation``; cdktf's own
    stack validation errors (``[path] message`` lines) become ``SynthesisError``.
    """
    try:
        app.synth()
    except RuntimeError as exc:
        findings = error_findings(app)
        validation = [f"{path}: {message}" for path, message in _VALIDATION_LINE.findall(str(exc))]
        if findings:
            raise GuardrailViolation(findings + validation) from None
        if validation:
            raise SynthesisError(validation) from None
        raise


_VALIDATION_LINE = re.compile(r"^\s+\[([^\]]+)\] (.+)$", re.MULTILINE)
