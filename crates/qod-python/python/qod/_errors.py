"""The exceptions qod raises."""

from __future__ import annotations

from typing import Optional, Tuple, Type


class Error(Exception):
    """Any failure of a qod call.

    Every error names the call's ``x-correlator``, and after a create whose
    answer could not be read, the session or QoS assignment it made, so that
    it can be deleted.
    """

    status: Optional[int]
    """The HTTP status, when the server answered."""
    code: Optional[str]
    """The CAMARA error code, e.g. ``QUOTA_EXCEEDED``."""
    message: Optional[str]
    """The server's message, or what went wrong."""
    correlator: Optional[str]
    """The ``x-correlator`` the call sent."""
    created_session_id: Optional[str]
    """The session a create made although its answer could not be read."""
    created_assignment_id: Optional[str]
    """The QoS assignment a create made although its answer could not be read."""

    def __init__(
        self,
        text: str,
        *,
        status: Optional[int] = None,
        code: Optional[str] = None,
        message: Optional[str] = None,
        correlator: Optional[str] = None,
        created_session_id: Optional[str] = None,
        created_assignment_id: Optional[str] = None,
    ) -> None:
        """Make an error from its parts."""
        super().__init__(text)
        self.status = status
        self.code = code
        self.message = message if message is not None else text
        self.correlator = correlator
        self.created_session_id = created_session_id
        self.created_assignment_id = created_assignment_id


class InvalidInput(Error, ValueError):
    """Bad input, refused before anything was sent."""

    field: Optional[str]
    """The field that broke a rule, when known."""

    def __init__(self, text: str, *, field: Optional[str] = None, **parts: object) -> None:
        """Make the error; ``field`` names what was refused."""
        super().__init__(text, **parts)  # type: ignore[arg-type]
        self.field = field


class ApiError(Error):
    """The server answered with an error status."""


NativeError = Tuple[
    str,
    str,
    Optional[int],
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[str],
    Optional[str],
]


def from_native(parts: NativeError) -> Error:
    """Build the exception the native layer describes."""
    kind, text, status, code, message, correlator, session_id, assignment_id = parts
    cls: Type[Error] = {"invalid": InvalidInput, "api": ApiError}.get(kind, Error)
    return cls(
        text,
        status=status,
        code=code,
        message=message,
        correlator=correlator,
        created_session_id=session_id,
        created_assignment_id=assignment_id,
    )
