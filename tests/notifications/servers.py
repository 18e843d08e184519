"""Real servers on loopback for the notification tests and the benchmark: an SMS gateway that
honours the idempotency key (same key twice: delivered once), can fail (500) or answer late, and
an SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real gateway
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK wait

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # counts, for the benchmark
        gw: LocalGateway = self.server.gateway
        body = json.dumps({"requests": gw.n_requests, "delivered": len(gw.delivered)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        gw: LocalGateway = self.server.gateway
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"{}")
        key = self.headers.get("Idempotency-Key", "")
        status, delay = gw.handle(key, payload)
        if delay:
            time.sleep(delay)
        body = json.dumps({"id": f"sms-{key[:12]}"} if status == 200 else {"error": "unavailable"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LocalGateway:
    """``requests``: every request seen (key, to, text); ``delivered``: key -> (to, text), once per key."""

    def __init__(self):
        self.requests: list[tuple[str, str, str]] = []
        self.n_requests = 0
        self.delivered: dict[str, tuple[str, str]] = {}
        self.fail_next = 0  # answer this many requests with 500 (delivering nothing)
        self.slow_next = 0  # deliver, then answer this many requests only after ``slow_seconds``
        self.slow_seconds = 0.0
        self.record_requests = True
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.gateway = self
        self.url = f"http://127.0.0.1:{self._server.server_port}/sms"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def handle(self, key: str, payload: dict) -> tuple[int, float]:
        with self._lock:
            self.n_requests += 1
            if self.record_requests:
                self.requests.append((key, payload.get("to", ""), payload.get("text", "")))
            if not key:
                return 400, 0.0
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, 0.0
            self.delivered.setdefault(key, (payload.get("to", ""), payload.get("text", "")))
            if self.slow_next > 0:
                self.slow_next -= 1
                return 200, self.slow_seconds
            return 200, 0.0

    def start(self) -> LocalGateway:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class SmtpInbox:
    """An aiosmtpd server on loopback; ``messages`` holds every e-mail it accepted."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        inbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                from email import message_from_bytes, policy

                inbox.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        with socket.socket() as probe:  # a free port (aiosmtpd checks it is up by connecting to it)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpInbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


if __name__ == "__main__":  # the benchmark's gateway, in its own process: prints its URL, serves until stdin closes
    import sys

    gw = LocalGateway()
    gw.record_requests = False
    gw.start()
    print(gw.url, flush=True)
    sys.stdin.read()
    gw.stop()
