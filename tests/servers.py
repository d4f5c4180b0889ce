"""Real servers for tests: `dcatgen serve`, `oxigraph serve` and nginx, as child processes on
loopback.

Each is started on a free 127.0.0.1 port, waited for, and stopped by its PID (SIGTERM, then
SIGKILL if it lingers) when the `with` block ends, whatever happened inside it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import requests

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
START_TIMEOUT_S = 60.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Running:
    """A started server: its process, its base URL and the file its output goes to."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def _wait(running: Running, probe: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise RuntimeError(f"server exited {running.process.returncode}:\n{running.output()}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(running.url + probe, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server not ready after {START_TIMEOUT_S} s:\n{running.output()}")


def stop(process: subprocess.Popen[bytes], timeout: float = 20.0) -> int:
    """SIGTERM the process, wait, SIGKILL if needed; return its exit code."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
    return process.returncode


@contextlib.contextmanager
def started(command: Sequence[str], port: int, log: Path, probe: str) -> Iterator[Running]:
    """Run a server command; yield it once `probe` answers 200; always stop it."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            list(command), stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    running = Running(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait(running, probe)
        yield running
    finally:
        stop(process)


def dcatgen_serve(
    data: Path, log: Path, *options: str
) -> contextlib.AbstractContextManager[Running]:
    """`dcatgen serve DATA --port P OPTIONS…` on a free port."""
    port = free_port()
    command = [sys.executable, "-m", "dcatgen", "serve", str(data), "--port", str(port), *options]
    return started(command, port, log, "/health")


def oxigraph_serve(location: Path, log: Path) -> contextlib.AbstractContextManager[Running]:
    """`oxigraph serve --location DIR --bind 127.0.0.1:P` on a free port."""
    port = free_port()
    command = [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    return started(command, port, log, "/")


NGINX_SITE = Path(__file__).resolve().parents[1] / "docs" / "deploy" / "nginx-dcatgen.conf"
"""The nginx configuration docs/production.md documents; tests run it less its TLS lines."""


def nginx_binary() -> str | None:
    """nginx's path (Debian puts it in /usr/sbin, which a user's PATH may lack), or None."""
    return shutil.which("nginx") or next(
        (str(path) for path in (Path("/usr/sbin/nginx"),) if path.exists()), None
    )


def nginx_site(text: str, upstream_port: int, listen_port: int, logs: Path) -> str:
    """The documented site configuration for a test: its lines marked ``# TLS`` left out (the
    HTTPS listener becomes a plain one on 127.0.0.1), both upstream instances pointed at one
    test server, logs in the test's folder.  Everything else is used as written."""
    lines = []
    for line in text.splitlines():
        if line.rstrip().endswith("# TLS"):
            if line.strip().startswith("listen 443 "):
                lines.append(f"    listen 127.0.0.1:{listen_port};")
            continue
        lines.append(line)
    site = "\n".join(lines) + "\n"
    for port in (8080, 8081):
        site = site.replace(f"127.0.0.1:{port}", f"127.0.0.1:{upstream_port}")
    return site.replace("/var/log/nginx/", f"{logs}/")


def nginx_proxy(upstream_port: int, folder: Path) -> contextlib.AbstractContextManager[Running]:
    """nginx with the documented site in front of 127.0.0.1:UPSTREAM_PORT, on a free port.

    Runs in the foreground as a direct child (``daemon off``), with its pid file, temporary
    files and logs in FOLDER; probed through to the upstream's /health.
    """
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = folder / "site.conf"
    site.write_text(
        nginx_site(NGINX_SITE.read_text(encoding="utf-8"), upstream_port, port, folder),
        encoding="utf-8",
    )
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would run as 'nobody' and not reach the test's private folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} info;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n    access_log {folder / 'access.log'};\n{temp}\n    include {site};\n}}\n",
        encoding="utf-8",
    )
    command = [binary, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(main)]
    return started(command, port, folder / "nginx.out", "/health")
