"""The command line's JSON: floats rounded by what their key means, numpy values made plain."""

from __future__ import annotations

import json

import numpy as np

from jru_geo._json import dumps, rounded


def test_floats_are_rounded_by_key():
    out = rounded(
        {
            "coverage_expected": 0.153775178422,
            "busy_fraction": {"JRU1": np.float64(0.26997542)},
            "gain_per_year": 733.0334,
            "gain_per_crew_hour": 0.097559123,
            "lat": 51.27366212345,
            "easting": 573362.04,
            "target_min": 15.0,
            "demand_scale": 0.08,
            "payback_years": 3.14159,
            "incidents": np.int64(15131),
            "picks": [{"calls_attended_per_year_after": 3061.1246}],
        }
    )
    assert out == {
        "coverage_expected": 0.15378,
        "busy_fraction": {"JRU1": 0.26998},
        "gain_per_year": 733.0,
        "gain_per_crew_hour": 0.0976,
        "lat": 51.273662,
        "easting": 573362.0,
        "target_min": 15.0,
        "demand_scale": 0.08,
        "payback_years": 3.14,
        "incidents": 15131,
        "picks": [{"calls_attended_per_year_after": 3061.1}],
    }
    assert type(out["incidents"]) is int


def test_non_finite_floats_become_null():
    assert json.loads(dumps({"mean_response_min": float("nan"), "x": float("inf")})) == {
        "mean_response_min": None,
        "x": None,
    }
