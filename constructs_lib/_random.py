"""The stack's one ``random`` provider (hashicorp/random, prebuilt binding), shared by every construct.

``random`` needs no configuration or credentials, so constructs that generate values
(``NeonDatabase`` passwords, ``AppSecret`` keys) add the provider to their stack on first
use instead of asking the caller for one. A default (unaliased) ``random`` provider already
declared in the stack is reused, so a stack never declares it twice.
"""

from __future__ import annotations

from constructs import Construct

from .engine.core import TerraformStack
from .engine.random import RandomProvider
from .errors import ConstructError

PROVIDER_ID = "random"


def ensure_random_provider(scope: Construct) -> RandomProvider:
    """The ``random`` provider of ``scope``'s stack, created there (id ``random``) if it has none yet."""
    stack = TerraformStack.of(scope)
    for child in stack.node.children:  # one the caller declared (any id), as long as it is the default (no alias)
        if isinstance(child, RandomProvider) and child.alias is None:
            return child
    existing = stack.node.try_find_child(PROVIDER_ID)
    if existing is not None:
        raise ConstructError(f"{stack.node.path}: the construct id {PROVIDER_ID!r} is taken by a {type(existing).__name__}, not the random provider")
    return RandomProvider(stack, PROVIDER_ID)
