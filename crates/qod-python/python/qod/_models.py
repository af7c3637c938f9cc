"""What calls take and return, as small typed classes.

Requests are written in the API's wire form (camelCase JSON) for the Rust
core, which checks every rule; answers are read from the JSON the Rust core
made of the server's answer, with snake_case attributes and the whole
answer kept in ``raw``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

Json = Dict[str, Any]


def _text(name: str, value: object, *, optional: bool = False) -> Optional[str]:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        expected = "a str or None" if optional else "a str"
        raise TypeError(f"{name} must be {expected}, not {type(value).__name__}")
    return value


def _whole(name: str, value: object, *, optional: bool = False) -> Optional[int]:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        expected = "an int or None" if optional else "an int"
        raise TypeError(f"{name} must be {expected}, not {type(value).__name__}")
    return value


@dataclass(frozen=True)
class DeviceIpv4Address:
    """A device's IPv4 address as the network sees it, with its private one or port."""

    public_address: str
    private_address: Optional[str] = None
    public_port: Optional[int] = None

    def __post_init__(self) -> None:
        """Check the types."""
        _text("public_address", self.public_address)
        _text("private_address", self.private_address, optional=True)
        _whole("public_port", self.public_port, optional=True)

    def to_wire(self) -> Json:
        """The API's JSON form."""
        wire: Json = {"publicAddress": self.public_address}
        if self.private_address is not None:
            wire["privateAddress"] = self.private_address
        if self.public_port is not None:
            wire["publicPort"] = self.public_port
        return wire


@dataclass(frozen=True)
class Device:
    """The device whose traffic gets the QoS: give at least one identifier.

    ``phone_number`` is E.164 with its ``+``, e.g. ``"+14255550100"``.
    """

    phone_number: Optional[str] = None
    network_access_identifier: Optional[str] = None
    ipv4_address: Optional[DeviceIpv4Address] = None
    ipv6_address: Optional[str] = None

    def __post_init__(self) -> None:
        """Check the types."""
        _text("phone_number", self.phone_number, optional=True)
        _text("network_access_identifier", self.network_access_identifier, optional=True)
        _text("ipv6_address", self.ipv6_address, optional=True)
        if self.ipv4_address is not None and not isinstance(self.ipv4_address, DeviceIpv4Address):
            raise TypeError("ipv4_address must be a qod.DeviceIpv4Address or None")

    def to_wire(self) -> Json:
        """The API's JSON form."""
        wire: Json = {}
        if self.phone_number is not None:
            wire["phoneNumber"] = self.phone_number
        if self.network_access_identifier is not None:
            wire["networkAccessIdentifier"] = self.network_access_identifier
        if self.ipv4_address is not None:
            wire["ipv4Address"] = self.ipv4_address.to_wire()
        if self.ipv6_address is not None:
            wire["ipv6Address"] = self.ipv6_address
        return wire


@dataclass(frozen=True)
class ApplicationServer:
    """The server the device talks to: an IPv4 or IPv6 address or network."""

    ipv4_address: Optional[str] = None
    ipv6_address: Optional[str] = None

    def __post_init__(self) -> None:
        """Check the types."""
        _text("ipv4_address", self.ipv4_address, optional=True)
        _text("ipv6_address", self.ipv6_address, optional=True)

    def to_wire(self) -> Json:
        """The API's JSON form."""
        wire: Json = {}
        if self.ipv4_address is not None:
            wire["ipv4Address"] = self.ipv4_address
        if self.ipv6_address is not None:
            wire["ipv6Address"] = self.ipv6_address
        return wire


def _device(value: object, name: str = "device") -> Optional[Device]:
    if value is not None and not isinstance(value, Device):
        raise TypeError(f"{name} must be a qod.Device or None, not {type(value).__name__}")
    return value


@dataclass(frozen=True)
class CreateSession:
    """What a new QoS session asks for.

    ``device`` may be left out only with a three-legged token, which names it.
    """

    qos_profile: str
    device: Optional[Device] = None
    duration: Optional[int] = None
    application_server: Optional[ApplicationServer] = None
    sink: Optional[str] = None

    def __post_init__(self) -> None:
        """Check the types."""
        _text("qos_profile", self.qos_profile)
        _device(self.device)
        _whole("duration", self.duration, optional=True)
        if self.application_server is not None and not isinstance(
            self.application_server, ApplicationServer
        ):
            raise TypeError("application_server must be a qod.ApplicationServer or None")
        _text("sink", self.sink, optional=True)

    def to_wire(self) -> Json:
        """The API's JSON form."""
        wire: Json = {"qosProfile": self.qos_profile}
        if self.device is not None:
            wire["device"] = self.device.to_wire()
        if self.duration is not None:
            wire["duration"] = self.duration
        if self.application_server is not None:
            wire["applicationServer"] = self.application_server.to_wire()
        if self.sink is not None:
            wire["sink"] = self.sink
        return wire


@dataclass(frozen=True)
class CreateAssignment:
    """A QoS profile for a device until revoked (QoS Provisioning)."""

    qos_profile: str
    device: Optional[Device] = None
    sink: Optional[str] = None

    def __post_init__(self) -> None:
        """Check the types."""
        _text("qos_profile", self.qos_profile)
        _device(self.device)
        _text("sink", self.sink, optional=True)

    def to_wire(self) -> Json:
        """The API's JSON form."""
        wire: Json = {"qosProfile": self.qos_profile}
        if self.device is not None:
            wire["device"] = self.device.to_wire()
        if self.sink is not None:
            wire["sink"] = self.sink
        return wire


@dataclass(frozen=True)
class SessionInfo:
    """A QoS session as the server describes it."""

    session_id: str
    qos_profile: str
    duration: int
    qos_status: str
    started_at: Optional[str] = None
    expires_at: Optional[str] = None
    status_info: Optional[str] = None
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_wire(cls, wire: Json) -> SessionInfo:
        """Read the JSON the core made of the answer."""
        return cls(
            session_id=wire["sessionId"],
            qos_profile=wire["qosProfile"],
            duration=wire["duration"],
            qos_status=wire["qosStatus"],
            started_at=_timestamp(wire.get("startedAt")),
            expires_at=_timestamp(wire.get("expiresAt")),
            status_info=wire.get("statusInfo"),
            raw=wire,
        )


@dataclass(frozen=True)
class QosProfile:
    """A QoS profile: what a session or assignment may ask for."""

    name: str
    status: str
    description: Optional[str] = None
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_wire(cls, wire: Json) -> QosProfile:
        """Read the JSON the core made of the answer."""
        return cls(
            name=wire["name"],
            status=wire["status"],
            description=wire.get("description"),
            raw=wire,
        )


@dataclass(frozen=True)
class AssignmentInfo:
    """A QoS assignment (QoS Provisioning) as the server describes it."""

    assignment_id: str
    qos_profile: str
    status: str
    started_at: Optional[str] = None
    status_info: Optional[str] = None
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_wire(cls, wire: Json) -> AssignmentInfo:
        """Read the JSON the core made of the answer."""
        return cls(
            assignment_id=wire["assignmentId"],
            qos_profile=wire["qosProfile"],
            status=wire["status"],
            started_at=_timestamp(wire.get("startedAt")),
            status_info=wire.get("statusInfo"),
            raw=wire,
        )


@dataclass(frozen=True)
class Revocation:
    """How a revoke ended: done (``revoked``), or accepted and still running."""

    revoked: bool
    assignment: Optional[AssignmentInfo] = None

    @classmethod
    def from_wire(cls, wire: Json) -> Revocation:
        """Read the JSON the core made of the answer."""
        accepted = wire.get("accepted")
        if accepted is None:
            return cls(revoked=True)
        return cls(revoked=False, assignment=AssignmentInfo.from_wire(accepted))


def _timestamp(value: object) -> Optional[str]:
    return None if value is None else str(value)


def sessions_from_wire(wire: List[Json]) -> List[SessionInfo]:
    """Read a list of sessions."""
    return [SessionInfo.from_wire(item) for item in wire]


def profiles_from_wire(wire: List[Json]) -> List[QosProfile]:
    """Read a list of QoS profiles."""
    return [QosProfile.from_wire(item) for item in wire]
