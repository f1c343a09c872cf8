"""Pure rules in constructs_lib.value_rules used by RailwayService and NeonDatabase."""

from __future__ import annotations

import pytest

from constructs_lib.value_rules import check_allowed_ip, check_cron, check_env_name, has_url_credentials, is_secret_like_name


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "JWT_SECRET",
        "GITHUB_TOKEN",
        "API_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "S3_ACCESS_KEY_ID",
        "DATABASE_URL",
        "READONLY_DATABASE_URL",
        "SENTRY_DSN",
        "PGPASSWD",
        "SESSION_SALT",
        "db_password",
    ],
)
def test_secret_like_names(name: str) -> None:
    assert is_secret_like_name(name)


@pytest.mark.parametrize("name", ["PORT", "PLATFORM_ENV", "AUTH_URL", "S3_BUCKET", "AWS_REGION", "LOG_LEVEL"])
def test_plain_names(name: str) -> None:
    assert not is_secret_like_name(name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("postgres://u:p@h:5432/db", True),
        ("https://user:pa55@example.org", True),
        ("http://auth.railway.internal:8080", False),
        ("mailto:ops@example.org", False),
    ],
)
def test_url_credentials(value: str, expected: bool) -> None:
    assert has_url_credentials(value) is expected


@pytest.mark.parametrize("value", ["*/5 * * * *", "0 3 * * 1-5", "15,45 0-23/2 1 1,6 0", "59 23 31 12 7"])
def test_cron_accepts(value: str) -> None:
    assert check_cron(value) == value


@pytest.mark.parametrize("value", ["* * * *", "*  * * * *", "60 * * * *", "* * 0 * *", "* * * 13 *", "5-1 * * * *", "*/0 * * * *", "@hourly", "* * * * MON"])
def test_fails_when_cron_is_bad(value: str) -> None:
    with pytest.raises(ValueError, match="five-field cron expression"):
        check_cron(value)


@pytest.mark.parametrize("value", ["1ABC", "A-B", "", "A B"])
def test_fails_when_env_name_is_bad(value: str) -> None:
    with pytest.raises(ValueError, match="environment variable name"):
        check_env_name(value)


@pytest.mark.parametrize("value", ["203.0.113.10/32", "203.0.113.10", "198.51.100.0/28", "2001:db8::/48", "2001:db8::1", "10.0.0.0/8"])
def test_allowed_ip_accepts(value: str) -> None:
    assert check_allowed_ip(value) == value


@pytest.mark.parametrize("value", ["10.0.0.300/32", "203.0.113.10/24", "0.0.0.0/0", "::/0", "203.0.113.1-203.0.113.9", "example.org", "", "203.0.113.10/33"])
def test_fails_when_allowed_ip_is_bad(value: str) -> None:
    with pytest.raises(ValueError, match="IPv4 or IPv6 address or CIDR"):
        check_allowed_ip(value)
