"""Which provider each public construct needs, checked when the construct is added to a stack.

cdktf alone reports a missing provider only at synthesis, as "Found resources without a
matching provider construct", without naming one. Constructs that create their own providers
(``postgresql`` aliases, the shared ``random`` provider) need no check.
"""

from __future__ import annotations

import weakref

from constructs import Construct

from .engine.core import TerraformProvider, TerraformStack
from .errors import MissingProviderError

AWS = "aws"
CLOUDFLARE = "cloudflare"
NEON = "neon"
RAILWAY = "railway"

_HINTS = {
    AWS: ("AwsProvider", "constructs_lib.engine.aws.AwsProvider(stack, 'aws', region=...)"),
    CLOUDFLARE: ("CloudflareProvider", "constructs_lib.engine.cloudflare.CloudflareProvider(stack, 'cloudflare')"),
    NEON: ("NeonProvider", "constructs_lib.NeonProvider(stack, 'neon')"),
    RAILWAY: ("RailwayProvider", "constructs_lib.RailwayProvider(stack, 'railway')"),
}


def _provider_class(kind: str) -> type[TerraformProvider]:
    # Imported on demand: a Neon-only stack never pays for the AWS bindings.
    if kind == AWS:
        from .engine.aws import AwsProvider

        return AwsProvider
    if kind == CLOUDFLARE:
        from .engine.cloudflare import CloudflareProvider

        return CloudflareProvider
    if kind == NEON:
        from .providers.neon import NeonProvider

        return NeonProvider
    from .providers.railway import RailwayProvider

    return RailwayProvider


_FOUND: weakref.WeakKeyDictionary[TerraformStack, set[str]] = weakref.WeakKeyDictionary()
"""Kinds of provider already found in a stack: a provider is never removed, and each look costs jsii round trips."""


def require_provider(construct: Construct, kind: str) -> None:
    """Raise ``MissingProviderError`` unless ``construct``'s stack holds a provider of ``kind`` (any alias)."""
    stack = TerraformStack.of(construct)
    found = _FOUND.setdefault(stack, set())
    if kind in found:
        return
    cls = _provider_class(kind)
    if any(isinstance(child, cls) for child in stack.node.children) or any(isinstance(node, cls) for node in stack.node.find_all()):
        found.add(kind)
        return
    name, hint = _HINTS[kind]
    raise MissingProviderError(construct.node.path, type(construct).__name__, name, stack.node.id, hint)
