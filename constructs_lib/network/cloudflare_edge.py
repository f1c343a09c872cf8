"""``CloudflareEdge``: TLS, security headers, caching, rate limits and DNS for one zone."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdktf import Postcondition, TerraformResourceLifecycle, Token
from cdktf_cdktf_provider_cloudflare.certificate_pack import CertificatePack
from cdktf_cdktf_provider_cloudflare.data_cloudflare_zone import DataCloudflareZone, DataCloudflareZoneFilter
from cdktf_cdktf_provider_cloudflare.dns_record import DnsRecord
from cdktf_cdktf_provider_cloudflare.ruleset import Ruleset
from cdktf_cdktf_provider_cloudflare.zone_setting import ZoneSetting
from constructs import Construct

from .._providers import CLOUDFLARE, require_provider
from .._validation import check_domain
from ..errors import Problems, ValidationError
from . import _edge_rules
from ._edge_health import EdgeHealth, check_health
from .edge_policy import (
    BROWSER_CACHE_TTL_SECONDS,
    check_content_security_policy,
    check_file_extension,
    check_hostname_label,
    check_rate_limits,
    check_url_path,
)
from .edge_props import HSTS_ONE_YEAR_SECONDS, EdgeProps

REFERRER_POLICIES = ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
"""Referrer policies that never send a path to another origin."""


@dataclass(frozen=True, slots=True)
class _Setting:
    setting_id: str
    construct_id: str
    value: object


class CloudflareEdge(Construct):
    """The edge of one Cloudflare zone.

    Looks the zone up by name (``data.cloudflare_zone``). With ``manage_zone_settings``:
    one ``cloudflare_zone_setting`` per setting (SSL strict, minimum TLS, TLS 1.3,
    Always Use HTTPS, Automatic HTTPS Rewrites, HSTS, security level high, browser cache
    TTL, Brotli) and three zone entry-point ``cloudflare_ruleset``s:

    - cache rules: static extensions cached on non-API hosts; last (the last match wins), every
      API host never cached;
    - response header transform: security headers on the platform's hosts
      (``platform_hostname_labels``), not on every host of the zone;
    - rate limiting: the API hosts on plan pro or higher; every host of the zone on the free plan,
      whose rate limiting expressions cannot name the host.

    Hosts are matched by their first DNS label, so the rules created by the one stack that owns
    the zone cover every environment's ``api.<public_domain>`` in that zone. Public hostnames are
    proxied CNAMEs added with ``add_public_hostname``; ``advanced_certificate`` adds a
    ``cloudflare_certificate_pack``.
    """

    def __init__(self, scope: Construct, id_: str, props: EdgeProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, CLOUDFLARE)
        self._validate(self.node.path, props)
        self.props = props
        self.public_domain = props.public_domain or props.domain
        self._record_lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None
        self._records: dict[str, DnsRecord] = {}
        self.health: EdgeHealth | None = None
        if props.zone_id is None:
            zone = DataCloudflareZone(self, "Zone", filter=DataCloudflareZoneFilter(name=props.domain))
        else:
            zone = DataCloudflareZone(
                self,
                "Zone",
                zone_id=props.zone_id,
                lifecycle=TerraformResourceLifecycle(
                    postcondition=[
                        Postcondition(
                            condition=f'${{self.name == "{props.domain}"}}',
                            error_message=f"Cloudflare zone {props.zone_id} is not {props.domain}: check [cloudflare] zone_id and the API token",
                        )
                    ]
                ),
            )
        self.zone_id: str = zone.id
        self.zone_settings: dict[str, ZoneSetting] = {}
        self.rulesets: dict[str, Ruleset] = {}
        if props.manage_zone_settings:
            self._add_settings(props)
            self._add_rulesets(props)
        if props.health_check_path is not None:
            self.health = EdgeHealth(
                self,
                "Health",
                zone_id=self.zone_id,
                path=props.health_check_path,
                account_id=props.health_alert_account_id,
                emails=props.health_alert_emails,
            )
        self.certificate_pack: CertificatePack | None = None
        if props.advanced_certificate:
            self.certificate_pack = CertificatePack(
                self,
                "Certificate",
                zone_id=self.zone_id,
                type="advanced",
                hosts=sorted({props.domain, self.public_domain, f"*.{self.public_domain}"}),
                certificate_authority="lets_encrypt",
                validation_method="txt",
                validity_days=90,
                cloudflare_branding=False,
            )

    @property
    def hostnames(self) -> dict[str, DnsRecord]:
        """Public hostname -> its proxied DNS record."""
        return dict(self._records)

    def add_public_hostname(self, label: str, target: str) -> DnsRecord:
        """A proxied CNAME ``<label>.<public_domain>`` -> ``target`` (e.g. a Railway service domain token).

        Raises ``ValidationError`` for a bad label or target, a label not in
        ``platform_hostname_labels`` (the edge rules would not cover the hostname), a duplicate, or
        a hostname two or more levels below the zone without ``advanced_certificate`` (Universal SSL
        would not cover it and browsers would get a certificate error).
        """
        path = self.node.path
        try:
            check_hostname_label(label)
        except ValueError as exc:
            raise ValidationError(path, "label", label, str(exc)) from None
        if label not in self.props.platform_hostname_labels:
            raise ValidationError(
                path,
                "label",
                label,
                f"one of platform_hostname_labels ({', '.join(self.props.platform_hostname_labels)}), so the edge rules cover the hostname",
            )
        hostname = f"{label}.{self.public_domain}"
        if hostname in self._records:
            raise ValidationError(path, "label", label, "unique within the edge (already added)")
        if not Token.is_unresolved(target):
            try:
                check_domain(target)
            except ValueError as exc:
                raise ValidationError(path, "target", target, str(exc)) from None
        depth = hostname.count(".") - self.props.domain.count(".")
        if depth > 1 and not self.props.advanced_certificate:
            raise ValidationError(
                path,
                "label",
                label,
                f"one level below the zone, or advanced_certificate on ({hostname} is {depth} levels below {self.props.domain}; Universal SSL covers one)",
            )
        record = DnsRecord(
            self,
            f"Hostname-{label}",
            zone_id=self.zone_id,
            name=hostname,
            type="CNAME",
            content=target,
            proxied=True,
            ttl=1,
            comment=f"managed by cdktf ({path})",
            lifecycle=self._record_lifecycle,
        )
        self._records[hostname] = record
        if self.health is not None:
            self.health.add(label, hostname)
        return record

    def add_verification_record(self, label: str, name: str, content: str) -> DnsRecord:
        """An unproxied TXT record ``name`` = ``content`` proving domain ownership to a platform.

        Railway's custom domains (provider 0.6.2) must be verified before they serve traffic;
        ``name`` and ``content`` are its ``verification_host_label`` / ``verification_record_value``
        (references known after apply). ``label`` names the record's construct id.
        """
        try:
            check_hostname_label(label)
        except ValueError as exc:
            raise ValidationError(self.node.path, "label", label, str(exc)) from None
        return DnsRecord(
            self,
            f"Verification-{label}",
            zone_id=self.zone_id,
            name=name,
            type="TXT",
            content=content,
            proxied=False,
            ttl=1,
            comment=f"managed by cdktf ({self.node.path})",
            lifecycle=self._record_lifecycle,
        )

    @staticmethod
    def _validate(path: str, props: EdgeProps) -> None:
        problems = Problems(path)
        fail = problems.add

        if props.health_check_path is not None or props.health_alert_account_id is not None or props.health_alert_emails:
            check_health(path, props)
        if props.zone_id is not None and not re.fullmatch(r"[0-9a-f]{32}", props.zone_id):
            fail("zone_id", props.zone_id, "a Cloudflare zone id (32 lowercase hex digits)")
        for name in ("domain", "public_domain"):
            value = getattr(props, name)
            if value is None:
                continue
            try:
                check_domain(value)
            except ValueError as exc:
                fail(name, value, str(exc))
        if props.public_domain is not None and props.public_domain != props.domain and not props.public_domain.endswith(f".{props.domain}"):
            fail("public_domain", props.public_domain, f"{props.domain} or a name below it")
        if props.min_tls_version not in ("1.2", "1.3"):
            fail("min_tls_version", props.min_tls_version, "'1.2' or '1.3'")
        if not 0 < props.hsts_max_age_seconds <= 2 * HSTS_ONE_YEAR_SECONDS:
            fail("hsts_max_age_seconds", props.hsts_max_age_seconds, f"1..{2 * HSTS_ONE_YEAR_SECONDS}")
        if props.hsts_preload and (props.hsts_max_age_seconds < HSTS_ONE_YEAR_SECONDS or not props.hsts_include_subdomains):
            fail("hsts_preload", True, f"used with hsts_max_age_seconds >= {HSTS_ONE_YEAR_SECONDS} and hsts_include_subdomains")
        if props.browser_cache_ttl_seconds not in BROWSER_CACHE_TTL_SECONDS:
            fail("browser_cache_ttl_seconds", props.browser_cache_ttl_seconds, "a value Cloudflare accepts (30, 60, ..., 3600, ..., 31536000)")
        if not 1 <= props.static_edge_ttl_seconds <= HSTS_ONE_YEAR_SECONDS:
            fail("static_edge_ttl_seconds", props.static_edge_ttl_seconds, f"1..{HSTS_ONE_YEAR_SECONDS}")
        for name, check, allowed in (
            ("static_extensions", check_file_extension, "one or more lowercase extensions such as 'css'"),
            ("api_hostname_labels", check_hostname_label, "one or more lowercase DNS labels such as 'api'"),
            ("platform_hostname_labels", check_hostname_label, "one or more lowercase DNS labels such as 'api'"),
            ("auth_path_prefixes", check_url_path, "one or more URL paths such as '/auth'"),
        ):
            values = getattr(props, name)
            if not isinstance(values, (tuple, list)) or not values:
                fail(name, values, f"{allowed}, as a tuple")
            for value in values:
                try:
                    check(value)
                except ValueError:
                    fail(name, value, allowed)
        missing = [label for label in props.api_hostname_labels if label not in props.platform_hostname_labels]
        if missing:
            fail(
                "platform_hostname_labels", props.platform_hostname_labels, f"a tuple including every api_hostname_labels label (missing {', '.join(missing)})"
            )
        try:
            check_content_security_policy(props.content_security_policy)
        except ValueError as exc:
            fail("content_security_policy", props.content_security_policy, str(exc))
        if props.referrer_policy not in REFERRER_POLICIES:
            fail("referrer_policy", props.referrer_policy, f"one of {', '.join(REFERRER_POLICIES)}")
        for name, value, allowed in check_rate_limits(
            props.plan,
            period_seconds=props.rate_limit_period_seconds,
            mitigation_seconds=props.rate_limit_mitigation_seconds,
            api_requests=props.api_requests_per_period,
            auth_requests=props.auth_requests_per_period,
        ):
            fail(name, value, allowed)
        problems.raise_if_any()

    def _add_settings(self, props: EdgeProps) -> None:
        hsts = {
            "strict_transport_security": {
                "enabled": True,
                "max_age": props.hsts_max_age_seconds,
                "include_subdomains": props.hsts_include_subdomains,
                "preload": props.hsts_preload,
                "nosniff": True,
            }
        }
        settings = (
            _Setting("ssl", "Ssl", "strict"),
            _Setting("min_tls_version", "MinTlsVersion", props.min_tls_version),
            _Setting("tls_1_3", "Tls13", "on"),
            _Setting("always_use_https", "AlwaysUseHttps", "on"),
            _Setting("automatic_https_rewrites", "AutomaticHttpsRewrites", "on"),
            _Setting("security_header", "Hsts", hsts),
            _Setting("security_level", "SecurityLevel", "high"),
            _Setting("browser_cache_ttl", "BrowserCacheTtl", props.browser_cache_ttl_seconds),
            _Setting("brotli", "Brotli", "on"),
        )
        for setting in settings:
            resource = ZoneSetting(self, setting.construct_id, zone_id=self.zone_id, setting_id=setting.setting_id, value={})
            # ZoneSetting.value is typed as a mapping; scalars (and nested objects, verbatim) go in by override.
            resource.add_override("value", setting.value)
            self.zone_settings[setting.setting_id] = resource

    def _add_rulesets(self, props: EdgeProps) -> None:
        phases = (
            (
                "CacheRules",
                "http_request_cache_settings",
                "Cache static assets only; never the API",
                _edge_rules.cache_rules(
                    api_hostname_labels=props.api_hostname_labels,
                    static_extensions=props.static_extensions,
                    static_edge_ttl_seconds=props.static_edge_ttl_seconds,
                ),
            ),
            (
                "SecurityHeaders",
                "http_response_headers_transform",
                "Security response headers",
                _edge_rules.security_header_rules(
                    platform_hostname_labels=props.platform_hostname_labels,
                    content_security_policy=props.content_security_policy,
                    referrer_policy=props.referrer_policy,
                ),
            ),
            (
                "RateLimits",
                "http_ratelimit",
                "Rate limits per client IP",
                _edge_rules.rate_limit_rules(
                    api_hostname_labels=props.api_hostname_labels,
                    match_host=props.plan.rate_limit_matches_host,
                    auth_path_prefixes=props.auth_path_prefixes,
                    period_seconds=props.rate_limit_period_seconds,
                    mitigation_seconds=props.rate_limit_mitigation_seconds,
                    api_requests=props.api_requests_per_period,
                    auth_requests=props.auth_requests_per_period,
                ),
            ),
        )
        for construct_id, phase, description, rules in phases:
            self.rulesets[phase] = Ruleset(
                self, construct_id, zone_id=self.zone_id, kind="zone", phase=phase, name=description, description=description, rules=rules
            )
