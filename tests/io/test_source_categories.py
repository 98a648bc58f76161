"""Source categories beside the JRU taxonomy: the source's own label kept as ``source_category``, and
the police.uk crime types that are not joint-response work called so, not "Injury/other"."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jru_geo.areas.filters import IncidentFilter, data_extent, filter_incidents
from jru_geo.io.categories import CATEGORIES, POLICEUK_CATEGORIES, categorise
from jru_geo.io.incidents import read_incidents

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "incidents"

# The 14 police.uk crime types (SOURCES.md) and the JRU category each is given, with the reason.
POLICEUK_TYPES = {
    "Violence and sexual offences": "violence",
    "Robbery": "violence",  # theft by force or its threat against a person: a victim may be hurt
    "Possession of weapons": "violence",  # a weapon at the scene: risk of injury
    "Public order": "public_order",  # disorder, kept apart from alcohol
    "Anti-social behaviour": "public_order",
    "Drugs": "alcohol",  # the nearest police.uk proxy for intoxication (an assumption)
    "Burglary": "other_crime",
    "Shoplifting": "other_crime",
    "Vehicle crime": "other_crime",
    "Other theft": "other_crime",
    "Theft from the person": "other_crime",  # no force (with force it is robbery)
    "Bicycle theft": "other_crime",
    "Criminal damage and arson": "other_crime",
    "Other crime": "other_crime",
}


@pytest.mark.parametrize(("crime_type", "code"), POLICEUK_TYPES.items())
def test_every_policeuk_crime_type_has_its_decided_category(crime_type: str, code: str) -> None:
    assert categorise(pd.Series([crime_type]), source="policeuk").tolist() == [code]


def test_the_table_is_the_list_and_nothing_policeuk_is_injury_other() -> None:
    assert POLICEUK_CATEGORIES == POLICEUK_TYPES
    out = categorise(pd.Series([*POLICEUK_TYPES, "A type police.uk adds next year"]), source="policeuk")
    assert "injury_other" not in set(out)
    assert out.iloc[-1] == "other_crime"  # a crime type not in the table is still a crime
    assert CATEGORIES["other_crime"] == "Other crime (not typical JRU work)"


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Public order", "public_order"),
        ("Disorder outside club", "public_order"),
        ("ASB - youths", "public_order"),
        ("Drunk and disorderly", "alcohol"),  # alcohol is tried first
        ("Burglary - victim injured", "injury_other"),  # other_crime is never guessed for a CAD log
    ],
)
def test_generic_labels_for_disorder(label: str, code: str) -> None:
    assert categorise(pd.Series([label]), source="generic").tolist() == [code]


def test_policeuk_source_category_is_the_crime_type() -> None:
    inc = read_incidents(FIXTURES / "policeuk_2025-02.csv").incidents
    assert inc["source_category"].tolist() == ["Criminal damage and arson"]
    assert inc["category"].tolist() == ["other_crime"]


def test_stats19_source_category_is_the_severity() -> None:
    inc = read_incidents(FIXTURES / "stats19.csv").incidents
    assert inc["source_category"].tolist() == ["Serious", "Fatal"]  # accident_severity 2 and 1
    assert set(inc["category"]) == {"rtc"}


def test_stats19_without_a_known_severity() -> None:
    text = (
        "accident_index,location_easting_osgr,location_northing_osgr,accident_severity,date,time\n"
        "A1,577349,169462,3,31/01/2019,17:05\n"
        "A2,577349,169462,,31/01/2019,17:05\n"
    )
    inc = read_incidents(("s19.csv", text.encode())).incidents
    assert inc["source_category"].tolist() == ["Slight", "Severity not given"]


def test_generic_source_category_is_the_category_text() -> None:
    inc = read_incidents(FIXTURES / "generic_cad.csv").incidents
    assert inc["source_category"].iloc[:3].tolist() == [
        "Assault - outside pub",
        "RTC - car v pedestrian",
        "Drunk and incapable",
    ]
    blank = read_incidents(
        ("blank.csv", b"incident_id,datetime,category,latitude,longitude\n1,2025-01-03 18:30,,51.27,0.52\n")
    ).incidents
    assert blank["source_category"].tolist() == ["(no category)"]


def test_mixed_files_keep_each_source_category() -> None:
    result = read_incidents([FIXTURES / "policeuk_2025-02.csv", FIXTURES / "stats19.csv"])
    pairs = list(zip(result.incidents["source"], result.incidents["source_category"], strict=True))
    assert pairs == [("policeuk", "Criminal damage and arson"), ("stats19", "Serious"), ("stats19", "Fatal")]


def test_filter_on_source_categories() -> None:
    inc = read_incidents(FIXTURES / "policeuk_2025-01.csv").incidents.assign(district_code="E06000035")
    f = IncidentFilter.from_labels(source_categories=["Public order", "Robbery"])
    kept = filter_incidents(inc, f).incidents
    assert kept["source_category"].tolist() == ["Robbery", "Public order"]
    assert set(kept["category"]) == {"violence", "public_order"}
    assert not f.is_empty and IncidentFilter.from_labels(source_categories=[]).source_categories is None
    ext = data_extent(inc)
    assert "Public order" in ext.source_categories and "Anti-social behaviour" in ext.source_categories
    assert list(ext.source_categories) == sorted(ext.source_categories)


def test_filter_on_source_categories_needs_the_column() -> None:
    inc = read_incidents(FIXTURES / "policeuk_2025-01.csv").incidents.assign(district_code="E06000035")
    with pytest.raises(ValueError, match="source_category"):
        filter_incidents(inc.drop(columns="source_category"), IncidentFilter(source_categories=("Drugs",)))
    assert data_extent(inc.drop(columns="source_category")).source_categories == ()


@pytest.mark.shared
def test_real_kent_months_offer_violence_and_public_order_apart(shared_data: Path) -> None:
    files = sorted((shared_data / "incidents").glob("2025-0*-kent-street.csv"))
    inc = read_incidents(files).incidents
    types = set(inc["source_category"])
    assert {"Violence and sexual offences", "Public order", "Anti-social behaviour", "Shoplifting"} <= types
    by_type = inc.groupby("source_category")["category"].agg(set)
    assert by_type["Public order"] == {"public_order"}
    assert by_type["Violence and sexual offences"] == {"violence"}
    assert by_type["Shoplifting"] == {"other_crime"}
    assert "injury_other" not in set(inc["category"])
    # the source category can pick police.uk's own "Public order" alone
    picked = inc.assign(district_code="x")
    kept = filter_incidents(picked, IncidentFilter(source_categories=("Public order",))).incidents
    assert len(kept) == int((inc["source_category"] == "Public order").sum()) > 1_000
