"""The ``<!-- generated:NAME -->`` blocks of the docs: each renders from the code, the environment files or the stacks.

``GENERATED`` maps each block name to its renderer; the blocks in ``STACK_BLOCKS`` read the
synthesized stacks (``Documents``), the others only import ``platform_plan.phases`` and the environment
model (no cdktf). ``tools/generate_docs.py`` finds the markers and writes the output between them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from environments import EnvironmentConfig
from tools import stack_docs

REPO_ROOT = Path(__file__).resolve().parent.parent

Documents = Mapping[str, Mapping[str, Any]]
"""Stack name -> parsed ``cdk.tf.json``: every environment at its own phase, and ``bootstrap``; ``<env>@<phase>``:
the environment previewed at another phase (``promotion_preview`` names the one it needs)."""
DocumentSource = Callable[[], Documents]
"""Gives the stacks when a page needs them (called at most once per run)."""

OUTDIR = "cdktf.out"
"""The output folder ``make synth`` writes (main.py's default)."""


def _configs() -> list[EnvironmentConfig]:
    from environments import load_all

    return list(load_all().values())


def environment_phases(_: DocumentSource) -> str:
    """Inline: ``dev 4, prod 1, staging 2`` (each environment file's phase)."""
    return ", ".join(f"{c.name} {c.phase}" for c in _configs())


def synth_summary(documents: DocumentSource) -> str:
    """What ``python main.py`` prints for the repository's environment files (resource counts from the stacks)."""
    from environments.placeholders import find_placeholders

    stacks = documents()
    lines = ["```", "$ python main.py"]
    for config in _configs():
        path = f"{OUTDIR}/stacks/{config.name}/cdk.tf.json"
        lines.append(f"{config.name}: phase {config.phase}, {stack_docs.resource_count(stacks[config.name])} resources -> {path}")
        left = len(find_placeholders(config))
        if left:
            values = f"{left} placeholder value{'s' if left > 1 else ''}"
            lines.append(f"{config.name}: {values} must be replaced before deploy (python main.py placeholders {config.name})")
    if "bootstrap" in stacks:
        count = stack_docs.resource_count(stacks["bootstrap"])
        lines.append(f"bootstrap: Terraform Cloud workspaces, {count} resources -> {OUTDIR}/stacks/bootstrap/cdk.tf.json")
    return "\n" + "\n".join([*lines, "```"]) + "\n"


def _history(config: EnvironmentConfig) -> str:
    days = config.neon.history_retention_seconds / 86_400
    return f"{config.neon.history_retention_seconds} s ({days:g} day{'' if days == 1 else 's'})"


def environment_values(_: DocumentSource) -> str:
    """Table of the values that size each environment, read from its file."""
    configs = _configs()
    rows: list[tuple[str, Callable[[EnvironmentConfig], str]]] = [
        ("phase (rollout)", lambda c: str(c.phase)),
        ("AWS VPC CIDR", lambda c: c.vpc_cidr),
        ("availability zones", lambda c: str(c.az_count)),
        ("point-in-time history (`[neon] history_retention_seconds`)", _history),
        ("service replicas (`replicas`: fixed, per Railway region; no autoscaling)", lambda c: str(c.replicas)),
        ("Cloudflare zone (`domain`)", lambda c: f"`{c.domain}`"),
        (
            "audit-logs Object Lock (`[s3] audit_log_retention_days`, `audit_log_lock_mode`)",
            lambda c: f"{c.s3.audit_log_retention_days} d {c.s3.audit_log_lock_mode}",
        ),
        ("backups Object Lock (`[backups] retention_days`, `lock_mode`)", lambda c: f"{c.backups.retention_days} d {c.backup_lock_mode}"),
    ]
    lines = ["| | " + " | ".join(c.name for c in configs) + " |", "|---|" + "---|" * len(configs)]
    lines += [f"| {title} | " + " | ".join(value(c) for c in configs) + " |" for title, value in rows]
    return "\n\n" + "\n".join(lines) + "\n\n"


def _component_docs() -> dict[str, str]:
    """``Component`` member -> first sentence of its docstring, read with ``ast`` from ``platform_plan/phases.py``."""
    tree = ast.parse((REPO_ROOT / "platform_plan" / "phases.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Component":
            docs = {}
            for stmt, following in zip(node.body, node.body[1:], strict=False):
                if isinstance(stmt, ast.Assign) and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
                    name = stmt.targets[0].id if isinstance(stmt.targets[0], ast.Name) else ""
                    text = " ".join(str(following.value.value).split())
                    docs[name] = text.split(". ")[0].rstrip(".") + "."
            return docs
    raise LookupError("platform_plan/phases.py has no class Component")


def phase_plan(_: DocumentSource) -> str:
    """What each phase adds, from ``platform_plan/phases.py`` (``SERVICES``, ``BUCKETS``, ``BUCKET_GRANTS``, ``COMPONENT_PHASES``)."""
    from platform_plan.phases import COMPONENT_PHASES, MAX_PHASE, PhasePlan, plan_for

    docs = _component_docs()
    lines = [
        "",
        "",
        "| phase | services on Railway | services outside Railway | Neon databases | S3 buckets | bucket grants | components |",
        "|---|---|---|---|---|---|---|",
    ]
    previous: PhasePlan | None = None
    for phase in range(1, MAX_PHASE + 1):
        plan = plan_for(phase)
        new_services = [s for s in plan.services if s.phase == phase]
        railway = ", ".join(s.name + (" (job)" if s.is_job else "") for s in new_services if s.runs_on_railway) or "—"
        outside = ", ".join(s.name for s in new_services if not s.runs_on_railway) or "—"
        databases = ", ".join(s.name for s in new_services if s.owns_database) or "—"
        buckets = ", ".join(f"{b.purpose} ({b.classification.value})" for b in plan.buckets if b.phase == phase) or "—"
        old_grants = set(previous.bucket_grants) if previous else set()
        grants = (
            ", ".join(f"{g.service}: {g.access.value} {g.bucket}{f' `{g.prefix}`' if g.prefix else ''}" for g in plan.bucket_grants if g not in old_grants)
            or "—"
        )
        components = ", ".join(f"`{c.name}`" for c, p in COMPONENT_PHASES.items() if p == phase) or "—"
        lines.append(f"| {phase} | {railway} | {outside} | {databases} | {buckets} | {grants} | {components} |")
        previous = plan
    lines += ["", "| component | phase | what it adds |", "|---|---|---|"]
    for component, phase in sorted(COMPONENT_PHASES.items(), key=lambda item: (item[1], item[0].name)):
        lines.append(f"| `{component.name}` | {phase} | {docs.get(component.name, '—')} |")
    return "\n".join(lines) + "\n\n"


def promotion_preview() -> tuple[str, int]:
    """``(environment, target phase)`` of the documented ``promote`` example: the environment at the lowest phase, one phase up."""
    from platform_plan.phases import MAX_PHASE

    config = min((c for c in _configs() if c.phase < MAX_PHASE), key=lambda c: (c.phase, c.name))
    return config.name, config.phase + 1


def promotion_example(documents: DocumentSource) -> str:
    """What ``python main.py promote <env> --to <phase>`` prints for ``promotion_preview()`` (``stacks.promotion``)."""
    from stacks.promotion import diff, with_costs

    stacks = documents()
    name, target = promotion_preview()
    config = next(c for c in _configs() if c.name == name)
    promotion = with_costs(diff(name, config.phase, stacks[name], target, stacks[f"{name}@{target}"]), config)
    command = f"$ python main.py promote {name} --to {target}          # or: make promote ENV={name} TO={target}"
    return "\n" + "\n".join(["```", command, *promotion.lines(), "```"]) + "\n"


def security_alarm_count(documents: DocumentSource) -> str:
    """Inline: how many CloudWatch alarms ``AuditTrail`` adds (the same number in every environment's stack)."""
    stacks = documents()
    counts = set()
    for config in _configs():
        alarms = (stacks[config.name].get("resource") or {}).get("aws_cloudwatch_metric_alarm", {})
        paths = [str(((a.get("//") or {}).get("metadata") or {}).get("path", "")) for a in alarms.values()]
        counts.add(sum(1 for path in paths if path.startswith(f"{config.name}/AuditTrail/")))
    if len(counts) != 1:
        raise ValueError(f"the environments' stacks have different numbers of AuditTrail alarms: {sorted(counts)}")
    return str(counts.pop())


def edge_environments(documents: DocumentSource) -> str:
    """Per environment: its zone, the edge settings its file gives and the public hostnames its stack publishes."""
    stacks = documents()
    lines = [
        "",
        "",
        "| environment | zone | owns the zone settings (`manage_zone`) | plan | minimum TLS | advanced certificate | public hostnames (from the stack) |",
        "|---|---|---|---|---|---|---|",
    ]
    for config in _configs():
        cloudflare = config.cloudflare
        hosts = ", ".join(f"`{h}`" for h in stack_docs.public_hostnames(stacks[config.name])) or "—"
        lines.append(
            f"| {config.name} | `{config.domain}` | {'yes' if cloudflare.manage_zone else 'no'} | {cloudflare.plan} | "
            f"{cloudflare.min_tls_version.value} | {'yes' if cloudflare.advanced_certificate else 'no'} | {hosts} |"
        )
    return "\n".join(lines) + "\n\n"


def architecture(documents: DocumentSource) -> str:
    """One Mermaid diagram per environment at its own phase (``tools/stack_docs.architecture``)."""
    stacks = documents()
    parts = ["", ""]
    for config in _configs():
        document = stacks[config.name]
        parts += [
            f"### {config.name} (phase {config.phase}, {stack_docs.resource_count(document)} resources)",
            "",
            "```mermaid",
            stack_docs.architecture(document, zone=config.domain).rstrip("\n"),
            "```",
            "",
        ]
    return "\n".join(parts) + "\n"


GENERATED: dict[str, Callable[[DocumentSource], str]] = {
    "environment-phases": environment_phases,
    "synth-summary": synth_summary,
    "environment-values": environment_values,
    "phase-plan": phase_plan,
    "promotion-example": promotion_example,
    "security-alarm-count": security_alarm_count,
    "edge-environments": edge_environments,
    "architecture": architecture,
}
"""Block name -> renderer."""

STACK_BLOCKS = frozenset({"synth-summary", "promotion-example", "security-alarm-count", "edge-environments", "architecture"})
"""Blocks rendered from the synthesized stacks."""


def render_generated(name: str, documents: DocumentSource) -> str:
    """The text between ``<!-- generated:<name> -->`` and ``<!-- /generated -->``."""
    renderer = GENERATED.get(name)
    if renderer is None:
        raise LookupError(f"unknown generated block {name!r}; one of {', '.join(sorted(GENERATED))}")
    return renderer(documents)
