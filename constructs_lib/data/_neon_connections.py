"""How clients reach a ``NeonDatabase``: connection strings and the typed results of its ``connection_for``
and ``reader_connection``.

Every value built here is a reference to a sensitive Terraform value (a generated password, a
host known after apply), never text: pass the URLs and passwords only to sensitive attributes
(secret variables, sensitive outputs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..engine.core import Fn

_AUTHORITY = "%s:%s@%s"
"""``<user>:<password>@<host>``, formatted apart from the scheme: a single ``postgres://%s:%s@``
template reads as a literal URL with a password to secret scanners (checkov CKV_SECRET_4)."""


def connection_query(*, channel_binding: bool, sslrootcert_system: bool) -> str:
    """``sslmode=verify-full[&sslrootcert=system][&channel_binding=require]``: the query of every connection string.

    ``sslrootcert=system`` makes libpq 16+ verify against its TLS library's default CA store; without it libpq
    looks for ``~/.postgresql/root.crt`` and a ``verify-full`` connection fails where that file does not exist.
    """
    query = "sslmode=verify-full"
    if sslrootcert_system:
        query += "&sslrootcert=system"
    if channel_binding:
        query += "&channel_binding=require"
    return query


def connection_uri(user: str, password: str, host: str, database: str, *, channel_binding: bool, sslrootcert_system: bool) -> str:
    """``postgres://<user>:<password>@<host>/<database>?<connection_query>`` (the password URL-encoded by Terraform)."""
    query = connection_query(channel_binding=channel_binding, sslrootcert_system=sslrootcert_system)
    authority = Fn.format(_AUTHORITY, [user, Fn.urlencode(password), host])
    uri: str = Fn.format(f"postgres://%s/%s?{query}", [authority, database])
    return uri


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceConnection:
    """How one service reaches its own database, as its own SQL login role (``NeonDatabase.connection_for``)."""

    service: str
    """The service, as given in ``NeonDatabaseProps.services``."""
    database_name: str
    """Its database's name (``-`` as ``_``)."""
    user: str
    """Its login role's name (``<db>_app``; a reference)."""
    url: str
    """Connection string through the pooled host (PgBouncer, transaction mode), or the direct host
    when asked with ``pooled=False`` (sensitive)."""
    migration_url: str
    """Its database's owner (``<db>_owner``) on the direct host, for schema migrations (sensitive)."""
    read_url: str | None
    """The same login role through the pooled read replica (sensitive); ``None`` without ``read_replica``."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ReaderConnection:
    """How a reader role reaches the databases it may read (``NeonDatabase.reader_connection``)."""

    reader: str
    """The reader role's name (``NeonDatabaseProps.readers``)."""
    host: str
    """The host it connects to: the primary's direct host, or the analytics compute's (a reference)."""
    user: str
    """The role's name (a reference, so its users depend on its creation)."""
    password: str
    """Its generated password (sensitive)."""
    database_names: tuple[str, ...]
    """The databases it may read, in the order of the reader's services."""
    urls: Mapping[str, str]
    """Connection string per service it may read, on ``host`` (sensitive)."""
    channel_binding: bool
    """Whether clients must bind the channel (``NeonDatabaseProps.channel_binding``)."""

    def libpq_environment(self) -> dict[str, str]:
        """The non-secret libpq variables a client such as ``pg_dump`` reads: ``PGHOST``, ``PGUSER``,
        ``PGSSLMODE=verify-full``, ``PGSSLROOTCERT=system`` (libpq 16+: the system's CA bundle) and, with
        channel binding, ``PGCHANNELBINDING=require``. ``PGPASSWORD`` is ``password``: pass it as a secret."""
        variables = {"PGHOST": self.host, "PGUSER": self.user, "PGSSLMODE": "verify-full", "PGSSLROOTCERT": "system"}
        if self.channel_binding:
            variables["PGCHANNELBINDING"] = "require"
        return variables
