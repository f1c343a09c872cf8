"""A small, exact evaluator of AWS IAM policy documents, for tests.

It answers "would AWS allow this concrete request?" for a deliberately small subset of the
policy language, and raises :class:`UnsupportedPolicy` for everything outside it, so a new
policy shape can never evaluate silently (and wrongly). The whole policy is validated before
anything is evaluated: an unsupported element raises even in a statement that does not apply
to the request.

Supported (AWS doc page names in brackets):

* Policy keys ``Version`` (``2012-10-17`` / ``2008-10-17``), ``Id``, ``Statement`` (a list or
  one dict) ["IAM JSON policy elements: Version", "... : Statement"].
* Statement keys ``Sid``, ``Effect``, ``Principal``, ``Action``, ``NotAction``, ``Resource``,
  ``Condition``. ``NotPrincipal``, ``NotResource`` and anything else raise.
* ``Principal``: ``"*"``, ``{"AWS": "*"}``, ``{"AWS": <12-digit account | account root ARN |
  IAM role ARN | IAM user ARN>}``, ``{"Service": "<name>.amazonaws.com"}``, ``{"Federated":
  <IAM OIDC identity provider ARN>}`` (a role trust policy for ``sts:AssumeRoleWithWebIdentity``)
  and lists of those ["AWS JSON policy elements: Principal"; "Create a role for OpenID Connect
  federation"]. Other ``Federated`` forms (SAML providers, Cognito, built-in IdP names),
  ``CanonicalUser``, assumed-role ARNs, partial wildcards and unique IDs raise.
* Condition operators: ``StringEquals``, ``StringNotEquals``, ``StringEqualsIgnoreCase``,
  ``StringNotEqualsIgnoreCase``, ``StringLike``, ``StringNotLike``, ``ArnEquals``, ``ArnLike``,
  ``ArnNotEquals``, ``ArnNotLike``, ``Bool``, ``NumericEquals``, ``NumericNotEquals``,
  ``NumericLessThan``, ``NumericLessThanEquals``, ``NumericGreaterThan``,
  ``NumericGreaterThanEquals``, ``IpAddress``, ``NotIpAddress`` (CIDRs or single addresses, IPv4
  and IPv6), ``Null``; the ``...IfExists`` form of each but ``Null``; and
  ``ForAnyValue:`` / ``ForAllValues:`` in front of ``StringEquals``, ``StringEqualsIgnoreCase``,
  ``StringLike``, ``ArnEquals`` and ``ArnLike`` ["IAM JSON policy elements: Condition
  operators", "Single-valued vs. multivalued context keys"]. Everything else (Date*,
  Binary*, set operators on negated operators, ...) raises, as do policy variables
  (``${aws:username}``) anywhere ["IAM policy elements: Variables and tags"].

Decisions follow "Policy evaluation logic" and "Cross-account policy evaluation logic" for
identity-based plus resource-based policies (no SCPs, RCPs, permission boundaries or session
policies), and "Key policies in AWS KMS" for KMS keys.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, TypeAlias, cast

__all__ = [
    "ContextValue",
    "Condition",
    "Decision",
    "Explanation",
    "PolicyMatch",
    "Principal",
    "PrincipalMatch",
    "PrincipalSpec",
    "Request",
    "Statement",
    "UnsupportedPolicy",
    "action_matches",
    "arn_matches",
    "condition_matches",
    "decide_kms",
    "decide_same_account",
    "decide_web_identity",
    "evaluate",
    "explain_kms",
    "explain_same_account",
    "explain_web_identity",
    "match_policy",
    "parse_policy",
    "principal_matches",
    "resource_matches",
    "statement_applies",
    "wildcard_matches",
]


class UnsupportedPolicy(Exception):
    """The policy uses an element, operator or form this evaluator does not implement.

    Raised instead of guessing, so a policy shape this module does not understand can never
    produce an "allow" or "deny" that AWS would not.
    """


ContextValue: TypeAlias = str | bool | int | float | tuple[str, ...]
"""A request-context value: one value, or a tuple for a multivalued key (e.g. ``aws:TagKeys``)."""

_PARTITION = r"aws(?:-cn|-us-gov)?"
_ROOT_ARN = re.compile(rf"^arn:{_PARTITION}:iam::(\d{{12}}):root$")
_ROLE_OR_USER_ARN = re.compile(rf"^arn:{_PARTITION}:iam::(\d{{12}}):(?:role|user)/[\w+=,.@/-]+$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_SERVICE = re.compile(r"^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?$")
_OIDC_PROVIDER_ARN = re.compile(rf"^arn:{_PARTITION}:iam::(\d{{12}}):oidc-provider/[A-Za-z0-9.-]+(?:/[A-Za-z0-9._~-]+)*$")
_ACTION = re.compile(r"^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$")
_REQUEST_ACTION = re.compile(r"^[A-Za-z0-9-]+:[A-Za-z0-9]+$")


# --------------------------------------------------------------------------------------------
# Request model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """Who makes the request.

    * ``kind="AWS"``: an IAM role, an IAM user, or the account root user; ``id`` is its IAM ARN
      (``arn:aws:iam::123456789012:role/name``, ``...:user/name``, ``...:root``) and ``account``
      the 12-digit account in that ARN.
    * ``kind="Service"``: an AWS service principal; ``id`` such as ``cloudtrail.amazonaws.com``,
      ``account`` None.
    * ``kind="Anonymous"``: an unsigned request; ``id`` ``""``, ``account`` None.
    * ``kind="Federated"``: a web identity token presented to ``sts:AssumeRoleWithWebIdentity``;
      ``id`` is the ARN of the IAM OIDC identity provider that vouches for it
      (``arn:aws:iam::<account>:oidc-provider/<issuer host>``), ``account`` that provider's account.
      The token's claims are the request context (``<issuer host>:sub``, ``<issuer host>:aud``).

    ["AWS JSON policy elements: Principal"; "Available keys for AWS OIDC federation"]
    """

    kind: Literal["AWS", "Service", "Anonymous", "Federated"]
    id: str
    account: str | None

    def __post_init__(self) -> None:
        if self.kind == "AWS":
            found = _ROOT_ARN.match(self.id) or _ROLE_OR_USER_ARN.match(self.id)
            if not found:
                raise ValueError(f"AWS principal id must be an IAM role, user or root ARN, got {self.id!r}")
            if self.account != found.group(1):
                raise ValueError(f"account {self.account!r} does not match the ARN {self.id!r}")
        elif self.kind == "Service":
            if not _SERVICE.match(self.id) or self.account is not None:
                raise ValueError(f"service principal must be '<name>.amazonaws.com' with account None, got {self!r}")
        elif self.kind == "Anonymous":
            if self.id != "" or self.account is not None:
                raise ValueError("anonymous principal has id '' and account None")
        elif self.kind == "Federated":
            provider = _OIDC_PROVIDER_ARN.match(self.id)
            if not provider or self.account != provider.group(1):
                raise ValueError(f"federated principal must be an IAM OIDC provider ARN with its account, got {self!r}")
        else:
            raise ValueError(f"unknown principal kind {self.kind!r}")

    @property
    def is_root(self) -> bool:
        """True for the account root user (``arn:aws:iam::<account>:root``)."""
        return self.kind == "AWS" and bool(_ROOT_ARN.match(self.id))

    @classmethod
    def role(cls, account: str, name: str) -> Principal:
        """IAM role ``name`` (may contain a path, ``path/name``) in ``account``."""
        return cls("AWS", f"arn:aws:iam::{account}:role/{name}", account)

    @classmethod
    def user(cls, account: str, name: str) -> Principal:
        """IAM user ``name`` in ``account``."""
        return cls("AWS", f"arn:aws:iam::{account}:user/{name}", account)

    @classmethod
    def root(cls, account: str) -> Principal:
        """The root user of ``account``."""
        return cls("AWS", f"arn:aws:iam::{account}:root", account)

    @classmethod
    def service(cls, name: str) -> Principal:
        """Service principal such as ``cloudtrail.amazonaws.com``."""
        return cls("Service", name, None)

    @classmethod
    def anonymous(cls) -> Principal:
        """An unauthenticated (unsigned) request."""
        return cls("Anonymous", "", None)

    @classmethod
    def web_identity(cls, provider_arn: str) -> Principal:
        """A web identity token vouched for by the IAM OIDC provider ``provider_arn``."""
        found = _OIDC_PROVIDER_ARN.match(provider_arn)
        return cls("Federated", provider_arn, found.group(1) if found else None)


@dataclass(frozen=True)
class Request:
    """One concrete request: principal, action, resource ARN and the request context.

    Context keys are compared case-insensitively, as AWS does for condition keys ["IAM JSON
    policy elements: Condition"]; values are case-sensitive. A key that is absent from the
    request context is simply not in ``context`` (there is no "empty" value: a multivalued
    key with no values is modelled as absent, which is how AWS's set operators treat an empty
    set). ``context`` is copied into a read-only mapping.
    """

    principal: Principal
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _REQUEST_ACTION.match(self.action):
            raise ValueError(f"request action must be 'service:Action', got {self.action!r}")
        if not isinstance(self.resource, str) or not self.resource:
            raise ValueError("request resource must be a non-empty string (an ARN, or '*')")
        seen: dict[str, str] = {}
        for key, value in self.context.items():
            if key.lower() in seen:
                raise ValueError(f"context keys {seen[key.lower()]!r} and {key!r} differ only in case")
            seen[key.lower()] = key
            if isinstance(value, tuple):
                if not value or not all(isinstance(item, str) for item in value):
                    raise ValueError(f"multivalued context key {key!r} needs a non-empty tuple of str (omit the key for none)")
            elif not isinstance(value, (str, bool, int, float)):
                raise ValueError(f"context value of {key!r} has unsupported type {type(value).__name__}")
        object.__setattr__(self, "context", MappingProxyType(dict(self.context)))

    def context_value(self, key: str) -> ContextValue | None:
        """The value of condition key ``key`` (case-insensitive), or None when absent."""
        wanted = key.lower()
        for name, value in self.context.items():
            if name.lower() == wanted:
                return value
        return None


# --------------------------------------------------------------------------------------------
# Parsed policy model
# --------------------------------------------------------------------------------------------

_STRING_OPS = frozenset({"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"})
_ARN_OPS = frozenset({"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"})
_NUMERIC_OPS = frozenset(
    {
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
    }
)
_IP_OPS = frozenset({"IpAddress", "NotIpAddress"})
_BASE_OPS = _STRING_OPS | _ARN_OPS | _NUMERIC_OPS | _IP_OPS | {"Bool", "Null"}
_NEGATED: Mapping[str, str] = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NumericNotEquals": "NumericEquals",
    "NotIpAddress": "IpAddress",
}
_SET_OPERATOR_BASES = frozenset({"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"})
_STATEMENT_KEYS = frozenset({"Sid", "Effect", "Principal", "Action", "NotAction", "Resource", "Condition"})
_POLICY_KEYS = frozenset({"Version", "Id", "Statement"})
_VERSIONS = frozenset({"2012-10-17", "2008-10-17"})


@dataclass(frozen=True)
class Condition:
    """One ``operator: {key: values}`` test of a statement's ``Condition`` block.

    ``operator`` is the full name as written (``ForAnyValue:StringLikeIfExists`` style);
    ``base`` the operator without set prefix and ``IfExists`` suffix; ``values`` the policy
    values as strings (JSON booleans as ``"true"``/``"false"``, numbers as written).
    """

    operator: str
    base: str
    set_operator: Literal["ForAnyValue", "ForAllValues"] | None
    if_exists: bool
    key: str
    values: tuple[str, ...]

    @property
    def negated(self) -> bool:
        """True for the negated matching operators (StringNotEquals, ArnNotLike, ...)."""
        return self.base in _NEGATED


@dataclass(frozen=True)
class PrincipalSpec:
    """A statement's ``Principal`` element, normalized.

    ``everyone`` for ``"*"`` / ``{"AWS": "*"}``; ``accounts`` for account principals (the
    12-digit form and ``arn:aws:iam::<account>:root`` are the same thing); ``arns`` for IAM
    role and user ARNs; ``services`` for service principals; ``federated`` for IAM OIDC
    identity provider ARNs.
    """

    everyone: bool = False
    accounts: frozenset[str] = frozenset()
    arns: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    federated: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Statement:
    """One validated policy statement.

    ``resources`` is None only in a resource-based policy statement without ``Resource``
    (e.g. a role trust policy), which then applies to the resource the policy is attached to.
    """

    index: int
    sid: str | None
    effect: Literal["Allow", "Deny"]
    principal: PrincipalSpec | None
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...] | None
    conditions: tuple[Condition, ...]

    @property
    def label(self) -> str:
        """The Sid, or ``Statement[<index>]`` for a statement without one."""
        return self.sid if self.sid is not None else f"Statement[{self.index}]"


def _strings(value: Any, what: str) -> tuple[str, ...]:
    """A JSON string or non-empty list of strings, as a tuple."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(item, str) for item in items):
        raise UnsupportedPolicy(f"{what} must be a string or a non-empty list of strings, got {value!r}")
    for item in items:
        if "${" in item:
            raise UnsupportedPolicy(f"policy variables are not supported: {what} {item!r}")
    return tuple(items)


def _parse_principal(value: Any) -> PrincipalSpec:
    if value == "*":
        return PrincipalSpec(everyone=True)
    if not isinstance(value, Mapping) or not value:
        raise UnsupportedPolicy(f"Principal must be '*' or a mapping, got {value!r}")
    everyone = False
    accounts: set[str] = set()
    arns: set[str] = set()
    services: set[str] = set()
    federated: set[str] = set()
    for kind, ids in value.items():
        if kind == "AWS":
            for item in _strings(ids, "Principal AWS"):
                if item == "*":
                    everyone = True
                elif _ACCOUNT_ID.match(item):
                    accounts.add(item)
                elif root := _ROOT_ARN.match(item):
                    accounts.add(root.group(1))
                elif _ROLE_OR_USER_ARN.match(item) and "*" not in item and "?" not in item:
                    arns.add(item)
                else:
                    raise UnsupportedPolicy(f"Principal AWS value not understood: {item!r}")
        elif kind == "Service":
            for item in _strings(ids, "Principal Service"):
                if not _SERVICE.match(item):
                    raise UnsupportedPolicy(f"Principal Service value not understood: {item!r}")
                services.add(item)
        elif kind == "Federated":
            for item in _strings(ids, "Principal Federated"):
                if not _OIDC_PROVIDER_ARN.match(item):
                    raise UnsupportedPolicy(f"Principal Federated value not understood (only IAM OIDC provider ARNs): {item!r}")
                federated.add(item)
        else:
            raise UnsupportedPolicy(f"Principal type {kind!r} is not supported (only AWS, Service and Federated)")
    return PrincipalSpec(everyone, frozenset(accounts), frozenset(arns), frozenset(services), frozenset(federated))


def _parse_operator(name: str) -> tuple[str, Literal["ForAnyValue", "ForAllValues"] | None, bool]:
    """``(base, set_operator, if_exists)`` of a condition operator name, or raise."""
    set_operator: Literal["ForAnyValue", "ForAllValues"] | None = None
    rest = name
    if rest.startswith("ForAnyValue:"):
        set_operator, rest = "ForAnyValue", rest.removeprefix("ForAnyValue:")
    elif rest.startswith("ForAllValues:"):
        set_operator, rest = "ForAllValues", rest.removeprefix("ForAllValues:")
    if_exists = rest.endswith("IfExists")
    base = rest.removesuffix("IfExists")
    if base not in _BASE_OPS or (if_exists and base == "Null"):
        raise UnsupportedPolicy(f"condition operator {name!r} is not supported")
    if set_operator is not None and (if_exists or base not in _SET_OPERATOR_BASES):
        raise UnsupportedPolicy(f"set operator form {name!r} is not supported")
    return base, set_operator, if_exists


def _condition_values(base: str, raw: Any, operator: str, key: str) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise UnsupportedPolicy(f"{operator} {key!r} has an empty value list")
    values: list[str] = []
    for item in items:
        if isinstance(item, bool):
            if base not in ("Bool", "Null"):
                raise UnsupportedPolicy(f"{operator} {key!r}: JSON boolean value {item!r} is not supported")
            values.append("true" if item else "false")
        elif isinstance(item, (int, float)):
            if base not in _NUMERIC_OPS:
                raise UnsupportedPolicy(f"{operator} {key!r}: JSON number value {item!r} is not supported")
            values.append(repr(item))
        elif isinstance(item, str):
            if "${" in item:
                raise UnsupportedPolicy(f"policy variables are not supported: {operator} {key!r} {item!r}")
            values.append(item)
        else:
            raise UnsupportedPolicy(f"{operator} {key!r}: value {item!r} is not supported")
    for value in values:
        if base in _NUMERIC_OPS:
            try:
                float(value)
            except ValueError:
                raise UnsupportedPolicy(f"{operator} {key!r}: {value!r} is not a number") from None
        elif base in ("Bool", "Null") and value.lower() not in ("true", "false"):
            raise UnsupportedPolicy(f"{operator} {key!r}: {value!r} is not 'true' or 'false'")
        elif base in _ARN_OPS and len(value.split(":", 5)) != 6:
            raise UnsupportedPolicy(f"{operator} {key!r}: {value!r} does not have the six ARN components")
        elif base in _IP_OPS:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise UnsupportedPolicy(f"{operator} {key!r}: {value!r} is not an IP address or CIDR") from None
    return tuple(values)


def _parse_conditions(block: Any) -> tuple[Condition, ...]:
    if not isinstance(block, Mapping):
        raise UnsupportedPolicy(f"Condition must be a mapping, got {block!r}")
    conditions: list[Condition] = []
    for operator, tests in block.items():
        base, set_operator, if_exists = _parse_operator(operator)
        if not isinstance(tests, Mapping) or not tests:
            raise UnsupportedPolicy(f"{operator} must map condition keys to values, got {tests!r}")
        for key, raw in tests.items():
            if not isinstance(key, str) or "${" in key:
                raise UnsupportedPolicy(f"condition key {key!r} is not supported")
            values = _condition_values(base, raw, operator, key)
            conditions.append(Condition(operator, base, set_operator, if_exists, key, values))
    return tuple(conditions)


def _parse_statement(index: int, raw: Any, *, resource_policy: bool) -> Statement:
    if not isinstance(raw, Mapping):
        raise UnsupportedPolicy(f"statement {index} is not a mapping")
    unknown = set(raw) - _STATEMENT_KEYS
    if unknown:
        raise UnsupportedPolicy(f"statement {index}: element(s) {sorted(unknown)} not supported")
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise UnsupportedPolicy(f"statement {index}: Sid must be a string")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise UnsupportedPolicy(f"statement {index}: Effect must be 'Allow' or 'Deny', got {effect!r}")
    if ("Action" in raw) == ("NotAction" in raw):
        raise UnsupportedPolicy(f"statement {index}: exactly one of Action and NotAction is required")
    not_action = "NotAction" in raw
    actions = _strings(raw["NotAction" if not_action else "Action"], "Action")
    for action in actions:
        if action != "*" and not _ACTION.match(action):
            raise UnsupportedPolicy(f"statement {index}: action {action!r} not understood")
    principal: PrincipalSpec | None = None
    if resource_policy:
        if "Principal" not in raw:
            raise UnsupportedPolicy(f"statement {index}: a resource-based policy statement needs a Principal")
        principal = _parse_principal(raw["Principal"])
    elif "Principal" in raw:
        raise UnsupportedPolicy(f"statement {index}: Principal is not allowed in an identity-based policy")
    resources: tuple[str, ...] | None = None
    if "Resource" in raw:
        resources = _strings(raw["Resource"], "Resource")
        for resource in resources:
            if resource != "*" and len(resource.split(":", 5)) != 6:
                raise UnsupportedPolicy(f"statement {index}: resource {resource!r} is neither '*' nor a six-part ARN")
    elif not resource_policy:
        raise UnsupportedPolicy(f"statement {index}: an identity-based policy statement needs a Resource")
    conditions = _parse_conditions(raw.get("Condition", {}))
    return Statement(index, sid, cast(Literal["Allow", "Deny"], effect), principal, actions, not_action, resources, conditions)


def parse_policy(policy: Mapping[str, Any] | str, *, resource_policy: bool) -> tuple[Statement, ...]:
    """Validate a policy document (a mapping, or its JSON text) and return its statements.

    Raises :class:`UnsupportedPolicy` for any element outside the supported subset, in any
    statement ["IAM JSON policy element reference"]. ``resource_policy`` selects the rules for
    resource-based policies (``Principal`` required) versus identity-based policies
    (``Principal`` forbidden, ``Resource`` required) ["AWS JSON policy elements: Principal"].
    """
    # Parsed once per distinct document: statements are immutable, and the stack-wide tests ask
    # thousands of requests of the same few policies. The key is the document's content, so a
    # test that edits a policy gets its edit parsed.
    try:
        key = (policy if isinstance(policy, str) else json.dumps(policy, sort_keys=True), resource_policy)
    except (TypeError, ValueError):
        return _parse_policy(policy, resource_policy=resource_policy)
    if key not in _PARSED:
        _PARSED[key] = _parse_policy(policy, resource_policy=resource_policy)
    return _PARSED[key]


_PARSED: dict[tuple[str, bool], tuple[Statement, ...]] = {}


def _parse_policy(policy: Mapping[str, Any] | str, *, resource_policy: bool) -> tuple[Statement, ...]:
    document: Any = json.loads(policy) if isinstance(policy, str) else policy
    if not isinstance(document, Mapping):
        raise UnsupportedPolicy(f"policy must be a JSON object, got {type(document).__name__}")
    unknown = set(document) - _POLICY_KEYS
    if unknown:
        raise UnsupportedPolicy(f"policy element(s) {sorted(unknown)} not supported")
    if "Version" in document and document["Version"] not in _VERSIONS:
        raise UnsupportedPolicy(f"policy Version {document['Version']!r} not supported")
    raw = document.get("Statement")
    statements = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(statements, list) or not statements:
        raise UnsupportedPolicy("policy needs a Statement (a statement or a non-empty list)")
    return tuple(_parse_statement(i, s, resource_policy=resource_policy) for i, s in enumerate(statements))


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _wildcard_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def wildcard_matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Whole-string match where ``*`` is any run of characters (``/`` and ``:`` included) and ``?`` one character."""
    return _wildcard_regex(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """AWS action matching: case-insensitive, ``*`` and ``?`` wildcards ["IAM JSON policy elements: Action"]."""
    return wildcard_matches(pattern, action, ignore_case=True)


def arn_matches(pattern: str, arn: str) -> bool:
    """ArnLike matching: each of the six colon-delimited ARN components is matched separately.

    ``*``/``?`` inside a component do not cross into the next one; the last (resource)
    component may itself contain ``:`` and ``/``, and a wildcard there spans them. A value
    that is not a six-part ARN matches nothing ["IAM JSON policy elements: Condition
    operators", "Amazon Resource Name (ARN) condition operators"].
    """
    pattern_parts = pattern.split(":", 5)
    value_parts = arn.split(":", 5)
    if len(pattern_parts) != 6:
        raise UnsupportedPolicy(f"ARN pattern {pattern!r} does not have six components")
    if len(value_parts) != 6:
        return False
    return all(wildcard_matches(p, v) for p, v in zip(pattern_parts, value_parts, strict=True))


def resource_matches(pattern: str, resource: str) -> bool:
    """AWS resource matching: ``*`` matches everything; otherwise case-sensitive ARN matching with
    ``*``/``?`` inside each ARN component, spanning ``/`` (``bucket/*`` covers nested keys)
    ["IAM JSON policy elements: Resource"]."""
    return pattern == "*" or arn_matches(pattern, resource)


class PrincipalMatch(enum.Enum):
    """How a statement's ``Principal`` relates to the requester.

    ``DIRECT``: named itself (its ARN, its service name, ``*``, or the root user named by its
    own account). ``ACCOUNT``: only the requester's account is named; for an Allow this
    delegates to the account, whose own identity policies must then allow the request
    ["AWS JSON policy elements: Principal" - AWS account principals].
    """

    NONE = "none"
    DIRECT = "direct"
    ACCOUNT = "account"


def principal_matches(spec: PrincipalSpec, principal: Principal) -> PrincipalMatch:
    """Match a normalized ``Principal`` element against the requester.

    ``"*"``/``{"AWS": "*"}`` match everyone, including anonymous requests and services.
    Anonymous requests match nothing else.
    """
    if spec.everyone:
        return PrincipalMatch.DIRECT
    if principal.kind == "AWS":
        if principal.id in spec.arns:
            return PrincipalMatch.DIRECT
        if principal.account in spec.accounts:
            return PrincipalMatch.DIRECT if principal.is_root else PrincipalMatch.ACCOUNT
    elif principal.kind == "Service" and principal.id in spec.services:
        return PrincipalMatch.DIRECT
    elif principal.kind == "Federated" and principal.id in spec.federated:
        return PrincipalMatch.DIRECT
    return PrincipalMatch.NONE


def _as_string(value: str | bool | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _as_number(value: str | bool | int | float, key: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"context value of {key!r} is a bool, not a number")
    return float(value)


def _base_matches(base: str, context: str | bool | int | float, policy_value: str, key: str) -> bool:
    """The positive (non-negated) operator ``base`` on one context value and one policy value."""
    if base == "StringEquals":
        return _as_string(context) == policy_value
    if base == "StringEqualsIgnoreCase":
        return _as_string(context).casefold() == policy_value.casefold()
    if base == "StringLike":
        return wildcard_matches(policy_value, _as_string(context))
    if base in ("ArnEquals", "ArnLike"):
        return arn_matches(policy_value, _as_string(context))
    if base == "Bool":
        return _as_string(context).lower() == policy_value.lower()
    if base == "IpAddress":
        # A policy address without a prefix is a /32 (/128); an address of the other IP version never matches.
        address = ipaddress.ip_address(_as_string(context))
        network = ipaddress.ip_network(policy_value, strict=False)
        return address.version == network.version and address in network
    number, limit = _as_number(context, key), float(policy_value)
    if base == "NumericEquals":
        return number == limit
    if base == "NumericLessThan":
        return number < limit
    if base == "NumericLessThanEquals":
        return number <= limit
    if base == "NumericGreaterThan":
        return number > limit
    if base == "NumericGreaterThanEquals":
        return number >= limit
    raise UnsupportedPolicy(f"operator {base!r} not implemented")  # unreachable after parsing


def condition_matches(condition: Condition, request: Request) -> bool:
    """Evaluate one condition key test against the request context.

    AWS semantics ["IAM JSON policy elements: Condition operators";
    "Conditions with multiple context keys or values"]:

    * Several values for one key are ORed; for a negated operator (StringNotEquals,
      StringNotLike, ArnNotEquals, ArnNotLike, ...) they are NORed: true only when the context
      value matches none of them.
    * Key absent from the request context: "the values do not match and the condition is
      false. If the policy condition requires that the key is not matched, such as
      StringNotLike or ArnNotLike, and the right key is not present, the condition is true.
      This logic applies to all condition operators except ...IfExists and Null check."
      So an absent key makes a plain operator false and a negated one true.
    * ``...IfExists``: absent key -> true; present key -> the base operator.
    * ``Null``: ``"true"`` holds when the key is absent, ``"false"`` when it is present.
    * ``Bool``: lower-cased ``"true"``/``"false"`` compared; Numeric: compared as floats;
      StringLike/ArnLike: ``*`` and ``?`` wildcards; ArnEquals behaves like ArnLike;
      IpAddress: the context address lies in the policy CIDR (a bare address is a /32 or /128).
    * Multivalued context keys need ``ForAnyValue:`` (any request value matches any policy
      value; absent key -> false) or ``ForAllValues:`` (every request value matches some
      policy value; absent key -> true) ["Single-valued vs. multivalued context keys"]; a
      tuple value under a plain operator raises :class:`UnsupportedPolicy`.
    """
    value = request.context_value(condition.key)
    if condition.base == "Null":
        wanted = "true" if value is None else "false"
        return any(v.lower() == wanted for v in condition.values)
    if condition.set_operator is not None:
        if value is None:
            return condition.set_operator == "ForAllValues"
        items = value if isinstance(value, tuple) else (value,)
        hits = [any(_base_matches(condition.base, item, v, condition.key) for v in condition.values) for item in items]
        return any(hits) if condition.set_operator == "ForAnyValue" else all(hits)
    if value is None:
        return condition.if_exists or condition.negated
    if isinstance(value, tuple):
        raise UnsupportedPolicy(f"{condition.operator} on multivalued context key {condition.key!r} needs ForAnyValue:/ForAllValues:")
    positive = _NEGATED.get(condition.base, condition.base)
    matched = any(_base_matches(positive, value, v, condition.key) for v in condition.values)
    return not matched if condition.negated else matched


def statement_applies(statement: Statement, request: Request) -> bool:
    """Whether the statement's Action/NotAction, Resource and Condition all match the request
    (the Principal is checked separately, see :func:`principal_matches`).

    ``NotAction`` applies when the action matches none of the listed patterns ["IAM JSON
    policy elements: NotAction"]; all conditions are ANDed ["IAM JSON policy elements:
    Condition"].
    """
    listed = any(action_matches(pattern, request.action) for pattern in statement.actions)
    if listed == statement.not_action:
        return False
    if statement.resources is not None and not any(resource_matches(p, request.resource) for p in statement.resources):
        return False
    return all(condition_matches(condition, request) for condition in statement.conditions)


@dataclass(frozen=True)
class PolicyMatch:
    """Labels (Sid or ``Statement[i]``) of the statements of one policy that apply to a request.

    ``denies``: Deny statements that apply (in a resource policy, naming the requester or its
    account). ``allows``: Allow statements that grant by themselves (identity policies, or a
    resource-policy statement naming the requester directly). ``delegations``: resource-policy
    Allow statements that name only the requester's account (root), which grant nothing unless
    the requester's identity policies also allow.
    """

    denies: tuple[str, ...] = ()
    allows: tuple[str, ...] = ()
    delegations: tuple[str, ...] = ()


def match_policy(policy: Mapping[str, Any] | str, request: Request, *, resource_policy: bool) -> PolicyMatch:
    """Which statements of ``policy`` apply to ``request`` (see :class:`PolicyMatch`).

    A Deny naming an account applies to every principal of that account (a Deny needs no
    delegation).
    """
    denies: list[str] = []
    allows: list[str] = []
    delegations: list[str] = []
    for statement in parse_policy(policy, resource_policy=resource_policy):
        how = PrincipalMatch.DIRECT
        if statement.principal is not None:
            how = principal_matches(statement.principal, request.principal)
            if how is PrincipalMatch.NONE:
                continue
        if not statement_applies(statement, request):
            continue
        if statement.effect == "Deny":
            denies.append(statement.label)
        elif how is PrincipalMatch.DIRECT:
            allows.append(statement.label)
        else:
            delegations.append(statement.label)
    return PolicyMatch(tuple(denies), tuple(allows), tuple(delegations))


def evaluate(policy: Mapping[str, Any] | str, request: Request, *, resource_policy: bool) -> Literal["allow", "deny"] | None:
    """One policy on its own: ``"deny"`` if any applicable Deny statement, else ``"allow"`` if
    any applicable Allow statement, else None (no opinion; an implicit deny overall unless
    another policy allows) ["Policy evaluation logic"].

    In a resource policy an Allow that names only the account root is a delegation, not a
    grant, so it does not make this return ``"allow"`` for an IAM role or user of that account;
    use :func:`match_policy` to see delegations.
    """
    found = match_policy(policy, request, resource_policy=resource_policy)
    if found.denies:
        return "deny"
    if found.allows:
        return "allow"
    return None


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


class Decision(enum.Enum):
    """Outcome of AWS policy evaluation ["Policy evaluation logic"]."""

    ALLOW = "allow"
    EXPLICIT_DENY = "explicit_deny"
    IMPLICIT_DENY = "implicit_deny"


@dataclass(frozen=True)
class Explanation:
    """A decision plus the statements that made it, as ``<policy>:<Sid>`` labels.

    For EXPLICIT_DENY the Deny statements; for ALLOW the Allow statements (and delegations)
    that granted; for IMPLICIT_DENY any partial grants that were not enough.
    """

    decision: Decision
    statements: tuple[str, ...]
    reason: str

    def __str__(self) -> str:
        return f"{self.decision.name}: {self.reason} [{', '.join(self.statements) or 'no statement'}]"


def _labels(source: str, labels: Iterable[str]) -> list[str]:
    return [f"{source}:{label}" for label in labels]


def _identity_matches(request: Request, identity_policies: Sequence[Mapping[str, Any] | str]) -> list[PolicyMatch]:
    if identity_policies and request.principal.kind != "AWS":
        raise ValueError(f"a {request.principal.kind} principal has no identity-based policies")
    return [match_policy(p, request, resource_policy=False) for p in identity_policies]


def _decide(
    request: Request,
    *,
    resource_name: str,
    resource_match: PolicyMatch,
    identity: list[PolicyMatch],
    resource_account: str,
    identity_alone_suffices: bool,
) -> Explanation:
    denies = _labels(resource_name, resource_match.denies)
    for i, found in enumerate(identity):
        denies += _labels(f"identity_policies[{i}]", found.denies)
    if denies:
        return Explanation(Decision.EXPLICIT_DENY, tuple(denies), "an explicit Deny applies")
    direct = _labels(resource_name, resource_match.allows)
    delegated = _labels(resource_name, resource_match.delegations)
    identity_allows: list[str] = []
    for i, found in enumerate(identity):
        identity_allows += _labels(f"identity_policies[{i}]", found.allows)
    principal = request.principal
    same_account = principal.kind == "AWS" and principal.account == resource_account
    if principal.kind != "AWS":
        if direct:
            return Explanation(Decision.ALLOW, tuple(direct), f"the {resource_name} allows this {principal.kind} principal")
        return Explanation(Decision.IMPLICIT_DENY, (), f"no {resource_name} statement allows this {principal.kind} principal")
    if same_account:
        if direct:
            return Explanation(Decision.ALLOW, tuple(direct), f"the {resource_name} names the principal")
        if identity_allows and (identity_alone_suffices or delegated):
            return Explanation(Decision.ALLOW, tuple(delegated + identity_allows), "an identity policy allows within the resource's account")
        if identity_allows:
            return Explanation(
                Decision.IMPLICIT_DENY,
                tuple(identity_allows),
                f"an identity policy allows but the {resource_name} does not enable IAM policies for this request",
            )
        return Explanation(Decision.IMPLICIT_DENY, tuple(delegated), f"no identity policy allows and the {resource_name} does not name the principal")
    # Cross-account: the resource policy must grant (to the principal or its account) AND the
    # principal's own identity policies must allow ["Cross-account policy evaluation logic"].
    if (direct or delegated) and identity_allows:
        return Explanation(Decision.ALLOW, tuple(direct + delegated + identity_allows), "cross-account: both sides allow")
    return Explanation(
        Decision.IMPLICIT_DENY,
        tuple(direct + delegated + identity_allows),
        "cross-account: the resource policy and the principal's identity policies must both allow",
    )


def _reject_root_outside_own_resources(request: Request, account: str) -> None:
    principal = request.principal
    if principal.is_root and principal.account != account:
        raise ValueError("requests by another account's root user are not modelled")


def explain_same_account(
    request: Request,
    *,
    resource_policy: Mapping[str, Any] | str | None,
    identity_policies: Sequence[Mapping[str, Any] | str],
    resource_account: str,
) -> Explanation:
    """:func:`decide_same_account` with the statements that decided it."""
    if request.principal.is_root:
        raise ValueError("root user requests are not modelled (the root user has implicit full access in its account)")
    resource_match = match_policy(resource_policy, request, resource_policy=True) if resource_policy is not None else PolicyMatch()
    return _decide(
        request,
        resource_name="resource_policy",
        resource_match=resource_match,
        identity=_identity_matches(request, identity_policies),
        resource_account=resource_account,
        identity_alone_suffices=not is_role_trust_request(request),
    )


ROLE_TRUST_ACTIONS = frozenset(
    a.lower()
    for a in ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext")
)
"""Actions a role's trust policy decides ["IAM roles: how roles differ from resource-based policies"]."""


def is_role_trust_request(request: Request) -> bool:
    """Whether ``request`` asks to assume (or tag the session of) an IAM role: the role's trust policy must allow it even
    within the role's own account, where an identity policy alone allows other requests."""
    return request.action.lower() in ROLE_TRUST_ACTIONS and ":role/" in request.resource


def decide_same_account(
    request: Request,
    *,
    resource_policy: Mapping[str, Any] | str | None,
    identity_policies: Sequence[Mapping[str, Any] | str],
    resource_account: str,
) -> Decision:
    """Identity-based plus resource-based policy evaluation (e.g. S3 bucket policy) ["Policy
    evaluation logic"; "Cross-account policy evaluation logic"].

    * An explicit Deny in any policy wins (a Deny naming an account covers all its principals).
    * Else ALLOW when the resource policy names the requester directly (its ARN, its service
      name or ``*``): within one account a resource-based policy grant is enough on its own.
    * Else, for an IAM role/user of ``resource_account``, ALLOW when one of its identity
      policies allows. An Allow to the account root in the resource policy only delegates to
      the account; it never allows an IAM principal by itself.
    * Except for assuming a role (``is_role_trust_request``): the resource policy is the role's
      trust policy, and an identity policy allows only when the trust policy names the account
      (delegates); without a trust statement no identity policy of the account is enough.
    * Service and anonymous principals have no identity policies (passing some raises
      ValueError): only the resource policy can allow them.
    * An IAM principal of another account needs both: a resource-policy Allow naming it or its
      account, and an Allow in its own identity policies.
    * Else IMPLICIT_DENY.

    Root-user requests raise ValueError (AWS gives the root user implicit access to its own
    account's resources, which this model does not include).
    """
    return explain_same_account(request, resource_policy=resource_policy, identity_policies=identity_policies, resource_account=resource_account).decision


def explain_kms(
    request: Request,
    *,
    key_policy: Mapping[str, Any] | str,
    identity_policies: Sequence[Mapping[str, Any] | str],
    key_account: str,
) -> Explanation:
    """:func:`decide_kms` with the statements that decided it."""
    _reject_root_outside_own_resources(request, key_account)
    return _decide(
        request,
        resource_name="key_policy",
        resource_match=match_policy(key_policy, request, resource_policy=True),
        identity=_identity_matches(request, identity_policies),
        resource_account=key_account,
        identity_alone_suffices=False,
    )


def decide_kms(
    request: Request,
    *,
    key_policy: Mapping[str, Any] | str,
    identity_policies: Sequence[Mapping[str, Any] | str],
    key_account: str,
) -> Decision:
    """Access to a KMS key ["Key policies in AWS KMS"; "Allows access to the AWS account and
    enables IAM policies"; "Allowing users in other accounts to use a KMS key"].

    * An explicit Deny in the key policy or any identity policy wins ("You can use an IAM
      policy to deny a permission to a KMS key without permission from a key policy").
    * The key policy is the primary control: "Unless the key policy explicitly allows it, you
      cannot use IAM policies to allow access to a KMS key. Without permission from the key
      policy, IAM policies that allow permissions have no effect." ALLOW when a key policy
      statement names the requester directly (role/user ARN, service principal, ``*``, or the
      root user via its own account's root ARN).
    * A key-policy statement that names the account root (``arn:aws:iam::<acct>:root``) and
      matches the request (action, resource, conditions) enables IAM policies: then an
      identity policy of the requester must also allow.
    * An identity-policy Allow without such a key-policy statement is IMPLICIT_DENY.
    * A principal of another account needs the key policy to name it or its account AND its
      own identity policies to allow.
    * Grants are not modelled.
    """
    return explain_kms(request, key_policy=key_policy, identity_policies=identity_policies, key_account=key_account).decision


def explain_web_identity(
    trust_policy: Mapping[str, Any] | str,
    *,
    provider_arn: str,
    role_arn: str,
    claims: Mapping[str, str],
) -> Explanation:
    """:func:`decide_web_identity` with the statements that decided it."""
    request = Request(principal=Principal.web_identity(provider_arn), action="sts:AssumeRoleWithWebIdentity", resource=role_arn, context=claims)
    role_account = role_arn.split(":")[4]
    return explain_same_account(request, resource_policy=trust_policy, identity_policies=[], resource_account=role_account)


def decide_web_identity(
    trust_policy: Mapping[str, Any] | str,
    *,
    provider_arn: str,
    role_arn: str,
    claims: Mapping[str, str],
) -> Decision:
    """May a web identity token assume the role whose trust policy is ``trust_policy``?

    ``sts:AssumeRoleWithWebIdentity`` is unsigned: the role's trust policy alone decides
    ["AssumeRoleWithWebIdentity"; "Create a role for OpenID Connect federation"]. The token is
    the federated principal ``provider_arn`` (the IAM OIDC provider that verified its signature,
    issuer and audience) and its claims are the request context, keyed ``<issuer host>:<claim>``
    (``app.terraform.io:sub``, ``app.terraform.io:aud``). ALLOW when a trust-policy statement names
    the provider and its conditions hold and no Deny applies. That the provider accepts the token
    at all (its URL is the token's issuer, its client id list holds the token's audience) is the
    caller's to model.
    """
    return explain_web_identity(trust_policy, provider_arn=provider_arn, role_arn=role_arn, claims=claims).decision
