"""Validity of the district join on the real police.uk Kent months in ../shared/data (skipped when absent).

police.uk names each record's 2021 LSOA (``LSOA name`` such as "Medway 015A"); its prefix is the
district police.uk itself assigns. Our spatial join must agree for at least 99% of rows with
coordinates. Points just outside Kent are compared through their nearest district within 500 m.
"""

from __future__ import annotations

import pytest

from jru_geo.areas.join import assign_areas
from jru_geo.io.boundaries import load_districts, load_lsoas
from jru_geo.io.incidents import read_incidents

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def joined_policeuk(shared_data):
    files = sorted((shared_data / "incidents").glob("2025-0*-kent-street.csv"))
    assert len(files) == 3
    result = read_incidents(files)
    joined = assign_areas(result.incidents, load_districts(), load_lsoas())
    return result, joined


def test_district_agreement_with_policeuk_lsoa_names(joined_policeuk):
    result, joined = joined_policeuk
    named = result.originals["LSOA name"].str.replace(r"\s+\d{3}[A-Z]$", "", regex=True)
    has_name = named.notna().to_numpy()
    assigned = joined["district_name"].fillna(joined["nearest_district_name"])
    agree = (assigned.to_numpy() == named.to_numpy())[has_name]
    share = agree.mean()
    print(f"district agreement with police.uk LSOA names: {share:.4%} of {has_name.sum():,} rows")
    assert share >= 0.99
    assert joined["in_kent"].mean() > 0.99
