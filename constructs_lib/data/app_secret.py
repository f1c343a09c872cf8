"""``AppSecret``: an application secret no one types (a signing or encryption key), rotated by version."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Construct

from .._random import ensure_random_provider
from ..engine.core import Token
from ..engine.random import Bytes
from ..errors import ValidationError

_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
MAX_VERSION = 10_000


@dataclass(frozen=True, kw_only=True, slots=True)
class AppSecretProps:
    """Settings for AppSecret."""

    name: str
    """What the secret is, as a label (``auth-jwt-signing-key``); recorded in each version's keepers."""
    version: int = 1
    """The current version, 1..10000. Bumping it creates a new value (a new ``random_bytes``) and keeps the
    version it replaces as ``previous``; the one before that is destroyed. Default: 1."""
    length_bytes: int = 32
    """Random bytes per version, 16..512. Default: 32 (256 bits: an HMAC-SHA256 or AES-256 key)."""
    keep_previous: bool = True
    """Keep version ``version - 1`` so tokens signed and fields encrypted with it stay readable while they are
    re-issued or re-encrypted. Default: on. Off: a bump destroys the old value at once."""


class AppSecret(Construct):
    """Generated random bytes per version: ``random_bytes`` children ``v<version>`` (and ``v<version - 1>``).

    The values exist only in Terraform state (sensitive, plain text there) and move on only as
    references (``current``, ``previous``): to Railway as secret variables, never as text.
    """

    def __init__(self, scope: Construct, id_: str, props: AppSecretProps) -> None:
        super().__init__(scope, id_)
        self._props = props
        self._validate(props)
        ensure_random_provider(self)
        versions = [props.version - 1, props.version] if props.keep_previous else [props.version]
        self.versions: dict[int, Bytes] = {
            n: Bytes(self, f"v{n}", length=props.length_bytes, keepers={"name": props.name, "version": str(n)}) for n in versions if n >= 1
        }
        """``random_bytes`` by version; a version's construct id (``v<n>``) never changes, so keeping it keeps its value."""

    def _validate(self, props: AppSecretProps) -> None:
        path = self.node.path
        if not _NAME_RE.match(props.name):
            raise ValidationError(path, "name", props.name, "1..63 lowercase letters, digits and '-', starting with a letter")
        for field, value, low, high in (("version", props.version, 1, MAX_VERSION), ("length_bytes", props.length_bytes, 16, 512)):
            if Token.is_unresolved(value):
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValidationError(path, field, value, f"an integer {low}..{high}")

    @property
    def current(self) -> str:
        """The current version's value, base64 (a reference to a sensitive value)."""
        return self.versions[self._props.version].base64

    @property
    def previous(self) -> str | None:
        """The previous version's value, base64 (a sensitive reference), or None (version 1, or ``keep_previous`` off)."""
        entry = self.versions.get(self._props.version - 1)
        return None if entry is None else entry.base64
