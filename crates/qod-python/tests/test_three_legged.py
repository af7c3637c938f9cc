"""CAMARA's three-legged flows (CIBA, JWT Bearer) against ``qod sandbox --auth openid``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import qod

REPO = Path(__file__).resolve().parents[3]

CLIENT_ID = "py-app"
CLIENT_SECRET = "py-secret-0123456789"
# qod_sandbox::test_assets: CIBA's scripted users.
APPROVED = "+99999991200"
DENIED = "+99999991403"
EC_KEY = (REPO / "crates/qod-core/tests/fixtures/test-ec-p256.pem").read_text()
EC_PUBLIC = REPO / "crates/qod-sandbox/tests/fixtures/test-ec-p256.spki.pem"


def openid(sandbox):  # type: ignore[no-untyped-def]
    return sandbox(
        "--auth",
        "openid",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        f"--client-public-key={EC_PUBLIC}",
    )


def no_device() -> qod.CreateSession:
    return qod.CreateSession(
        qos_profile="QOS_E",
        duration=60,
        application_server=qod.ApplicationServer(ipv4_address="198.51.100.10"),
    )


def test_ciba_approved_creates_a_session_with_no_device(sandbox) -> None:
    box = openid(sandbox)
    auth = qod.Ciba(
        CLIENT_ID,
        login_hint=f"tel:{APPROVED}",
        client_secret=CLIENT_SECRET,
        discovery_url=box.discovery_url(),
    )
    with qod.Client(box.v1, auth=auth) as client:
        info = client.create_session(no_device())
        assert client.get_session(info.session_id).session_id == info.session_id
        client.delete_session(info.session_id)
    assert box.stats()["sessionsCreated"] == 1


def test_ciba_with_private_key_jwt_runs_in_asyncio(sandbox) -> None:
    box = openid(sandbox)
    auth = qod.Ciba(
        CLIENT_ID,
        login_hint=f"tel:{APPROVED}",
        private_key_pem=EC_KEY,
        discovery_url=box.discovery_url(),
    )

    async def main() -> str:
        async with qod.AsyncClient(box.v1, auth=auth) as client:
            info = await client.create_session(no_device())
            await client.delete_session(info.session_id)
            return info.session_id

    assert asyncio.run(main())


def test_ciba_denied_is_an_error_saying_denied(sandbox) -> None:
    box = openid(sandbox)
    auth = qod.Ciba(
        CLIENT_ID,
        login_hint=f"tel:{DENIED}",
        client_secret=CLIENT_SECRET,
        discovery_url=box.discovery_url(),
    )
    with qod.Client(box.v1, auth=auth) as client:
        with pytest.raises(qod.Error) as raised:
            client.create_session(no_device())
    assert "denied" in str(raised.value).lower(), str(raised.value)
    assert not isinstance(raised.value, qod.InvalidInput)
    assert box.stats()["sessionsCreated"] == 0


def test_jwt_bearer_makes_a_call(sandbox) -> None:
    box = openid(sandbox)
    auth = qod.JwtBearer(
        CLIENT_ID,
        subject=f"tel:{APPROVED}",
        private_key_pem=EC_KEY,
        discovery_url=box.discovery_url(),
    )
    with qod.Client(box.v1, auth=auth) as client:
        info = client.create_session(no_device())
        client.delete_session(info.session_id)
    assert box.stats()["sessionsCreated"] == 1


def test_bad_three_legged_input_names_its_field() -> None:
    url = "http://127.0.0.1:9/.well-known/openid-configuration"
    cases = [
        (
            qod.Ciba(CLIENT_ID, login_hint=APPROVED, client_secret="s", discovery_url=url),
            "login_hint",
        ),
        (
            qod.Ciba(
                CLIENT_ID,
                login_hint=f"tel:{APPROVED}",
                private_key_pem="-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                discovery_url=url,
            ),
            "private_key_pem",
        ),
        (qod.Ciba(CLIENT_ID, login_hint=f"tel:{APPROVED}", discovery_url=url), "private_key_pem"),
        (
            qod.Ciba(
                CLIENT_ID,
                login_hint=f"tel:{APPROVED}",
                client_secret="s",
                token_url="http://127.0.0.1:9/token",
            ),
            "bc_authorize_url",
        ),
        (
            qod.JwtBearer(
                CLIENT_ID, subject="ipport:198.51.100.1", private_key_pem=EC_KEY, discovery_url=url
            ),
            "subject",
        ),
        (
            qod.JwtBearer(
                CLIENT_ID, subject=f"tel:{APPROVED}", private_key_pem="nope", discovery_url=url
            ),
            "private_key_pem",
        ),
    ]
    for auth, field in cases:
        with pytest.raises(qod.InvalidInput) as raised:
            qod.Client("http://127.0.0.1:9/quality-on-demand/v1", auth=auth)
        assert raised.value.field == field, (auth, raised.value)
        assert field in str(raised.value)
    with pytest.raises(TypeError, match="login_hint"):
        qod.Ciba(CLIENT_ID, login_hint=None)  # type: ignore[arg-type]
