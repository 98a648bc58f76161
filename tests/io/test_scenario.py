"""Tests for jru_geo.scenario: schema, error messages, IO, shifts, bases and candidate sites.

Dates used: 2020-11-02 is a Monday, so 2020-11-06 is a Friday and 2020-11-07 a Saturday.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from factories import make_vehicle
from hypothesis import given, settings
from hypothesis import strategies as st

from jru_geo.errors import CandidatesFileError, JruGeoError, ScenarioError
from jru_geo.io.bases import resolve_bases
from jru_geo.io.boundaries import load_districts
from jru_geo.io.scenario import Shift, Vehicle, add_vehicle
from jru_geo.io.scenario_files import (
    load_default_scenario,
    load_scenario,
    parse_scenario,
    save_scenario,
    scenario_to_json,
    scenario_to_yaml,
)
from jru_geo.io.sites import default_candidates, read_candidates
from jru_geo.model.shifts import hour_of_week_fraction, on_shift, weekly_hours
from jru_geo.settings import DEFAULT_SETTINGS
from jru_geo.week import DAYS

MONDAY = pd.Timestamp("2020-11-02")


@pytest.fixture
def postcodes() -> pd.DataFrame:
    """A two-row postcode table shaped like jru_geo.boundaries.load_postcodes()."""
    return pd.DataFrame(
        {
            "postcode": ["ME7 1NE", "CT1 3JQ"],
            "easting": [577349, 615017],
            "northing": [169462, 157406],
            "district_code": ["E06000035", "E07000106"],
        },
        index=pd.Index(["ME71NE", "CT13JQ"], name="key"),
    )


def vehicle(*shifts: Shift, vid: str = "J1") -> Vehicle:
    return make_vehicle(vid, name=f"Unit {vid}", postcode="ME7 1NE", shifts=shifts)


def times(*stamps: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(stamps)))


def valid_dict() -> dict[str, Any]:
    return {
        "name": "Test",
        "vehicles": [
            {
                "id": "A",
                "name": "Alpha",
                "base": {"postcode": "ME7 1NE"},
                "shifts": [{"days": ["Fri"], "start": "18:00", "end": "02:00"}],
            },
            {
                "id": "B",
                "name": "Beta",
                "base": {"easting": 615017, "northing": 157406},
                "shifts": [{"days": ["Sat", "Sun"], "start": "10:00", "end": "18:00"}],
            },
        ],
    }


# ------------------------------------------------------------------------------------------------
# Shifts


FRI_NIGHT = Shift(days=["Fri"], start="18:00", end="02:00")


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2020-11-06 17:59", False),  # Fri, one minute before the start
        ("2020-11-06 18:00", True),  # the start minute is on
        ("2020-11-06 23:59", True),
        ("2020-11-07 00:00", True),  # past midnight, still Friday's shift
        ("2020-11-07 01:59", True),
        ("2020-11-07 02:00", False),  # the end minute is off
        ("2020-11-07 18:30", False),  # Saturday evening: no Saturday shift
        ("2020-11-05 23:00", False),  # Thursday
    ],
)
def test_shift_crossing_midnight_belongs_to_its_start_day(stamp: str, expected: bool) -> None:
    assert on_shift(vehicle(FRI_NIGHT), times(stamp)).tolist() == [expected]


def test_sunday_night_shift_wraps_into_monday_morning() -> None:
    v = vehicle(Shift(days=["Sun"], start="22:00", end="02:00"))
    got = on_shift(v, times("2020-11-08 22:00", "2020-11-09 01:30", "2020-11-09 02:00", "2020-11-02 01:00"))
    assert got.tolist() == [True, True, False, True]
    assert hour_of_week_fraction(v)[[0, 1, 2, 166, 167]].tolist() == [1.0, 1.0, 0.0, 1.0, 1.0]


def test_end_equal_to_start_means_24_hours() -> None:
    v = vehicle(Shift(days=["Wed"], start="07:00", end="07:00"))
    assert weekly_hours(v) == 24.0
    got = on_shift(v, times("2020-11-04 06:59", "2020-11-04 07:00", "2020-11-05 06:59", "2020-11-05 07:00"))
    assert got.tolist() == [False, True, True, False]


def test_overlapping_shifts_are_counted_once() -> None:
    v = vehicle(FRI_NIGHT, Shift(days=["Fri"], start="20:00", end="01:00"))
    assert weekly_hours(v) == 8.0
    assert hour_of_week_fraction(v).sum() == pytest.approx(8.0)


def test_hour_of_week_fraction_index_zero_is_monday_midnight() -> None:
    frac = hour_of_week_fraction(vehicle(Shift(days=["Mon"], start="00:30", end="01:15")))
    assert frac.shape == (168,)
    assert frac[0] == pytest.approx(0.5)
    assert frac[1] == pytest.approx(0.25)
    assert frac[2:].sum() == 0.0


def test_vehicle_without_shifts_is_never_on() -> None:
    v = vehicle()
    assert weekly_hours(v) == 0.0
    assert not on_shift(v, times("2020-11-06 20:00")).any()


def test_timezone_aware_times_use_uk_wall_clock() -> None:
    # 17:30 UTC on Friday 3 July 2020 is 18:30 BST; naive 17:30 is taken as local time
    aware = pd.Series(pd.to_datetime(["2020-07-03 17:30"]).tz_localize("UTC"))
    assert on_shift(vehicle(FRI_NIGHT), aware).tolist() == [True]
    assert on_shift(vehicle(FRI_NIGHT), times("2020-07-03 17:30")).tolist() == [False]


def test_missing_times_are_off_shift_and_index_is_ignored() -> None:
    series = pd.Series(pd.to_datetime(["2020-11-06 20:00", None]), index=[10, 3])
    assert on_shift(vehicle(FRI_NIGHT), series).tolist() == [True, False]


def test_on_shift_rejects_text_times() -> None:
    with pytest.raises(TypeError, match="convert with pandas.to_datetime"):
        on_shift(vehicle(FRI_NIGHT), pd.Series(["2020-11-06 20:00"]))


def test_day_names_are_normalised() -> None:
    shift = Shift.model_validate({"days": ["friday", "SAT"], "start": "9:05", "end": "17:00"})
    assert shift.days == ["Fri", "Sat"]
    assert shift.start == "09:05"


minute_times = st.integers(0, 23).flatmap(lambda h: st.integers(0, 59).map(lambda m: f"{h:02d}:{m:02d}"))
shift_strategy = st.builds(
    Shift,
    days=st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True),
    start=minute_times,
    end=minute_times,
)
hour_shift_strategy = st.builds(
    Shift,
    days=st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True),
    start=st.integers(0, 23).map(lambda h: f"{h:02d}:00"),
    end=st.integers(0, 23).map(lambda h: f"{h:02d}:00"),
)
WEEK_HOURS = pd.Series(pd.date_range(MONDAY, periods=168, freq="h"))
WEEK_MINUTES = pd.Series(pd.date_range(MONDAY, periods=7 * 1440, freq="min"))


@settings(max_examples=60, deadline=None)
@given(st.lists(hour_shift_strategy, max_size=4))
def test_on_shift_agrees_with_hour_fraction_on_the_hour(shifts: list[Shift]) -> None:
    v = vehicle(*shifts)
    frac = hour_of_week_fraction(v)
    assert set(np.unique(frac)) <= {0.0, 1.0}
    np.testing.assert_array_equal(on_shift(v, WEEK_HOURS), frac == 1.0)
    assert frac.sum() == pytest.approx(weekly_hours(v))


@settings(max_examples=40, deadline=None)
@given(st.lists(shift_strategy, max_size=4))
def test_on_shift_minutes_average_to_hour_fraction(shifts: list[Shift]) -> None:
    v = vehicle(*shifts)
    minutes_on = on_shift(v, WEEK_MINUTES)
    np.testing.assert_allclose(minutes_on.reshape(168, 60).mean(axis=1), hour_of_week_fraction(v))
    assert minutes_on.sum() / 60 == pytest.approx(weekly_hours(v))
    assert 0.0 <= weekly_hours(v) <= 168.0


# ------------------------------------------------------------------------------------------------
# Validation errors


def _set(path: list[Any], value: Any) -> Any:
    def edit(d: dict[str, Any]) -> None:
        target: Any = d
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return edit


_DELETE = object()


@pytest.mark.parametrize(
    ("edit", "pattern"),
    [
        (
            _set(["vehicles", 1, "shifts", 0, "start"], "25:00"),
            r"s\.json: .*vehicles\[1\]\.shifts\[0\]\.start: got '25:00': use HH:MM.*e\.g\. 18:00",
        ),
        (
            _set(["vehicles", 0, "shifts", 0, "end"], "6pm"),
            r"vehicles\[0\]\.shifts\[0\]\.end: got '6pm': use HH:MM, e\.g\. 18:00",
        ),
        (_set(["vehicles", 0, "shifts", 0, "end"], "24:00"), r"end: got '24:00': use 00:00 for midnight"),
        (
            _set(["vehicles", 0, "shifts", 0, "start"], 1080),
            r"start: got 1080: .*base-60.*quote it, e\.g\. '18:00'",
        ),
        (_set(["vehicles", 0, "shifts", 0, "days"], ["Fri", "Fry"]), r"days\[1\]: got 'Fry'.*use one of Mon"),
        (_set(["vehicles", 0, "shifts", 0, "days"], "Fri"), r"days: got 'Fri': days must be a list"),
        (_set(["vehicles", 0, "shifts", 0, "days"], []), r"days: got \[\].*at least one"),
        (_set(["vehicles", 1, "target_min"], 0), r"vehicles\[1\]\.target_min: got 0: .*positive number"),
        (_set(["vehicles", 1, "job_min"], "long"), r"vehicles\[1\]\.job_min: got 'long'.*give a number"),
        (
            _set(["vehicles", 0, "targt_min"], 20),
            r"vehicles\[0\]\.targt_min: got 20: .*correct the spelling \(known fields: id, name, base",
        ),
        (_set(["vehicles", 1, "base"], _DELETE), r"vehicles\[1\]\.base: missing; add this field"),
        (
            _set(["vehicles", 0, "base"], {"postcode": "ME7 1NE", "lat": 51.4, "lon": 0.5}),
            r"vehicles\[0\]\.base: .*exactly one of lat\+lon, easting\+northing or postcode",
        ),
        (_set(["vehicles", 0, "base"], {"lat": 51.4}), r"vehicles\[0\]\.base: .*give both lat and lon"),
        (
            _set(["vehicles", 0, "base"], {"lat": 0.55, "lon": 51.38}),
            r"outside Great Britain's National Grid.*not swapped",
        ),
        (
            _set(["vehicles", 0, "base"], {"lat": 48.8566, "lon": 2.3522}),
            r"lat=48\.8566, lon=2\.3522 is outside Great Britain",
        ),
        (
            _set(["vehicles", 0, "base"], {"easting": 51.4, "northing": -5}),
            r"easting=51\.4, northing=-5\.0 look like degrees, not metres; give them as lat and lon",
        ),
        (
            _set(["vehicles", 0, "base"], {"postcode": "KENT"}),
            r"base\.postcode: got 'KENT': not a UK postcode",
        ),
        (_set(["vehicles", 1, "id"], "A"), r"vehicles: vehicle ids must be unique, \['A'\] repeated"),
        (_set(["name"], _DELETE), r"name: missing"),
    ],
)
def test_validation_errors_name_file_field_value_and_fix(edit: Any, pattern: str) -> None:
    data = valid_dict()
    edit(data)
    with pytest.raises(ScenarioError, match=pattern):
        parse_scenario(data, source_name="s.json")


def test_many_problems_make_one_error_listing_the_first_five() -> None:
    data = valid_dict()
    data["vehicles"] = [copy.deepcopy(data["vehicles"][0]) | {"id": str(i), "job_min": -1} for i in range(7)]
    with pytest.raises(ScenarioError, match=r"\(7 problems\): .*vehicles\[4\]\.job_min.*; and 2 more$"):
        parse_scenario(data, source_name="s.json")


def test_scenario_error_is_a_value_error_and_a_jru_geo_error() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario([1, 2], source_name="s.json")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, JruGeoError)
    assert "top level must be an object" in str(info.value)


def test_empty_fleet_is_allowed() -> None:
    scenario = parse_scenario({"name": "Nothing yet"})
    assert scenario.vehicles == []
    bases = resolve_bases(scenario)
    assert len(bases) == 0
    assert list(bases.columns) == [
        "vehicle_id",
        "name",
        "target_min",
        "job_min",
        "weekly_hours",
        "base_label",
        "geometry",
    ]
    assert bases.crs.to_epsg() == 27700


def test_defaults_target_15_and_job_45() -> None:
    v = parse_scenario(valid_dict()).vehicles[0]
    assert (v.target_min, v.job_min) == (15.0, 45.0)


def test_numeric_ids_become_text() -> None:
    data = valid_dict()
    data["vehicles"][0]["id"] = 7
    assert parse_scenario(data).vehicles[0].id == "7"


# ------------------------------------------------------------------------------------------------
# Reading and writing


YAML_TEXT = """\
name: From YAML
vehicles:
  - id: A
    name: Alpha
    base: {postcode: me71ne, label: indicative}
    shifts:
      - days: [Fri, Sat]
        start: 18:00
        end: 02:00
"""


def test_yaml_with_unquoted_times_reads_them_as_text() -> None:
    scenario = load_scenario(("fleet.yaml", YAML_TEXT.encode()))
    shift = scenario.vehicles[0].shifts[0]
    assert (shift.start, shift.end) == ("18:00", "02:00")
    assert scenario.vehicles[0].base.postcode == "ME7 1NE"
    assert weekly_hours(scenario.vehicles[0]) == 16.0


def test_format_is_detected_from_content_without_extension() -> None:
    assert load_scenario(("upload", json.dumps(valid_dict()).encode())) == parse_scenario(valid_dict())
    assert load_scenario(("upload", YAML_TEXT.encode())).name == "From YAML"


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_round_trip_through_a_file(tmp_path: Path, suffix: str) -> None:
    original = parse_scenario(valid_dict() | {"description": "Kent – east", "indicative": True})
    path = tmp_path / f"fleet{suffix}"
    save_scenario(original, path)
    assert load_scenario(path) == original


def test_text_round_trips() -> None:
    original = load_default_scenario()
    assert load_scenario(("a.json", scenario_to_json(original).encode())) == original
    assert load_scenario(("a.yaml", scenario_to_yaml(original).encode())) == original


@pytest.mark.parametrize(
    ("source", "pattern"),
    [
        (("bad.json", b'{"name": '), r"bad\.json: not valid JSON at line 1, column 10"),
        (("bad.yaml", b"name: [\n"), r"bad\.yaml: not valid YAML at line 2"),
        (("bad.yaml", b"- 1\n- 2\n"), r"bad\.yaml: the top level must be an object"),
        (("empty.json", b"  \n"), r"empty\.json: the file is empty"),
        (("bad.json", b'{"name": "\x81"}'), r"bad\.json: cannot be decoded as UTF-8 or Windows-1252"),
    ],
)
def test_unreadable_files(source: tuple[str, bytes], pattern: str) -> None:
    with pytest.raises(ScenarioError, match=pattern):
        load_scenario(source)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nope\.json: file not found"):
        load_scenario(tmp_path / "nope.json")


def test_add_vehicle_returns_a_new_scenario() -> None:
    scenario = parse_scenario(valid_dict())
    extra = vehicle(FRI_NIGHT, vid="C")
    bigger = add_vehicle(scenario, extra)
    assert [v.id for v in bigger.vehicles] == ["A", "B", "C"]
    assert [v.id for v in scenario.vehicles] == ["A", "B"]
    with pytest.raises(ScenarioError, match=r"vehicle id 'A' is already in scenario 'Test'"):
        add_vehicle(scenario, vehicle(vid="A"))


# ------------------------------------------------------------------------------------------------
# Bases


def test_resolve_bases_from_postcode_grid_and_lat_lon(postcodes: pd.DataFrame) -> None:
    data = valid_dict()
    # Medway police station ME7 1NE as WGS84 (from the candidate sites table)
    data["vehicles"].append(
        data["vehicles"][0] | {"id": "C", "base": {"lat": 51.396471, "lon": 0.547943, "label": "x"}}
    )
    bases = resolve_bases(parse_scenario(data), postcodes=postcodes)
    assert bases["vehicle_id"].tolist() == ["A", "B", "C"]
    assert (bases.geometry.x[0], bases.geometry.y[0]) == (577349.0, 169462.0)
    assert (bases.geometry.x[1], bases.geometry.y[1]) == (615017.0, 157406.0)
    assert bases.geometry.iloc[2].distance(bases.geometry.iloc[0]) < 5.0
    assert bases["weekly_hours"].tolist() == [8.0, 16.0, 8.0]
    assert bases["base_label"].tolist() == ["", "", "x"]


def test_unknown_postcode_names_the_vehicle(postcodes: pd.DataFrame) -> None:
    data = valid_dict()
    data["vehicles"][1]["base"] = {"postcode": "SW1A 1AA"}
    with pytest.raises(
        ScenarioError, match=r"vehicle 'B' \(Beta\): postcode 'SW1A 1AA' is not in the area's postcode table"
    ):
        resolve_bases(parse_scenario(data), postcodes=postcodes)


def test_base_outside_kent_is_allowed(postcodes: pd.DataFrame) -> None:
    data = valid_dict()
    data["vehicles"][0]["base"] = {"lat": 51.5074, "lon": -0.1278}  # central London
    bases = resolve_bases(parse_scenario(data), postcodes=postcodes)
    assert 525_000 < bases.geometry.x[0] < 535_000


def test_shipped_scenario_is_three_indicative_units_inside_kent() -> None:
    scenario = load_default_scenario()
    assert scenario.indicative
    assert [v.name for v in scenario.vehicles] == [
        "JRU 1 Medway and Swale",
        "JRU 2 Dartford and Gravesham",
        "JRU 3 East Kent",
    ]
    assert all(v.base.label.startswith("indicative") for v in scenario.vehicles)
    assert all((v.target_min, v.job_min) == (15.0, 45.0) for v in scenario.vehicles)
    for needle in ("March 2018", "August 2019", "30 October 2020"):
        assert needle in scenario.description
    bases = resolve_bases(scenario)
    kent = load_districts().union_all()
    assert bases.within(kent).all()
    assert bases["weekly_hours"].tolist() == [72.0, 72.0, 72.0]
    assert hour_of_week_fraction(scenario.vehicles[0]).sum() == pytest.approx(72.0)
    # Friday 23:00 and Sunday 12:00 on, Wednesday 12:00 off
    got = on_shift(scenario.vehicles[2], times("2020-11-06 23:00", "2020-11-08 12:00", "2020-11-04 12:00"))
    assert got.tolist() == [True, True, False]


def test_shipped_2018_pilot_is_friday_and_saturday_nights() -> None:
    scenario = load_scenario(DEFAULT_SETTINGS.scenarios_dir / "kent_jru_2018_fri_sat.json")
    (only,) = scenario.vehicles
    assert weekly_hours(only) == 16.0
    assert on_shift(only, times("2020-11-08 01:00", "2020-11-08 02:00")).tolist() == [True, False]


# ------------------------------------------------------------------------------------------------
# Candidate sites


def test_read_candidates_lat_lon_keeps_the_given_coordinates() -> None:
    got = read_candidates(("c.csv", b"Name,Latitude,Longitude\nGillingham,51.396471,0.547943\n,51.2,1.0\n"))
    assert list(got.columns) == ["name", "lat", "lon", "easting", "northing", "kind"]
    assert got["name"].tolist() == ["Gillingham", "candidate 2"]
    assert got["lat"].tolist() == [51.396471, 51.2]
    assert abs(got["easting"][0] - 577349) < 5 and abs(got["northing"][0] - 169462) < 5
    assert (got["kind"] == "user").all()


def test_read_candidates_grid_and_postcode(postcodes: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("name,easting,northing\nCanterbury,615017,157406\n")
    grid = read_candidates(path)
    by_postcode = read_candidates(("p.csv", b"name,postcode\nCanterbury, ct1 3jq\n"), postcodes=postcodes)
    assert (grid["easting"][0], grid["northing"][0]) == (615017.0, 157406.0)
    assert (by_postcode["easting"][0], by_postcode["northing"][0]) == (615017.0, 157406.0)
    assert by_postcode["lat"][0] == pytest.approx(51.275212, abs=1e-5)


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (
            b"name,lat,lon\nA,51.3,0.5\nB,51.3,east\n",
            r"c\.csv: row 2 \(line 3\), field lon: got 'east', not a number",
        ),
        (b"name,lat,lon\nA,,0.5\n", r"row 1 \(line 2\), field lat: got '', not a number"),
        (
            b"name,lat,lon\nA,0.5,51.3\n",
            r"row 1 \(line 2\), fields lat/lon: got lat=0\.5, lon=51\.3, outside",
        ),
        (b"name,lat,lon\nA,95,0.5\n", r"row 1 \(line 2\), field lat: got 95\.0, outside -90\.\.90"),
        (b"name,easting,northing\nA,9e6,1\n", r"row 1 \(line 2\), fields easting/northing: got 9000000\.0"),
        (b"name,postcode\nA,ME7 1NE\nB,ZZ1 1ZZ\n", r"row 2 \(line 3\), field postcode: got 'ZZ1 1ZZ'"),
        (b"name,place\nA,here\n", r"c\.csv: no location columns \(found name, place\)"),
        (b"lat,lon\n51.3,0.5\n", r"c\.csv: no name column"),
        (b"name,lat,lon\n", r"c\.csv: no candidate rows"),
        (b"", r"c\.csv: the file is empty; give a header name,lat,lon"),
        (b"name,lat,latitude,lon\nA,1,2,3\n", r"c\.csv: line 1 repeats the column\(s\) lat"),
    ],
)
def test_candidate_file_errors_name_row_and_field(
    content: bytes, pattern: str, postcodes: pd.DataFrame
) -> None:
    with pytest.raises(CandidatesFileError, match=pattern):
        read_candidates(("c.csv", content), postcodes=postcodes)


def test_default_candidates_are_kent_stations_and_hospitals() -> None:
    sites = default_candidates()
    assert list(sites.columns) == ["name", "lat", "lon", "easting", "northing", "kind", "postcode"]
    assert set(sites["kind"]) == {"police_station", "acute_hospital"}
    assert {"ME7 1NE", "DA11 8BD", "CT1 3JQ", "ME15 6NF", "DA2 8DA"} <= set(sites["postcode"])
    assert "Worthing Hospital" not in set(sites["name"])
    assert "Worthing Hospital" in set(default_candidates(in_kent_only=False)["name"])
