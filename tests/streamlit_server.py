"""Start and stop ``streamlit run app.py`` on a free loopback port (used by tests and benchmarks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """``with StreamlitServer(log_path) as server: server.url ...``; raises RuntimeError if it never gets healthy."""

    def __init__(
        self, log_path: Path, *, env: dict | None = None, timeout: float = 90, cwd: Path = PROJECT_ROOT, replace_env: bool = False
    ):
        self.log_path = Path(log_path)
        self.cwd = Path(cwd)
        self.env = dict(env or {}) if replace_env else {**os.environ, **(env or {})}
        self.timeout = timeout
        self.process: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> StreamlitServer:
        port = free_port()
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=self.cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=self.env,
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("streamlit exited: " + self.log_path.read_text(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.__exit__(None, None, None)
        raise RuntimeError(f"streamlit did not become healthy in {self.timeout:.0f} s")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()
