"""RailwayService / RailwayProject props rules: each error names the construct path, the field and the value."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from constructs_lib import RailwayProvider
from constructs_lib.errors import ValidationError
from tests.unit.test_railway_service import DIGEST, _sensitive, _service

SECRET = "hunter2-very-secret"


@pytest.fixture
def fresh_stack(fresh_stack: Any) -> Any:
    """The shared fresh stack, with the provider its constructs need."""
    RailwayProvider(fresh_stack, "railway")
    return fresh_stack


def _regions(*counts: int) -> list[Any]:
    from constructs_lib import RegionReplicas

    names = ("us-east4-eqdc4a", "europe-west4-drams3a", "asia-southeast1-eqsg3a")
    return [RegionReplicas(region=names[i], replicas=n) for i, n in enumerate(counts)]


def _image(**kwargs: Any) -> Any:
    from constructs_lib import ImageSource

    return ImageSource(**kwargs)


def _repo(**kwargs: Any) -> Any:
    from constructs_lib import RepoSource

    return RepoSource(**{"repo": "acme/platform", "branch": "main", **kwargs})


def _volume(**kwargs: Any) -> Any:
    from constructs_lib import VolumeMount

    return VolumeMount(**kwargs)


# (id, overrides built from the stack, exact message after "test/Auth: ")
CASES: list[tuple[str, Callable[[Any], dict[str, Any]], str]] = [
    ("name-uppercase", lambda s: {"name": "Auth"}, "name must be a DNS label: 1..63 lowercase letters, digits and '-', starting with a letter, got 'Auth'"),
    ("source-not-a-source", lambda s: {"source": "acme/platform"}, "source must be an ImageSource or a RepoSource, got 'acme/platform'"),
    ("repo-without-owner", lambda s: {"source": _repo(repo="platform")}, "source.repo must be a GitHub repository 'owner/name', got 'platform'"),
    ("branch-with-dotdot", lambda s: {"source": _repo(branch="a..b")}, "source.branch must be a git branch name such as 'main' or 'release/prod', got 'a..b'"),
    (
        "root-directory-relative",
        lambda s: {"source": _repo(root_directory="services/auth")},
        "source.root_directory must be a folder absolute from the repository root such as '/services/auth', got 'services/auth'",
    ),
    (
        "root-directory-escapes",
        lambda s: {"source": _repo(root_directory="/services/..")},
        "source.root_directory must be a folder absolute from the repository root such as '/services/auth', got '/services/..'",
    ),
    (
        "config-path-not-railway-file",
        lambda s: {"source": _repo(config_path="/services/auth/Dockerfile")},
        "source.config_path must be a path absolute from the repository root ending in /railway.toml or /railway.json, got '/services/auth/Dockerfile'",
    ),
    (
        "image-tag-not-pinned",
        lambda s: {"source": _image(image="ghcr.io/acme/auth:latest")},
        "source.image must be pinned by digest ('<image>@sha256:<64 hex>') unless allow_mutable_tag=True, got 'ghcr.io/acme/auth:latest'",
    ),
    (
        "image-malformed",
        lambda s: {"source": _image(image="GHCR.io/Acme")},
        "source.image must be a lowercase image reference such as 'ghcr.io/org/auth@sha256:<64 hex>', got 'GHCR.io/Acme'",
    ),
    (
        "registry-password-literal",
        lambda s: {"source": _image(image=f"ghcr.io/a/b@{DIGEST}", registry_username="bot", registry_password=SECRET)},
        "source.registry_password must be a reference to a sensitive terraform value (an unresolved token), got a literal (value withheld)",
    ),
    (
        "registry-user-without-password",
        lambda s: {"source": _image(image=f"ghcr.io/a/b@{DIGEST}", registry_username="bot")},
        "source.registry_password must be set together with registry_username, got None",
    ),
    ("no-regions", lambda s: {"regions": []}, "regions must be at least one RegionReplicas, got []"),
    (
        "region-id-bad",
        lambda s: {"regions": [_regions(1)[0].__class__(region="US East", replicas=1)]},
        "regions[0].region must be a Railway region id such as 'us-east4-eqdc4a', got 'US East'",
    ),
    ("region-zero-replicas", lambda s: {"regions": _regions(0)}, "regions[0].replicas must be an integer >= 1, got 0"),
    ("region-twice", lambda s: {"regions": [*_regions(1), *_regions(1)]}, "regions[1].region must be listed once, got 'us-east4-eqdc4a'"),
    (
        "above-railway-ceiling",
        lambda s: {"regions": _regions(30, 21)},
        "regions must be at most 50 replicas in total (Railway's ceiling), got '51 replicas (us-east4-eqdc4a: 30, europe-west4-drams3a: 21)'",
    ),
    (
        "cron-malformed",
        lambda s: {"cron_schedule": "every 5 minutes", "regions": _regions(1)},
        "cron_schedule must be a five-field cron expression such as '*/5 * * * *' (minute "
        "hour day month weekday; numbers, '*', '-', ',', '/'), got 'every 5 minutes'",
    ),
    (
        "cron-out-of-range",
        lambda s: {"cron_schedule": "0 24 * * *", "regions": _regions(1)},
        "cron_schedule must be a five-field cron expression such as '*/5 * * * *' (minute hour day "
        "month weekday; numbers, '*', '-', ',', '/'), each number in its field's range, got '0 24 * * *'",
    ),
    (
        "cron-with-domain",
        lambda s: {"cron_schedule": "*/5 * * * *", "regions": _regions(1), "custom_domain": "jobs.example.org"},
        "custom_domain must be unset for a cron service (a job serves no requests), got 'jobs.example.org'",
    ),
    ("port-zero", lambda s: {"port": 0}, "port must be 1..65535, or None for a service that serves no port, got 0"),
    (
        "domain-without-port",
        lambda s: {"port": None, "custom_domain": "api.example.org"},
        "custom_domain must be unset when port is None (a domain routes to a port), got 'api.example.org'",
    ),
    (
        "custom-domain-bad",
        lambda s: {"custom_domain": "API.example"},
        "custom_domain must be a lowercase DNS name such as 'health.example.org', got 'API.example'",
    ),
    (
        "generated-subdomain-bad",
        lambda s: {"generated_domain": True, "generated_subdomain": "Not_A_Label"},
        "generated_subdomain must be a DNS label of 1..63 lowercase letters, digits and '-', got 'Not_A_Label'",
    ),
    (
        "volume-at-root",
        lambda s: {"volume": _volume(name="data", mount_path="/")},
        "volume.mount_path must be an absolute path other than '/', such as '/app/data', got '/'",
    ),
    (
        "volume-name-bad",
        lambda s: {"volume": _volume(name="Data Disk", mount_path="/data")},
        "volume.name must be 2..32 lowercase letters, digits and '-', starting with a letter, got 'Data Disk'",
    ),
    (
        "variable-name-bad",
        lambda s: {"variables": {"1ST": "x"}},
        "variables must be an environment variable name such as 'PLATFORM_ENV' (letters, digits, '_'; not starting with a digit), got '1ST'",
    ),
    ("port-given-twice", lambda s: {"variables": {"PORT": "9000"}}, "variables.PORT must be left out: PORT is set from port, got '9000'"),
    (
        "name-in-both",
        lambda s: {"variables": {"REGION": "us"}, "secrets": {"REGION": _sensitive(s)}},
        "variables.REGION must be left out: the name is also in secrets, got 'us'",
    ),
    (
        "stale-non-secret-name",
        lambda s: {"non_secret_names": frozenset({"API_KEY_ID"})},
        "non_secret_names must be a name of variables (PLATFORM_ENV), got 'API_KEY_ID'",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_fails_when_service_props_are_invalid(fresh_stack: Any, overrides: Callable[[Any], dict[str, Any]], message: str) -> None:
    with pytest.raises(ValidationError, match=f"^test/Auth: {re.escape(message)}$"):
        _service(fresh_stack, **overrides(fresh_stack))
    # Validation runs before any child is created.
    assert [c.node.id for c in fresh_stack.node.find_child("Auth").node.children] == []


@pytest.mark.parametrize("name", ["DB_PASSWORD", "JWT_SECRET", "GITHUB_TOKEN", "STRIPE_API_KEY", "AWS_SECRET_ACCESS_KEY", "DATABASE_URL", "SENTRY_DSN"])
def test_fails_when_a_secret_like_variable_is_a_plain_literal(fresh_stack: Any, name: str) -> None:
    with pytest.raises(
        ValidationError,
        match=rf"^test/Auth: variables\.{name} must be given in secrets as a reference to a sensitive terraform value .*got a literal \(value withheld\)$",
    ) as error:
        _service(fresh_stack, variables={name: SECRET})
    assert SECRET not in str(error.value)
    assert (error.value.construct_path, error.value.field) == ("test/Auth", f"variables.{name}")


@pytest.mark.parametrize("name", ["DATABASE_URL", "S3_ACCESS_KEY_ID", "REDIS_HOST"])
def test_fails_when_a_secret_is_a_literal(fresh_stack: Any, name: str) -> None:
    with pytest.raises(
        ValidationError,
        match=rf"^test/Auth: secrets\.{name} must be a reference to a sensitive terraform value \(an unresolved token, .*got a literal \(value withheld\)$",
    ) as error:
        _service(fresh_stack, secrets={name: "postgres://svc:pa55@db.example.org/app"})
    assert "pa55" not in str(error.value)


def test_fails_when_a_raw_interpolation_string_is_given_as_a_secret(fresh_stack: Any) -> None:
    # "${var.x}" typed by hand is a literal to cdktf; only a real reference proves the value is sensitive.
    with pytest.raises(ValidationError, match=r"^test/Auth: secrets\.DATABASE_URL must be a reference"):
        _service(fresh_stack, secrets={"DATABASE_URL": "${var.db_url}"})


def test_fails_when_a_secret_reference_is_passed_as_a_plain_variable(fresh_stack: Any) -> None:
    with pytest.raises(ValidationError, match=r"^test/Auth: variables\.DATABASE_URL must be given in secrets .*got a reference \(value withheld\)$"):
        _service(fresh_stack, variables={"DATABASE_URL": _sensitive(fresh_stack)})


def test_fails_when_a_plain_value_embeds_url_credentials(fresh_stack: Any) -> None:
    with pytest.raises(
        ValidationError, match=r"^test/Auth: variables\.REPLICA_URL must be free of URL credentials; .*got a literal \(value withheld\)$"
    ) as error:
        _service(fresh_stack, variables={"REPLICA_URL": "postgres://reader:pa55@replica.example.org/app"})
    assert "pa55" not in str(error.value)


def test_fails_when_a_cron_service_has_more_than_one_replica(fresh_stack: Any) -> None:
    message = (
        "test/Auth: regions must be exactly 1 replica in total for a cron service (a Railway rule), "
        "got '2 replicas (us-east4-eqdc4a: 1, europe-west4-drams3a: 1)'"
    )
    with pytest.raises(ValidationError, match=f"^{re.escape(message)}$"):
        _service(fresh_stack, cron_schedule="*/5 * * * *", port=None, regions=_regions(1, 1))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "Healthcare"}, "test/Railway: name must be 2..50 lowercase letters, digits and '-', starting with a letter, got 'Healthcare'"),
        ({"environment_name": "-prod"}, "test/Railway: environment_name must be 2..50 lowercase letters, digits and '-', starting with a letter, got '-prod'"),
        ({"workspace_id": "team-1"}, "test/Railway: workspace_id must be a Railway workspace UUID, got 'team-1'"),
    ],
    ids=["name", "environment-name", "workspace-id"],
)
def test_fails_when_project_props_are_invalid(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    from constructs_lib import RailwayProject, RailwayProjectProps

    with pytest.raises(ValidationError, match=f"^{re.escape(message)}$"):
        RailwayProject(fresh_stack, "Railway", RailwayProjectProps(**{"name": "healthcare-test", **overrides}))
    assert fresh_stack.node.find_child("Railway").node.children == []


@pytest.mark.parametrize("removed", ["replicas_min", "replicas_max"])
def test_replica_bounds_are_not_props(removed: str) -> None:
    """Railway applies a fixed count per region and never autoscales: a min/max would be a value that does nothing."""
    from constructs_lib import RailwayServiceProps

    assert removed not in RailwayServiceProps.__dataclass_fields__
