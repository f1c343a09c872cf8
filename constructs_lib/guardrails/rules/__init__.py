"""The rules of the HIPAA pack: one module per rule, named by its id (``HC-S3-002`` -> ``hc_s3_002_versioning.py``).

The registry is discovered, not listed: every public module of this package defines one
``RULE``, and its name starts with that rule's id in lower case (``hc_s3_002_``). Helpers
shared by several rules live in private modules (``_s3``, ``_iam``, ``_cloudflare``).
``ALL_RULES`` is the order of evaluation, by id; ``RULES_BY_ID`` looks a rule up by its id.
"""

from __future__ import annotations

import importlib
import pkgutil

from .._rule import Rule


def _discover() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule):
            raise ImportError(f"{module.__name__}: a rule module must define RULE = Rule(...)")
        if not info.name.startswith(rule.id.lower().replace("-", "_") + "_"):
            raise ImportError(f"{module.__name__}: a rule module's name must start with its rule id, {rule.id!r}")
        rules.append(rule)
    return tuple(sorted(rules, key=lambda rule: rule.id))


ALL_RULES: tuple[Rule, ...] = _discover()
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in ALL_RULES}
