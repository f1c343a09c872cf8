"""``HipaaRulePack``: the Aspect that evaluates every rule once per stack at synthesis."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import jsii
from constructs import IConstruct, IValidation

from ..engine.core import Annotations, App, IAspect, TerraformElement, TerraformResource, TerraformStack
from ..value_rules import MIN_PRODUCTION_HISTORY_RETENTION_DAYS
from ._rule import Level, PackOptions, Rule, Violation
from ._suppress import Suppression, suppressions_under
from ._view import StackView

ERROR_METADATA_TYPE = "@cdktf/error"
"""Metadata type of ``Annotations.add_error`` (the jsii enum's Python value is only ``"ERROR"``)."""
WARNING_METADATA_TYPE = "@cdktf/warn"

SUPPRESSED_KEY = "guardrails_suppressed"
"""Key under a resource's ``"//"`` comment block listing the suppressions that silenced its findings."""


def finding_message(rule: Rule, detail: str) -> str:
    """The one-line text of a finding: rule id, level, what is wrong and the fix."""
    return f"{rule.id} ({rule.level.value}): {detail}; fix: {rule.fix}"


@jsii.implements(IAspect)
class HipaaRulePack:
    """The platform's compliance rules, applied to every stack the Aspect reaches.

    ``Aspects.of(stack).add(HipaaRulePack(production=True))`` (or ``apply_guardrails``).
    Add it to a stack, not to the ``App``: cdktf 0.21 never invokes App-level aspects.
    The pack registers one evaluation per stack, which runs after all aspects, on the
    stack's resolved Terraform JSON, during ``app.synth()``. An error finding fails
    synthesis with ``<construct path>: <rule id> (error): <what>; fix: <how>``; a
    warning is recorded as a cdktf warning annotation. ``production`` switches on the
    production-only rules (Neon history retention, prevent_destroy).
    """

    def __init__(
        self, *, production: bool = False, min_history_retention_days: int = MIN_PRODUCTION_HISTORY_RETENTION_DAYS, rules: Sequence[Rule] | None = None
    ) -> None:
        from .rules import ALL_RULES

        self.options = PackOptions(production=production, min_history_retention_days=min_history_retention_days)
        self.rules: tuple[Rule, ...] = tuple(ALL_RULES if rules is None else rules)
        self._scopes: list[IConstruct] = []

    def visit(self, node: IConstruct) -> None:
        """Register the evaluation on the first node reached in each stack (the stack itself when added there)."""
        if isinstance(node, App):
            return
        # By identity, not path: one pack may serve several apps whose stacks share a name.
        if any(scope is registered for scope in node.node.scopes for registered in self._scopes):
            return
        self._register(node)

    def _register(self, node: IConstruct) -> None:
        self._scopes.append(node)
        node.node.add_validation(_Evaluation(self, node))

    def evaluate(self, scope: IConstruct) -> None:
        """Run every applicable rule over the stack of ``scope``, annotating findings within ``scope``."""
        stack = TerraformStack.of(scope)
        # Each jsii property read is a round trip to Node, so the tree is walked once (for the
        # resource classes) and construct paths are resolved only where a finding or a suppression is.
        view = StackView(stack.to_terraform(), taggable_types=_taggable_types(stack.node.find_all()))
        nodes = _NodesByPath(stack, scope.node.path)
        suppressions = suppressions_under(scope)
        used: set[Suppression] = set()
        silenced: dict[str, list[dict[str, str]]] = {}
        for rule in self.rules:
            if not rule.applies(self.options):
                continue
            for violation in rule.check(view, self.options):
                path = self._path_of(view, violation, stack)
                if nodes.get(path) is None:
                    continue
                matching = [s for s in suppressions if s.rule_id == rule.id and s.covers(path)]
                if matching:
                    used.update(matching)
                    entries = silenced.setdefault(path, [])
                    for s in matching:
                        entry = {"rule": s.rule_id, "reason": s.reason, "declared_at": s.scope_path}
                        if entry not in entries:
                            entries.append(entry)
                    continue
                message = finding_message(rule, violation.detail)
                if rule.level is Level.ERROR:
                    Annotations.of(nodes[path]).add_error(message)
                else:
                    Annotations.of(nodes[path]).add_warning(message)
        for path, entries in silenced.items():
            _record_suppressions(nodes[path], entries)
        evaluated = {r.id for r in self.rules if r.applies(self.options)}
        for s in suppressions:
            # A suppression of a rule this pack did not run (production-only, narrowed) is not stale.
            if s not in used and s.rule_id in evaluated:
                Annotations.of(nodes[s.scope_path]).add_error(
                    f"HC-SUPPRESS (error): suppression of {s.rule_id} matches no finding; fix: remove the suppression (the rule passes now)"
                )

    @staticmethod
    def _path_of(view: StackView, violation: Violation, stack: TerraformStack) -> str:
        block = view.find(violation.address) if violation.address else None
        return block.path if block is not None and block.path else stack.node.path


def _taggable_types(nodes: Iterable[IConstruct]) -> frozenset[str]:
    """AWS resource types whose binding takes ``tags`` (generated bindings have ``reset_tags``).

    Decided per binding class (Python-side ``isinstance``/``hasattr``, the type from the class's
    ``TF_RESOURCE_TYPE``), so a stack of 300 resources costs a few jsii reads, not 300.
    """
    classes = {type(node) for node in nodes if isinstance(node, TerraformResource) and hasattr(type(node), "reset_tags")}
    return frozenset(t for t in map(_resource_type_of, classes) if t is not None and t.startswith("aws_"))


_TYPE_OF_CLASS: dict[type, str | None] = {}


def _resource_type_of(cls: type) -> str | None:
    """The Terraform resource type of a generated binding class (``None`` for a hand-written subclass without one)."""
    if cls not in _TYPE_OF_CLASS:
        value = getattr(cls, "TF_RESOURCE_TYPE", None)
        _TYPE_OF_CLASS[cls] = value if isinstance(value, str) else None
    return _TYPE_OF_CLASS[cls]


class _NodesByPath:
    """Constructs of one stack by path, limited to ``scope_path``'s subtree, found on demand (child by child)."""

    def __init__(self, stack: TerraformStack, scope_path: str) -> None:
        self._stack = stack
        self._stack_path = stack.node.path
        self._scope_path = scope_path
        self._found: dict[str, IConstruct | None] = {}

    def get(self, path: str) -> IConstruct | None:
        if path not in self._found:
            self._found[path] = self._find(path) if path == self._scope_path or path.startswith(self._scope_path + "/") else None
        return self._found[path]

    def __getitem__(self, path: str) -> IConstruct:
        node = self.get(path)
        if node is None:
            raise KeyError(path)
        return node

    def _find(self, path: str) -> IConstruct | None:
        if path == self._stack_path:
            return self._stack
        if not path.startswith(self._stack_path + "/"):
            return None
        node: IConstruct | None = self._stack
        for child_id in path[len(self._stack_path) + 1 :].split("/"):
            node = node.node.try_find_child(child_id) if node is not None else None
        return node


def _record_suppressions(node: IConstruct, entries: list[dict[str, str]]) -> None:
    if isinstance(node, TerraformElement) or isinstance(node, TerraformStack):
        node.add_override(f"//.{SUPPRESSED_KEY}", entries)


@jsii.implements(IValidation)
class _Evaluation:
    """Runs the pack once the construct tree is final (validations run after all aspects)."""

    def __init__(self, pack: HipaaRulePack, scope: IConstruct) -> None:
        self._pack = pack
        self._scope = scope

    def validate(self) -> list[str]:
        # Findings become annotations, so cdktf reports them all with their construct paths.
        self._pack.evaluate(self._scope)
        return []


def apply_guardrails(scope: IConstruct, *, production: bool = False, rules: Iterable[Rule] | None = None) -> HipaaRulePack:
    """Register a ``HipaaRulePack``'s evaluation on ``scope`` (a stack or a construct in one) and return the pack.

    The same evaluation as ``Aspects.of(scope).add(pack)``, registered directly as a construct
    validation: cdktf calls an aspect's ``visit`` on every construct of the stack, each call a jsii
    round trip into Python (~0.15 s per 600-construct stack), and the pack only needs the first.
    Given an ``App``, the evaluation goes on every stack the app has *now* (cdktf 0.21 never invokes
    App-level aspects, and a stack added later is not covered: apply the pack to it as well).
    """
    pack = HipaaRulePack(production=production, rules=None if rules is None else tuple(rules))
    targets: list[IConstruct] = [c for c in scope.node.children if isinstance(c, TerraformStack)] if isinstance(scope, App) else [scope]
    for target in targets:
        pack._register(target)
    return pack


def error_findings(scope: IConstruct) -> list[str]:
    """Every error annotation under ``scope`` as ``<construct path>: <message>`` lines."""
    return _annotations(scope, ERROR_METADATA_TYPE)


def warning_findings(scope: IConstruct) -> list[str]:
    """Every warning annotation under ``scope`` as ``<construct path>: <message>`` lines."""
    return _annotations(scope, WARNING_METADATA_TYPE)


def synthesized_findings(outdir: str | Path, metadata_type: str = WARNING_METADATA_TYPE) -> list[str]:
    """The annotations of ``metadata_type`` that ``app.synth()`` wrote to ``<outdir>/manifest.json``, as ``<construct path>: <message>`` lines.

    The same lines, in the same order, as ``warning_findings(app)`` (cdktf collects every stack's
    annotations into its manifest while synthesizing), read from one file instead of one jsii
    round trip per construct.
    """
    manifest = json.loads((Path(outdir) / "manifest.json").read_text())
    return [
        f"{a['constructPath']}: {a['message']}" for stack in manifest["stacks"].values() for a in stack.get("annotations", ()) if a["level"] == metadata_type
    ]


def _annotations(scope: IConstruct, metadata_type: str) -> list[str]:
    return [f"{node.node.path}: {entry.data}" for node in scope.node.find_all() for entry in node.node.metadata if entry.type == metadata_type]
