"""Latency of ``handouts serve`` under load: N handout downloads sent at once to the real server.

    .venv/bin/python bench/web_load.py            # 50 concurrent requests, partner-neck in handout-a4
    .venv/bin/python bench/web_load.py -n 20 --layout handout-large-print

The server is started as a user starts it (``handouts serve`` on a free local
port); each request is a whole form post with a different name, answered with
the PDF. Prints the median and 95th-percentile latency and the wall time.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def load(url: str, count: int, routine: str, layout: str, timeout: float) -> tuple[list[float], list[str]]:
    """Latencies of ``count`` handout requests sent together, and a line for each that failed."""
    first = httpx.get(url + "/handout", timeout=timeout)
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', first.text).group(1)
    cookies = dict(first.cookies)
    latencies: list[float] = []
    failures: list[str] = []
    start = threading.Barrier(count)

    def one(i: int) -> None:
        data = {"csrf": token, "routine": routine, "layout": layout, "for_name": f"Person {i:03d}",
                "action": "download"}
        with httpx.Client(cookies=cookies, timeout=timeout) as client:
            start.wait()
            began = time.perf_counter()
            try:
                r = client.post(url + "/handout", data=data)
            except httpx.HTTPError as exc:
                failures.append(f"{i}: {type(exc).__name__}")
                return
            took = time.perf_counter() - began
        if r.status_code != 200 or not r.content.startswith(b"%PDF"):
            failures.append(f"{i}: HTTP {r.status_code}")
        else:
            latencies.append(took)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout + 5)
    return latencies, failures


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=50, help="concurrent requests (default 50)")
    parser.add_argument("--routine", default="partner-neck")
    parser.add_argument("--layout", default="handout-a4")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "handouts"), "serve", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_up(url + "/")
        load(url, 2, args.routine, args.layout, args.timeout)  # warm: fonts, forms, caches
        began = time.perf_counter()
        latencies, failures = load(url, args.n, args.routine, args.layout, args.timeout)
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(10)
    print(f"{args.n} concurrent requests ({args.routine}, {args.layout}): {len(latencies)} PDFs, "
          f"{len(failures)} failed, wall {wall:.2f} s")
    if latencies:
        print(f"median {statistics.median(latencies):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, "
              f"fastest {min(latencies):.2f} s, slowest {max(latencies):.2f} s")
    for line in failures:
        print("failed:", line)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
