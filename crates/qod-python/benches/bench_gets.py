"""Benchmark (not a test): what the binding costs over plain httpx.

Sequential GETs of one session over keep-alive against ``qod sandbox``:
``qod.Client`` beside plain ``httpx.Client`` sending the same headers
(``Accept: application/json``, a fresh ``x-correlator``, ``Authorization``)
and reading the same JSON into
the same ``qod.SessionInfo``; then TAAP calls per second (a PoP token signed
in Rust on every call). Run with the wheel installed (``maturin build
--release``) and ``QOD_BIN`` naming the qod binary; ``ROUNDS`` sets the GETs
per run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable, List

import httpx
import qod

QOD_BIN = os.environ.get("QOD_BIN", "target/release/qod")
ROUNDS = int(os.environ.get("ROUNDS", "2000"))
BODY = qod.CreateSession(
    device=qod.Device(phone_number="+14255550100"),
    qos_profile="QOS_E",
    duration=3600,
    application_server=qod.ApplicationServer(ipv4_address="198.51.100.7"),
)


def start(*flags: str) -> tuple[subprocess.Popen[str], str]:
    command = [QOD_BIN, *flags[:-1], "sandbox", "--addr", "127.0.0.1:0"]
    if flags and flags[-1]:
        command.append(flags[-1])
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip().rsplit("/qod/v0", 1)[0]


def timed(label: str, rounds: int, run: Callable[[], object]) -> float:
    for _ in range(min(200, rounds)):
        run()
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(rounds):
            run()
        best = min(best, (time.perf_counter() - started) / rounds)
    print(f"{label:<44} {best * 1e6:8.1f} µs/call {1 / best:9.0f} calls/s")
    return best


def bench_bearer() -> None:
    process, root = start("--auth", "bearer", "--token", "bench-token", "")
    try:
        base = f"{root}/quality-on-demand/v1"
        with qod.Client(base, auth=qod.Bearer("bench-token")) as client, httpx.Client() as http:
            session_id = client.create_session(BODY).session_id
            url = f"{base}/sessions/{session_id}"

            def plain() -> qod.SessionInfo:
                headers = {
                    "accept": "application/json",
                    "x-correlator": str(uuid.uuid4()),
                    "authorization": "Bearer bench-token",
                }
                response = http.get(url, headers=headers)
                response.raise_for_status()
                return qod.SessionInfo.from_wire(json.loads(response.content))

            def binding() -> qod.SessionInfo:
                return client.get_session(session_id)

            baseline = timed("plain httpx GET + json + SessionInfo", ROUNDS, plain)
            wrapped = timed("qod.Client.get_session (bearer)", ROUNDS, binding)
            print(f"binding cost: {(wrapped / baseline - 1) * 100:+.1f}%")
    finally:
        process.terminate()
        process.wait()


def bench_taap() -> None:
    with tempfile.TemporaryDirectory() as folder:
        key, public = Path(folder, "key.pem"), Path(folder, "public.pem")
        subprocess.run(
            ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
            + ["-out", str(key)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            ["openssl", "pkey", "-in", str(key), "-pubout", "-out", str(public)],
            check=True,
            capture_output=True,
        )
        flags: List[str] = ["--auth", "tmobile", "--client-id", "app", "--client-secret", "s"]
        process, root = start(*flags, f"--client-public-key={public}")
        try:
            auth = qod.TMobile("app", "s", key.read_text())
            with qod.Client(f"{root}/qod/v0", auth=auth) as client:
                session_id = client.create_session(BODY).session_id
                timed(
                    "qod.Client.get_session (TAAP, PoP per call)",
                    ROUNDS // 2,
                    lambda: client.get_session(session_id),
                )
        finally:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    print(f"python {sys.version.split()[0]}, httpx {httpx.__version__}, {ROUNDS} GETs a run")
    bench_bearer()
    bench_taap()
