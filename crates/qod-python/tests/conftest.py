"""Fixtures: the workspace's own ``qod sandbox`` over loopback, and a scripted server."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import httpx
import pytest

REPO = Path(__file__).resolve().parents[3]
QOD_BIN = os.environ.get("QOD_BIN", str(REPO / "target" / "debug" / "qod"))


class Sandbox:
    """A running ``qod sandbox``."""

    def __init__(self, args: List[str]) -> None:
        command = [QOD_BIN, *args[:-1], "sandbox", "--addr", "127.0.0.1:0", *args[-1:]]
        command = [part for part in command if part]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline().strip()
        if not first:
            raise RuntimeError(f"qod sandbox did not start: {self.process.stderr.read()}")
        # The first line is the 0.10 URL: http://127.0.0.1:PORT/qod/v0
        self.root = first.rsplit("/qod/v0", 1)[0]
        self.v0 = f"{self.root}/qod/v0"
        self.v1 = f"{self.root}/quality-on-demand/v1"

    def discovery_url(self) -> str:
        """The OpenID discovery URL an ``--auth openid`` sandbox prints after the API URLs."""
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline().strip()
            if not line:
                raise RuntimeError("qod sandbox printed no OpenID discovery URL")
            if line.endswith("/.well-known/openid-configuration"):
                return line

    def stats(self) -> Dict[str, Any]:
        stats: Dict[str, Any] = httpx.get(f"{self.root}/_sandbox/stats").json()
        return stats

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def sandbox() -> Iterator[Callable[..., Sandbox]]:
    """Start sandboxes: ``sandbox("--auth", "bearer", "--token", "t", "")``.

    The arguments are the global flags, then the sandbox's own as the last
    item (``""`` for none).
    """
    started: List[Sandbox] = []

    def start(*args: str) -> Sandbox:
        box = Sandbox(list(args) if args else [""])
        started.append(box)
        return box

    yield start
    for box in started:
        box.stop()


@pytest.fixture(scope="session")
def rsa_key(tmp_path_factory: pytest.TempPathFactory) -> Tuple[str, Path]:
    """A PKCS#8 PEM RSA key and its public key's file, made by openssl as a user would."""
    folder = tmp_path_factory.mktemp("keys")
    private, public = folder / "key.pem", folder / "public.pem"
    subprocess.run(
        [
            "openssl",
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            str(private),
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["openssl", "pkey", "-in", str(private), "-pubout", "-out", str(public)],
        check=True,
        capture_output=True,
    )
    return private.read_text(), public


Answer = Tuple[int, Dict[str, str], Any]


class Scripted:
    """A loopback HTTP server that answers from a script, and records what it got."""

    def __init__(self, answers: List[Optional[Answer]]) -> None:
        self.answers = answers
        self.requests: List[Tuple[str, str, Dict[str, str]]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                owner.requests.append((self.command, self.path, dict(self.headers)))
                scripted = owner.answers.pop(0) if owner.answers else (500, {}, {})
                if scripted is None:
                    # Drop the connection once the request has arrived.
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                status, headers, body = scripted[:3]
                if len(scripted) > 3:
                    time.sleep(scripted[3])  # type: ignore[misc]
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted() -> Iterator[Callable[[List[Optional[Answer]]], Scripted]]:
    """Start a scripted server with a list of answers.

    ``None`` drops the connection; a fourth item is a delay in seconds.
    """
    servers: List[Scripted] = []

    def start(answers: List[Optional[Answer]]) -> Scripted:
        server = Scripted(answers)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
