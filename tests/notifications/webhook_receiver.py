"""A real HTTP receiver on loopback for webhook tests: records every request and
answers from a script of status codes (the last one repeats)."""

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTS = range(18710, 18800)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int = 0
    script: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    body: bytes = b'{"ok": true}'
    requests: list[Received] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/hooks/hep"

    def next_status(self) -> int:
        index = min(len(self.requests) - 1, len(self.script) - 1)
        return self.script[index]


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("content-length", 0))
            body = self.rfile.read(length)
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            if receiver.delay:
                time.sleep(receiver.delay)
            self.send_response(receiver.next_status())
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(receiver.body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(receiver.body)

        def log_message(self, format, *args):
            pass

    return Handler


def start_receiver(receiver: Receiver) -> ThreadingHTTPServer:
    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
        except OSError:
            continue
        server.daemon_threads = True
        receiver.port = port
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
    raise RuntimeError(f"no free port in {PORTS}")


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0
