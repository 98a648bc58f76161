"""Start the app for scripted use: ``streamlit run server.py`` headless on a free loopback port.

The browser tests (``tests/app/browserkit.py``) and the start-up benchmark (``bench/bench_app.py``)
both drive Debian's chromium against a server started here, with the same chromium flags. The
server draws maps without web tiles and with a pinned "today", and has no file watcher (an edit to
a source file while it runs would otherwise put up "File change. Rerun" for good).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ROOT", "SERVER", "running_app"]

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server.py"
"""The README's way to serve the app: ``app.py``'s pages, with what they import loaded at start-up."""
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AS_OF = "2025-11-21"  # the pinned "today" of scripted runs, so screenshots and figures do not move


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before becoming healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within {timeout_s:.0f} s")


@contextmanager
def running_app(log_path: Path, *, timeout_s: float = 90.0, script: Path = SERVER) -> Iterator[str]:
    """Run the app until the block ends; yield its URL once ``/_stcore/health`` answers.

    Parameters
    ----------
    log_path
        File for the server's standard output and error (overwritten).
    timeout_s
        How long to wait for the server to answer before giving up.
    script
        The Streamlit script to run, from its own folder (whose ``.streamlit/`` and ``static/`` it
        uses): ``server.py`` (the pages of ``app.py``) unless a benchmark runs another.

    Raises
    ------
    RuntimeError
        The server exited or did not answer in time (its log says why).
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "JRU_TILES": "0", "JRU_AS_OF": AS_OF, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable, "-m", "streamlit", "run", script.name,
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=script.parent, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(url, proc, timeout_s)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
