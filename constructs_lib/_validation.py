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
    """The platform's bucket naming convention ``<project>-<env>-<purpose>``, validated."""
    return check_bucket_name(f"{check_name_part(project)}-{check_name_part(environment)}-{check_name_part(purpose)}")
