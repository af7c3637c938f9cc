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


@dataclass(frozen=True)
class Ciba:
    """CAMARA CIBA (OpenID Connect backchannel authentication) for the user ``login_hint`` names.

    ``login_hint`` is ``tel:+<E.164>``, ``ipport:<address>[:<port>]`` or
    ``operatortoken:<token>``; the user's token names the device, so calls
    may leave ``device`` out. The client authenticates with
    ``private_key_pem`` (``private_key_jwt``: a PKCS#8 PEM RSA or P-256 key,
    ``key_id`` its ``kid``) or ``client_secret`` (``client_secret_basic``).
    The authorization server is discovered from ``discovery_url`` (an
    ``/.well-known/openid-configuration``), or given as ``token_url`` and
    ``bc_authorize_url``. ``scope`` is sent as given; otherwise the scope is
    ``openid``, ``purpose`` (default ``dpv:RequestedServiceProvision``) and
    each call's API scopes. The backchannel request and the polling run in
    the Rust call machine; a denial raises ``qod.Error``.
    """

    client_id: str
    login_hint: str = field(repr=False)
    private_key_pem: Optional[str] = field(default=None, repr=False)
    client_secret: Optional[str] = field(default=None, repr=False)
    key_id: Optional[str] = None
    token_url: Optional[str] = None
    bc_authorize_url: Optional[str] = None
    discovery_url: Optional[str] = None
    scope: Optional[str] = None
    purpose: Optional[str] = None

    def __post_init__(self) -> None:
        """Check the types."""
        _text("client_id", self.client_id)
        _text("login_hint", self.login_hint)
        for name in (
            "private_key_pem",
            "client_secret",
            "key_id",
            "token_url",
            "bc_authorize_url",
            "discovery_url",
            "scope",
            "purpose",
        ):
            _text(name, getattr(self, name), optional=True)

    def _native(self) -> Tuple[object, ...]:
        return (
            "ciba",
            self.client_id,
            self.login_hint,
            self.private_key_pem,
            self.client_secret,
            self.key_id,
            self.token_url,
            self.bc_authorize_url,
            self.discovery_url,
            self.scope,
            self.purpose,
        )


@dataclass(frozen=True)
class JwtBearer:
    """The CAMARA JWT Bearer grant (RFC 7523) for the user ``subject`` names.

    ``subject`` is ``tel:+<E.164>`` or ``operatortoken:<token>``. The
    assertion, and the client's ``private_key_jwt`` authentication, are
    signed with ``private_key_pem`` (a PKCS#8 PEM RSA or P-256 key,
    ``key_id`` its ``kid``): the grant has no secret form. The token URL is
    ``token_url`` or discovered from ``discovery_url``; ``scope`` and
    ``purpose`` as for :class:`Ciba`.
    """

    client_id: str
    subject: str = field(repr=False)
    private_key_pem: str = field(repr=False)
    key_id: Optional[str] = None
    token_url: Optional[str] = None
    discovery_url: Optional[str] = None
    scope: Optional[str] = None
    purpose: Optional[str] = None

    def __post_init__(self) -> None:
        """Check the types."""
        _text("client_id", self.client_id)
        _text("subject", self.subject)
        _text("private_key_pem", self.private_key_pem)
        for name in ("key_id", "token_url", "discovery_url", "scope", "purpose"):
            _text(name, getattr(self, name), optional=True)

    def _native(self) -> Tuple[object, ...]:
        return (
            "jwt_bearer",
            self.client_id,
            self.subject,
            self.private_key_pem,
            self.key_id,
            self.token_url,
            self.discovery_url,
            self.scope,
            self.purpose,
        )


Auth = Union[Bearer, ClientCredentials, TMobile, ApiKey, Ciba, JwtBearer]
