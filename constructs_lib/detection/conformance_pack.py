"""AWS's "Operational Best Practices for HIPAA Security" conformance pack template, vendored (CC0), and its rules.

No cdktf import. The template (``packs/``, see ``packs/NOTICE.md``) is deployed as ``template_body``; rules
that cannot apply are removed from its ``Resources`` as text, so every other byte stays AWS's.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

HIPAA_SECURITY_TEMPLATE = Path(__file__).parent / "packs" / "Operational-Best-Practices-for-HIPAA-Security.yaml"
TEMPLATE_SHA256 = "6daaddbbd3da53b31f313cc00587fd2e4de2b59c4fad2e8feb68c0c03d52125b"
"""SHA-256 of the vendored file (awslabs/aws-config-rules at b54d4a6c99e105c25ca46af9305770e4ba51c422)."""
TEMPLATE_BODY_LIMIT_BYTES = 51_200
"""``PutConformancePack``'s ``TemplateBody`` limit."""

_RESOURCE_RE = re.compile(r"^  ([A-Za-z0-9]+):$")
_RULE_NAME_RE = re.compile(r"^      ConfigRuleName: (\S+)$")


@cache
def hipaa_security_template() -> str:
    """The vendored template, exactly as AWS publishes it."""
    return HIPAA_SECURITY_TEMPLATE.read_text(encoding="utf-8")


def template_sha256() -> str:
    return hashlib.sha256(HIPAA_SECURITY_TEMPLATE.read_bytes()).hexdigest()


def _resource_blocks(template: str) -> tuple[list[str], list[tuple[str, list[str]]], list[str]]:
    """The lines before ``Resources:`` (with it), each resource's (logical id, lines), and the lines after."""
    lines = template.splitlines(keepends=True)
    start = lines.index("Resources:\n") + 1
    end = next(i for i in range(start, len(lines)) if lines[i][:1] not in (" ", "\n", ""))
    blocks: list[tuple[str, list[str]]] = []
    for line in lines[start:end]:
        found = _RESOURCE_RE.match(line.rstrip("\n"))
        if found:
            blocks.append((found[1], [line]))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            raise ValueError(f"unexpected line before the first resource: {line!r}")
    return lines[:start], blocks, lines[end:]


def _rule_name(block: list[str]) -> str:
    names = [m[1] for line in block if (m := _RULE_NAME_RE.match(line.rstrip("\n")))]
    if len(names) != 1:
        raise ValueError(f"a resource block without exactly one ConfigRuleName: {block[0].strip()}")
    return names[0]


@cache
def hipaa_security_rule_names() -> tuple[str, ...]:
    """Every ``ConfigRuleName`` of the pack, in template order (130)."""
    _, blocks, _ = _resource_blocks(hipaa_security_template())
    return tuple(_rule_name(block) for _, block in blocks)


def template_without(excluded: Iterable[str], template: str | None = None) -> str:
    """``template`` (default: the HIPAA Security pack) without the rules named in ``excluded``.

    Parameters and conditions that only a removed rule used stay (CloudFormation ignores unused ones).
    Raises ``ValueError`` for a name the template does not have, or when the result exceeds
    ``TEMPLATE_BODY_LIMIT_BYTES``.
    """
    head, blocks, tail = _resource_blocks(template if template is not None else hipaa_security_template())
    names = {_rule_name(block) for _, block in blocks}
    wanted = set(excluded)
    unknown = sorted(wanted - names)
    if unknown:
        raise ValueError(f"rules not in the template: {', '.join(unknown)}")
    kept = [line for _, block in blocks if _rule_name(block) not in wanted for line in block]
    body = "".join([*head, *kept, *tail])
    size = len(body.encode("utf-8"))
    if size > TEMPLATE_BODY_LIMIT_BYTES:
        raise ValueError(f"template is {size} bytes, over template_body's {TEMPLATE_BODY_LIMIT_BYTES}")
    return body
