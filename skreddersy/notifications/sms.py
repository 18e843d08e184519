"""The SMS gateway client: one HTTP POST per message, with the notification's idempotency key.

The gateway (in production Nav's own SMS service; in the tests and the benchmark a small local
server) must deliver a key at most once: a send retried after a crash, a timeout or a lost answer
carries the same key and does not reach the client twice. One persistent HTTP/1.1 connection per
drain run.

Protocol: ``POST <SKREDDERSY_SMS_GATEWAY_URL>`` with JSON ``{"to": "+47...", "text": "..."}`` and
the header ``Idempotency-Key``; 200/201/202 with JSON ``{"id": "..."}`` is delivered (or was
already); 408, 429 and 5xx, timeouts and broken connections are worth retrying; any other answer
is not (the number is refused, say).
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit


class GatewayError(Exception):
    def __init__(self, reason: str, *, transient: bool):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class SmsGateway:
    def __init__(self, url: str, *, timeout: float = 10.0):
        if not url:
            raise GatewayError("SKREDDERSY_SMS_GATEWAY_URL er ikke satt", transient=True)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise GatewayError("SKREDDERSY_SMS_GATEWAY_URL er ikke en http(s)-adresse", transient=True)
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._conn = cls(self._host, self._port, timeout=self._timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def send(self, *, key: str, to: str, text: str) -> str:
        """Send one SMS; returns the gateway's id for it. Raises ``GatewayError``."""
        payload = json.dumps({"to": to, "text": text}).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": key}
        try:
            conn = self._connection()
            conn.request("POST", self._path, body=payload, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:  # timeouts are OSError too
            self.close()
            raise GatewayError(f"ingen svar fra SMS-tjenesten ({type(exc).__name__})", transient=True) from None
        if resp.will_close:
            self.close()
        if resp.status in (200, 201, 202):
            try:
                return str(json.loads(data or b"{}").get("id", ""))[:120]
            except (ValueError, AttributeError):
                return ""
        transient = resp.status in (408, 429) or resp.status >= 500
        raise GatewayError(f"SMS-tjenesten svarte {resp.status}", transient=transient)
