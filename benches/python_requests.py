"""N sequential GETs with requests.Session, the stack T-Mobile's Python SDK uses.

Usage: python3 python_requests.py URL N
Prints one line: seconds=<float> calls=<int>
"""
import json
import sys
import time

import requests


def main() -> None:
    url, count = sys.argv[1], int(sys.argv[2])
    session = requests.Session()
    session.headers.update({"accept": "application/json"})
    for _ in range(50):
        session.get(url, timeout=30).json()
    started = time.perf_counter()
    for _ in range(count):
        response = session.get(url, timeout=30)
        response.raise_for_status()
        body = response.json()
        assert body["sessionId"]
    elapsed = time.perf_counter() - started
    print(f"seconds={elapsed:.6f} calls={count}")
    json.dumps(body)


if __name__ == "__main__":
    main()
