"""A session's whole life against the sandbox: create, wait, extend, delete.

Start the sandbox first (``cargo run -p qod-cli -- --auth bearer --token
my-token sandbox``) and pass its 1.x URL, e.g.
``python examples/quickstart.py http://127.0.0.1:9091/quality-on-demand/v1``.
"""

from __future__ import annotations

import sys

import qod


def main(base_url: str) -> None:
    """Run the lifecycle and print each step."""
    with qod.Client(base_url, auth=qod.Bearer("my-token")) as client:
        info = client.create_session(
            qod.CreateSession(
                device=qod.Device(phone_number="+14255550100"),
                qos_profile="QOS_E",
                duration=600,
                application_server=qod.ApplicationServer(ipv4_address="198.51.100.7"),
            )
        )
        print(f"created {info.session_id}: {info.qos_status}")
        try:
            ready = client.wait_for_session(info.session_id, interval=0.2, timeout=30)
            print(f"{ready.session_id} is {ready.qos_status}")
            extended = client.extend_session(info.session_id, 60)
            print(f"extended to {extended.duration} s")
        except qod.ApiError as error:
            print(f"{error.status} {error.code}: {error.message} ({error.correlator})")
        finally:
            client.delete_session(info.session_id)
            print("deleted")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:9091/quality-on-demand/v1")
