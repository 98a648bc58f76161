"""Odd, wrong or hostile input to the readers (issue 10): nothing lost or merged, a fix in every reason."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from jru_geo.errors import CandidatesFileError, OutputFileError, ScenarioError
from jru_geo.io._csv import csv_bytes, neutralise_formulas, write_csv, write_csvs
from jru_geo.io.bases import resolve_bases
from jru_geo.io.incidents import read_incidents
from jru_geo.io.scenario_files import load_scenario, parse_scenario
from jru_geo.io.sites import MAX_CANDIDATES, read_candidates

HEADER = "incident_id,datetime,category,latitude,longitude\n"
YEAR = "has a year outside 1678-2261; check the year (a typing slip such as 0001 or 9999?)"
ROW = "{i},2025-01-03 18:30,RTC,51.3964,0.5468\n"


def _read(text: str, name: str = "in.csv") -> pd.DataFrame:
    result = read_incidents([(name, text.encode("utf-8"))])
    assert result.n_read == len(result.incidents) + len(result.rejects)
    return result.rejects.set_index("row")["reason"]


# --------------------------------------------------------------------------------------------
# item 2: dates pandas cannot hold are row rejects, not a crash


@pytest.mark.parametrize("value", ["01/01/0001 10:00", "9999-12-31", "1500-06-01 12:00", "2263-01-01T00:00"])
def test_a_date_outside_pandas_range_is_a_reject_with_a_fix(value: str) -> None:
    reasons = _read(HEADER + ROW.format(i=1) + f"2,{value},RTC,51.3964,0.5468\n")
    assert list(reasons.index) == [3]
    assert reasons[3] == f"datetime '{value}' " + YEAR


def test_a_policeuk_month_9999_is_a_reject() -> None:
    header = "Crime ID,Month,Longitude,Latitude,Crime type\n"
    text = header + "a,2025-01,0.5468,51.3964,Public order\nb,9999-12,0.5468,51.3964,Public order\n"
    reasons = _read(text)
    assert reasons.to_dict() == {3: "Month '9999-12' " + YEAR}


# --------------------------------------------------------------------------------------------
# item 3: a stray quote never merges rows


def test_an_unbalanced_quote_is_rejected_and_the_rows_after_it_kept() -> None:
    rows = [ROW.format(i=i) for i in range(1, 11)]
    rows[2] = '3,2025-01-03 18:30,"On or near,51.3964,0.5468\n'
    result = read_incidents([("q.csv", (HEADER + "".join(rows)).encode())])
    assert result.n_read == 10  # before the fix: 3 rows read (rows 4-11 merged into row 4's field)
    assert result.rejects["row"].tolist() == [4]
    assert result.rejects["reason"].iloc[0].startswith("unbalanced quote from row 4: ")
    assert sorted(result.incidents["row"]) == [2, 3, 5, 6, 7, 8, 9, 10, 11]


def test_a_legal_quoted_field_with_a_line_break_is_kept_whole() -> None:
    text = HEADER.replace("category", "category,note") + '1,2025-01-03 18:30,RTC,"first\nsecond",51.39,0.54\n'
    result = read_incidents([("n.csv", text.encode())])
    assert result.n_read == 1 and len(result.incidents) == 1
    assert result.originals["note"].iloc[0] == "first\nsecond"


# --------------------------------------------------------------------------------------------
# item 5: odd but legal files


def test_blank_lines_before_the_header_are_skipped_and_rows_keep_their_line_numbers() -> None:
    result = read_incidents([("b.csv", ("\n\r\n" + HEADER + ROW.format(i=1)).encode())])
    assert result.incidents["row"].tolist() == [4]


def test_repeated_column_names_never_collide() -> None:
    header = "incident_id,datetime,category,latitude,latitude,latitude.1,longitude\n"
    text = header + "1,2025-01-03 18:30,RTC,51.39,1,2,0.54\n"
    result = read_incidents([("d.csv", text.encode())])
    columns = list(result.originals.columns)
    assert len(set(columns)) == len(columns) == 7  # before: latitude.1 twice, pyarrow refused to write


# --------------------------------------------------------------------------------------------
# item 8: reasons end with how to fix them


def test_a_decimal_comma_is_named_as_such() -> None:
    text = "incident_id;datetime;category;latitude;longitude\n1;2025-01-03 18:30;RTC;51,3964;0.5468\n"
    reasons = _read(text)
    assert reasons[2] == "latitude '51,3964' is not a number; a decimal comma? use a point, e.g. 51.3964"


@pytest.mark.parametrize(
    "row",
    [
        "1,2025-01-03 18:30,RTC,0.5221,51.2720",
        "1,2025-01-03 18:30,RTC,61.5,0.52",
        "1,2025-01-03 18:30,RTC,north,0.52",
        "1,2025-01-03 18:30,RTC,51.27,",
        "1,2025-01-03 18:30,RTC,,",
        "1,32/01/2025 18:30,RTC,51.27,0.52",
        "1,,RTC,51.27,0.52",
        ",2025-01-03 18:30,RTC,51.27,0.52",
        "1,2025-01-03 18:30,RTC,51.27,0.52,extra",
    ],
)
def test_every_reject_reason_says_how_to_fix_it(row: str) -> None:
    reason = _read(HEADER + row + "\n").iloc[0]
    fixes = ("give", "use", "swap", "fill it in", "correct", "check", "write it", "remove")
    for part in reason.split("; "):
        if any(part.startswith(f) for f in fixes) or "a decimal comma" in part:
            break
    else:
        pytest.fail(f"no fix in {reason!r}")


# --------------------------------------------------------------------------------------------
# item 8: scenario and candidate files


def _scenario(**vehicle: object) -> dict[str, object]:
    base = {"id": "a", "name": "A", "base": {"lat": 51.27, "lon": 0.52}}
    return {"name": "s", "vehicles": [{**base, **vehicle}]}


@pytest.mark.parametrize("field", ["target_min", "job_min"])
def test_a_boolean_is_not_a_number_of_minutes(field: str) -> None:
    with pytest.raises(ScenarioError, match=f"{field} is true, a yes/no value, not a number; give a number"):
        parse_scenario(_scenario(**{field: True}), source_name="s.json")


def test_a_boolean_is_not_a_coordinate() -> None:
    with pytest.raises(ScenarioError, match="lat is false, a yes/no value"):
        parse_scenario(_scenario(base={"lat": False, "lon": 0.5}), source_name="s.json")


def test_degrees_given_as_easting_northing_are_refused_saying_so() -> None:
    with pytest.raises(ScenarioError, match=r"look like degrees, not metres; give them as lat and lon"):
        parse_scenario(_scenario(base={"easting": 0.55, "northing": 51.38}), source_name="s.json")


def test_cp1252_scenario_and_candidate_files_are_read_like_incident_files() -> None:
    scen = json.dumps(_scenario(name="Café unit"), ensure_ascii=False).encode("cp1252")
    assert load_scenario(("s.json", scen)).vehicles[0].name == "Café unit"
    sites = read_candidates(("c.csv", "name,lat,lon\nCafé corner,51.27,0.52\n".encode("cp1252")))
    assert sites["name"].tolist() == ["Café corner"]


@pytest.mark.parametrize("header", ["name,lat,lat,lon", "name,lat,latitude,lon", "name,Lon,lat,LON"])
def test_repeated_candidate_columns_are_refused(header: str) -> None:
    with pytest.raises(CandidatesFileError, match=r"c\.csv: line 1 repeats the column\(s\)"):
        read_candidates(("c.csv", f"{header}\nA,51.27,51.3,0.52\n".encode()))


def test_too_many_candidates_are_refused() -> None:
    rows = "".join(f"s{i},51.27,0.52\n" for i in range(MAX_CANDIDATES + 1))
    with pytest.raises(CandidatesFileError, match=f"over the limit of {MAX_CANDIDATES:,}"):
        read_candidates(("c.csv", ("name,lat,lon\n" + rows).encode()))


def test_unknown_postcode_message_names_the_vehicle() -> None:
    scen = parse_scenario(_scenario(base={"postcode": "ZZ1 1ZZ"}), source_name="s.json")
    with pytest.raises(ScenarioError, match="vehicle 'a'"):
        resolve_bases(scen)


# --------------------------------------------------------------------------------------------
# items 1 and 4: CSV output


def test_formula_cells_are_neutralised_and_numbers_left_alone() -> None:
    frame = pd.DataFrame(
        {
            "text": [
                '=HYPERLINK("http://x")',
                "+1+2",
                "-cmd",
                "@SUM(A1)",
                "\tx",
                "\rx",
                "ok",
                "-",
                "-0.5468",
            ],
            "n": range(9),
        }
    )
    out = neutralise_formulas(frame)
    assert out["text"].tolist() == [
        '\'=HYPERLINK("http://x")',
        "'+1+2",
        "'-cmd",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "ok",
        "-",
        "-0.5468",
    ]
    assert out["n"].tolist() == list(range(9))
    assert frame["text"].iloc[0].startswith("=")  # the input is not changed
    assert b"'=HYPERLINK" in csv_bytes(frame)


def test_a_failed_write_keeps_the_previous_files_and_leaves_no_partial_file(tmp_path) -> None:  # noqa: ANN001
    good = tmp_path / "joined.csv"
    good.write_text("previous good output\n")
    frame = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(OutputFileError, match="does not exist; create it"):
        write_csvs({good: frame, tmp_path / "missing" / "rejects.csv": frame})
    assert good.read_text() == "previous good output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["joined.csv"]
    write_csv(frame, good)
    assert good.read_text() == '"a"\n1\n2\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["joined.csv"]


def test_repeated_output_columns_are_refused(tmp_path) -> None:  # noqa: ANN001
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(OutputFileError, match=r"columns \['a'\] are repeated"):
        write_csv(frame, tmp_path / "x.csv")
    assert not list(tmp_path.iterdir())


def test_a_file_over_the_size_limit_is_refused_naming_it(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from jru_geo.errors import IncidentFileError
    from jru_geo.io import _table

    path = tmp_path / "big.csv"
    path.write_text(HEADER + ROW.format(i=1))
    monkeypatch.setattr(_table, "MAX_FILE_BYTES", 10)
    with pytest.raises(
        IncidentFileError, match=r"big\.csv: the file is 0\.0 GB, over the 0 GB limit; split it"
    ):
        read_incidents(path)
