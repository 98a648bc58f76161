"""Timing helpers shared by the benchmark scripts: one child process's wall time and peak memory.

Each program under test runs as its own process; its peak memory is the maximum resident set size
the kernel reports for it (``os.wait4``, the child's ``ru_maxrss``), so one child's peak never
includes another's or the benchmark's own.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ROOT", "Run", "machine_line", "print_pair", "run"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Run:
    """One child process: wall seconds, peak RSS in MiB, and its standard output."""

    seconds: float
    peak_mib: float
    stdout: str


def run(cmd: list[str]) -> Run:
    """Run ``cmd`` from the project root; raise SystemExit with its stderr tail if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {err.read().decode()[-500:]}")
        out.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, out.read().decode().strip())


def machine_line() -> str:
    """The machine, Python, time (UTC) and load average, for the printed record of a run."""
    load = os.getloadavg()
    return (
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )


def print_pair(
    ours: list[Run], base: list[Run], ours_label: str, base_label: str
) -> tuple[float, float, float]:
    """Print the machine line and both medians and peaks; return the time ratio and both peaks (MiB)."""
    o_s = statistics.median(r.seconds for r in ours)
    b_s = statistics.median(r.seconds for r in base)
    o_mem = max(r.peak_mib for r in ours)
    b_mem = max(r.peak_mib for r in base)
    width = max(len(ours_label), len(base_label))
    print(machine_line())
    print(f"{ours_label:{width}}: median {o_s:7.2f} s over {len(ours)}  peak RSS {o_mem:6.0f} MiB")
    print(f"{base_label:{width}}: median {b_s:7.2f} s over {len(base)}  peak RSS {b_mem:6.0f} MiB")
    return o_s / b_s, o_mem, b_mem
