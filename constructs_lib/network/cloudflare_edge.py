"""``CloudflareEdge``: TLS, security headers, caching, rate limits and DNS for one zone."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from .._provider_requirements import CLOUDFLARE, require_provider
from ..engine.cloudflare import CertificatePack, DataCloudflareZone, DataCloudflareZoneFilter, DnsRecord, Ruleset, ZoneSetting
from ..engine.core import Postcondition, TerraformResourceLifecycle, Token
from ..errors import Problems, ValidationError
from ..value_rules import check_domain
from . import _edge_rules
from ._edge_health import EdgeHealth
from .cloudflare_edge_props import CloudflareEdgeProps
from .edge_policy import check_hostname_label
from .edge_props_rules import cloudflare_edge_problems


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
    TTL, Brotli) and four zone entry-point ``cloudflare_ruleset``s:

    - configuration rules: the API hosts and ``monitor_paths`` of the platform's hosts get security level
      ``essentially_off`` (machines cannot pass a challenge), everything else keeps ``high``;
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

    def __init__(self, scope: Construct, id_: str, props: CloudflareEdgeProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, CLOUDFLARE)
        self._validate(self.node.path, props)
        self._props = props
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
        if label not in self._props.platform_hostname_labels:
            raise ValidationError(
                path,
                "label",
                label,
                f"one of platform_hostname_labels ({', '.join(self._props.platform_hostname_labels)}), so the edge rules cover the hostname",
            )
        hostname = f"{label}.{self.public_domain}"
        if hostname in self._records:
            raise ValidationError(path, "label", label, "unique within the edge (already added)")
        if not Token.is_unresolved(target):
            try:
                check_domain(target)
            except ValueError as exc:
                raise ValidationError(path, "target", target, str(exc)) from None
        depth = hostname.count(".") - self._props.domain.count(".")
        if depth > 1 and not self._props.advanced_certificate:
            raise ValidationError(
                path,
                "label",
                label,
                f"one level below the zone, or advanced_certificate on ({hostname} is {depth} levels below {self._props.domain}; Universal SSL covers one)",
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
    def _validate(path: str, props: CloudflareEdgeProps) -> None:
        problems = Problems(path)
        problems.extend(cloudflare_edge_problems(props))
        problems.raise_if_any()

    def _add_settings(self, props: CloudflareEdgeProps) -> None:
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
            _Setting("min_tls_version", "MinTlsVersion", str(props.min_tls_version)),
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

    def _add_rulesets(self, props: CloudflareEdgeProps) -> None:
        monitor_paths = tuple(dict.fromkeys((*props.monitor_paths, *([props.health_check_path] if props.health_check_path else []))))
        phases = (
            (
                "ConfigRules",
                "http_config_settings",
                "Security level: API hosts and health checks unchallenged",
                _edge_rules.config_rules(
                    api_hostname_labels=props.api_hostname_labels,
                    platform_hostname_labels=props.platform_hostname_labels,
                    monitor_paths=monitor_paths,
                ),
            ),
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
                    referrer_policy=str(props.referrer_policy),
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
