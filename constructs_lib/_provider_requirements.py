"""Which provider each public construct needs, checked when the construct is added to a stack.

cdktf alone reports a missing provider only at synthesis, as "Found resources without a
matching provider construct", without naming one. Constructs that create their own providers
(``postgresql`` aliases, the shared ``random`` provider) need no check.
"""

from __future__ import annotations

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


def require_provider(construct: Construct, kind: str) -> None:
    """Raise ``MissingProviderError`` unless ``construct``'s stack holds a provider of ``kind`` (any alias)."""
    cls = _provider_class(kind)
    stack = TerraformStack.of(construct)
    if any(isinstance(child, cls) for child in stack.node.children):
        return
    if any(isinstance(node, cls) for node in stack.node.find_all()):
        return
    name, hint = _HINTS[kind]
    raise MissingProviderError(construct.node.path, type(construct).__name__, name, stack.node.id, hint)
