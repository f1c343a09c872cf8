"""``AppSecret``: an application key no one types (a signing or encryption key), kept by version.

For an application that needs the raw key in its own memory (an HMAC signing key, a field key of an
application not yet on KMS). The values live in Terraform state: a PHI field key belongs in KMS
instead (``FieldEncryptionKey``), where no state reader can take it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Construct

from .._random import ensure_random_provider
from ..engine.core import TerraformResourceLifecycle, Token
from ..engine.random import Bytes
from ..errors import Problems
from .settings_rules import MAX_KEY_VERSION, key_version_problems

_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
MAX_VERSION = MAX_KEY_VERSION


@dataclass(frozen=True, kw_only=True, slots=True)
class AppSecretProps:
    """Settings for AppSecret."""

    name: str
    """What the secret is, as a label (``auth-jwt-signing-key``); recorded in each version's keepers."""
    version: int = 1
    """The current version, 1..10000. Raising it creates a new value (a new ``random_bytes``); every version
    from ``oldest_version`` up stays. Never lower it: the versions above the new value are destroyed (refused
    when it would go below ``oldest_version``). Default: 1."""
    oldest_version: int = 1
    """The oldest version kept, 1..``version``; at most 10 versions are kept. Raise it to retire old versions,
    only after every token or field made with them has expired or been re-encrypted: the versions below it are
    destroyed. Default: 1 (every version is kept)."""
    length_bytes: int = 32
    """Random bytes per version, 16..512. Default: 32 (256 bits: an HMAC-SHA256 or AES-256 key)."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on every kept version: a change that would replace one (its ``name`` or
    ``length_bytes``) fails the plan. Removing a version from the configuration (``oldest_version`` raised,
    ``version`` lowered) is not stopped by it, which is why the version rules exist. Default: on."""


class AppSecret(Construct):
    """Generated random bytes per version: a ``random_bytes`` child ``v<n>`` for each kept version.

    The values exist only in Terraform state (sensitive, plain text there) and move on only as
    references (``current``, ``older``): to Railway as secret variables, never as text. A version's
    construct id never changes, so keeping a version keeps its value.
    """

    def __init__(self, scope: Construct, id_: str, props: AppSecretProps) -> None:
        super().__init__(scope, id_)
        self._props = props
        self._validate(props)
        ensure_random_provider(self)
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None
        self.versions: dict[int, Bytes] = {
            n: Bytes(self, f"v{n}", length=props.length_bytes, keepers={"name": props.name, "version": str(n)}, lifecycle=lifecycle)
            for n in range(props.oldest_version, props.version + 1)
        }
        """``random_bytes`` by version, oldest first."""

    def _validate(self, props: AppSecretProps) -> None:
        problems = Problems(self.node.path)
        if not _NAME_RE.match(props.name):
            problems.add("name", props.name, "1..63 lowercase letters, digits and '-', starting with a letter")
        if not (Token.is_unresolved(props.version) or Token.is_unresolved(props.oldest_version)):
            problems.extend(key_version_problems(version=props.version, oldest_version=props.oldest_version))
        length = props.length_bytes
        if not Token.is_unresolved(length) and (isinstance(length, bool) or not isinstance(length, int) or not 16 <= length <= 512):
            problems.add("length_bytes", length, "an integer 16..512")
        problems.raise_if_any()

    @property
    def version(self) -> int:
        """The current version's number (for a key id beside what it signs or encrypts)."""
        return self._props.version

    @property
    def current(self) -> str:
        """The current version's value, base64 (a reference to a sensitive value)."""
        return self.versions[self._props.version].base64

    @property
    def older(self) -> dict[int, str]:
        """Every kept version below the current one, by number, oldest first: base64 values (sensitive references)."""
        return {n: entry.base64 for n, entry in self.versions.items() if n != self._props.version}
