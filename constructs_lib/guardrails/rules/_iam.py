"""Helpers shared by the IAM rules: every identity policy in a stack and its statements."""

from __future__ import annotations

from collections.abc import Iterator

from .._policy import Statement, statements_of
from .._view import Block, StackView, as_list

INLINE_TYPES = ("aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")
MANAGED_TYPES = ("aws_iam_policy",)


def identity_policies(view: StackView) -> Iterator[tuple[Block, list[Statement] | None]]:
    """Every inline or managed identity policy (including ``aws_iam_role.inline_policy``) with its statements.

    ``None`` stands for a policy that cannot be read at synth time (a ``jsonencode(...)`` expression).
    """
    for rtype in (*INLINE_TYPES, *MANAGED_TYPES):
        for block in view.resources(rtype):
            yield block, statements_of(view, block.get("policy"))
    for role in view.resources("aws_iam_role"):
        for inline in as_list(role.get("inline_policy")):
            yield role, statements_of(view, inline.get("policy"))
