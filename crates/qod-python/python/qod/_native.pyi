"""The native module: qod-core's call machine, speaking plain data."""

import asyncio
from typing import Any, Callable, List, Optional, Sequence, Tuple

BODY_LIMIT: int
STEP_SEND: int
STEP_SLEEP: int
STEP_WAIT: int
STEP_DONE: int
STEP_ERROR: int

class NativeInvalidInput(ValueError):
    """Bad input: ``args`` are the field and the rule it broke."""

class TokenWaiter:
    """The end of another call's token fetch."""

    def block(self, at_most: float) -> None:
        """Block this thread, without the GIL, until the fetch ends or ``at_most`` passes."""
    def notify(
        self,
        event_loop: asyncio.AbstractEventLoop,
        future: asyncio.Future[None],
        callback: Callable[[asyncio.Future[None]], None],
    ) -> bool:
        """Have ``callback(future)`` run on the loop when the fetch ends; True if it has."""

class Job:
    """One call or status wait, driven step by step."""

    def next_step(self) -> Tuple[Any, ...]:
        """What to do next: a tuple whose first item is a ``STEP_*`` constant."""
    def receive(self, status: int, headers: Sequence[Tuple[bytes, bytes]], body: bytes) -> None:
        """Hand over the answer to the request out."""
    def fail(self, delivery: int, message: str) -> None:
        """Hand over a transport failure: 0 not sent, 1 maybe sent, 2 fatal."""
    def cut_short(self, status: int, body: bytes) -> None:
        """Hand over an answer whose body ran past ``BODY_LIMIT`` bytes."""

class Core:
    """One client's core: endpoint, credentials and their token cache."""

    def __init__(self, base_url: str, auth: Optional[Tuple[object, ...]] = None) -> None:
        """Make a core; ``auth`` is an auth value's native tuple."""
    def start(
        self,
        operation: str,
        args: bytes,
        correlator: Optional[str] = None,
        time_limit: Optional[float] = None,
    ) -> Job:
        """Start ``operation`` with its arguments as a JSON object."""

def verify_notification(
    headers: List[Tuple[str, bytes]], body: bytes, expected_token: Optional[str] = None
) -> bytes:
    """Verify a session status notification; return its event as JSON."""
