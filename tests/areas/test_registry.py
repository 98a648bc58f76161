"""Tests of the police force registry and ``--area`` names."""

from __future__ import annotations

import pytest

from jru_geo.areas.registry import ALL_AREA, FORCES, force_for_falls_within, resolve_forces
from jru_geo.errors import AreaError, JruGeoError


def test_43_forces_with_unique_slugs_and_names():
    assert len(FORCES) == 43
    assert len(set(FORCES.values())) == 43
    assert FORCES["kent"] == "Kent Police"
    assert FORCES["metropolitan"] == "Metropolitan Police Service"
    assert FORCES["city-of-london"] == "City of London Police"
    assert FORCES["devon-and-cornwall"] == "Devon & Cornwall Police"
    assert FORCES["gwent"] == "Gwent Police"
    assert "british-transport-police" not in FORCES


@pytest.mark.parametrize("slug", sorted(FORCES))
def test_every_name_maps_back_to_its_slug(slug):
    assert force_for_falls_within(FORCES[slug]) == slug
    assert force_for_falls_within(f"  {FORCES[slug].upper()} ") == slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Devon and Cornwall Police", "devon-and-cornwall"),
        ("Metropolitan Police", "metropolitan"),
        ("Avon and Somerset", "avon-and-somerset"),
        ("Dyfed Powys Police", "dyfed-powys"),
        ("Surrey Police", "surrey"),
    ],
)
def test_variant_spellings(text, slug):
    assert force_for_falls_within(text) == slug


@pytest.mark.parametrize(
    "text", ["", "   ", "British Transport Police", "Police Service of Northern Ireland"]
)
def test_non_forces_give_none(text):
    assert force_for_falls_within(text) is None


def test_resolve_one_list_and_all():
    assert resolve_forces("surrey") == ("surrey",)
    assert resolve_forces(" Surrey , kent ") == ("kent", "surrey")
    assert resolve_forces("kent,kent") == ("kent",)
    assert resolve_forces(ALL_AREA) == tuple(FORCES)


def test_unknown_name_is_one_line_with_close_matches():
    with pytest.raises(AreaError) as info:
        resolve_forces("kent,surey")
    msg = str(info.value)
    assert "\n" not in msg
    assert "'surey'" in msg and "'surrey'" in msg
    assert isinstance(info.value, JruGeoError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize("name", ["", "kent,,surrey", "kent,"])
def test_empty_items_are_refused(name):
    with pytest.raises(AreaError, match="empty"):
        resolve_forces(name)
