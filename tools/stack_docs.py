"""What the docs say about a synthesized stack, read from its ``cdk.tf.json`` (no cdktf, no jsii).

``tools/generate_docs.py`` renders the generated blocks of the pages from these functions: the
resource count of each stack, its public hostnames and a Mermaid architecture diagram whose
edges are derived from the JSON itself, never from a hand-kept list:

- a Cloudflare DNS record whose content references a Railway custom domain: hostname -> service;
- a Railway service's variables: the IAM user whose access key it holds (its AWS identity), the
  Postgres login role in a connection string (and the read-only endpoint it goes through), other
  services addressed as ``<name>.railway.internal``;
- a Postgres role -> each database on which a ``postgresql_grant`` gives it ``CONNECT``;
- an IAM user -> every bucket, KMS key and secret named by an ``Allow`` statement of a policy
  attached to it (directly or through its groups), or naming it as principal in the resource's
  own policy (key policies, secret policies);
- a secret whose value holds a connection string -> the databases of its role;
- CloudTrail, AWS Config and S3 server access logging -> the bucket they deliver into; replication -> the replica.

Keys that only encrypt a bucket are folded into the bucket; alarms, topics, log groups and the
VPC's plumbing are left out so the diagram stays readable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Document = Mapping[str, Any]
"""A parsed ``cdk.tf.json``."""

_ADDRESS = re.compile(r"\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\b")
_PRIVATE_HOST = re.compile(r"\b([a-z0-9-]+)\.railway\.internal\b")


def resource_count(document: Document) -> int:
    """Resources in the stack (data sources not counted), as ``main.py`` prints it."""
    return sum(len(blocks) for blocks in (document.get("resource") or {}).values())


def _resources(document: Document, resource_type: str) -> dict[str, dict[str, Any]]:
    blocks: dict[str, dict[str, Any]] = (document.get("resource") or {}).get(resource_type, {})
    return blocks


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key != "//":
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def references(document: Document, value: Any) -> set[str]:
    """Addresses (``type.name``, ``data.type.name``) that ``value`` refers to and that exist in ``document``."""
    found = set()
    for text in _strings(value):
        if "${" not in text:
            continue
        for data, kind, name in _ADDRESS.findall(text):
            section = document.get("data" if data else "resource") or {}
            if name in section.get(kind, {}):
                found.add(f"{data}{kind}.{name}")
    return found


def _block(document: Document, address: str) -> dict[str, Any]:
    parts = address.split(".")
    section, kind, name = ("data", parts[1], parts[2]) if parts[0] == "data" else ("resource", parts[0], parts[1])
    block: dict[str, Any] = document[section][kind][name]
    return block


def _refs_of_type(document: Document, value: Any, resource_type: str) -> list[str]:
    return sorted(a for a in references(document, value) if a.rsplit(".", 1)[0] == resource_type)


def public_hostnames(document: Document) -> list[str]:
    """Names of the proxied CNAME records at the edge (the public hostnames), sorted."""
    return sorted(str(r["name"]) for r in _resources(document, "cloudflare_dns_record").values() if r.get("type") == "CNAME" and r.get("proxied"))


def zone_name(document: Document) -> str:
    """The Cloudflare zone the stack looks up (``data.cloudflare_zone`` ``filter.name``); empty without one."""
    for block in ((document.get("data") or {}).get("cloudflare_zone") or {}).values():
        name = (block.get("filter") or {}).get("name")
        if name:
            return str(name)
    return ""


@dataclass
class Graph:
    """Nodes by group and labelled edges of one diagram."""

    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    """group title -> {node id -> label}"""
    edges: set[tuple[str, str, str, bool]] = field(default_factory=set)
    """(from, to, label, dotted)"""

    def node(self, group: str, node_id: str, label: str) -> str:
        self.groups.setdefault(group, {})[node_id] = label
        return node_id

    def edge(self, source: str, target: str, label: str = "", *, dotted: bool = False) -> None:
        self.edges.add((source, target, label, dotted))

    def labelled_edges(self) -> set[tuple[str, str, str]]:
        """``(source label, target label, edge label)`` of every edge: what a reader of the diagram sees."""
        labels = {node_id: label for nodes in self.groups.values() for node_id, label in nodes.items()}
        return {(labels.get(s, s), labels.get(t, t), label) for s, t, label, _ in self.edges}


_TARGET_GROUPS = {"aws_s3_bucket": "AWS S3", "aws_kms_key": "AWS KMS", "aws_secretsmanager_secret": "AWS Secrets Manager"}
"""Resource types a principal may be drawn reaching, and the diagram group of each."""


def _literal(text: object) -> str:
    """``text`` without its Terraform interpolations (the account id suffix of bucket names)."""
    return re.sub(r"-?\$\{[^}]*\}", "", str(text))


def _node_id(address: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", address)


def _policy_targets(document: Document, policy_document: str) -> dict[str, set[str]]:
    """``{resource address: actions}`` named by the Allow statements of ``data.aws_iam_policy_document.X``."""
    targets: dict[str, set[str]] = {}
    for statement in _block(document, policy_document).get("statement") or []:
        if statement.get("effect", "Allow") != "Allow":
            continue
        for address in references(document, statement.get("resources") or []):
            if address.split(".")[0] in _TARGET_GROUPS:
                targets.setdefault(address, set()).update(statement.get("actions") or [])
    return targets


def _user_policies(document: Document, user: str) -> set[str]:
    """``aws_iam_policy`` addresses attached to ``user``, directly or through its groups."""
    holders = {user}
    for membership in _resources(document, "aws_iam_user_group_membership").values():
        if user in references(document, membership.get("user")):
            holders |= references(document, membership.get("groups"))
    policies: set[str] = set()
    for kind, key in (("aws_iam_user_policy_attachment", "user"), ("aws_iam_group_policy_attachment", "group")):
        for attachment in _resources(document, kind).values():
            if references(document, attachment.get(key)) & holders:
                policies |= set(_refs_of_type(document, attachment.get("policy_arn"), "aws_iam_policy"))
    return policies


def _user_reach(document: Document) -> dict[str, dict[str, set[str]]]:
    """``{aws_iam_user address: {resource address: actions}}`` from identity and resource policies."""
    reach: dict[str, dict[str, set[str]]] = {f"aws_iam_user.{name}": {} for name in _resources(document, "aws_iam_user")}
    for user, targets in reach.items():
        for policy in _user_policies(document, user):
            for doc in _refs_of_type(document, _block(document, policy).get("policy"), "data.aws_iam_policy_document"):
                for target, actions in _policy_targets(document, doc).items():
                    targets.setdefault(target, set()).update(actions)
    holders = [("aws_kms_key", "policy", None), ("aws_secretsmanager_secret_policy", "policy", "secret_arn")]
    for kind, key, owner_key in holders:
        for name, block in _resources(document, kind).items():
            target = f"{kind}.{name}" if owner_key is None else next(iter(references(document, block.get(owner_key))), "")
            for doc in _refs_of_type(document, block.get(key), "data.aws_iam_policy_document"):
                for statement in _block(document, doc).get("statement") or []:
                    if statement.get("effect", "Allow") != "Allow":
                        continue
                    for user in references(document, statement.get("principals") or []) & reach.keys():
                        reach[user].setdefault(target, set()).update(statement.get("actions") or [])
    return reach


def _access(actions: set[str]) -> str:
    """``read``, ``write`` or ``read/write``: whether ``actions`` read or change data (objects, secret values, keys)."""
    verbs = {a.split(":", 1)[1] for a in actions if ":" in a}
    reads = any(v.startswith(("GetObject", "GetSecretValue", "Decrypt")) or v == "*" for v in verbs)
    writes = any(v.startswith(("PutObject", "DeleteObject", "Encrypt", "GenerateDataKey")) or v == "*" for v in verbs)
    return "read/write" if reads and writes else "write" if writes else "read" if reads else "list"


def _bucket_keys(document: Document) -> set[str]:
    """KMS keys that encrypt a bucket (folded into the bucket in the diagram)."""
    keys: set[str] = set()
    for block in _resources(document, "aws_s3_bucket_server_side_encryption_configuration").values():
        keys |= set(_refs_of_type(document, block, "aws_kms_key"))
    return keys


def _label(document: Document, address: str) -> str:
    block = _block(document, address)
    kind = address.split(".")[0]
    if kind == "aws_s3_bucket":
        return f"bucket {_literal(block.get('bucket') or address.split('.')[1])}"
    if kind in ("aws_kms_key", "aws_secretsmanager_secret"):
        path = str(((block.get("//") or {}).get("metadata") or {}).get("path", address))
        what = "KMS key" if kind == "aws_kms_key" else "secret"
        return f"{what} {path.split('/', 1)[-1].removesuffix('/Resource')}"
    return str(block.get("name", address))


def _login_roles(document: Document, value: Any) -> list[tuple[str, str]]:
    """``(role address, endpoint label)`` of each connection string in ``value``."""
    found = []
    for text in _strings(value):
        roles = _refs_of_type(document, text, "postgresql_role")
        endpoints = _refs_of_type(document, text, "neon_endpoint")
        for role in roles:
            endpoint = ""
            if endpoints:
                endpoint = str(((_block(document, endpoints[0]).get("//") or {}).get("metadata") or {}).get("path", "")).rsplit("/", 1)[-1]
            found.append((role, endpoint))
    return found


def _role_databases(document: Document) -> dict[str, list[str]]:
    """``{postgresql_role address: neon_database addresses it owns or may CONNECT to}``."""
    result: dict[str, list[str]] = {}
    for name, database in _resources(document, "neon_database").items():
        for role in _refs_of_type(document, database.get("owner_name"), "postgresql_role"):
            result.setdefault(role, []).append(f"neon_database.{name}")
    for grant in _resources(document, "postgresql_grant").values():
        if grant.get("object_type") != "database" or "CONNECT" not in (grant.get("privileges") or []):
            continue
        for role in _refs_of_type(document, grant.get("role"), "postgresql_role"):
            result.setdefault(role, []).extend(_refs_of_type(document, grant.get("database"), "neon_database"))
    return result


def architecture(document: Document, *, zone: str = "") -> str:
    """A Mermaid ``flowchart`` of the stack: edge, services, databases, buckets, keys, secrets and who reaches what.

    ``zone``: the zone's name when the stack pins the zone by id (no ``data.cloudflare_zone`` lookup to read it from).
    """
    return _mermaid(graph_of(document, zone=zone))


def graph_of(document: Document, *, zone: str = "") -> Graph:
    """The nodes (by group) and edges ``architecture`` draws."""
    graph = Graph()
    zone = zone_name(document) or zone
    services = {f"railway_service.{n}": str(b.get("name", n)) for n, b in _resources(document, "railway_service").items()}
    by_service_name = {name: address for address, name in services.items()}
    for address, name in services.items():
        graph.node("Railway", _node_id(address), f"service {name}")
    databases = {f"neon_database.{n}": b for n, b in _resources(document, "neon_database").items()}
    for address, block in databases.items():
        graph.node("Neon", _node_id(address), f"database {block.get('name')}")
    role_databases = _role_databases(document)
    for name, record in _resources(document, "cloudflare_dns_record").items():
        if record.get("type") != "CNAME":
            continue
        host = graph.node(f"Cloudflare zone {zone}", _node_id(f"cloudflare_dns_record.{name}"), f"{record.get('name')}")
        for domain in _refs_of_type(document, record.get("content"), "railway_custom_domain"):
            for service in _refs_of_type(document, _block(document, domain).get("service_id"), "railway_service"):
                graph.edge(host, _node_id(service), "proxied CNAME")
    identities: dict[str, str] = {}
    """aws_iam_user address -> the node that acts with it (a Railway service, or the user itself)."""
    for collection in _resources(document, "railway_variable_collection").values():
        for service in _refs_of_type(document, collection.get("service_id"), "railway_service"):
            source = _node_id(service)
            for variable in collection.get("variables") or []:
                value = variable.get("value")
                for key in _refs_of_type(document, value, "aws_iam_access_key"):
                    for user in _refs_of_type(document, _block(document, key).get("user"), "aws_iam_user"):
                        identities[user] = source
                for role, endpoint in _login_roles(document, value):
                    role_name = str(_block(document, role).get("name"))
                    for database in role_databases.get(role, []):
                        graph.edge(source, _node_id(database), f"{role_name} via {endpoint}" if endpoint else role_name)
                for host in _PRIVATE_HOST.findall(str(value)):
                    if host in by_service_name and by_service_name[host] != service:
                        graph.edge(source, _node_id(by_service_name[host]), "private network")
    bucket_keys = _bucket_keys(document)
    for user, targets in _user_reach(document).items():
        source = identities.get(user) or graph.node("AWS identities outside Railway", _node_id(user), f"IAM user {_block(document, user).get('name')}")
        for target, actions in sorted(targets.items()):
            if target in bucket_keys:
                continue
            kind = target.split(".")[0]
            graph.node(_TARGET_GROUPS[kind], _node_id(target), _label(document, target))
            graph.edge(source, _node_id(target), _access(actions))
    for version in _resources(document, "aws_secretsmanager_secret_version").values():
        for secret in _refs_of_type(document, version.get("secret_id"), "aws_secretsmanager_secret"):
            for role, endpoint in _login_roles(document, version.get("secret_string")):
                for database in sorted(set(role_databases.get(role, []))):
                    graph.node("AWS Secrets Manager", _node_id(secret), _label(document, secret))
                    label = str(_block(document, role).get("name"))
                    graph.edge(_node_id(secret), _node_id(database), f"{label} via {endpoint}" if endpoint else label)
    buckets = {f"aws_s3_bucket.{n}" for n in _resources(document, "aws_s3_bucket")}
    deliveries = [("aws_cloudtrail", "s3_bucket_name", "CloudTrail"), ("aws_config_delivery_channel", "s3_bucket_name", "AWS Config")]
    for kind, key, title in deliveries:
        for name, block in _resources(document, kind).items():
            for bucket in _refs_of_type(document, block.get(key), "aws_s3_bucket"):
                source = graph.node("AWS audit", _node_id(f"{kind}.{name}"), title)
                graph.node("AWS S3", _node_id(bucket), _label(document, bucket))
                graph.edge(source, _node_id(bucket), "delivers logs")
    for block in _resources(document, "aws_s3_bucket_logging").values():
        for source_bucket in _refs_of_type(document, block.get("bucket"), "aws_s3_bucket"):
            for target in _refs_of_type(document, block.get("target_bucket"), "aws_s3_bucket"):
                for bucket in (source_bucket, target):
                    graph.node("AWS S3", _node_id(bucket), _label(document, bucket))
                graph.edge(_node_id(source_bucket), _node_id(target), "access logs", dotted=True)
    for block in _resources(document, "aws_s3_bucket_replication_configuration").values():
        for source_bucket in _refs_of_type(document, block.get("bucket"), "aws_s3_bucket"):
            for rule in block.get("rule") or []:
                for target in _refs_of_type(document, (rule.get("destination") or {}).get("bucket"), "aws_s3_bucket"):
                    graph.edge(_node_id(source_bucket), _node_id(target), "replicates to", dotted=True)
    for bucket in buckets:
        graph.node("AWS S3", _node_id(bucket), _label(document, bucket))
    return graph


def _mermaid(graph: Graph) -> str:
    lines = ["flowchart LR"]
    for index, (title, nodes) in enumerate(sorted(graph.groups.items())):
        lines.append(f'  subgraph g{index}["{title}"]')
        lines += [f'    {node_id}["{label}"]' for node_id, label in sorted(nodes.items())]
        lines.append("  end")
    merged: dict[tuple[str, str, bool], set[str]] = {}
    for source, target, label, dotted in graph.edges:
        merged.setdefault((source, target, dotted), set()).add(label)
    for (source, target, dotted), labels in sorted(merged.items()):
        arrow = "-.->" if dotted else "-->"
        label = ", ".join(sorted(filter(None, labels)))
        lines.append(f"  {source} {arrow}|{label}| {target}" if label else f"  {source} {arrow} {target}")
    return "\n".join(lines) + "\n"


def load(text: str) -> Document:
    """Parse a ``cdk.tf.json`` text."""
    document: Document = json.loads(text)
    return document
