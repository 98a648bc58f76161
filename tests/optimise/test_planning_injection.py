"""plan_new_units with injected bases and travel matrices: the same plan as the default path.

Three LSOAs on a line 10 km apart, one unit at the west end, two candidate sites; a 60 km/h
straight-line model with a 1-minute turn-out and a 15-minute target.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from factories import LINE_X0, LINE_Y0, make_line_lsoas

from jru_geo.errors import PlanningError
from jru_geo.io.bases import resolve_bases
from jru_geo.io.boundaries import load_outline
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import parse_scenario
from jru_geo.model.travel.matrix import travel_matrix
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.optimise import planning
from jru_geo.optimise.candidates import demand_points
from jru_geo.optimise.planning import PlanResult, candidate_table, plan_new_units

X0, Y0 = LINE_X0, LINE_Y0
MODEL = StraightLineModel(speed_kmh=60.0, turnout_min=1.0)
XS = [X0, X0 + 10_000, X0 + 20_000]


@pytest.fixture
def lsoas() -> gpd.GeoDataFrame:
    return make_line_lsoas()


@pytest.fixture
def calls() -> pd.DataFrame:
    return pd.DataFrame({"lsoa_code": ["L1"] * 6 + ["L2"] * 3 + ["L3"] * 2})


@pytest.fixture
def fleet() -> Scenario:
    unit = {
        "id": "J1",
        "name": "Unit J1",
        "base": {"easting": X0, "northing": Y0},
        "shifts": [{"days": ["Fri", "Sat"], "start": "18:00", "end": "02:00"}],
    }
    return parse_scenario({"name": "one", "vehicles": [unit]})


@pytest.fixture
def sites() -> pd.DataFrame:
    return candidate_table(
        "sites",
        outline=load_outline(),
        sites=pd.DataFrame(
            {"name": ["west", "east"], "easting": [X0 - 5000, X0 + 20_000], "northing": [Y0, Y0]}
        ),
    )


def _same(a: PlanResult, b: PlanResult) -> None:
    pd.testing.assert_frame_equal(a.picks, b.picks, check_exact=True)
    assert a.recommendation == b.recommendation
    assert (a.n_demand_points, a.total_demand, a.target_min) == (
        b.n_demand_points,
        b.total_demand,
        b.target_min,
    )


@pytest.mark.parametrize("objective", ["mclp", "mexclp"])
def test_injected_bases_and_matrices_give_the_default_plan(
    calls: pd.DataFrame, fleet: Scenario, sites: pd.DataFrame, lsoas: gpd.GeoDataFrame, objective: str
) -> None:
    kw = {"lsoas": lsoas, "k": 1, "objective": objective}
    default = plan_new_units(calls, fleet, MODEL, sites, **kw)  # type: ignore[arg-type]
    assert default.picks["name"].tolist() == ["east"]
    bases = resolve_bases(fleet)
    xy, _ = demand_points(lsoas, incidents=calls)
    travel = travel_matrix(MODEL, points=xy, bases=sites[["easting", "northing"]].to_numpy())
    existing = travel_matrix(MODEL, points=xy, bases=bases)
    assert travel.shape == (3, 2) and existing.shape == (3, 1)
    _same(default, plan_new_units(calls, fleet, MODEL, sites, bases=bases, **kw))  # type: ignore[arg-type]
    _same(default, plan_new_units(calls, fleet, MODEL, sites, travel_min=travel, **kw))  # type: ignore[arg-type]
    _same(
        default,
        plan_new_units(calls, fleet, MODEL, sites, travel_min=travel, existing_min=existing, **kw),  # type: ignore[arg-type]
    )


def test_injected_bases_are_not_resolved_again(
    calls: pd.DataFrame,
    fleet: Scenario,
    sites: pd.DataFrame,
    lsoas: gpd.GeoDataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bases = resolve_bases(fleet)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("resolve_bases called although bases were given")

    monkeypatch.setattr(planning, "resolve_bases", fail)
    plan = plan_new_units(calls, fleet, MODEL, sites, lsoas=lsoas, k=1, bases=bases)
    assert plan.picks["name"].tolist() == ["east"]


def test_matrices_of_the_wrong_shape_and_foreign_bases_are_refused(
    calls: pd.DataFrame, fleet: Scenario, sites: pd.DataFrame, lsoas: gpd.GeoDataFrame
) -> None:
    with pytest.raises(
        PlanningError, match=r"travel_min must be \(n_demand_points, n_candidates\) = \(3, 2\)"
    ):
        plan_new_units(calls, fleet, MODEL, sites, lsoas=lsoas, k=1, travel_min=np.zeros((2, 3)))
    with pytest.raises(
        PlanningError, match=r"existing_min must be \(n_demand_points, n_vehicles\) = \(3, 1\)"
    ):
        plan_new_units(calls, fleet, MODEL, sites, lsoas=lsoas, k=1, existing_min=np.zeros((3, 2)))
    with pytest.raises(PlanningError, match="NaN minutes"):
        plan_new_units(calls, fleet, MODEL, sites, lsoas=lsoas, k=1, travel_min=np.full((3, 2), np.nan))
    with pytest.raises(PlanningError, match=r"vehicles \['J1'\] in order \(vehicle_id\), got \[\]"):
        plan_new_units(calls, fleet, MODEL, sites, lsoas=lsoas, k=1, bases=resolve_bases(fleet).iloc[:0])
