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


def check_allowed_ip(value: str) -> str:
    """One entry of a Neon IP allow-list: an IPv4 or IPv6 address or CIDR, never a /0 (which allows everyone)."""
    allowed = "an IPv4 or IPv6 address or CIDR such as '203.0.113.10/32' or '2001:db8::/48' (no host bits set, not /0)"
    if not isinstance(value, str):
        raise ValueError(allowed)
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        raise ValueError(allowed) from None
    if network.prefixlen == 0:
        raise ValueError(allowed)
    return value


NEON_REGIONS = (
    "aws-us-east-1",
    "aws-us-east-2",
    "aws-us-west-2",
    "aws-eu-central-1",
    "aws-eu-west-2",
    "aws-ap-southeast-1",
    "aws-ap-southeast-2",
    "aws-sa-east-1",
    "azure-eastus2",
    "azure-westus3",
    "azure-gwc",
)
"""Neon regions (Neon's regions page, 2026-01-28; ``x-allowed-values`` of ``neon_project.region_id``)."""
NEON_MAX_HISTORY_RETENTION_SECONDS = 2_592_000
"""30 days: the API's (and the Scale plan's) ceiling for ``history_retention_seconds``."""


def check_neon_region(value: str) -> str:
    """A Neon region id such as ``aws-us-east-1``."""
    if value not in NEON_REGIONS:
        raise ValueError(f"one of {', '.join(NEON_REGIONS)}")
    return value


def check_neon_compute_units(value: float) -> float:
    """Autoscaling limit in compute units: 0.25..16."""
    if isinstance(value, bool) or not 0.25 <= value <= 16:
        raise ValueError("0.25..16 compute units")
    return value


def check_neon_compute_range(min_cu: float, max_cu: float) -> None:
    """``max_cu`` at least ``min_cu`` and at most 8 CU above it (Neon's autoscaling span)."""
    if max_cu < min_cu:
        raise ValueError(f">= the minimum ({min_cu} CU)")
    if max_cu - min_cu > 8:
        raise ValueError(f"at most 8 CU above the minimum ({min_cu} CU), i.e. <= {min_cu + 8}")


def check_neon_suspend_timeout(value: int) -> int:
    """Scale-to-zero delay: -1 (never), 0 (Neon's default, 300 s) or 60..604800 seconds."""
    if isinstance(value, bool) or not (value in (-1, 0) or 60 <= value <= 604_800):
        raise ValueError("-1 (never suspend), 0 (Neon default) or 60..604800 seconds")
    return value


def check_neon_history_retention(value: int) -> int:
    """Point-in-time restore window: 0..2592000 seconds (30 days)."""
    if isinstance(value, bool) or not 0 <= value <= NEON_MAX_HISTORY_RETENTION_SECONDS:
        raise ValueError(f"0..{NEON_MAX_HISTORY_RETENTION_SECONDS} seconds")
    return value


CLOUDWATCH_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
"""Retention periods CloudWatch Logs accepts."""
MIN_AUDIT_LOG_RETENTION_DAYS = 365
"""Floor for network audit logs: a year (HIPAA-minded; checkov CKV_AWS_338)."""


def check_log_retention(days: int, *, allow_short: bool, flag: str = "allow_short_flow_log_retention") -> int:
    """A CloudWatch retention period, at least a year unless ``allow_short`` (the setting named ``flag``)."""
    if isinstance(days, bool) or days not in CLOUDWATCH_RETENTION_DAYS:
        raise ValueError(f"one of {CLOUDWATCH_RETENTION_DAYS}")
    if days < MIN_AUDIT_LOG_RETENTION_DAYS and not allow_short:
        raise ValueError(f">= {MIN_AUDIT_LOG_RETENTION_DAYS} (or turn on {flag})")
    return days


_EMAIL_LOCAL_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


def check_email(value: str) -> str:
    """An email address ``local@domain`` (dot-atom local part, lowercase DNS domain, <= 254 characters)."""
    local, at, domain = value.rpartition("@")
    if not at or len(value) > 254 or len(local) > 64 or not _EMAIL_LOCAL_RE.match(local) or not _DOMAIN_RE.match(domain):
        raise ValueError("an email address such as 'oncall@health.example.org'")
    return value


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


MIN_PRODUCTION_HISTORY_RETENTION_DAYS = 7
"""Shortest Neon history (point-in-time restore window) production data may have: guardrail HC-NEON-001's
default and the environment loader's production rule read this one value."""


def production_history_shortfall(seconds: object, min_days: int = MIN_PRODUCTION_HISTORY_RETENTION_DAYS) -> str | None:
    """What production needs when ``seconds`` (a ``history_retention_seconds``) keeps less than ``min_days`` of
    history, else ``None``: the one production rule, run by guardrail HC-NEON-001 on the synthesized project and
    by the environment loader on ``[neon]`` (so a file fails at load for what the guardrail would fail at synth)."""
    minimum = min_days * 86_400
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and seconds >= minimum:
        return None
    return f">= {minimum} ({min_days} days)"


_BUCKET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
_NAME_PART_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", "--x-s3", "--table-s3", ".mrap")


def check_name_part(value: str) -> str:
    """One part of a resource name: lowercase letters and digits in hyphen-separated words."""
    if not _NAME_PART_RE.match(value):
        raise ValueError("lowercase letters and digits in hyphen-separated words such as 'medical-documents'")
    return value


def check_bucket_name(value: str) -> str:
    """An S3 general purpose bucket name, without dots (they break TLS for virtual-hosted URLs).

    S3's rules: 3..63 characters, lowercase letters, digits and hyphens, starting and ending
    with a letter or digit, no ``xn--``/``sthree-``/``amzn-s3-demo-`` prefix and no
    ``-s3alias``/``--ol-s3``/``--x-s3``/``--table-s3`` suffix.
    """
    allowed = (
        "an S3 bucket name: 3..63 lowercase letters, digits and hyphens, starting and ending with a "
        "letter or digit, without reserved prefixes (xn--, sthree-, amzn-s3-demo-) or suffixes (-s3alias, --ol-s3, --x-s3, --table-s3)"
    )
    if not _BUCKET_NAME_RE.match(value):
        raise ValueError(allowed)
    if value.startswith(_BUCKET_RESERVED_PREFIXES) or value.endswith(_BUCKET_RESERVED_SUFFIXES):
        raise ValueError(allowed)
    return value


def bucket_name(project: str, environment: str, purpose: str) -> str:
    """The stem of the platform's bucket names, ``<project>-<env>-<purpose>``, validated with its account suffix.

    Bucket names are global across every AWS account, so the bucket itself is named
    ``<stem>-<account id>`` (see ``check_account_bucket_stem``).
    """
    return check_account_bucket_stem(f"{check_name_part(project)}-{check_name_part(environment)}-{check_name_part(purpose)}")


ACCOUNT_ID_LENGTH = 12
ACCOUNT_SUFFIX_LENGTH = ACCOUNT_ID_LENGTH + 1
"""``-<12-digit account id>``, appended to every bucket name so that names are unique by construction."""


def check_account_bucket_stem(stem: str) -> str:
    """A bucket name stem that stays a valid S3 bucket name once ``-<account id>`` is appended.

    S3 bucket names are global: ``healthcare-prod-audit-logs`` may already belong to someone
    else, and the first apply would fail with ``BucketAlreadyExists``. The 12-digit account id
    (known only at apply time) makes the name ours; the stem therefore has at most 50 characters.
    """
    try:
        check_bucket_name(f"{stem}-{'1' * ACCOUNT_ID_LENGTH}")
    except ValueError:
        raise ValueError(
            f"lowercase letters, digits and hyphens, at most {63 - ACCOUNT_SUFFIX_LENGTH} characters, so that "
            "'<name>-<account id>' is an S3 bucket name (3..63 characters, starting with a letter or digit, "
            "without reserved prefixes such as xn--, sthree-, amzn-s3-demo-)"
        ) from None
    return stem


_URL_FORBIDDEN_RE = re.compile(r"[\s<>\"{}|\\^`]")


def check_https_url(value: str) -> str:
    """An ``https://`` URL with a DNS host name, no user or password and no fragment (<= 2048 characters)."""
    from urllib.parse import urlsplit

    allowed = "an https:// URL such as 'https://events.pagerduty.com/integration/<key>/enqueue' (a DNS host, no user:password@, no #fragment)"
    if not isinstance(value, str) or len(value) > 2048 or _URL_FORBIDDEN_RE.search(value):
        raise ValueError(allowed)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(allowed) from None
    host = parts.hostname or ""
    if parts.scheme != "https" or "@" in parts.netloc or parts.fragment or port == 0 or not _DOMAIN_RE.match(host):
        raise ValueError(allowed)
    return value


def _cron_values(text: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        match = _CRON_ITEM_RE.match(item)
        if match is None:  # check_cron refuses it first
            raise ValueError(f"not a cron field: {text!r}")
        start, end = (low, high) if match.group(1) == "*" else (int(match.group(2)), int(match.group(3) or match.group(2)))
        if match.group(4) is not None and match.group(3) is None and match.group(1) != "*":
            end = high  # '5/15' means 5-<high>/15, as in Vixie cron
        values.update(range(start, end + 1, int(match.group(4) or 1)))
    return frozenset(values)


CRON_SCAN_DAYS = 800
"""How far ``cron_max_gap_seconds`` looks: over two years, so a month restriction shows its yearly gap."""


def cron_max_gap_seconds(expression: str) -> int | None:
    """The longest time between two consecutive runs of a five-field cron (UTC), or None when it runs at most once
    in ``CRON_SCAN_DAYS`` days from 2026-01-01.

    Vixie-cron semantics: day-of-week 7 is Sunday, and when both day-of-month and day-of-week are restricted a
    day matches either. The gap is measured over the scanned days including the wrap to the next scan, so a
    schedule whose longest gap is this long is never late by more than it.
    """
    import datetime as _dt

    fields = expression.split(" ")
    minutes, hours, days, months = (_cron_values(text, low, high) for text, (low, high) in zip(fields[:4], _CRON_FIELD_RANGES[:4], strict=True))
    weekdays = frozenset(d % 7 for d in _cron_values(fields[4], *_CRON_FIELD_RANGES[4]))
    dom_any, dow_any = fields[2].startswith("*"), fields[4].startswith("*")
    start = _dt.datetime(2026, 1, 1, tzinfo=_dt.UTC)
    times: list[int] = []
    for offset in range(CRON_SCAN_DAYS):
        day = start + _dt.timedelta(days=offset)
        if day.month not in months:
            continue
        dom_ok, dow_ok = day.day in days, (day.isoweekday() % 7) in weekdays
        if not (dom_ok and dow_ok if dom_any or dow_any else dom_ok or dow_ok):
            continue
        base = offset * 86400
        times.extend(base + h * 3600 + m * 60 for h in sorted(hours) for m in sorted(minutes))
    if len(times) < 2:
        return None
    return max(b - a for a, b in zip(times, times[1:], strict=False))


ALARM_MAX_WINDOW_SHORT_PERIODS = 86400
"""CloudWatch: period × evaluation periods at most one day when the period is under an hour."""
ALARM_MAX_WINDOW = 7 * 86400
"""CloudWatch: period × evaluation periods at most seven days for periods of an hour or more."""


def freshness_window(gap_seconds: int, slack_seconds: int) -> tuple[int, int]:
    """``(period, evaluation_periods)`` of an alarm that fires when nothing happened for ``gap_seconds +
    slack_seconds``: hourly periods when the window is whole hours, else minutes; ``ValueError`` when CloudWatch
    cannot look back that far (more than seven days, or more than one day in minute periods)."""
    window = gap_seconds + slack_seconds
    period = 3600 if window % 3600 == 0 else 60
    limit = ALARM_MAX_WINDOW if period >= 3600 else ALARM_MAX_WINDOW_SHORT_PERIODS
    if window % period or window > limit:
        raise ValueError(
            f"the longest gap between runs plus the slack ({window} s) must be whole minutes, and at most "
            f"{ALARM_MAX_WINDOW // 86400} days in whole hours or 1 day otherwise (CloudWatch alarm look-back)"
        )
    return period, window // period
