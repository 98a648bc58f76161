"""gaps_per_year, GAP_LABELS and covered_share_by_district: the small tables the pages show."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from jru_geo.model.coverage.business import WEEKS_PER_YEAR
from jru_geo.model.coverage.gaps import GAP_LABELS, gaps_per_year
from jru_geo.model.coverage.tables import covered_share_by_district


def _lsoa_gaps() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "lsoa_code": ["A", "B", "C", "D"],
            "uncovered": [2.0, 0.0, 0.5, 1.0],
            "uncovered_per_week": [0.7, 0.0, 0.1, 0.2],
            "main_gap": ["not_reached", "none", "lost_to_busy", "something_new"],
            "rank": [1, 4, 3, 2],
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(4)],
        crs="EPSG:27700",
    )


def test_keeps_only_uncovered_areas_in_order_and_counts_a_year() -> None:
    gaps = _lsoa_gaps()
    out = gaps_per_year(gaps)
    assert out["lsoa_code"].tolist() == ["A", "C", "D"]
    assert out["uncovered_per_year"].tolist() == pytest.approx(
        [0.7 * WEEKS_PER_YEAR, 0.1 * WEEKS_PER_YEAR, 0.2 * WEEKS_PER_YEAR]
    )
    assert out.crs == gaps.crs
    assert "uncovered_per_year" not in gaps.columns  # the input is not changed


def test_main_gap_in_words_and_an_unknown_kind_kept() -> None:
    out = gaps_per_year(_lsoa_gaps())
    assert out["main_gap"].tolist() == ["not reached", "units busy", "something_new"]
    assert GAP_LABELS == {
        "not_reached": "not reached",
        "out_of_hours": "out of hours",
        "lost_to_busy": "units busy",
    }


def test_no_gaps_gives_an_empty_frame() -> None:
    gaps = _lsoa_gaps().assign(uncovered=0.0)
    out = gaps_per_year(gaps)
    assert len(out) == 0 and "uncovered_per_year" in out.columns


def test_covered_share_by_district_reads_in_hours_coverage() -> None:
    class _Result:
        by_district = pd.DataFrame(
            {"district_code": ["E1", "E2"], "coverage_in_hours": [0.25, 1.0], "coverage_expected": [0.2, 0.9]}
        )

    share = covered_share_by_district(_Result())  # type: ignore[arg-type]
    assert share.to_dict() == {"E1": 0.25, "E2": 1.0}
    assert share.index.name == "district_code"
