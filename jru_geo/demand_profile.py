"""Hour-of-week demand profiles: night-time economy for violence, alcohol and disorder, daytime otherwise.

Each profile is 168 weights summing to 1, Monday 00:00-01:00 first (:mod:`jru_geo.week`). The demo
generator (:mod:`jru_geo.io.demo`) draws incident hours from them, and the coverage model uses them
to spread incidents known only to the day or month over the hours of the week. The shapes are
assumptions, not measurements: the night profile peaks 18:00-02:00, most of all on Friday and
Saturday evenings (whose early hours fall on Saturday and Sunday); the day profile is busy
07:00-22:00 with commuting bumps.
"""

from __future__ import annotations

import numpy as np

__all__ = ["hour_of_week_profile"]

NIGHT_CATEGORIES = ("violence", "alcohol", "public_order")


def _night_profile() -> np.ndarray:
    """Weekly profile (168 weights, Monday 00:00 first) for night-time-economy demand."""
    hour = np.arange(24)
    base = np.where((hour >= 18) | (hour < 2), 3.0, np.where((hour >= 2) & (hour < 7), 0.6, 1.0))
    week = np.tile(base, 7).astype(float)
    # Friday and Saturday evening 18:00-02:00 (the early hours belong to Saturday and Sunday).
    for day in (4, 5):
        week[day * 24 + 18 : day * 24 + 24] *= 2.5
        week[(day + 1) * 24 : (day + 1) * 24 + 2] *= 2.5
    return week / week.sum()


def _day_profile() -> np.ndarray:
    """Weekly profile (168 weights) for daytime-led demand (collisions, welfare, injuries)."""
    hour = np.arange(24)
    base = np.where((hour >= 7) & (hour < 22), 2.0, 0.7)
    base = base + np.where(np.isin(hour, [8, 9, 16, 17, 18]), 1.0, 0.0)  # commuting peaks
    week = np.tile(base, 7).astype(float)
    week[5 * 24 + 18 : 7 * 24] *= 1.2  # busier weekend evenings
    return week / week.sum()


def hour_of_week_profile(category: str) -> np.ndarray:
    """Give the weekly demand profile the demo uses for ``category``.

    Parameters
    ----------
    category
        A JRU category code; ``violence``, ``alcohol`` and ``public_order`` follow the night-time
        profile.

    Returns
    -------
    ndarray
        168 shares summing to 1, Monday 00:00-01:00 first.
    """
    return _night_profile() if category in NIGHT_CATEGORIES else _day_profile()
