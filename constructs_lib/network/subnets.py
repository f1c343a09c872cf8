"""Subnet arithmetic for the VPC baseline: a pure function, no cdktf.

``plan_subnets("10.0.0.0/16", 3)`` splits the VPC into three tiers, each holding one
subnet per availability zone:

* private  — the first half of the VPC (workloads get most of the addresses);
* public   — the third quarter (NAT gateways, load balancers);
* database — the last quarter (no route to the internet).

Each tier block is cut into ``2**ceil(log2(az_count))`` equal subnets and the first
``az_count`` are used, so adding an availability zone later never moves an existing
subnet as long as the power of two does not grow (1, 2, 3-4, 5-8 AZs). Subnets never
overlap and always lie inside the VPC by construction; the tests check it for every
AZ count and VPC size.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass

MAX_AZ_COUNT = 6
"""Most availability zones a VPC baseline spans (no AWS region offers more usable ones)."""
SMALLEST_SUBNET_PREFIX = 28
"""AWS's smallest subnet is a /28 (16 addresses, 11 usable)."""


@dataclass(frozen=True, slots=True)
class SubnetPlan:
    """The subnets of each tier, one per availability zone, in AZ order."""

    vpc: ipaddress.IPv4Network
    public: tuple[ipaddress.IPv4Network, ...]
    private: tuple[ipaddress.IPv4Network, ...]
    database: tuple[ipaddress.IPv4Network, ...]

    def all(self) -> tuple[ipaddress.IPv4Network, ...]:
        """Every subnet of every tier."""
        return self.public + self.private + self.database


def _split_bits(az_count: int) -> int:
    return math.ceil(math.log2(az_count)) if az_count > 1 else 0


def largest_vpc_prefix(az_count: int) -> int:
    """The longest VPC prefix (the smallest VPC) that still fits ``az_count`` AZs."""
    return SMALLEST_SUBNET_PREFIX - 2 - _split_bits(az_count)


def plan_subnets(vpc_cidr: str, az_count: int) -> SubnetPlan:
    """Public, private and database subnets for ``az_count`` AZs inside ``vpc_cidr``.

    Raises ``ValueError`` whose text says what is allowed (``"..."`` to follow
    "must be") when the CIDR is not an IPv4 network, the AZ count is outside
    1..MAX_AZ_COUNT, or the VPC is too small for AWS's /28 minimum subnet size.
    """
    if isinstance(az_count, bool) or not isinstance(az_count, int) or not 1 <= az_count <= MAX_AZ_COUNT:
        raise ValueError(f"an availability zone count of 1..{MAX_AZ_COUNT}")
    try:
        vpc = ipaddress.IPv4Network(vpc_cidr, strict=True)
    except (ipaddress.AddressValueError, ipaddress.NetmaskValueError, ValueError, TypeError):
        raise ValueError("an IPv4 CIDR such as '10.0.0.0/16'") from None
    limit = largest_vpc_prefix(az_count)
    if vpc.prefixlen > limit:
        raise ValueError(f"a /{limit} or larger network to fit {az_count} availability zone(s) (3 tiers, smallest subnet /{SMALLEST_SUBNET_PREFIX})")
    bits = _split_bits(az_count)
    first_half, second_half = vpc.subnets(prefixlen_diff=1)
    public_block, database_block = second_half.subnets(prefixlen_diff=1)

    def cut(block: ipaddress.IPv4Network) -> tuple[ipaddress.IPv4Network, ...]:
        return tuple(block.subnets(prefixlen_diff=bits))[:az_count]

    return SubnetPlan(vpc=vpc, public=cut(public_block), private=cut(first_half), database=cut(database_block))
