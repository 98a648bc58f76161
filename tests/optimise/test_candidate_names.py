"""Grid candidate sites named by their nearest town and postcode."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from jru_geo.io.boundaries import load_outline
from jru_geo.optimise import candidates
from jru_geo.optimise._objective import PlacementError
from jru_geo.optimise.candidates import candidate_grid, place_names
from jru_geo.optimise.planning import candidate_table

TOWNS = pd.DataFrame({"name": ["West", "East"], "easting": [0.0, 10_000.0], "northing": [0.0, 0.0]})
POSTCODES = pd.DataFrame(
    {"postcode": ["AA1 1AA", "BB2 2BB"], "easting": [1_000.0, 9_000.0], "northing": [0.0, 0.0]}
)


def test_place_names_nearest_town_and_postcode_unique_and_far() -> None:
    e = np.array([0.0, 2_000.0, 9_500.0, 4_000.0, 100_000.0])
    n = np.zeros(5)
    names = place_names(e, n, towns=TOWNS, postcodes=POSTCODES)
    assert names == [
        "near West (AA1 1AA)",
        "near West (AA1 1AA) #2",
        "near East (BB2 2BB)",
        "near West (AA1 1AA) #3",
        "grid 100000 0",  # 91 km from any postcode: no place to be near
    ]
    assert place_names(e, n, towns=TOWNS, postcodes=POSTCODES, near_m=500.0)[2] == "near East (BB2 2BB)"
    assert place_names(e[:1], n[:1], towns=TOWNS.iloc[:0], postcodes=POSTCODES) == ["grid 0 0"]


def test_place_names_checks_columns() -> None:
    with pytest.raises(PlacementError, match=r"postcodes lack columns \['postcode'\]"):
        place_names(np.zeros(1), np.zeros(1), towns=TOWNS, postcodes=POSTCODES.drop(columns="postcode"))


def test_place_names_doctest() -> None:
    assert doctest.testmod(candidates).failed == 0


def test_kent_grid_named_by_town_and_postcode() -> None:
    grid = candidate_grid(load_outline(), cell_m=5000)
    assert grid["name"].is_unique
    named = r"near [A-Z][A-Za-z ]+ \([A-Z]{1,2}\d{1,2}[A-Z]? \d[A-Z]{2}\)( #\d+)?"
    assert grid["name"].str.fullmatch(named).all()
    # the Kent grid in the candidate table carries the same names, unique beside the stations
    both = candidate_table("both", outline=load_outline(), cell_m=5000)
    assert both["name"].is_unique
    assert set(grid["name"]) <= set(both.loc[both["kind"] == "grid", "name"])
