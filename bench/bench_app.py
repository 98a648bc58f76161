"""App start-up in a real browser: cold first page, warm new session and top-nav switch, per page.

Starts ``streamlit run app.py`` itself (headless, free loopback port, no web tiles, pinned date) and drives
Debian's chromium through Playwright, the set-up of tests/app/test_browser.py. For every page it prints the
median of ``--rounds`` runs (3 unless told) of

- cold: the page's URL is the first request a freshly started server gets (time from ``goto`` to rendered);
- warm: a new browser context (new Streamlit session) opening the page on a server that has served every page;
- switch: clicking the page's top-nav link from another page in the same session;

"rendered" means the page's main content is there and the script has finished: the title (an ``h3`` in the
main block), no running-status widget and no stale elements left, and on map pages the folium iframe's Leaflet
markers attached. Then the time of ``python -m jru_geo --help`` (median of 3) and the ratios to the figures
recorded in issue 11 before this work. Run from the project root: ``python bench/bench_app.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
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
# (name, url path, top-nav title)
PAGES = [
    ("overview", "", "Overview"),
    ("heatmap", "heatmap", "Heatmap"),
    ("coverage", "coverage", "Coverage"),
    ("tonight", "tonight", "Tonight"),
    ("planner", "planner", "Planner"),
    ("data", "data", "Data"),
    ("model", "model", "Model"),
]
MAP_PAGES = {"overview", "heatmap", "coverage", "tonight", "planner"}
TIMEOUT_MS = 90_000
# Issue 11, "now" column (development machine, 2 cores, demo year): low and high ends of the ranges.
BEFORE = {"cold": (4.8, 7.4), "warm": (1.6, 3.2), "switch": (0.5, 1.5), "cli": (0.61, 0.61)}
TARGET = {"cold": 3.0, "warm": 1.5, "switch": 0.7, "cli": 0.3}

FINISHED_JS = """() => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    return !!main && !!main.querySelector('h3')
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-stale="true"]');
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 90.0) -> None:
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
def running_app(log_dir: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port; yields its URL once healthy."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "JRU_TILES": "0", "JRU_AS_OF": "2025-11-21", "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with (log_dir / f"server-{port}.log").open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(url, proc)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def _rendered(pg: Any, name: str) -> None:
    """Block until the page's main content is drawn and its script has finished."""
    pg.wait_for_function(FINISHED_JS, timeout=TIMEOUT_MS)
    if name in MAP_PAGES:
        frame = pg.locator('iframe[title*="st_folium"]').first.content_frame
        frame.locator(".leaflet-container .leaflet-marker-icon").first.wait_for(state="attached")
    if pg.locator('[data-testid="stException"]').count() or pg.get_by_text("Something went wrong").count():
        raise RuntimeError(f"the {name} page shows an error")


def _timed(action: Callable[[], None], pg: Any, name: str) -> float:
    start = time.perf_counter()
    action()
    _rendered(pg, name)
    return time.perf_counter() - start


def _new_page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    return pg


def measure(
    pages: list[tuple[str, str, str]], rounds: int, log_dir: Path
) -> dict[str, dict[str, list[float]]]:
    """Seconds per kind ("cold", "warm", "switch") per page name, one entry per round."""
    from playwright.sync_api import sync_playwright

    kinds = ("cold", "warm", "switch")
    times: dict[str, dict[str, list[float]]] = {k: {n: [] for n, _, _ in pages} for k in kinds}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(rounds):
                for name, path, _title in pages:
                    with running_app(log_dir) as url:
                        pg = _new_page(browser)
                        times["cold"][name].append(_timed(partial(pg.goto, f"{url}/{path}"), pg, name))
                        pg.context.close()
            with running_app(log_dir) as url:
                pg = _new_page(browser)
                for name, path, _title in pages:  # every page once, so the caches are warm
                    _timed(partial(pg.goto, f"{url}/{path}"), pg, name)
                pg.context.close()
                for _ in range(rounds):
                    for name, path, _title in pages:
                        pg = _new_page(browser)
                        times["warm"][name].append(_timed(partial(pg.goto, f"{url}/{path}"), pg, name))
                        pg.context.close()
                pg = _new_page(browser)
                _timed(partial(pg.goto, f"{url}/{pages[-1][1]}"), pg, pages[-1][0])
                for _ in range(rounds):
                    for name, _path, title in pages:
                        link = pg.locator('[data-testid="stTopNavLink"]', has_text=title).first
                        times["switch"][name].append(_timed(link.click, pg, name))
                pg.context.close()
        finally:
            browser.close()
    return times


def cli_help_seconds(rounds: int) -> list[float]:
    """Wall time of ``python -m jru_geo --help`` in a new process, one entry per round."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "jru_geo", "--help"]
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
        out.append(time.perf_counter() - start)
    return out


def _verdict(kind: str, seconds: float) -> str:
    low, high = BEFORE[kind]
    before = f"{low:.2f} s" if low == high else f"{low:.1f}-{high:.1f} s"
    ratio = f"{seconds / high:.2f}x" if low == high else f"{seconds / high:.2f}-{seconds / low:.2f}x"
    ok = "OK" if seconds < TARGET[kind] else "over"
    return f"before {before:>10}  now/before {ratio:>11}  target < {TARGET[kind]} s {ok}"


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure (median printed)")
    parser.add_argument("--pages", nargs="*", default=[p[0] for p in PAGES], help="page names")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    pages = [p for p in PAGES if p[0] in args.pages]
    load = os.getloadavg()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        times = measure(pages, args.rounds, Path(tmp))
    cli = statistics.median(cli_help_seconds(args.rounds))
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"date:    {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    end_load = os.getloadavg()[0]
    print(f"load average at start {load[0]:.2f}, at end {end_load:.2f}; demo year; medians of {args.rounds}")
    labels = {"cold": "cold first page", "warm": "warm new session", "switch": "top-nav switch"}
    for kind, label in labels.items():
        medians = {n: statistics.median(v) for n, v in times[kind].items()}
        for name, sec in medians.items():
            print(f"{label:17} {name:9} {sec:6.2f} s  {_verdict(kind, sec)}")
        worst = max(medians.values())
        print(f"{label:17} {'worst':9} {worst:6.2f} s  {_verdict(kind, worst)}")
    print(f"{'jru_geo --help':17} {'':9} {cli:6.2f} s  {_verdict('cli', cli)}")
    print(f"total bench time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
