"""``qod.Client`` and ``qod.AsyncClient``: httpx does the HTTP, the Rust core does the rest.

Each call is one loop around the core's machine: send what it says over
httpx, sleep when it says, wait for another call's token fetch when it
says, and hand back each answer. Validation, tokens and their sharing,
TAAP signing, the 401 replay, retries and ``Retry-After``, correlators and
what a create made all happen in the machine.
"""

from __future__ import annotations

import asyncio
import json
import time
from types import TracebackType
from typing import Any, Callable, Dict, List, Optional, Tuple, Type, TypeVar, cast

import httpx

from . import _native
from ._auth import ApiKey, Auth, Bearer, Ciba, ClientCredentials, JwtBearer, TMobile
from ._errors import Error, InvalidInput, NativeError, from_native
from ._models import (
    AssignmentInfo,
    CreateAssignment,
    CreateSession,
    Device,
    QosProfile,
    Revocation,
    SessionInfo,
    _device,
    _text,
    _whole,
    profiles_from_wire,
    sessions_from_wire,
)

T = TypeVar("T")
Decode = Callable[[Any], T]

NOT_SENT, MAYBE_SENT, FATAL = 0, 1, 2


def _delivery(error: httpx.HTTPError) -> int:
    """How far a failed request got, by ``qod_core::Delivery``'s rules."""
    if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout)):
        return NOT_SENT
    if isinstance(error, (httpx.UnsupportedProtocol, httpx.LocalProtocolError)):
        return FATAL
    return MAYBE_SENT


def _raise_invalid(error: Exception) -> Error:
    field, rule = cast(Tuple[str, str], error.args)
    return InvalidInput(f"{field}: {rule}", field=field)


def _core(base_url: object, auth: Optional[Auth]) -> _native.Core:
    _text("base_url", base_url)
    if auth is not None and not isinstance(
        auth, (Bearer, ClientCredentials, TMobile, ApiKey, Ciba, JwtBearer)
    ):
        raise TypeError(
            "auth must be qod.Bearer, qod.ClientCredentials, qod.TMobile, qod.ApiKey, "
            "qod.Ciba, qod.JwtBearer or None"
        )
    try:
        return _native.Core(cast(str, base_url), None if auth is None else auth._native())
    except _native.NativeInvalidInput as error:
        raise _raise_invalid(error) from None


class _Calls:
    """What both clients share: the core and how a call's arguments and results look."""

    _core: _native.Core
    _timeout: float
    _owns_http: bool

    def __init__(self, base_url: str, auth: Optional[Auth], timeout: float) -> None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise TypeError("timeout must be a number of seconds above 0")
        self._core = _core(base_url, auth)
        self._timeout = float(timeout)

    def _start(self, operation: str, args: Dict[str, Any]) -> _native.Job:
        try:
            return self._core.start(operation, json.dumps(args).encode())
        except _native.NativeInvalidInput as error:
            raise _raise_invalid(error) from None

    def _exchange_timeout(self, left: Optional[float]) -> Any:
        # The HTTP client's own default (made with this timeout) unless the
        # call has less time left: httpx builds no Timeout per request then.
        if left is None or left >= self._timeout:
            return httpx.USE_CLIENT_DEFAULT if self._owns_http else self._timeout
        return max(left, 0.001)


def _ended(step: Tuple[Any, ...], decode: Decode[T]) -> T:
    if step[0] == _native.STEP_ERROR:
        raise from_native(cast(NativeError, step[1]))
    return decode(json.loads(step[1]))


def _none(_: Any) -> None:
    return None


def _session_args(session_id: object) -> Dict[str, Any]:
    return {"session_id": _text("session_id", session_id)}


def _assignment_args(assignment_id: object) -> Dict[str, Any]:
    return {"assignment_id": _text("assignment_id", assignment_id)}


def _device_args(device: Optional[Device]) -> Dict[str, Any]:
    checked = _device(device)
    return {"device": None if checked is None else checked.to_wire()}


def _wait_args(interval: float, timeout: float) -> Dict[str, Any]:
    for name, value in (("interval", interval), ("timeout", timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number of seconds")
    return {"interval": float(interval), "timeout": float(timeout)}


def _body(value: object, cls: Type[Any], name: str) -> Dict[str, Any]:
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a qod.{cls.__name__}, not {type(value).__name__}")
    return {"body": value.to_wire()}


def _filter(name: Optional[str], status: Optional[str], device: Optional[Device]) -> Dict[str, Any]:
    wire: Dict[str, Any] = {}
    if _text("name", name, optional=True) is not None:
        wire["name"] = name
    if _text("status", status, optional=True) is not None:
        wire["status"] = status
    checked = _device(device)
    if checked is not None:
        wire["device"] = checked.to_wire()
    return {"filter": wire}


class _Limited:
    """A response body read up to ``BODY_LIMIT`` bytes, as the Rust transports read."""

    def __init__(self) -> None:
        self.body = bytearray()
        self.complete = True

    def add(self, chunk: bytes) -> bool:
        """Take ``chunk``; ``False`` once past the limit (stop reading)."""
        self.body += chunk
        if len(self.body) > _native.BODY_LIMIT:
            self.complete = False
            del self.body[_native.BODY_LIMIT :]
        return self.complete

    def hand_over(self, job: _native.Job, response: httpx.Response) -> None:
        """Give the job the answer, or its cut-short failure."""
        if self.complete:
            job.receive(response.status_code, response.headers.raw, bytes(self.body))
        else:
            job.cut_short(response.status_code, bytes(self.body))


class Client(_Calls):
    """A blocking QoD client over ``httpx.Client``; safe to share between threads.

    Threads that share a client share its token: a burst of calls makes one
    token request. Pass ``http_client`` to use your own proxies and
    certificates; the client closes only an ``httpx.Client`` it made.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: Optional[Auth] = None,
        timeout: float = 30.0,
        http_client: Optional[httpx.Client] = None,
    ) -> None:
        """Make a client for the API at ``base_url``."""
        super().__init__(base_url, auth, timeout)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client(timeout=timeout)

    def close(self) -> None:
        """Close the HTTP client, if this client made it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Client:
        """Use the client in a ``with`` block, which closes it."""
        return self

    def __exit__(
        self,
        kind: Optional[Type[BaseException]],
        value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        """Close the client."""
        self.close()

    def _run(self, operation: str, args: Dict[str, Any], decode: Decode[T]) -> T:
        job = self._start(operation, args)
        http = self._http
        while True:
            step = job.next_step()
            kind = step[0]
            if kind == _native.STEP_SEND:
                _, method, url, headers, body, left = step
                try:
                    with http.stream(
                        method,
                        url,
                        headers=headers,
                        content=body or None,
                        timeout=self._exchange_timeout(left),
                    ) as response:
                        answer = _Limited()
                        for chunk in response.iter_bytes():
                            if not answer.add(chunk):
                                break
                except httpx.HTTPError as error:
                    job.fail(_delivery(error), str(error) or type(error).__name__)
                    continue
                answer.hand_over(job, response)
            elif kind == _native.STEP_SLEEP:
                time.sleep(step[1])
            elif kind == _native.STEP_WAIT:
                step[1].block(step[2])
            else:
                return _ended(step, decode)

    def create_session(self, body: CreateSession) -> SessionInfo:
        """Create a QoS session; never replayed once it may have reached the server."""
        return self._run(
            "create_session", _body(body, CreateSession, "body"), SessionInfo.from_wire
        )

    def get_session(self, session_id: str) -> SessionInfo:
        """Read a session."""
        return self._run("get_session", _session_args(session_id), SessionInfo.from_wire)

    def extend_session(self, session_id: str, seconds: int) -> SessionInfo:
        """Add ``seconds`` to a session's duration."""
        args = _session_args(session_id)
        args["seconds"] = _whole("seconds", seconds)
        return self._run("extend_session", args, SessionInfo.from_wire)

    def delete_session(self, session_id: str) -> None:
        """Delete a session."""
        self._run("delete_session", _session_args(session_id), _none)

    def retrieve_sessions(self, device: Optional[Device] = None) -> List[SessionInfo]:
        """The sessions of ``device`` (or of the token's device)."""
        return self._run("retrieve_sessions", _device_args(device), sessions_from_wire)

    def get_qos_profile(self, name: str) -> QosProfile:
        """Read a QoS profile by name."""
        return self._run("get_qos_profile", {"name": _text("name", name)}, QosProfile.from_wire)

    def list_qos_profiles(
        self,
        *,
        name: Optional[str] = None,
        status: Optional[str] = None,
        device: Optional[Device] = None,
    ) -> List[QosProfile]:
        """The QoS profiles, filtered by name, status or device."""
        return self._run("list_qos_profiles", _filter(name, status, device), profiles_from_wire)

    def create_assignment(self, body: CreateAssignment) -> AssignmentInfo:
        """Assign a QoS profile to a device until revoked (QoS Provisioning)."""
        return self._run(
            "create_assignment", _body(body, CreateAssignment, "body"), AssignmentInfo.from_wire
        )

    def get_assignment(self, assignment_id: str) -> AssignmentInfo:
        """Read a QoS assignment."""
        return self._run(
            "get_assignment", _assignment_args(assignment_id), AssignmentInfo.from_wire
        )

    def retrieve_assignment(self, device: Optional[Device] = None) -> AssignmentInfo:
        """The QoS assignment of ``device`` (or of the token's device)."""
        return self._run("retrieve_assignment", _device_args(device), AssignmentInfo.from_wire)

    def revoke_assignment(self, assignment_id: str) -> Revocation:
        """Revoke a QoS assignment."""
        return self._run("revoke_assignment", _assignment_args(assignment_id), Revocation.from_wire)

    def wait_for_session(
        self, session_id: str, *, interval: float = 1.0, timeout: float = 60.0
    ) -> SessionInfo:
        """Poll a session until the network has decided (AVAILABLE or UNAVAILABLE)."""
        args = {**_session_args(session_id), **_wait_args(interval, timeout)}
        return self._run("wait_for_session", args, SessionInfo.from_wire)

    def wait_for_assignment(
        self, assignment_id: str, *, interval: float = 1.0, timeout: float = 60.0
    ) -> AssignmentInfo:
        """Poll a QoS assignment until the network has decided."""
        args = {**_assignment_args(assignment_id), **_wait_args(interval, timeout)}
        return self._run("wait_for_assignment", args, AssignmentInfo.from_wire)


def _wake(future: asyncio.Future[None]) -> None:
    """Ends a token wait, unless it has ended already (timed out, cancelled)."""
    if not future.done():
        future.set_result(None)


class AsyncClient(_Calls):
    """An asyncio QoD client over ``httpx.AsyncClient``.

    Tasks that share it share its token (a burst of calls on a cold cache
    makes one token request), and none blocks the event loop: a task waiting
    for another's token fetch awaits a future that the fetch's end resolves.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: Optional[Auth] = None,
        timeout: float = 30.0,
        http_client: Optional[httpx.AsyncClient] = None,
    ) -> None:
        """Make a client for the API at ``base_url``."""
        super().__init__(base_url, auth, timeout)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(timeout=timeout)

    async def aclose(self) -> None:
        """Close the HTTP client, if this client made it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        """Use the client in an ``async with`` block, which closes it."""
        return self

    async def __aexit__(
        self,
        kind: Optional[Type[BaseException]],
        value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        """Close the client."""
        await self.aclose()

    async def _run(self, operation: str, args: Dict[str, Any], decode: Decode[T]) -> T:
        job = self._start(operation, args)
        http = self._http
        while True:
            step = job.next_step()
            kind = step[0]
            if kind == _native.STEP_SEND:
                _, method, url, headers, body, left = step
                try:
                    async with http.stream(
                        method,
                        url,
                        headers=headers,
                        content=body or None,
                        timeout=self._exchange_timeout(left),
                    ) as response:
                        answer = _Limited()
                        async for chunk in response.aiter_bytes():
                            if not answer.add(chunk):
                                break
                except httpx.HTTPError as error:
                    job.fail(_delivery(error), str(error) or type(error).__name__)
                    continue
                answer.hand_over(job, response)
            elif kind == _native.STEP_SLEEP:
                await asyncio.sleep(step[1])
            elif kind == _native.STEP_WAIT:
                waiter, at_most = step[1], step[2]
                loop = asyncio.get_running_loop()
                future: asyncio.Future[None] = loop.create_future()
                if not waiter.notify(loop, future, _wake):
                    try:
                        await asyncio.wait_for(future, at_most)
                    except asyncio.TimeoutError:
                        pass
            else:
                return _ended(step, decode)

    async def create_session(self, body: CreateSession) -> SessionInfo:
        """Create a QoS session; never replayed once it may have reached the server."""
        args = _body(body, CreateSession, "body")
        return await self._run("create_session", args, SessionInfo.from_wire)

    async def get_session(self, session_id: str) -> SessionInfo:
        """Read a session."""
        return await self._run("get_session", _session_args(session_id), SessionInfo.from_wire)

    async def extend_session(self, session_id: str, seconds: int) -> SessionInfo:
        """Add ``seconds`` to a session's duration."""
        args = _session_args(session_id)
        args["seconds"] = _whole("seconds", seconds)
        return await self._run("extend_session", args, SessionInfo.from_wire)

    async def delete_session(self, session_id: str) -> None:
        """Delete a session."""
        await self._run("delete_session", _session_args(session_id), _none)

    async def retrieve_sessions(self, device: Optional[Device] = None) -> List[SessionInfo]:
        """The sessions of ``device`` (or of the token's device)."""
        return await self._run("retrieve_sessions", _device_args(device), sessions_from_wire)

    async def get_qos_profile(self, name: str) -> QosProfile:
        """Read a QoS profile by name."""
        args = {"name": _text("name", name)}
        return await self._run("get_qos_profile", args, QosProfile.from_wire)

    async def list_qos_profiles(
        self,
        *,
        name: Optional[str] = None,
        status: Optional[str] = None,
        device: Optional[Device] = None,
    ) -> List[QosProfile]:
        """The QoS profiles, filtered by name, status or device."""
        args = _filter(name, status, device)
        return await self._run("list_qos_profiles", args, profiles_from_wire)

    async def create_assignment(self, body: CreateAssignment) -> AssignmentInfo:
        """Assign a QoS profile to a device until revoked (QoS Provisioning)."""
        args = _body(body, CreateAssignment, "body")
        return await self._run("create_assignment", args, AssignmentInfo.from_wire)

    async def get_assignment(self, assignment_id: str) -> AssignmentInfo:
        """Read a QoS assignment."""
        args = _assignment_args(assignment_id)
        return await self._run("get_assignment", args, AssignmentInfo.from_wire)

    async def retrieve_assignment(self, device: Optional[Device] = None) -> AssignmentInfo:
        """The QoS assignment of ``device`` (or of the token's device)."""
        args = _device_args(device)
        return await self._run("retrieve_assignment", args, AssignmentInfo.from_wire)

    async def revoke_assignment(self, assignment_id: str) -> Revocation:
        """Revoke a QoS assignment."""
        args = _assignment_args(assignment_id)
        return await self._run("revoke_assignment", args, Revocation.from_wire)

    async def wait_for_session(
        self, session_id: str, *, interval: float = 1.0, timeout: float = 60.0
    ) -> SessionInfo:
        """Poll a session until the network has decided (AVAILABLE or UNAVAILABLE)."""
        args = {**_session_args(session_id), **_wait_args(interval, timeout)}
        return await self._run("wait_for_session", args, SessionInfo.from_wire)

    async def wait_for_assignment(
        self, assignment_id: str, *, interval: float = 1.0, timeout: float = 60.0
    ) -> AssignmentInfo:
        """Poll a QoS assignment until the network has decided."""
        args = {**_assignment_args(assignment_id), **_wait_args(interval, timeout)}
        return await self._run("wait_for_assignment", args, AssignmentInfo.from_wire)
