"""qod: a CAMARA Quality-on-Demand client whose rules live in Rust and whose HTTP is httpx's.

``qod.Client`` (threads) and ``qod.AsyncClient`` (asyncio) run the same
sans-IO call machine as the Rust SDK: validation before sending, tokens
shared by every call of a client, T-Mobile TAAP signing, CAMARA's CIBA and
JWT Bearer flows, the 401 replay, retries with ``Retry-After``, no replayed
create, the correlator on every error and the session a failed create made.
"""

from . import notification
from ._auth import ApiKey, Auth, Bearer, Ciba, ClientCredentials, JwtBearer, TMobile
from ._client import AsyncClient, Client
from ._errors import ApiError, Error, InvalidInput
from ._models import (
    ApplicationServer,
    AssignmentInfo,
    CreateAssignment,
    CreateSession,
    Device,
    DeviceIpv4Address,
    QosProfile,
    Revocation,
    SessionInfo,
)

__all__ = [
    "ApiError",
    "ApiKey",
    "ApplicationServer",
    "AssignmentInfo",
    "AsyncClient",
    "Auth",
    "Bearer",
    "Ciba",
    "Client",
    "ClientCredentials",
    "CreateAssignment",
    "CreateSession",
    "Device",
    "DeviceIpv4Address",
    "Error",
    "InvalidInput",
    "JwtBearer",
    "QosProfile",
    "Revocation",
    "SessionInfo",
    "TMobile",
    "notification",
]
