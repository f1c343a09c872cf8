"""Pure value rules shared by constructs and the platform's environment loader.

Each function returns the value unchanged or raises ``ValueError`` whose text says
what is allowed (``"must be ..."``); callers turn it into a one-line error naming the
construct path or file and the field. Nothing here imports cdktf, so the app can
validate configuration before paying for the jsii start-up.
"""

from __future__ import annotations

import ipaddress
import re

_DNS_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN_RE = re.compile(rf"^(?:{_DNS_LABEL}\.)+[a-z]{{2,63}}$")
_AWS_REGION_RE = re.compile(r"^(?:us|eu|ap|ca|sa|me|af|il|mx)(?:-gov)?-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-[1-9]$")


def check_domain(value: str) -> str:
    """A lowercase DNS name with at least two labels (``example.org``)."""
    if len(value) > 253 or not _DOMAIN_RE.match(value):
        raise ValueError("a lowercase DNS name such as 'health.example.org'")
    return value


def check_aws_region(value: str) -> str:
    """An AWS region code such as ``us-east-1``."""
    if not _AWS_REGION_RE.match(value):
        raise ValueError("an AWS region code such as 'us-east-1'")
    return value


def check_cidr(value: str, *, min_prefix: int = 16, max_prefix: int = 24) -> ipaddress.IPv4Network:
    """An IPv4 network in CIDR form, prefix length between ``min_prefix`` and ``max_prefix``."""
    allowed = f"an IPv4 CIDR such as '10.0.0.0/16' with a prefix length of /{min_prefix}../{max_prefix}"
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except (ipaddress.AddressValueError, ipaddress.NetmaskValueError, ValueError):
        raise ValueError(allowed) from None
    if not min_prefix <= network.prefixlen <= max_prefix:
        raise ValueError(allowed)
    if not network.is_private:
        raise ValueError(f"{allowed} in private address space (RFC 1918)")
    return network


_SECRET_NAME_PARTS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "DATABASE_URL", "CONNECTION_STRING")
_SECRET_NAME_WORDS = frozenset({"PWD", "DSN", "SALT"})
_URL_CREDENTIALS_RE = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,255}$")
_CRON_FIELD_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_CRON_ITEM_RE = re.compile(r"^(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?$")


def is_secret_like_name(name: str) -> bool:
    """Whether a variable name suggests a credential: ``*PASSWORD*``, ``*SECRET*``, ``*TOKEN*``, ``*KEY*``, ``DATABASE_URL`` ..."""
    upper = name.upper()
    return any(part in upper for part in _SECRET_NAME_PARTS) or bool(_SECRET_NAME_WORDS & set(upper.split("_")))


def has_url_credentials(value: str) -> bool:
    """Whether ``value`` holds a URL with a user and password (``postgres://user:pass@host``)."""
    return bool(_URL_CREDENTIALS_RE.search(value))


def check_env_name(value: str) -> str:
    """An environment variable name: letters, digits and ``_``, not starting with a digit."""
    if not _ENV_NAME_RE.match(value):
        raise ValueError("an environment variable name such as 'PLATFORM_ENV' (letters, digits, '_'; not starting with a digit)")
    return value


def check_cron(value: str) -> str:
    """A five-field cron expression (minute hour day-of-month month day-of-week) using numbers, ``*``, ``-``, ``,`` and ``/``."""
    allowed = "a five-field cron expression such as '*/5 * * * *' (minute hour day month weekday; numbers, '*', '-', ',', '/')"
    fields = value.split(" ")
    if len(fields) != 5:
        raise ValueError(allowed)
    for text, (low, high) in zip(fields, _CRON_FIELD_RANGES, strict=True):
        for item in text.split(","):
            match = _CRON_ITEM_RE.match(item)
            if match is None:
                raise ValueError(allowed)
            numbers = [int(n) for n in match.group(2, 3) if n is not None]
            if any(not low <= n <= high for n in numbers) or (len(numbers) == 2 and numbers[0] > numbers[1]):
                raise ValueError(f"{allowed}, each number in its field's range")
            if match.group(4) is not None and int(match.group(4)) == 0:
                raise ValueError(f"{allowed}, steps of at least 1")
    return value


class _Withheld:
    """Stands in for a secret in an error message, so the message never repeats the secret."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text


WITHHELD = _Withheld("a literal (value withheld)")
"""Pass as the ``value`` of a ``ValidationError`` about a literal secret."""
WITHHELD_REFERENCE = _Withheld("a reference (value withheld)")
"""Pass as the ``value`` of a ``ValidationError`` about a reference given where it does not belong."""
