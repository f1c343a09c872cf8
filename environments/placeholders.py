"""Documented placeholder values in a validated environment: found by value, in every field.

The checked-in environment files keep example values so that tests and newcomers have a complete,
valid configuration; ``main.py deploy`` refuses an environment that still holds one (before any
CLI runs), and ``main.py`` (synthesis) counts them. Detection looks at *values*, never at key
names: every string of the validated ``EnvironmentConfig`` is checked, nested sections, lists and
tables included, so a key added later is covered without an edit here. Pure: no cdktf import.

A value is a placeholder when it is, or contains, one of these (each class is a ``Kind``):

- ``AWS_ACCOUNT``: an AWS account id that AWS's documentation uses as an example. Measured in the
  source of the IAM User Guide (github.com/awsdocs/iam-user-guide, ``doc_source/*.md`` at
  651083f, the last commit before the content moved): ``123456789012`` (48 pages),
  ``111122223333`` (27), ``444455556666`` (8, e.g. cloudtrail-integration.md), ``777788889999``
  (3, e.g. access_policies_testing-policies.md); the AWS Account Management Reference's "View AWS
  account identifiers" gives ``012345678901`` ("a 12-digit number, such as 012345678901"); and
  twelve equal digits: ``111111111111`` (7 pages), ``222222222222`` (5), ``333333333333`` (2),
  ``444444444444`` (1), ``555555555555`` (1, reference_policies_elements_principal.md) and
  ``999999999999`` (5) occur there; the other repeated digits, ``000000000000`` included, are
  refused by the same rule (no real account is expected to be one). Any 12-digit run in a value
  counts, so ARNs are covered.
- ``DOCUMENTATION_ADDRESS``: an IP address or CIDR overlapping an address block reserved for
  documentation: RFC 5737 §3 (``192.0.2.0/24`` TEST-NET-1, ``198.51.100.0/24`` TEST-NET-2,
  ``203.0.113.0/24`` TEST-NET-3), RFC 3849 (``2001:db8::/32``) and RFC 9637 (``3fff::/20``, which
  updates RFC 3849). The value itself or the host of a URL. A wider range that only contains such a
  block (``203.0.112.0/23``) is refused as well: it was not written from real egress addresses.
- ``EXAMPLE_DOMAIN``: a host name (a domain value, an email address's domain, a URL's host) under a
  name reserved by RFC 2606 §2/§3 and RFC 6761 §6: the TLDs ``.example``, ``.test``, ``.invalid``,
  ``.localhost`` and the domains ``example.com``, ``example.net``, ``example.org``. Decision: a
  host with a label that is ``example`` or starts with ``example-`` (``example.io``,
  ``example-health.org``, this repository's own docstring example) is refused too; ``example``
  inside a word (``counterexample.org``) is not.
- ``FILL_IN``: a fill-in marker: ``YOUR-``/``your_`` (any case) at the start of a word, as in
  ``.../integration/YOUR-INTEGRATION-KEY/enqueue``, or an angle-bracketed ``<...>``.
- ``ZERO_ID``: an id of zeros: the whole value is zeros (at least four) and separators
  (``00000000-0000-0000-0000-000000000000``), or its last ``-``/``_``/``:``/``/``-separated
  segment is four or more zeros (``org-meridian-health-00000000``). Real generated ids practically
  never end so; a human writing an example often does.
- ``REPOSITORY_EXAMPLE``: random-looking ids have no documented placeholder form, so the ones this
  repository's environment files ship are listed once, exactly, in ``REPOSITORY_EXAMPLES``
  (Railway workspace id, Cloudflare zone ids). A test checks that each listed value is still one
  of a checked-in file (no stale entries) and that the files hold no other placeholder.

Not placeholders: the names of the organisation this repository is written for, Meridian Health
(``meridian-health.org`` domains and mailboxes, the Terraform Cloud organization ``meridian-health``,
its team names, the GitHub repository). They have no documented example form, so nothing tells them
from real values; docs/deploying.md lists them among the values someone adopting the repository changes.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel

from .config import EnvironmentConfig
from .loader import _display


class Kind(enum.Enum):
    """A class of documented placeholder value (module docstring: each one's source)."""

    AWS_ACCOUNT = "aws documentation account id"
    DOCUMENTATION_ADDRESS = "documentation address range"
    EXAMPLE_DOMAIN = "reserved example domain"
    FILL_IN = "fill-in marker"
    ZERO_ID = "all-zero id"
    REPOSITORY_EXAMPLE = "this repository's example value"


AWS_DOCUMENTATION_ACCOUNT_IDS = frozenset({"123456789012", "111122223333", "444455556666", "777788889999", "012345678901"})
"""Example account ids of AWS's documentation (module docstring); twelve equal digits count as well."""

DOCUMENTATION_NETWORKS: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (ipaddress.ip_network("192.0.2.0/24"), "RFC 5737"),
    (ipaddress.ip_network("198.51.100.0/24"), "RFC 5737"),
    (ipaddress.ip_network("203.0.113.0/24"), "RFC 5737"),
    (ipaddress.ip_network("2001:db8::/32"), "RFC 3849"),
    (ipaddress.ip_network("3fff::/20"), "RFC 9637"),
)
"""Address blocks reserved for documentation, with the RFC that reserves each."""

RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})
"""RFC 2606 §2 (and RFC 6761 §6.2-6.5): top-level names that never resolve to anyone's service."""
RESERVED_DOMAINS = frozenset({"example.com", "example.net", "example.org"})
"""RFC 2606 §3 (and RFC 6761 §6.5): second-level names reserved for examples."""

REPOSITORY_EXAMPLES: Mapping[str, str] = {
    "3b9d2c71-5e4f-4a8b-9c0d-1e2f3a4b5c6d": "the example Railway workspace id of this repository's prod.toml",
    "9f8e7d6c5b4a39281706f5e4d3c2b1a0": "the example Cloudflare zone id of this repository's prod.toml",
    "5c1e6a1f3e2b4d7a9c8b0e1f2a3b4c5d": "the example Cloudflare zone id of this repository's staging.toml",
}
"""Example values of the checked-in environment files that no documented form catches (exact strings)."""

WHERE_FROM: Mapping[str, str] = {
    "aws_account_ids": "use the AWS account id of this environment (AWS Organizations console, AWS accounts)",
    "audit.log_reader_arn": "use your audit account's log reader role",
    "backups.restore_reader_arn": "use your operators' restore role",
    "neon.org_id": "use your HIPAA-enabled Neon organisation's id (Neon console, Organization settings)",
    "neon.allowed_ips": "use the Railway services' static outbound IPs and the Terraform Cloud agent's egress IP",
    "railway.workspace_id": "use your Railway workspace's id (the workspace's settings in the Railway dashboard)",
    "railway.static_egress_ips": "use the Railway services' static outbound IPs (Railway, each service, Settings, Networking)",
    "cloudflare.zone_id": "use the zone's id (Cloudflare dashboard, the domain's Overview page, API section)",
    "cloudflare.account_id": "use your Cloudflare account id (Cloudflare dashboard, Copy account ID)",
    "alerts.https_endpoints": "use your PagerDuty service's Amazon CloudWatch integration URL",
    "audit.alert_https_endpoints": "use your security on-call PagerDuty service's Amazon CloudWatch integration URL",
    "terraform_cloud.agent_egress_ips": "use the agent service's static outbound IP (Railway, after the bootstrap apply)",
}
"""Where the real value of a key comes from (keys without list indexes); docs/deploying.md has the full table."""

_DEFAULT_HINT = {
    Kind.AWS_ACCOUNT: "use your AWS account id",
    Kind.DOCUMENTATION_ADDRESS: "use the real address",
    Kind.EXAMPLE_DOMAIN: "use a domain or mailbox your organisation owns",
    Kind.FILL_IN: "put in the real value",
    Kind.ZERO_ID: "use the real id",
    Kind.REPOSITORY_EXAMPLE: "use your own value",
}

BOOTSTRAP_SECTIONS = ("terraform_cloud", "railway.workspace_id", "railway.region", "aws_account_ids")
"""The keys (sections or dotted keys) the bootstrap stack applies (workspaces, teams, agent pools, the
agent's Railway project in the environment's Railway workspace, and the runs' OIDC trust and roles in the
environment's AWS account): ``deploy bootstrap`` checks these keys of every environment that uses Terraform Cloud."""
BOOTSTRAP_DEFERRED = ("terraform_cloud.agent_egress_ips",)
"""Keys ``deploy bootstrap`` does not refuse: the agent's egress address exists only after the bootstrap
apply created the agent service and an operator enabled its static outbound IPs (docs/deploying.md,
Terraform Cloud agent); ``deploy <env>`` refuses it like every other placeholder."""

_ACCOUNT_RE = re.compile(r"(?<!\d)\d{12}(?!\d)")
_FILL_IN_RE = re.compile(r"\byour[-_]|<[^<>]+>", re.IGNORECASE)
_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}$", re.IGNORECASE)
_ZERO_SEGMENT_RE = re.compile(r"[-_:/]")
"""Separators of an id's segments; ``org-meridian-health-00000000`` ends in the segment ``00000000``."""


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One placeholder value: where it is and why it is one."""

    key: str
    """The file key, dotted like the loader's errors (``neon.allowed_ips.0``)."""
    value: str
    kind: Kind
    reason: str
    """What the value is, e.g. ``account 123456789012 is an AWS documentation example account id``."""

    @property
    def hint(self) -> str:
        """Where the real value comes from: the key's own source, else the class's advice."""
        return WHERE_FROM.get(_without_indexes(self.key), _DEFAULT_HINT[self.kind])

    def line(self, source: str) -> str:
        """``<source>: <key>: <reason>; <hint>``, the one line an operator reads."""
        return f"{source}: {self.key}: {self.reason}; {self.hint}"


def _without_indexes(key: str) -> str:
    return ".".join(part for part in key.split(".") if not part.isdigit())


def _url_host(value: str) -> str | None:
    """The host of a URL (``None`` when ``value`` is no URL or has no host)."""
    if "://" not in value:
        return None
    try:
        return urlsplit(value).hostname
    except ValueError:  # a malformed URL (an unclosed IPv6 bracket) names no host
        return None


def _aws_account(value: str) -> str | None:
    for account in _ACCOUNT_RE.findall(value):
        if account in AWS_DOCUMENTATION_ACCOUNT_IDS or len(set(account)) == 1:
            return f"account {account} is an AWS documentation example account id"
    return None


def _documentation_address(value: str) -> str | None:
    text = _url_host(value) or value
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    for block, rfc in DOCUMENTATION_NETWORKS:
        if network.version == block.version and network.overlaps(block):
            return f"{text} is in {block}, reserved for documentation by {rfc}"
    return None


def _hosts(value: str) -> list[str]:
    """The host names a value names: a URL's host, an email's domain, or the value itself."""
    if "://" in value:
        host = _url_host(value)
        return [host] if host else []
    local, at, domain = value.rpartition("@")
    if at and local and _HOST_RE.match(domain):
        return [domain.lower()]
    return [value.lower()] if _HOST_RE.match(value) else []


def _example_domain(value: str) -> str | None:
    for host in _hosts(value):
        labels = host.rstrip(".").split(".")
        if labels[-1] in RESERVED_TLDS:
            return f"{host}: .{labels[-1]} is a top-level name reserved by RFC 2606"
        if ".".join(labels[-2:]) in RESERVED_DOMAINS:
            return f"{host}: {'.'.join(labels[-2:])} is reserved for documentation by RFC 2606"
        if any(label == "example" or label.startswith("example-") for label in labels):
            return f"{host}: an 'example' name stands for a domain, it is none your organisation runs"
    return None


def _fill_in(value: str) -> str | None:
    marker = _FILL_IN_RE.search(value)
    return None if marker is None else f"{marker.group(0)!r} marks a value to fill in"


def _zero_id(value: str) -> str | None:
    digits = re.sub(r"[-_:/.]", "", value)
    if len(digits) >= 4 and set(digits) == {"0"}:
        return f"{value!r} is all zeros"
    last = _ZERO_SEGMENT_RE.split(value)[-1]
    if len(last) >= 4 and set(last) == {"0"}:
        return f"{value!r} ends in a run of zeros, the form of a made-up id"
    return None


def _repository_example(value: str) -> str | None:
    what = REPOSITORY_EXAMPLES.get(value)
    return None if what is None else f"{value!r} is {what}"


_RULES = (
    (Kind.ZERO_ID, _zero_id),
    (Kind.AWS_ACCOUNT, _aws_account),
    (Kind.DOCUMENTATION_ADDRESS, _documentation_address),
    (Kind.EXAMPLE_DOMAIN, _example_domain),
    (Kind.FILL_IN, _fill_in),
    (Kind.REPOSITORY_EXAMPLE, _repository_example),
)
"""One rule per class, in the order a value matching several is reported by (an all-zero UUID is a zero id,
although its last group is also twelve equal digits)."""


def classify(value: str) -> tuple[Kind, str] | None:
    """The placeholder class of one string and the reason, or None for a value that may be real."""
    for kind, rule in _RULES:
        reason = rule(value)
        if reason is not None:
            return kind, reason
    return None


def _strings(value: object, key: str) -> Iterator[tuple[str, str]]:
    """Every string inside ``value`` with its dotted key: model fields in order, list items, table values."""
    if isinstance(value, BaseModel) or is_dataclass(value):  # a section is a model or a library settings dataclass
        names = type(value).model_fields if isinstance(value, BaseModel) else [field.name for field in fields(value)]
        for name in names:
            yield from _strings(getattr(value, name), f"{key}.{name}" if key else name)
    elif isinstance(value, str):
        yield key, value
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{key}.{index}")
    elif isinstance(value, Mapping):
        for name, item in value.items():
            yield from _strings(item, f"{key}.{name}")


def _under(key: str, prefixes: Sequence[str]) -> bool:
    """Whether dotted ``key`` is one of ``prefixes`` or below one (``neon.allowed_ips.0`` is below ``neon``)."""
    return any(key == prefix or key.startswith(f"{prefix}.") for prefix in prefixes)


def find_placeholders(config: EnvironmentConfig, sections: Sequence[str] | None = None, *, deferred: Sequence[str] = ()) -> list[Placeholder]:
    """Every placeholder value in ``config`` (or only under ``sections``: sections or dotted keys), in the
    model's field order, except those under ``deferred``."""
    found = []
    for key, value in _strings(config, ""):
        if (sections is not None and not _under(key, sections)) or _under(key, deferred):
            continue
        match = classify(value)
        if match is not None:
            found.append(Placeholder(key=key, value=value, kind=match[0], reason=match[1]))
    return found


def placeholder_lines(config: EnvironmentConfig, source: str, sections: Sequence[str] | None = None, *, deferred: Sequence[str] = ()) -> list[str]:
    """``find_placeholders`` as the lines ``deploy`` prints, one per value, each naming ``source`` and the key."""
    return [placeholder.line(source) for placeholder in find_placeholders(config, sections, deferred=deferred)]


def environment_source(directory: Path, name: str) -> str:
    """How lines name environment ``name``'s file in ``directory``: as the loader's errors do."""
    return _display(directory / f"{name}.toml")
