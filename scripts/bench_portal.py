"""`make bench`, the portal's part (issue 23): the real server (`ipstat serve`, uvicorn) on a
loopback port, uploads of the sample workbooks as the members send them.

1. Latency: the eleven members upload at the same moment, round after round; each upload is a
   new version (the workbook's zip comment made unique, as a re-save makes new bytes) answered
   with its findings as JSON. Target: median <= 300 ms, p95 <= 1 s.
2. Memory: 1,000 uploads in all; the server process's resident memory after each hundred, and
   its peak (Linux /proc). Target: flat (each upload is read in a worker process that ends).

`BENCH_PORTAL_UPLOADS` (default 1000) sets the total; `BENCH_PORTAL_SAME=1` sends the same
eleven contents every round (the ledger does not grow: what memory the uploads alone take).
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "2016"
IPSTAT = [sys.executable, "-m", "ipstat"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def memory(pid: int) -> tuple[float, float]:
    """The process's resident and peak resident memory, MiB (0 where /proc is not)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0, 0.0
    found = {
        line.split(":")[0]: int(line.split()[1]) / 1024
        for line in text.splitlines()
        if line.startswith(("VmRSS", "VmHWM"))
    }
    return found.get("VmRSS", 0.0), found.get("VmHWM", 0.0)


def versions(folder: Path, rounds: int) -> dict[str, list[bytes]]:
    """Each sample workbook `rounds` times, each copy new bytes (its zip comment)."""
    made: dict[str, list[bytes]] = {}
    for path in sorted(SAMPLE.glob("*.xlsx")):
        made[path.name] = []
        for n in range(rounds):
            copy = folder / f"{n}-{path.name}"
            shutil.copy(path, copy)
            if os.environ.get("BENCH_PORTAL_SAME") != "1":
                with zipfile.ZipFile(copy, "a") as book:
                    book.comment = f"ban {n}".encode()
            made[path.name].append(copy.read_bytes())
            copy.unlink()
    return made


def main() -> None:
    total = int(os.environ.get("BENCH_PORTAL_UPLOADS", "1000"))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        inbox = root / "2016"
        inbox.mkdir()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        made = subprocess.run(
            [*IPSTAT, "links", str(inbox), "--base-url", base, "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        links = json.loads(made.stdout)["members"]
        # Which member each sample workbook is: the member whose upload of it is accepted.
        server = subprocess.Popen(
            [*IPSTAT, "serve", str(inbox), "--port", str(port), "--uploads-per-hour", "1000000"],
            cwd=root,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                try:
                    httpx.get(base, timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            rounds = -(-total // 11)
            books = versions(root, rounds)
            owner = match_owners(links, books)
            run(links, books=books, owner=owner, rounds=rounds, total=total, pid=server.pid)
        finally:
            server.terminate()
            server.wait(30)


def match_owners(links: dict[str, str], books: dict[str, list[bytes]]) -> dict[str, str]:
    """The sample file of each member, by the portal's own answer (a warm-up upload each)."""
    owner: dict[str, str] = {}
    with httpx.Client(timeout=60) as client:
        for name in books:
            answer = client.post(
                f"{next(iter(links.values()))}/tep",
                files={"tep": (name, SAMPLE.joinpath(name).read_bytes())},
                headers={"accept": "application/json"},
            )
            said = answer.json().get("error", "")
            member = next((m for m in links if f"là của {m}," in said), None)
            owner[name] = member or next(iter(links))
    return owner


def run(
    links: dict[str, str],
    *,
    books: dict[str, list[bytes]],
    owner: dict[str, str],
    rounds: int,
    total: int,
    pid: int,
) -> None:
    latencies: list[float] = []
    samples: list[tuple[int, float, float]] = []
    sent = 0

    def upload(client: httpx.Client, name: str, n: int) -> float:
        started = time.perf_counter()
        answer = client.post(
            f"{links[owner[name]]}/tep",
            files={"tep": (name, books[name][n])},
            headers={"accept": "application/json"},
        )
        elapsed = time.perf_counter() - started
        if answer.status_code != 200 or "findings" not in answer.json():
            raise SystemExit(f"upload of {name} answered {answer.status_code}: {answer.text}")
        return elapsed

    limits = httpx.Limits(max_connections=11)
    with httpx.Client(timeout=60, limits=limits) as client, ThreadPoolExecutor(11) as pool:
        for n in range(rounds):
            batch = list(books)[: max(0, min(11, total - sent))]
            latencies += pool.map(lambda name, n=n: upload(client, name, n), batch)
            sent += len(batch)
            if sent // 100 != (sent - len(batch)) // 100 or sent == total:
                samples.append((sent, *memory(pid)))
    latencies.sort()
    median = statistics.median(latencies) * 1000
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
    what = (
        "the same eleven contents again and again"
        if os.environ.get("BENCH_PORTAL_SAME") == "1"
        else "each a new version"
    )
    print(f"Portal: {len(latencies)} uploads, 11 at once, {what}, answered as JSON")
    print(f"  latency median {median:.0f} ms (target <= 300), p95 {p95:.0f} ms (target <= 1000)")
    print("  server memory (resident MiB) after each hundred uploads:")
    print("   " + ", ".join(f"{s}: {rss:.0f}" for s, rss, _ in samples))
    first, last = samples[0][1], samples[-1][1]
    print(f"  peak {samples[-1][2]:.0f} MiB; first {first:.0f} MiB -> last {last:.0f} MiB")


if __name__ == "__main__":
    main()
