"""Subnet arithmetic: property tests over every AZ count and VPC size, and the errors."""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given, strategies as st

from constructs_lib.network.subnets import MAX_AZ_COUNT, SMALLEST_SUBNET_PREFIX, largest_vpc_prefix, plan_subnets


@st.composite
def vpc_and_azs(draw: st.DrawFn) -> tuple[str, int]:
    prefix = draw(st.integers(min_value=16, max_value=24))
    az_count = draw(st.integers(min_value=1, max_value=MAX_AZ_COUNT))
    base = ipaddress.IPv4Network("10.0.0.0/8")
    index = draw(st.integers(min_value=0, max_value=2 ** (prefix - 8) - 1))
    network = ipaddress.IPv4Network((int(base.network_address) + index * 2 ** (32 - prefix), prefix))
    return str(network), az_count


@given(vpc_and_azs())
def test_subnets_fit_or_fail_clearly(case: tuple[str, int]) -> None:
    cidr, az_count = case
    vpc = ipaddress.IPv4Network(cidr)
    if vpc.prefixlen > largest_vpc_prefix(az_count):
        with pytest.raises(ValueError, match=rf"a /{largest_vpc_prefix(az_count)} or larger network to fit {az_count} "):
            plan_subnets(cidr, az_count)
        return
    plan = plan_subnets(cidr, az_count)
    assert len(plan.public) == len(plan.private) == len(plan.database) == az_count
    for subnet in plan.all():
        assert subnet.subnet_of(vpc)
        assert subnet.prefixlen <= SMALLEST_SUBNET_PREFIX
    for first, second in itertools.combinations(plan.all(), 2):
        assert not first.overlaps(second), (first, second)
    # Workloads get the largest subnets.
    assert plan.private[0].num_addresses >= plan.public[0].num_addresses == plan.database[0].num_addresses


@pytest.mark.parametrize("az_count", range(1, MAX_AZ_COUNT + 1))
@pytest.mark.parametrize("prefix", range(16, 25))
def test_every_az_count_and_vpc_size(az_count: int, prefix: int) -> None:
    cidr = f"10.20.0.0/{prefix}"
    fits = prefix <= largest_vpc_prefix(az_count)
    if not fits:
        with pytest.raises(ValueError, match="or larger network to fit"):
            plan_subnets(cidr, az_count)
        return
    plan = plan_subnets(cidr, az_count)
    addresses = [a for s in plan.all() for a in (s.network_address, s.broadcast_address)]
    assert all(a in plan.vpc for a in addresses)
    assert len({s for s in plan.all()}) == 3 * az_count


def test_plan_of_the_dev_vpc() -> None:
    plan = plan_subnets("10.0.0.0/16", 2)
    assert [str(s) for s in plan.private] == ["10.0.0.0/18", "10.0.64.0/18"]
    assert [str(s) for s in plan.public] == ["10.0.128.0/19", "10.0.160.0/19"]
    assert [str(s) for s in plan.database] == ["10.0.192.0/19", "10.0.224.0/19"]


def test_plan_of_the_prod_vpc() -> None:
    plan = plan_subnets("10.2.0.0/16", 3)
    assert [str(s) for s in plan.private] == ["10.2.0.0/19", "10.2.32.0/19", "10.2.64.0/19"]
    assert [str(s) for s in plan.public] == ["10.2.128.0/20", "10.2.144.0/20", "10.2.160.0/20"]
    assert [str(s) for s in plan.database] == ["10.2.192.0/20", "10.2.208.0/20", "10.2.224.0/20"]


def test_adding_an_az_within_the_same_power_of_two_keeps_existing_subnets() -> None:
    three, four = plan_subnets("10.2.0.0/16", 3), plan_subnets("10.2.0.0/16", 4)
    assert four.public[:3] == three.public
    assert four.private[:3] == three.private
    assert four.database[:3] == three.database


@pytest.mark.parametrize(
    ("cidr", "az_count", "message"),
    [
        ("10.0.0.0/24", 6, r"a /23 or larger network to fit 6 availability zone\(s\)"),
        ("10.0.0.0/27", 1, r"a /26 or larger network to fit 1 availability zone\(s\)"),
        ("10.0.0.1/16", 2, "an IPv4 CIDR"),
        ("10.0.0.0/33", 2, "an IPv4 CIDR"),
        ("not-a-cidr", 2, "an IPv4 CIDR"),
        ("10.0.0.0/16", 0, "an availability zone count of 1..6"),
        ("10.0.0.0/16", 7, "an availability zone count of 1..6"),
    ],
)
def test_fails_when_subnets_cannot_be_planned(cidr: str, az_count: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_subnets(cidr, az_count)
