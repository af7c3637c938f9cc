from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import qod

SESSION_ID = "123e4567-e89b-12d3-a456-426614174000"
PHONE = "+14255550100"


def session_body(**extra: object) -> qod.CreateSession:
    return qod.CreateSession(
        device=qod.Device(phone_number=PHONE),
        qos_profile="QOS_E",
        duration=600,
        application_server=qod.ApplicationServer(ipv4_address="198.51.100.7"),
        **extra,  # type: ignore[arg-type]
    )


def session_json(status: str = "AVAILABLE") -> dict:
    return {"sessionId": SESSION_ID, "qosProfile": "QOS_E", "duration": 600, "qosStatus": status}


# Every auth mode against the sandbox.


def test_a_session_lifecycle_with_a_bearer_token(sandbox) -> None:
    box = sandbox("--auth", "bearer", "--token", "secret-token", "")
    with qod.Client(box.v1, auth=qod.Bearer("secret-token")) as client:
        info = client.create_session(session_body())
        assert info.qos_status in ("REQUESTED", "AVAILABLE")
        assert info.duration == 600
        assert client.get_session(info.session_id).session_id == info.session_id
        ready = client.wait_for_session(info.session_id, interval=0.1, timeout=10)
        assert ready.qos_status == "AVAILABLE"
        extended = client.extend_session(info.session_id, 60)
        assert extended.duration == 660
        found = client.retrieve_sessions(qod.Device(phone_number=PHONE))
        assert [s.session_id for s in found] == [info.session_id]
        client.delete_session(info.session_id)
        with pytest.raises(qod.ApiError) as raised:
            client.get_session(SESSION_ID)
    assert raised.value.status == 404
    assert raised.value.code == "NOT_FOUND"
    assert raised.value.correlator


def test_a_wrong_bearer_token_is_a_401_with_its_correlator(sandbox) -> None:
    box = sandbox("--auth", "bearer", "--token", "right", "")
    with qod.Client(box.v1, auth=qod.Bearer("wrong")) as client:
        with pytest.raises(qod.ApiError) as raised:
            client.get_session(SESSION_ID)
    assert raised.value.status == 401
    assert raised.value.correlator


def test_oauth2_client_credentials_and_profiles(sandbox) -> None:
    box = sandbox("--auth", "oauth2", "--client-id", "app", "--client-secret", "s3cret", "")
    auth = qod.ClientCredentials(f"{box.root}/oauth/token", "app", "s3cret")
    with qod.Client(box.v1, auth=auth) as client:
        profile = client.get_qos_profile("QOS_E")
        assert profile.name == "QOS_E"
        names = [p.name for p in client.list_qos_profiles(status="ACTIVE")]
        assert "QOS_E" in names
        assert box.stats()["tokenRequests"] == 1
        # A create needs another scope than a read of profiles: one more token.
        client.create_session(session_body())
        client.create_session(
            qod.CreateSession(
                device=qod.Device(phone_number="+14255550101"),
                qos_profile="QOS_E",
                duration=60,
                application_server=qod.ApplicationServer(ipv4_address="198.51.100.7"),
            )
        )
    assert box.stats()["tokenRequests"] == 2


def test_a_wrong_client_secret_is_an_error_naming_the_token_request(sandbox) -> None:
    box = sandbox("--auth", "oauth2", "--client-id", "app", "--client-secret", "s3cret", "")
    auth = qod.ClientCredentials(f"{box.root}/oauth/token", "app", "wrong")
    with qod.Client(box.v1, auth=auth) as client:
        with pytest.raises(qod.Error) as raised:
            client.get_qos_profile("QOS_E")
    assert raised.value.correlator
    assert box.stats()["sessionsCreated"] == 0


def test_tmobile_taap_signs_every_call_in_rust(sandbox, rsa_key) -> None:
    pem, public = rsa_key
    box = sandbox(
        "--auth",
        "tmobile",
        "--client-id",
        "app",
        "--client-secret",
        "s3cret",
        f"--client-public-key={public}",
    )
    with qod.Client(box.v0, auth=qod.TMobile("app", "s3cret", pem)) as client:
        info = client.create_session(session_body())
        assert client.get_session(info.session_id).qos_status == "AVAILABLE"
        client.delete_session(info.session_id)
    stats = box.stats()
    assert stats["tokenRequests"] == 1
    assert stats["sessionsCreated"] == 1


def test_quality_on_demand_provisioning(sandbox) -> None:
    box = sandbox("--auth", "bearer", "--token", "t", "")
    root = box.root
    with qod.Client(f"{root}/quality-on-demand/v1", auth=qod.Bearer("t")) as client:
        body = qod.CreateAssignment(device=qod.Device(phone_number=PHONE), qos_profile="QOS_E")
        made = client.create_assignment(body)
        ready = client.wait_for_assignment(made.assignment_id, interval=0.1, timeout=10)
        assert ready.status == "AVAILABLE"
        found = client.retrieve_assignment(qod.Device(phone_number=PHONE))
        assert found.assignment_id == made.assignment_id
        assert client.revoke_assignment(made.assignment_id).revoked


# Bad input: refused before anything is sent, naming the field.


def test_bad_input_is_refused_before_anything_is_sent(sandbox, rsa_key) -> None:
    box = sandbox("--auth", "bearer", "--token", "t", "")
    with qod.Client(box.v1, auth=qod.Bearer("t")) as client:
        with pytest.raises(qod.InvalidInput) as raised:
            client.create_session(
                qod.CreateSession(
                    device=qod.Device(phone_number="14255550100"),
                    qos_profile="QOS_E",
                    duration=60,
                    application_server=qod.ApplicationServer(ipv4_address="198.51.100.7"),
                )
            )
        assert "phone" in str(raised.value).lower()
        with pytest.raises(qod.InvalidInput) as raised:
            client.get_session("not-a-uuid")
        assert raised.value.field == "session_id"
        with pytest.raises(TypeError, match="session_id"):
            client.get_session(None)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="body"):
            client.create_session({"qosProfile": "QOS_E"})  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="duration"):
            qod.CreateSession(qos_profile="QOS_E", duration="600")  # type: ignore[arg-type]
    assert box.stats()["requests"] == 1  # the stats request itself
    with pytest.raises(qod.InvalidInput, match="TMobile"):
        qod.Client(box.v0, auth=qod.TMobile("app", "s", "-----BEGIN PRIVATE KEY-----\nAAAA\n"))
    with pytest.raises(qod.InvalidInput, match="token"):
        qod.Client(box.v1, auth=qod.Bearer("two words"))
    with pytest.raises(TypeError, match="auth"):
        qod.Client(box.v1, auth="token")  # type: ignore[arg-type]


# Retries and the no-replay rule, from the Rust machine.


def test_a_read_is_retried_on_503_honouring_retry_after(scripted) -> None:
    server = scripted([(503, {"retry-after": "1"}, {}), (200, {}, session_json())])
    started = time.monotonic()
    with qod.Client(f"{server.url}/quality-on-demand/v1") as client:
        assert client.get_session(SESSION_ID).qos_status == "AVAILABLE"
    assert len(server.requests) == 2
    assert time.monotonic() - started >= 0.9
    correlators = {headers.get("x-correlator") for _, _, headers in server.requests}
    assert len(correlators) == 1


def test_a_create_is_never_replayed_once_it_may_have_been_sent(scripted) -> None:
    server = scripted([None, (201, {}, session_json())])
    with qod.Client(f"{server.url}/quality-on-demand/v1") as client:
        with pytest.raises(qod.Error) as raised:
            client.create_session(session_body())
    assert len(server.requests) == 1
    assert raised.value.correlator == server.requests[0][2].get("x-correlator")


def test_a_create_on_503_is_not_replayed_either(scripted) -> None:
    server = scripted([(503, {}, {"status": 503, "code": "UNAVAILABLE", "message": "busy"})])
    with qod.Client(f"{server.url}/quality-on-demand/v1") as client:
        with pytest.raises(qod.ApiError) as raised:
            client.create_session(session_body())
    assert (raised.value.status, raised.value.code, raised.value.message) == (
        503,
        "UNAVAILABLE",
        "busy",
    )
    assert len(server.requests) == 1


def test_a_401_refetches_the_token_and_replays_once(scripted) -> None:
    token = (200, {}, {"access_token": "tok", "token_type": "Bearer", "expires_in": 3600})
    server = scripted([token, (401, {}, {}), token, (200, {}, session_json())])
    auth = qod.ClientCredentials(f"{scripted_url(server)}/token", "app", "s")
    with qod.Client(f"{server.url}/quality-on-demand/v1", auth=auth) as client:
        assert client.get_session(SESSION_ID).session_id == SESSION_ID
    assert [path for _, path, _ in server.requests].count("/token") == 2


def test_an_api_key_goes_in_its_own_header(scripted) -> None:
    server = scripted([(200, {}, session_json())])
    auth = qod.ApiKey("X-RapidAPI-Key", "k3y")
    with qod.Client(f"{server.url}/quality-on-demand/v1", auth=auth) as client:
        client.get_session(SESSION_ID)
    headers = {name.lower(): value for name, value in server.requests[0][2].items()}
    assert headers["x-rapidapi-key"] == "k3y"
    assert "authorization" not in headers
    with pytest.raises(qod.InvalidInput, match="ApiKey"):
        qod.Client(server.url + "/quality-on-demand/v1", auth=qod.ApiKey("Content-Type", "k"))


def scripted_url(server) -> str:
    return str(server.url)


def test_a_created_session_is_named_when_its_answer_cannot_be_read(scripted) -> None:
    garbled = {"sessionId": SESSION_ID, "qosProfile": "QOS_E", "duration": "soon"}
    server = scripted([(201, {}, garbled)])
    with qod.Client(f"{server.url}/quality-on-demand/v1") as client:
        with pytest.raises(qod.Error) as raised:
            client.create_session(session_body())
    assert raised.value.created_session_id == SESSION_ID
    assert raised.value.status == 201
    assert raised.value.correlator


def test_a_body_past_the_limit_is_refused_and_still_names_the_session(scripted) -> None:
    padded = {"sessionId": SESSION_ID, "qosProfile": "QOS_E", "padding": "x" * (2 << 20)}
    server = scripted([(201, {}, padded)])
    with qod.Client(f"{server.url}/quality-on-demand/v1") as client:
        with pytest.raises(qod.Error) as raised:
            client.create_session(session_body())
    assert "could not be read whole" in str(raised.value)
    assert raised.value.created_session_id == SESSION_ID
    assert len(server.requests) == 1, "a create is never replayed"


# Sharing the token: threads and tasks.


def test_threads_share_one_token(sandbox) -> None:
    box = sandbox("--auth", "oauth2", "--client-id", "app", "--client-secret", "s3cret", "")
    auth = qod.ClientCredentials(f"{box.root}/oauth/token", "app", "s3cret")
    with qod.Client(box.v1, auth=auth) as client:
        barrier = threading.Barrier(8)

        def read(_: int) -> str:
            barrier.wait()
            return client.get_qos_profile("QOS_E").name

        with ThreadPoolExecutor(8) as pool:
            assert list(pool.map(read, range(8))) == ["QOS_E"] * 8
    assert box.stats()["tokenRequests"] == 1


def test_a_burst_of_64_tasks_makes_one_token_request_and_never_blocks_the_loop(sandbox) -> None:
    box = sandbox("--auth", "oauth2", "--client-id", "app", "--client-secret", "s3cret", "")
    auth = qod.ClientCredentials(f"{box.root}/oauth/token", "app", "s3cret")

    async def burst() -> float:
        longest = 0.0
        running = True

        async def ticker() -> None:
            nonlocal longest
            last = time.monotonic()
            while running:
                await asyncio.sleep(0.001)
                now = time.monotonic()
                longest = max(longest, now - last)
                last = now

        tick = asyncio.ensure_future(ticker())
        async with qod.AsyncClient(box.v1, auth=auth) as client:
            names = await asyncio.gather(*(client.get_qos_profile("QOS_E") for _ in range(64)))
        running = False
        await tick
        assert [p.name for p in names] == ["QOS_E"] * 64
        return longest

    longest_gap = asyncio.run(burst())
    assert box.stats()["tokenRequests"] == 1
    # A blocked loop would stall the ticker for a whole token fetch or more.
    assert longest_gap < 0.5, longest_gap


def test_async_lifecycle_and_errors(sandbox) -> None:
    box = sandbox("--auth", "bearer", "--token", "t", "")

    async def run() -> None:
        async with qod.AsyncClient(box.v1, auth=qod.Bearer("t")) as client:
            info = await client.create_session(session_body())
            ready = await client.wait_for_session(info.session_id, interval=0.1, timeout=10)
            assert ready.qos_status == "AVAILABLE"
            await client.delete_session(info.session_id)
            with pytest.raises(qod.ApiError) as raised:
                await client.get_session(SESSION_ID)
            assert raised.value.status == 404

    asyncio.run(run())


def test_a_notification_is_verified_in_rust() -> None:
    event = {
        "id": "1",
        "source": "https://api.example.com/quality-on-demand/v1/sessions",
        "specversion": "1.0",
        "type": "org.camaraproject.quality-on-demand.v1.qos-status-changed",
        "time": "2026-01-01T00:00:00Z",
        "datacontenttype": "application/json",
        "data": {"sessionId": SESSION_ID, "qosStatus": "AVAILABLE"},
    }
    import json

    body = json.dumps(event).encode()
    headers = {"content-type": "application/cloudevents+json", "authorization": "Bearer tok"}
    verified = qod.notification.verify(headers, body, expected_token="tok")
    assert verified["data"]["sessionId"] == SESSION_ID
    with pytest.raises(qod.InvalidInput):
        qod.notification.verify(headers, body, expected_token="other")


def test_tasks_cancelled_while_waiting_for_the_token_leave_the_others_unharmed(scripted) -> None:
    token = (200, {}, {"access_token": "tok", "token_type": "Bearer", "expires_in": 3600}, 0.5)
    server = scripted([token] + [(200, {}, session_json())] * 4)
    auth = qod.ClientCredentials(f"{server.url}/token", "app", "s")
    loop_errors: list = []

    async def run() -> list:
        asyncio.get_running_loop().set_exception_handler(
            lambda _, context: loop_errors.append(context)
        )
        async with qod.AsyncClient(f"{server.url}/quality-on-demand/v1", auth=auth) as client:
            tasks = [asyncio.ensure_future(client.get_session(SESSION_ID)) for _ in range(8)]
            await asyncio.sleep(0.2)  # the first task fetches; the others wait for it
            for task in tasks[4:]:
                task.cancel()
            done = await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.sleep(0.05)  # let any late wake-up run
            return done

    results = asyncio.run(run())
    assert [r.session_id for r in results[:4]] == [SESSION_ID] * 4
    assert all(isinstance(r, asyncio.CancelledError) for r in results[4:])
    assert [path for _, path, _ in server.requests].count("/token") == 1
    assert loop_errors == []
