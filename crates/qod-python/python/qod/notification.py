"""Checking the status notifications a webhook or sink receives."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple, Union

from . import _native
from ._errors import InvalidInput

Headers = Union[Mapping[str, str], Iterable[Tuple[str, str]]]


def verify(
    headers: Headers, body: bytes, *, expected_token: Optional[str] = None
) -> Dict[str, Any]:
    """Verify a session status notification (a CloudEvent) and return it as a dict.

    ``expected_token`` is the ``notificationAuthToken`` the session was
    created with; the notification must carry it as ``Authorization:
    Bearer``. Raises ``qod.InvalidInput`` for a notification to refuse.
    """
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    native = [(str(name), str(value).encode()) for name, value in pairs]
    try:
        event: Dict[str, Any] = json.loads(
            _native.verify_notification(native, bytes(body), expected_token)
        )
    except _native.NativeInvalidInput as error:
        field, rule = error.args
        raise InvalidInput(f"{field}: {rule}", field=field) from None
    return event
