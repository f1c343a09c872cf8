"""A minimal platform service that sends its telemetry the way the platform expects (standard library only).

Every request writes one log event in CloudWatch's embedded metric format (EMF): a JSON object whose ``_aws`` member
tells CloudWatch Logs to extract ``Requests`` (1), ``Errors5xx`` (1 for a 5xx response, else 0) and ``Latency``
(milliseconds) into the namespace ``TELEMETRY_NAMESPACE`` with the dimension ``Service``. The events go to stdout
(Railway's own log view) and, when AWS credentials are set, to the service's log group ``TELEMETRY_LOG_GROUP`` with
``PutLogEvents`` (signed with Signature Version 4), which is all the service's identity may do there.

Variables the platform sets on every monitored Railway service (``stacks/_telemetry.py``):
``TELEMETRY_LOG_GROUP``, ``TELEMETRY_NAMESPACE``, ``TELEMETRY_SERVICE``, ``AWS_REGION`` and, as secrets,
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``. ``PORT`` is Railway's.

Run locally (no AWS): ``TELEMETRY_NAMESPACE=healthcare-dev/gateway TELEMETRY_SERVICE=gateway python examples/telemetry_service.py``.
Log the route, never the query string or a body: the log group may hold PHI, but it should hold as little as it can.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REQUESTS = "Requests"
ERRORS = "Errors5xx"
LATENCY = "Latency"
SERVICE_DIMENSION = "Service"
MAX_BATCH_EVENTS = 10_000
"""PutLogEvents takes at most 10,000 events (and 1,048,576 bytes, counting 26 bytes per event) per call."""
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26
LOGS_API_VERSION = "Logs_20140328"


def emf_event(*, namespace: str, service: str, route: str, status: int, latency_ms: float, timestamp_ms: int) -> str:
    """One request as an embedded-metric-format log line (the metrics and a few plain fields for searching)."""
    record: dict[str, Any] = {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [[SERVICE_DIMENSION]],
                    "Metrics": [{"Name": REQUESTS, "Unit": "Count"}, {"Name": ERRORS, "Unit": "Count"}, {"Name": LATENCY, "Unit": "Milliseconds"}],
                }
            ],
        },
        SERVICE_DIMENSION: service,
        REQUESTS: 1,
        ERRORS: 1 if 500 <= status <= 599 else 0,
        LATENCY: round(latency_ms, 3),
        "route": route,
        "status": status,
    }
    return json.dumps(record, separators=(",", ":"))


# Signature Version 4 ----------------------------------------------------------------------


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sigv4_authorization(
    *,
    method: str,
    host: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    region: str,
    service: str,
    access_key_id: str,
    secret_access_key: str,
    amz_date: str,
) -> str:
    """The ``Authorization`` header of a request without a query string; ``headers`` must include ``host`` and ``x-amz-date``."""
    lowered = {name.lower(): " ".join(value.split()) for name, value in headers.items()}
    signed = ";".join(sorted(lowered))
    canonical = "\n".join([method, path, "", "".join(f"{name}:{lowered[name]}\n" for name in sorted(lowered)), signed, hashlib.sha256(body).hexdigest()])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(f"AWS4{secret_access_key}".encode(), amz_date[:8]), region), service), "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"AWS4-HMAC-SHA256 Credential={access_key_id}/{scope}, SignedHeaders={signed}, Signature={signature}"


def logs_request(
    action: str, payload: Mapping[str, Any], *, region: str, access_key_id: str, secret_access_key: str, now: dt.datetime
) -> urllib.request.Request:
    """A signed CloudWatch Logs JSON API request (``CreateLogStream``, ``PutLogEvents``)."""
    host = f"logs.{region}.amazonaws.com"
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {
        "host": host,
        "content-type": "application/x-amz-json-1.1",
        "x-amz-date": now.strftime("%Y%m%dT%H%M%SZ"),
        "x-amz-target": f"{LOGS_API_VERSION}.{action}",
    }
    if action == "PutLogEvents":
        headers["x-amzn-logs-format"] = "json/emf"  # optional: CloudWatch recognises EMF events without it
    headers["authorization"] = sigv4_authorization(
        method="POST",
        host=host,
        path="/",
        headers=headers,
        body=body,
        region=region,
        service="logs",
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        amz_date=headers["x-amz-date"],
    )
    return urllib.request.Request(f"https://{host}/", data=body, headers=headers, method="POST")


def batches(events: list[tuple[int, str]]) -> list[list[dict[str, Any]]]:
    """``(timestamp_ms, message)`` events as PutLogEvents batches: chronological, within the count and size limits."""
    result: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    size = 0
    for timestamp, message in sorted(events, key=lambda event: event[0]):
        cost = len(message.encode()) + EVENT_OVERHEAD_BYTES
        if current and (len(current) == MAX_BATCH_EVENTS or size + cost > MAX_BATCH_BYTES):
            result.append(current)
            current, size = [], 0
        current.append({"timestamp": timestamp, "message": message})
        size += cost
    if current:
        result.append(current)
    return result


class LogShipper:
    """Buffers events and sends them to the log group every ``interval`` seconds (needs AWS credentials)."""

    def __init__(self, environ: Mapping[str, str], send: Callable[[urllib.request.Request], object] = urllib.request.urlopen) -> None:
        self.group = environ["TELEMETRY_LOG_GROUP"]
        self.region = environ["AWS_REGION"]
        self._key_id = environ["AWS_ACCESS_KEY_ID"]
        self._secret = environ["AWS_SECRET_ACCESS_KEY"]
        # One stream per replica and start: streams never interleave writers.
        self.stream = f"{environ.get('RAILWAY_REPLICA_ID', 'local')}-{int(time.time())}"
        self._send = send
        self._events: list[tuple[int, str]] = []
        self._lock = threading.Lock()
        self._created = False

    def add(self, timestamp_ms: int, message: str) -> None:
        with self._lock:
            self._events.append((timestamp_ms, message))

    def _request(self, action: str, payload: Mapping[str, Any]) -> urllib.request.Request:
        now = dt.datetime.now(dt.UTC)
        return logs_request(action, payload, region=self.region, access_key_id=self._key_id, secret_access_key=self._secret, now=now)

    def flush(self) -> int:
        """Send what is buffered; returns the number of events sent."""
        with self._lock:
            events, self._events = self._events, []
        if not events:
            return 0
        sent = 0
        try:
            if not self._created:
                self._send(self._request("CreateLogStream", {"logGroupName": self.group, "logStreamName": self.stream}))
                self._created = True
            for batch in batches(events):
                self._send(self._request("PutLogEvents", {"logGroupName": self.group, "logStreamName": self.stream, "logEvents": batch}))
                sent += len(batch)
        except Exception:
            # Keep what was not sent for the next flush (a batch PutLogEvents refused is retried whole).
            unsent = sorted(events, key=lambda event: event[0])[sent:]
            with self._lock:
                self._events[:0] = unsent
            raise
        return sent


def make_handler(namespace: str, service: str, emit: Callable[[int, str], None], clock: Callable[[], float] = time.time) -> type[BaseHTTPRequestHandler]:
    """A request handler answering ``/health`` (200) and ``/fail`` (503, to see the error rate), 404 otherwise;
    ``clock`` (seconds since the epoch) stamps each event with the request's arrival."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            received, started = clock(), time.perf_counter()
            route = self.path.split("?", 1)[0]
            status = {"/health": 200, "/fail": 503}.get(route, 404)
            body = json.dumps({"service": service, "status": status}).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            latency_ms = (time.perf_counter() - started) * 1000
            timestamp = int(received * 1000)  # when the request arrived: it belongs to that period
            emit(timestamp, emf_event(namespace=namespace, service=service, route=route, status=status, latency_ms=latency_ms, timestamp_ms=timestamp))

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            """The EMF line is the access log; http.server's own line would repeat it."""

    return Handler


def main(environ: Mapping[str, str]) -> None:
    namespace, service = environ["TELEMETRY_NAMESPACE"], environ["TELEMETRY_SERVICE"]
    shipper = LogShipper(environ) if "AWS_ACCESS_KEY_ID" in environ and "TELEMETRY_LOG_GROUP" in environ else None

    def emit(timestamp_ms: int, line: str) -> None:
        print(line, flush=True)
        if shipper is not None:
            shipper.add(timestamp_ms, line)

    if shipper is not None:

        def ship() -> None:
            while True:
                time.sleep(5)
                try:
                    shipper.flush()
                except OSError as error:  # never let telemetry take the service down; the no-traffic alarm notices silence
                    print(json.dumps({"telemetry_error": str(error)}), file=sys.stderr, flush=True)

        threading.Thread(target=ship, daemon=True).start()
    server = ThreadingHTTPServer(("0.0.0.0", int(environ.get("PORT", "8080"))), make_handler(namespace, service, emit))
    server.serve_forever()


if __name__ == "__main__":
    main(os.environ)
