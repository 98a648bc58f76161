"""Fuzzing the readers, the scenario schema and the CLI's argument handling (Hypothesis; issue 10).

The properties: a reader either returns or raises a :class:`~jru_geo.errors.JruGeoError`, never
anything else; every data row read is either an incident or a reject; a CSV whose lines hold no
quote gives exactly one row per non-blank line; a boolean is never taken for a number; an argument
outside its documented range is refused with exit status 2.
"""

from __future__ import annotations

import argparse
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jru_geo import _cli_engine
from jru_geo.__main__ import build_parser
from jru_geo.errors import JruGeoError, ScenarioError
from jru_geo.io.incidents import read_incidents
from jru_geo.io.scenario_files import load_scenario, parse_scenario
from jru_geo.io.sites import read_candidates

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER = "incident_id,datetime,category,latitude,longitude"
FIELD = st.one_of(
    st.sampled_from(
        ["", "1", "2025-01-03 18:30", "01/01/0001 10:00", "9999-12", "51.39", "0.54", "51,39", "NULL"]
    ),
    st.sampled_from(["-", "=1+1", "@x", " ", "Assault", "ME7 1NE", "1e400", "nan", "\t", "<img src=x>"]),
    st.text(alphabet=st.characters(blacklist_characters='"\r\n', blacklist_categories=("Cs",)), max_size=12),
)


def _check(result_n_read: int, incidents: int, rejects: int) -> None:
    assert result_n_read == incidents + rejects


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_give_a_result_or_a_jru_geo_error(data: bytes) -> None:
    try:
        result = read_incidents([("fuzz.csv", data)])
    except JruGeoError:
        return
    _check(result.n_read, len(result.incidents), len(result.rejects))


@FUZZ
@given(
    rows=st.lists(st.lists(FIELD, min_size=0, max_size=7), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    blank_lines=st.integers(0, 2),
)
def test_csv_without_quotes_gives_one_row_per_line(
    rows: list[list[str]], delimiter: str, blank_lines: int
) -> None:
    lines = ["\n" * blank_lines + HEADER.replace(",", delimiter)]
    lines += [delimiter.join(r) for r in rows]
    text = "\n".join(lines) + "\n"
    try:
        result = read_incidents([("fuzz.csv", text.encode("utf-8"))])
    except JruGeoError:
        return
    filled = sum(1 for r in rows if delimiter.join(r).strip(" " + delimiter))
    _check(result.n_read, len(result.incidents), len(result.rejects))
    assert result.n_read >= filled - sum(1 for r in rows if not "".join(r).strip())
    assert result.n_read <= len(rows)


@FUZZ
@given(
    rows=st.lists(
        st.lists(st.one_of(FIELD, st.just('"'), st.just('"x,y"'), st.just('"a\nb"')), max_size=6), max_size=10
    )
)
def test_csv_with_stray_quotes_never_loses_a_row_silently(rows: list[list[str]]) -> None:
    text = HEADER + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    try:
        result = read_incidents([("fuzz.csv", text.encode("utf-8"))])
    except JruGeoError:
        return
    _check(result.n_read, len(result.incidents), len(result.rejects))
    merged = (
        result.originals.map(lambda v: "\n" in v and "," in v).to_numpy().any()
        if len(result.originals)
        else False
    )
    assert not merged, "a joined row holds a field that swallowed a line break and a delimiter"


JSON_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
NUMBER_OR_NOT = st.one_of(
    st.booleans(), st.floats(allow_nan=True), st.integers(-100, 10**6), st.text(max_size=6), st.none()
)


@FUZZ
@given(data=JSON_VALUE)
def test_any_json_gives_a_scenario_or_a_scenario_error(data: object) -> None:
    try:
        parse_scenario(data, source_name="fuzz.json")
    except ScenarioError:
        pass


@FUZZ
@given(target=NUMBER_OR_NOT, job=NUMBER_OR_NOT, lat=NUMBER_OR_NOT, lon=NUMBER_OR_NOT)
def test_scenario_numbers_are_strict(target: object, job: object, lat: object, lon: object) -> None:
    vehicle = {"id": "a", "name": "A", "base": {"lat": lat, "lon": lon}, "target_min": target, "job_min": job}
    try:
        scen = parse_scenario({"name": "s", "vehicles": [vehicle]}, source_name="fuzz.json")
    except ScenarioError:
        return
    v = scen.vehicles[0]
    assert not any(isinstance(x, bool) for x in (target, job, lat, lon))
    assert v.target_min > 0 and v.job_min > 0 and math.isfinite(v.target_min)


@FUZZ
@given(data=st.binary(max_size=300))
def test_scenario_and_candidate_bytes_give_a_result_or_a_jru_geo_error(data: bytes) -> None:
    for reader, name in ((load_scenario, "fuzz.yaml"), (read_candidates, "fuzz.csv")):
        try:
            reader((name, data))
        except JruGeoError:
            pass


OPTION_VALUES = st.one_of(
    st.sampled_from(["0", "-1", "1", "0.5", "1e6", "1e9", "nan", "inf", "-inf", "", "x", "10", "11", "51"]),
    st.floats(allow_nan=True).map(repr),
    st.integers(-(10**9), 10**9).map(str),
)


@FUZZ
@given(value=OPTION_VALUES)
def test_demand_scale_is_a_share_or_refused(value: str) -> None:
    try:
        got = _cli_engine.share(value)
    except argparse.ArgumentTypeError:
        return
    assert 0 < got <= 1


@FUZZ
@given(
    command=st.sampled_from([["coverage"], ["recommend", "--new", "1"], ["business"]]),
    option=st.sampled_from(
        ["--demand-scale", "--target-min", "--dispatch-reach-min", "--speed-kmh", "--new", "--screen"]
    ),
    value=OPTION_VALUES,
)
def test_argument_parsing_returns_in_range_values_or_exits_2(
    command: list[str], option: str, value: str
) -> None:
    parser = build_parser()
    try:
        args = parser.parse_args([*command, option, value])
    except SystemExit as exit_:
        assert exit_.code == 2
        return
    if args.demand_scale is not None:
        assert 0 < args.demand_scale <= 1
    for name in ("target_min", "dispatch_reach_min"):
        given_value = getattr(args, name, None)
        assert given_value is None or 0 < given_value <= _cli_engine.MAX_MINUTES
    if getattr(args, "new", None) is not None:
        assert 0 <= args.new <= 10


@pytest.fixture(autouse=True)
def _quiet_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    """Argparse prints its refusals; the tests read the exit status."""
