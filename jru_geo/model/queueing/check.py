"""The hypercube checked against the discrete-event simulation, for one fleet's queue.

:func:`compare_with_simulation` runs :func:`~jru_geo.model.queueing.simulation.simulate_schedule` on
the very arrays the coverage engine handed the hypercube
(:class:`~jru_geo.model.coverage.result.QueueInputs`),
in chunks of weeks with their own seeds so a caller can show progress, and sets each vehicle's busy
fraction from the model beside the simulated one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from jru_geo.errors import QueueingError
from jru_geo.model.queueing.schedule import ScheduleResult
from jru_geo.model.queueing.simulation import simulate_schedule

__all__ = ["SimulationCheck", "compare_with_simulation"]

SimulationCheck = pd.DataFrame
"""One row per vehicle: ``vehicle, busy_model, busy_simulated, difference_pp``."""


def compare_with_simulation(
    arrival_rate_per_hour: np.ndarray,
    preference: np.ndarray,
    service_rate_per_hour: np.ndarray,
    on_shift: np.ndarray,
    schedule: ScheduleResult,
    *,
    slot_hours: float,
    vehicle_ids: list[str],
    weeks: int = 52,
    chunks: int = 4,
    seed: int = 0,
    on_progress: Callable[[float], None] | None = None,
) -> pd.DataFrame:
    """Busy fractions from the hypercube beside a simulation of the same weekly system.

    Parameters
    ----------
    arrival_rate_per_hour, preference, service_rate_per_hour, on_shift, slot_hours
        The queue as the engine built it (``CoverageResult.queue``).
    schedule
        The hypercube's answer for it.
    vehicle_ids
        Names of the vehicles, in order.
    weeks
        Weeks simulated in all (split over ``chunks``, each after a week of warm-up).
    chunks
        Runs, each with its own seed (``seed + i``); their busy fractions are averaged, weighted by weeks.
    seed
        First seed: the same inputs and seed give the same answer.
    on_progress
        Called with the share done (0-1] after each chunk, e.g. to move a progress bar.

    Returns
    -------
    DataFrame
        ``vehicle, busy_model, busy_simulated, difference_pp`` (percentage points, simulated minus model).

    Raises
    ------
    QueueingError
        ``weeks`` or ``chunks`` below 1, or more chunks than weeks.
    """
    if chunks < 1 or weeks < chunks:
        raise QueueingError(f"need 1 <= chunks <= weeks, got chunks={chunks} and weeks={weeks}")
    sizes = [weeks // chunks + (1 if i < weeks % chunks else 0) for i in range(chunks)]
    busy = np.zeros(len(vehicle_ids))
    for i, size in enumerate(sizes):
        sim = simulate_schedule(
            arrival_rate_per_hour,
            preference,
            service_rate_per_hour,
            on_shift,
            slot_hours=slot_hours,
            weeks=size,
            seed=seed + i,
        )
        busy += np.asarray(sim.busy_fraction) * size
        if on_progress is not None:
            on_progress((i + 1) / chunks)
    simulated = busy / weeks
    model = np.asarray(schedule.busy_fraction, dtype=np.float64)
    return pd.DataFrame(
        {
            "vehicle": vehicle_ids,
            "busy_model": model,
            "busy_simulated": simulated,
            "difference_pp": 100.0 * (simulated - model),
        }
    )
