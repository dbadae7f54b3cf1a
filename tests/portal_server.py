"""The portal as its users meet it: `ipstat links`, then `ipstat serve` in a process of its own
on a free loopback port, spoken to over HTTP (intake-portal.md §5)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

IPSTAT = [sys.executable, "-m", "ipstat"]
SAMPLES = Path(__file__).parent.parent / "sample_data" / "2016"
JSON = {"accept": "application/json"}


@dataclass
class Server:
    base: str
    inbox: Path
    work: Path  # the server's working folder: where the actions write ket-qua/
    secretariat: str
    members: dict[str, str]  # member → its link
    process: "subprocess.Popen[str]"
    said: str = ""  # what the server said on stderr, once stopped

    def client(self) -> httpx.Client:
        return httpx.Client(timeout=60)

    def upload(
        self, member: str, path: Path, *, name: str | None = None, as_json: bool = True
    ) -> httpx.Response:
        with self.client() as client:
            files = {"tep": (name or path.name, path.read_bytes())}
            return client.post(
                f"{self.members[member]}/tep", files=files, headers=JSON if as_json else {}
            )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def ipstat(*args: str, cwd: Path | None = None) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [*IPSTAT, *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd, check=False
    )


@contextmanager
def running(inbox: Path, work: Path, *options: str) -> Iterator[Server]:
    """Links made for `inbox` (year 2016), the server started and stopped with Ctrl-C."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    made = ipstat("links", str(inbox), "--year", "2016", "--base-url", base, "--json")
    assert made.returncode == 0, made.stderr
    links = json.loads(made.stdout)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*IPSTAT, "serve", str(inbox), "--year", "2016", "--port", str(port), *options],
        cwd=work,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    try:
        wait_until_up(base, process)
        server = Server(base, inbox, work, links["secretariat"], links["members"], process)
        yield server
    except BaseException:
        stop(process)
        raise
    said = server.said = stop(process)
    assert "Traceback" not in said, said  # a clean stop, and no failure ever showed one
    assert "Đã dừng cổng tiếp nhận." in said, said


def wait_until_up(base: str, process: "subprocess.Popen[str]") -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server ended: {process.communicate()}")
        try:
            httpx.get(base, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not start in 30 s")


def stop(process: "subprocess.Popen[str]") -> str:
    """Ctrl-C, as the clerk stops it; what it said on stderr."""
    if process.poll() is None:
        interrupt = getattr(signal, "CTRL_C_EVENT", signal.SIGINT)  # Windows: its Ctrl-C
        process.send_signal(interrupt if sys.platform == "win32" else signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
    _, err = process.communicate()
    return err
