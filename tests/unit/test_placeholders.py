"""environments.placeholders: which values are documented placeholders, found by value in every field."""

from __future__ import annotations

import dataclasses
import ipaddress
import tomllib

import pydantic
import pytest
from hypothesis import assume, given, strategies as st

from environments import ENVIRONMENTS_DIR, load_all
from environments.config import TerraformCloudSettings
from environments.placeholders import (
    AWS_DOCUMENTATION_ACCOUNT_IDS,
    BOOTSTRAP_SECTIONS,
    DOCUMENTATION_NETWORKS,
    REPOSITORY_EXAMPLES,
    WHERE_FROM,
    Kind,
    classify,
    find_placeholders,
    placeholder_lines,
)
from tests.conftest import REPO_ROOT

# The placeholder table: value -> class (None: may be a real value, deploy lets it through).
TABLE = [
    # AWS documentation account ids, bare and inside ARNs (IAM User Guide; Account Management Reference).
    ("123456789012", Kind.AWS_ACCOUNT),
    ("111122223333", Kind.AWS_ACCOUNT),
    ("444455556666", Kind.AWS_ACCOUNT),
    ("777788889999", Kind.AWS_ACCOUNT),
    ("012345678901", Kind.AWS_ACCOUNT),
    ("555555555555", Kind.AWS_ACCOUNT),
    ("000000000000", Kind.ZERO_ID),
    ("arn:aws:iam::000000000000:role/x", Kind.AWS_ACCOUNT),
    ("arn:aws:iam::123456789012:role/healthcare-prod-audit-reader", Kind.AWS_ACCOUNT),
    ("arn:aws-us-gov:iam::999999999999:role/restore", Kind.AWS_ACCOUNT),
    ("730335412345", None),
    ("arn:aws:iam::730335412345:role/healthcare-prod-audit-reader", None),
    ("1234567890123", None),  # 13 digits: no account id
    # RFC 5737 / RFC 3849 / RFC 9637 address blocks, as addresses, CIDRs and URL hosts.
    ("203.0.113.10/32", Kind.DOCUMENTATION_ADDRESS),
    ("198.51.100.0/28", Kind.DOCUMENTATION_ADDRESS),
    ("192.0.2.1", Kind.DOCUMENTATION_ADDRESS),
    ("203.0.112.0/23", Kind.DOCUMENTATION_ADDRESS),  # overlaps 203.0.113.0/24
    ("2001:db8::/48", Kind.DOCUMENTATION_ADDRESS),
    ("2001:db8:1::10", Kind.DOCUMENTATION_ADDRESS),
    ("3fff:100::/32", Kind.DOCUMENTATION_ADDRESS),
    ("https://203.0.113.5/hook", Kind.DOCUMENTATION_ADDRESS),
    ("https://[2001:db8::1]/hook", Kind.DOCUMENTATION_ADDRESS),
    ("34.86.10.20/32", None),
    ("203.0.114.0/24", None),
    ("2600:1f18::/32", None),
    ("10.2.0.0/16", None),
    # RFC 2606 / RFC 6761 names, as domains, mailbox domains and URL hosts; the 'example' label decision.
    ("example.com", Kind.EXAMPLE_DOMAIN),
    ("health.example.org", Kind.EXAMPLE_DOMAIN),
    ("oncall@health.example.org", Kind.EXAMPLE_DOMAIN),
    ("pypi.internal.example", Kind.EXAMPLE_DOMAIN),
    ("ci.test", Kind.EXAMPLE_DOMAIN),
    ("https://hooks.example.net/alerts", Kind.EXAMPLE_DOMAIN),
    ("nowhere.invalid", Kind.EXAMPLE_DOMAIN),
    ("example-health.org", Kind.EXAMPLE_DOMAIN),
    ("example.io", Kind.EXAMPLE_DOMAIN),
    ("counterexample.org", None),
    ("meridian-health.org", None),
    ("platform-oncall@meridian-health.org", None),
    # Fill-in markers.
    ("https://events.pagerduty.com/integration/YOUR-INTEGRATION-KEY/enqueue", Kind.FILL_IN),
    ("your_org", Kind.FILL_IN),
    ("<32 hex digits>", Kind.FILL_IN),
    ("https://events.pagerduty.com/integration/<key>/enqueue", Kind.FILL_IN),
    ("https://events.pagerduty.com/integration/0a1b2c3d4e5f40718293a4b5c6d7e8f9/enqueue", None),
    ("yourcompany-platform", None),
    # All-zero ids and ids ending in a run of zeros.
    ("00000000-0000-0000-0000-000000000000", Kind.ZERO_ID),
    ("00000000000000000000000000000000", Kind.ZERO_ID),
    ("org-meridian-health-00000000", Kind.ZERO_ID),
    ("org-quiet-lake-12345678", None),
    ("org-quiet-lake-10000000", None),
    ("9f8e7d6c5b4a39281706f5e4d3c2b1a00", None),
    # The repository's own example ids (no documented form): listed exactly.
    ("3b9d2c71-5e4f-4a8b-9c0d-1e2f3a4b5c6d", Kind.REPOSITORY_EXAMPLE),
    ("9f8e7d6c5b4a39281706f5e4d3c2b1a0", Kind.REPOSITORY_EXAMPLE),
    ("5c1e6a1f3e2b4d7a9c8b0e1f2a3b4c5d", Kind.REPOSITORY_EXAMPLE),
    ("3b9d2c71-5e4f-4a8b-9c0d-1e2f3a4b5c6e", None),
    # Ordinary values of the files.
    ("us-east-1", None),
    ("17 3 * * *", None),
    ("1.14.2", None),
    ("/health", None),
    ("meridian-health/healthcare-platform", None),
    ("default-src 'self'; base-uri 'self'; object-src 'none'", None),
]


@pytest.mark.parametrize(("value", "kind"), TABLE, ids=[value for value, _ in TABLE])
def test_placeholder_table(value: str, kind: Kind | None) -> None:
    found = classify(value)
    assert (found[0] if found else None) is kind


DOCUMENTATION_BLOCKS = [block for block, _ in DOCUMENTATION_NETWORKS]


@given(st.sampled_from(DOCUMENTATION_BLOCKS), st.integers(min_value=0), st.integers(min_value=0, max_value=128))
def test_any_address_or_range_inside_a_documentation_block_is_refused(block: ipaddress.IPv4Network | ipaddress.IPv6Network, offset: int, extra: int) -> None:
    address = block[offset % block.num_addresses]
    prefix = min(block.max_prefixlen, block.prefixlen + extra % (block.max_prefixlen - block.prefixlen + 1))
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    for value in (str(address), str(network), f"https://{address if address.version == 4 else f'[{address}]'}/health"):
        found = classify(value)
        assert found is not None and found[0] is Kind.DOCUMENTATION_ADDRESS, value


@given(
    st.integers(min_value=int(ipaddress.IPv4Address("1.0.0.0")), max_value=int(ipaddress.IPv4Address("223.255.255.255"))),
    st.integers(min_value=8, max_value=32),
)
def test_a_public_ipv4_address_or_range_is_not_a_placeholder(number: int, prefix: int) -> None:
    """``ipaddress`` knows the documentation blocks as not global (its own table, independent of ours)."""
    address = ipaddress.IPv4Address(number)
    assume(address.is_global)
    assert classify(str(address)) is None
    assert classify(f"{address}/32") is None
    network = ipaddress.IPv4Network(f"{address}/{prefix}", strict=False)
    if not any(network.overlaps(block) for block in DOCUMENTATION_BLOCKS[:3]):  # type: ignore[arg-type]
        assert classify(str(network)) is None


@given(st.integers(min_value=int(ipaddress.IPv6Address("2000::")), max_value=int(ipaddress.IPv6Address("3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))))
def test_a_public_ipv6_address_is_not_a_placeholder(number: int) -> None:
    address = ipaddress.IPv6Address(number)
    # Python 3.11's table of non-global blocks predates RFC 9637 (3fff::/20): that block is excluded here.
    assume(address.is_global and address not in DOCUMENTATION_BLOCKS[4])
    assert classify(str(address)) is None


@given(st.from_regex(r"\A[0-9]{12}\Z"), st.from_regex(r"\A[a-z][a-z0-9-]{0,30}\Z"))
def test_only_documentation_account_ids_are_refused(account: str, role: str) -> None:
    documentation = account in AWS_DOCUMENTATION_ACCOUNT_IDS or len(set(account)) == 1
    bare, arn = classify(account), classify(f"arn:aws:iam::{account}:role/{role}")
    if documentation:
        assert bare is not None and bare[0] in (Kind.AWS_ACCOUNT, Kind.ZERO_ID)  # 000000000000 is reported as all zeros
        assert arn is not None and arn[0] is Kind.AWS_ACCOUNT
    else:
        assert bare is None
        assert arn is None or arn[0] is not Kind.AWS_ACCOUNT  # the role name may be a placeholder of its own ('your-x')


def _checked_in() -> dict[str, list[tuple[str, Kind]]]:
    return {name: [(p.key, p.kind) for p in find_placeholders(config)] for name, config in load_all().items()}


def test_every_example_of_the_checked_in_files_is_found_and_nothing_else() -> None:
    assert _checked_in() == {
        "dev": [("aws_account_ids.0", Kind.AWS_ACCOUNT)],
        "prod": [
            ("aws_account_ids.0", Kind.AWS_ACCOUNT),
            ("neon.org_id", Kind.ZERO_ID),
            ("neon.allowed_ips.0", Kind.DOCUMENTATION_ADDRESS),
            ("neon.allowed_ips.1", Kind.DOCUMENTATION_ADDRESS),
            ("railway.workspace_id", Kind.REPOSITORY_EXAMPLE),
            ("railway.static_egress_ips.0", Kind.DOCUMENTATION_ADDRESS),
            ("cloudflare.zone_id", Kind.REPOSITORY_EXAMPLE),
            ("audit.log_reader_arn", Kind.AWS_ACCOUNT),
            ("audit.alert_https_endpoints.0", Kind.FILL_IN),
            ("backups.restore_reader_arn", Kind.AWS_ACCOUNT),
            ("terraform_cloud.agent_egress_ips.0", Kind.DOCUMENTATION_ADDRESS),
            ("alerts.https_endpoints.0", Kind.FILL_IN),
        ],
        "staging": [
            ("aws_account_ids.0", Kind.AWS_ACCOUNT),
            ("cloudflare.zone_id", Kind.REPOSITORY_EXAMPLE),
            ("audit.log_reader_arn", Kind.AWS_ACCOUNT),
        ],
    }


def test_every_listed_repository_example_is_a_value_of_a_checked_in_file() -> None:
    """No stale entries (the previous test keeps the files free of unlisted ones)."""
    values = {str(v) for path in ENVIRONMENTS_DIR.glob("*.toml") for v in _leaves(tomllib.loads(path.read_text()))}
    assert set(REPOSITORY_EXAMPLES) <= values


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def test_a_line_names_file_key_reason_and_where_the_value_comes_from() -> None:
    lines = placeholder_lines(load_all()["prod"], "environments/prod.toml")
    assert lines[7] == (
        "environments/prod.toml: audit.log_reader_arn: account 123456789012 is an AWS documentation example account id; "
        "use your audit account's log reader role"
    )
    assert lines[2].startswith("environments/prod.toml: neon.allowed_ips.0: 203.0.113.10/32 is in 203.0.113.0/24, reserved for documentation by RFC 5737; ")


def test_a_key_added_later_is_checked_without_an_edit() -> None:
    """Found by value: a new field (say a Terraform Cloud agent's egress IPs) is walked like every other."""
    with_agents = pydantic.create_model("WithAgents", __base__=TerraformCloudSettings, agent_egress_ips=(list[str], []))
    dev = load_all()["dev"]
    section = with_agents(organization="acme-health", agent_egress_ips=["34.86.10.20", "192.0.2.44"])
    config = dev.model_copy(update={"terraform_cloud": section, "uptime": dataclasses.replace(dev.uptime, health_paths={"gateway": "/your-path"})})
    assert [(p.key, p.kind) for p in find_placeholders(config)] == [
        ("aws_account_ids.0", Kind.AWS_ACCOUNT),
        ("terraform_cloud.agent_egress_ips.1", Kind.DOCUMENTATION_ADDRESS),
        ("uptime.health_paths.gateway", Kind.FILL_IN),
    ]
    # The bootstrap stack creates the run roles in the environment's account, so it checks aws_account_ids too.
    assert [p.key for p in find_placeholders(config, BOOTSTRAP_SECTIONS)] == ["aws_account_ids.0", "terraform_cloud.agent_egress_ips.1"]


def test_where_each_value_comes_from_names_real_keys_and_is_in_the_docs() -> None:
    prod = load_all()["prod"]
    keys = {_key_without_index(key) for key, _ in _all_strings(prod)}
    assert set(WHERE_FROM) <= keys | {"cloudflare.account_id"}  # account_id is unset in every checked-in file
    docs = (REPO_ROOT / "docs" / "deploying.md").read_text()
    table = docs[docs.index("## Values to replace") :]
    for key in WHERE_FROM:
        assert f"`{key}`" in table, key


def _key_without_index(key: str) -> str:
    return ".".join(part for part in key.split(".") if not part.isdigit())


def _all_strings(config: pydantic.BaseModel) -> list[tuple[str, str]]:
    from environments.placeholders import _strings

    return list(_strings(config, ""))
