"""How a client authenticates: each value is handed to the Rust core."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple, Union

from ._models import _text


@dataclass(frozen=True)
class Bearer:
    """A token you already have, sent as ``Authorization: Bearer``."""

    token: str = field(repr=False)

    def __post_init__(self) -> None:
        """Check the types."""
        _text("token", self.token)

    def _native(self) -> Tuple[object, ...]:
        return ("bearer", self.token)


@dataclass(frozen=True)
class ClientCredentials:
    """OAuth 2.0 client credentials: one token per lifetime, shared by the client's calls."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: Optional[str] = None

    def __post_init__(self) -> None:
        """Check the types."""
        _text("token_url", self.token_url)
        _text("client_id", self.client_id)
        _text("client_secret", self.client_secret)
        _text("scope", self.scope, optional=True)

    def _native(self) -> Tuple[object, ...]:
        return (
            "client_credentials",
            self.token_url,
            self.client_id,
            self.client_secret,
            self.scope,
        )


@dataclass(frozen=True)
class TMobile:
    """T-Mobile TAAP: client id and secret, and the PKCS#8 PEM RSA key that signs PoP tokens.

    The token URL defaults to the API host's ``/oauth2/v2/tokens``.
    """

    client_id: str
    client_secret: str = field(repr=False)
    private_key_pem: str = field(repr=False)
    token_url: Optional[str] = None

    def __post_init__(self) -> None:
        """Check the types."""
        _text("client_id", self.client_id)
        _text("client_secret", self.client_secret)
        _text("private_key_pem", self.private_key_pem)
        _text("token_url", self.token_url, optional=True)

    def _native(self) -> Tuple[object, ...]:
        return ("tmobile", self.client_id, self.client_secret, self.private_key_pem, self.token_url)


@dataclass(frozen=True)
class ApiKey:
    """An API key sent in a header of its own on every call, e.g. ``X-RapidAPI-Key``."""

    header: str
    key: str = field(repr=False)

    def __post_init__(self) -> None:
        """Check the types."""
        _text("header", self.header)
        _text("key", self.key)

    def _native(self) -> Tuple[object, ...]:
        return ("api_key", self.header, self.key)


Auth = Union[Bearer, ClientCredentials, TMobile, ApiKey]
