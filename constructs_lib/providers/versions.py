"""Source and version pin of each provider whose bindings we generate: the one place each is pinned.

AWS and Cloudflare are not here: the prebuilt ``cdktf-cdktf-provider-aws`` 21.22.1 and
``cdktf-cdktf-provider-cloudflare`` 13.9.1 packages emit their own ``required_providers``
entries (hashicorp/aws 6.25.0, cloudflare/cloudflare 5.14.0); so do the prebuilt
``cdktf-cdktf-provider-postgresql`` 12.1.1 (cyrilgdn/postgresql 1.26.0, least-privilege
SQL roles of ``NeonDatabase``) and ``cdktf-cdktf-provider-random`` 12.0.1 (hashicorp/random
3.7.2, generated passwords and keys).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProviderPin:
    """A ``terraform.required_providers`` entry."""

    name: str
    source: str
    version: str


NEON = ProviderPin("neon", "kislerdm/neon", "0.15.0")
"""Newest kislerdm/neon whose schema we hold; see README "Moving to neondatabase/neon"."""
RAILWAY = ProviderPin("railway", "terraform-community-providers/railway", "0.6.2")
