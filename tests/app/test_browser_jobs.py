"""The three users' jobs, driven end to end in a real browser against ``streamlit run server.py``.

* Commander: the Tonight page at Saturday 23:00 shows the units on shift then.
* Planner: place two units (a map click and a candidate site), see the placed unit's catchment
  drawn, move one by a re-click on the map, rename it, give it its own shift pattern, delete the
  other, undo the deletion, compare three scenarios side by side, and export the business-case pack
  (the PDF downloads, pypdf reads it back and finds the units by name, base and pattern, and pdfium
  renders its first page to a PNG that must show the text and the map with the units in colour).
* Communications: export the print PNG from the Overview (a PNG, 2400 px wide).

Every step asserts on something on the page that the step changes (the KPI table, the map's layers,
the business case's caption, the page's address, the comparison table). Fixtures are in
``conftest.py`` and helpers in ``browserkit.py`` (Debian's chromium at /usr/bin/chromium, skipped
without it unless JRU_REQUIRE_BROWSER=1; no web tiles). Screenshots go to pytest's tmp_path, or to
docs/screenshots/ (``job_*.png``) with JRU_UPDATE_SCREENSHOTS=1, so a run changes no tracked file.
"""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

import numpy as np
import pytest
from browserkit import TIMEOUT_MS, kpi, open_page, settle
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RUN_MS = 240_000
QUICK_LOOK_WATCH_JS = """() => {
    window.parent.__jruLook = null;  // kept by the page: the run after the click may replace the map's frame
    new MutationObserver(() => {
        const pop = document.querySelector('.jru-quick-look');
        if (window.parent.__jruLook === null && pop) window.parent.__jruLook = pop.textContent;
    }).observe(document.body, {subtree: true, childList: true});
}"""
"""A planner rerun works the business case out again (the engine once per uncertain input): give it
minutes on a busy two-core machine, not the 45 s of a plain page."""


def _choose(pg: object, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label`` (nothing to do when it shows it)."""
    box = pg.get_by_role("combobox", name=label, exact=True)  # type: ignore[attr-defined]
    if box.input_value() == option:
        return
    _pick(pg, box, option)
    _wait_value(pg, label, option)
    settle(pg, timeout_ms=RUN_MS)


def _pick(pg: object, box: object, option: str) -> None:
    """Open the selectbox ``box`` and click its ``option``."""
    box.click()  # type: ignore[attr-defined]
    wanted = pg.get_by_role("option", name=option, exact=True).first  # type: ignore[attr-defined]
    try:
        wanted.wait_for(timeout=5000)
    except PlaywrightTimeout:  # a focused selectbox can take the click as "close": type to open it
        box.fill(option)  # type: ignore[attr-defined]
    wanted.click()


def _wait_text(pg: object, text: str) -> None:
    """Wait until the page's text holds ``text``."""
    pg.wait_for_function("t => document.body.innerText.includes(t)", arg=text, timeout=RUN_MS)  # type: ignore[attr-defined]


def _wait_value(pg: object, label: str, value: str) -> None:
    """Wait until the selectbox labelled ``label`` shows ``value``."""
    pg.wait_for_function(  # type: ignore[attr-defined]
        '([l, v]) => document.querySelector(`input[aria-label="${l}"]`)?.value === v', arg=[label, value]
    )


def _no_failure(pg: object) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert pg.locator('[data-testid="stAlertContentError"]').count() == 0  # type: ignore[attr-defined]


def _metric(pg: object, label: str) -> str:
    card = pg.locator('[data-testid="stMetric"]', has_text=label).first  # type: ignore[attr-defined]
    return str(card.locator('[data-testid="stMetricValue"]').inner_text()).strip()


def _map_frame(pg: object) -> object:
    """The Playwright frame of the page's (first) folium map."""
    return pg.locator('iframe[title*="st_folium"]').first.element_handle().content_frame()  # type: ignore[attr-defined]


_CATCHMENTS_JS = """() => {
    const tips = [];
    if (!window.map) return tips;
    window.map.eachLayer(l => {
        const t = l.feature && l.feature.properties && l.feature.properties.tooltip;
        if (typeof t === 'string' && / within [0-9.]+ min$/.test(t)) tips.push(t);
    });
    return tips.sort();
}"""


def _catchments(pg: object) -> list[str]:
    """The tooltips of the catchments Leaflet has drawn on the map, e.g. ``"NEW1: within 15 min"``."""
    return list(_map_frame(pg).evaluate(_CATCHMENTS_JS))  # type: ignore[attr-defined]


def _wait_catchment(pg: object, tip: str) -> None:
    """Wait until the map has drawn a catchment whose tooltip is ``tip``."""
    _map_frame(pg).wait_for_function(  # type: ignore[attr-defined]
        f"t => ({_CATCHMENTS_JS})().includes(t)", arg=tip, timeout=RUN_MS
    )


def _wait_catchments(pg: object, tips: list[str]) -> None:
    """Wait until the map's catchments are exactly ``tips`` (the map redraws after the page settles)."""
    try:
        _map_frame(pg).wait_for_function(  # type: ignore[attr-defined]
            f"t => JSON.stringify(({_CATCHMENTS_JS})()) === JSON.stringify(t)",
            arg=sorted(tips),
            timeout=TIMEOUT_MS,
        )
    except PlaywrightTimeout:
        assert _catchments(pg) == sorted(tips)  # says what the map shows instead
        raise


def _label_box(pg: object, text: str) -> dict[str, float]:
    """Where the map shows the base label ``text`` (a unit's id), in page pixels."""
    label = _map_frame(pg).locator(".leaflet-marker-icon", has_text=text).first  # type: ignore[attr-defined]
    label.wait_for(state="attached")
    return dict(label.bounding_box())


def _wait_kpi(pg: object, name: str, plan: str) -> None:
    """Wait until the KPI table's plan column shows ``plan`` in row ``name``."""
    pg.wait_for_function(  # type: ignore[attr-defined]
        """([n, v]) => [...document.querySelectorAll('table tr')].some(r => {
               const c = [...r.querySelectorAll('th, td')].map(x => x.innerText.trim());
               return c[0] === n && c[2] === v; })""",
        arg=[name, plan],
        timeout=RUN_MS,
    )
    settle(pg, timeout_ms=RUN_MS)


def _field(pg: object, label: str) -> object:
    """The editor's input labelled ``label``, once the form of the last run has gone (its key follows
    the unit, so a save leaves the old form on the page for a moment)."""
    pg.wait_for_function(  # type: ignore[attr-defined]
        'l => document.querySelectorAll(`input[aria-label="${l}"]`).length === 1', arg=label, timeout=RUN_MS
    )
    return pg.get_by_label(label, exact=True)  # type: ignore[attr-defined]


def _open_editor(pg: object, unit: str) -> None:
    """Open the editor of the placed units on ``unit`` (its label in the picker)."""
    if pg.get_by_role("button", name="Save changes").count() == 0:  # type: ignore[attr-defined]
        pg.get_by_text("Edit the new units", exact=False).first.click()  # type: ignore[attr-defined]
    _choose(pg, "Unit", unit)


def _edit(pg: object, unit: str, **fields: str) -> None:
    """Open the editor on ``unit``, set ``fields`` (by label) and save.

    The page is left to finish any run first, twice over: a run still to come (a map's answer after a
    move) would draw the editor's form afresh and drop what was typed into the old one.
    """
    _open_editor(pg, unit)
    settle(pg, timeout_ms=RUN_MS)
    pg.wait_for_timeout(300)  # type: ignore[attr-defined]
    settle(pg, timeout_ms=RUN_MS)
    for label, value in fields.items():
        if label == "Shift pattern":
            _pick(pg, pg.get_by_role("combobox", name=label, exact=True), value)  # type: ignore[attr-defined]
        else:
            _field(pg, label).fill(value)  # type: ignore[attr-defined]
            assert _field(pg, label).input_value() == value  # type: ignore[attr-defined]
    pg.get_by_role("button", name="Save changes").click()  # type: ignore[attr-defined]


def _render_first_page(pdf: bytes, path: Path, *, scale: float = 1.25) -> tuple[np.ndarray, list[np.ndarray]]:
    """Render the PDF's first page with pdfium to the PNG ``path``; return its RGB pixels and the
    pixels of each image placed on the page (the pack's map)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(pdf)
    try:
        first = doc[0]
        picture = first.render(scale=scale).to_pil().convert("RGB")
        picture.save(path, optimize=True)
        rgb = np.asarray(picture).astype(np.int16)
        top_pt = first.get_size()[1]
        placed = []
        for obj in first.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            left, bottom, right, top = obj.get_bounds()  # PDF points from the bottom left
            rows = slice(int((top_pt - top) * scale), int((top_pt - bottom) * scale))
            placed.append(rgb[rows, int(left * scale) : int(right * scale)])
    finally:
        doc.close()
    return rgb, placed


def _pixels_like(rgb: np.ndarray, colour: str) -> int:
    """How many pixels are within 40 levels (each channel) of ``colour`` (``#RRGGBB``)."""
    want = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb - want).max(axis=2) < 40).sum())


def test_commander_sees_the_units_on_shift_on_saturday_at_23(page: object, server: str, shots: Path) -> None:
    open_page(page, server, "tonight")
    _choose(page, "Night of", "Sat")
    # Kent JRU 2020: three units, each on 18:00-02:00 every night, so none is out at 03:00 ...
    _choose(page, "Hour", "03:00 (next morning)")
    assert _metric(page, "Units on shift") == "0 of 3"
    _wait_catchments(page, [])  # no unit out, no catchment drawn
    # ... and all three are at 23:00, each with its catchment
    _choose(page, "Hour", "23:00")
    _no_failure(page)
    assert _metric(page, "Units on shift") == "3 of 3"
    _wait_catchments(page, [f"JRU{i}: within 15 min" for i in (1, 2, 3)])
    assert page.get_by_text("Saturday", exact=False).count() > 0  # type: ignore[attr-defined]
    page.screenshot(path=str(shots / "job_commander_tonight.png"))  # type: ignore[attr-defined]


def test_planner_places_moves_renames_patterns_deletes_undoes_compares_and_exports(
    page: object, server: str, shots: Path
) -> None:
    from pypdf import PdfReader

    open_page(page, server, "planner", timeout_ms=RUN_MS)
    assert kpi(page, "Units") == ("3", "3")
    assert kpi(page, "Unit hours on shift a week") == ("216", "216")  # three units, 72 h a week each
    today = ["JRU 1 Medway and Swale", "JRU 2 Dartford and Gravesham", "JRU 3 East Kent"]
    _wait_catchments(page, [f"{name}: within 15 min" for name in today])  # today's units' catchments

    # place: a click on the map near Maidstone, then a candidate site
    frame = page.locator('iframe[title*="st_folium"]').first  # type: ignore[attr-defined]
    box = frame.bounding_box()
    inner = frame.element_handle().content_frame()  # the map's quick look pops up in the map's frame
    inner.evaluate(QUICK_LOOK_WATCH_JS)
    geographic_now = kpi(page, "Geographic")[1]
    map_element = frame.element_handle()
    frame.click(position={"x": box["width"] * 0.42, "y": box["height"] * 0.5})
    _wait_kpi(page, "Units", "4")
    look = page.evaluate("() => window.__jruLook")  # type: ignore[attr-defined]
    assert look is not None, "no quick look popped up on the map click"
    now, more = (float(v) for v in re.findall(r"([\d.]+)%", look)[:2])
    assert f"{now:.1f}" == geographic_now and more > now, look  # now = the KPI table's, before the click
    _wait_catchments(
        page, [f"{name}: within 15 min" for name in (*today, "New unit 1")]
    )  # the placed one's too
    # drawn in the map already on the page (st_folium's feature group), not a new map: its view is kept
    assert page.evaluate("e => e.isConnected", map_element)  # type: ignore[attr-defined]
    _choose(page, "Or pick a candidate site", "Ashford police station")
    page.get_by_role("button", name="Place unit there").click()  # type: ignore[attr-defined]
    _wait_kpi(page, "Units", "5")
    _wait_catchment(page, "New unit at Ashford police station: within 15 min")
    assert kpi(page, "Unit hours on shift a week") == ("216", "360")  # both copy the first unit's shifts
    _wait_text(page, "New unit(s): New unit 1, New unit at Ashford police station;")

    # move by a re-click: "Move New unit 1 to the next map click", then a click further east moves
    # it there instead of adding a unit; the KPIs, the map label and the address follow
    _open_editor(page, "1. New unit 1")
    old_easting = float(_field(page, "Easting (m)").input_value())  # type: ignore[attr-defined]
    geographic = kpi(page, "Geographic: incidents within target (%)")[1]
    label_before = _label_box(page, "NEW1")
    url_before = page.url  # type: ignore[attr-defined]
    page.get_by_text("Move New unit 1 to the next map click", exact=True).click()  # type: ignore[attr-defined]
    _wait_text(page, "Click the map to move New unit 1 there")
    settle(page, timeout_ms=RUN_MS)
    box = frame.bounding_box()
    frame.click(position={"x": box["width"] * 0.56, "y": box["height"] * 0.44})  # towards Faversham
    page.wait_for_function("u => location.href !== u", arg=url_before, timeout=RUN_MS)  # type: ignore[attr-defined]
    settle(page, timeout_ms=RUN_MS)
    new_easting = float(_field(page, "Easting (m)").input_value())  # type: ignore[attr-defined]
    assert new_easting > old_easting + 3000, (old_easting, new_easting)  # the editor has its new base
    assert _label_box(page, "NEW1")["x"] > label_before["x"] + 10  # drawn further east
    assert kpi(page, "Units") == ("3", "5")  # moved, not added
    assert kpi(page, "Geographic: incidents within target (%)")[1] != geographic
    assert page.get_by_text("Click the map to move", exact=False).count() == 0  # type: ignore[attr-defined]  # the mode ended
    _no_failure(page)

    # rename
    _edit(page, "1. New unit 1", Name="Rapid Maidstone")
    _wait_text(page, "New unit(s): Rapid Maidstone, New unit at Ashford police station;")
    _wait_catchment(page, "Rapid Maidstone: within 15 min")
    assert "Rapid+Maidstone" in page.url  # type: ignore[attr-defined]  # the plan kept in the address

    # its own shift pattern: Friday and Saturday nights only (16 h a week, not 72)
    _edit(page, "1. Rapid Maidstone", **{"Shift pattern": "fri-sat-nights"})
    _wait_kpi(page, "Unit hours on shift a week", "304")
    assert "fri-sat-nights" in page.url  # type: ignore[attr-defined]
    _no_failure(page)
    page.locator('[data-testid="stMainBlockContainer"] h3').first.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    page.screenshot(path=str(shots / "job_planner_edited.png"))  # type: ignore[attr-defined]

    # delete the Ashford unit, then undo the deletion
    _choose(page, "Unit", "2. New unit at Ashford police station")
    page.get_by_role("button", name="Delete this unit").click()  # type: ignore[attr-defined]
    _wait_kpi(page, "Units", "4")
    _wait_text(page, "New unit(s): Rapid Maidstone;")
    _wait_catchments(page, [f"{name}: within 15 min" for name in (*today, "Rapid Maidstone")])
    assert kpi(page, "Unit hours on shift a week") == ("216", "232")
    page.get_by_role("button", name="Undo").click()  # type: ignore[attr-defined]
    _wait_kpi(page, "Units", "5")
    _wait_text(page, "New unit(s): Rapid Maidstone, New unit at Ashford police station;")
    _wait_catchment(page, "New unit at Ashford police station: within 15 min")
    assert kpi(page, "Unit hours on shift a week") == ("216", "304")  # the pattern kept
    _no_failure(page)

    # compare three scenarios side by side: the plan, today's fleet and the 2018 pilot
    pick = page.get_by_role("combobox", name="Scenarios (two to four)")  # type: ignore[attr-defined]
    pick.scroll_into_view_if_needed()
    _pick(page, pick, "Kent JRU 2018 pilot (shipped)")
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    compare = page.locator("table", has_text="Kent JRU 2018 pilot (shipped)").first  # type: ignore[attr-defined]
    compare.wait_for(timeout=RUN_MS)
    settle(page, timeout_ms=RUN_MS)
    headers = [h.strip() for h in compare.locator("thead th").all_inner_texts()]
    assert headers[1:] == ["Kent JRU 2020 (shipped)", "Current plan", "Kent JRU 2018 pilot (shipped)"], (
        headers
    )
    units = [c.strip() for c in compare.locator("tr", has_text="Units").first.locator("td").all_inner_texts()]
    assert units == ["3", "5", "1"], units
    chart = page.locator('[data-testid="stVegaLiteChart"]').last  # type: ignore[attr-defined]
    chart.scroll_into_view_if_needed()
    compare.scroll_into_view_if_needed()
    _no_failure(page)
    page.screenshot(path=str(shots / "job_planner_compare.png"))  # type: ignore[attr-defined]

    # the business-case pack for chief officers names the units, their bases and patterns
    page.get_by_role("button", name="Prepare the business-case pack for chief officers (PDF)").click()  # type: ignore[attr-defined]
    download_button = page.get_by_role("button", name="Download the pack (PDF)")  # type: ignore[attr-defined]
    download_button.wait_for(timeout=RUN_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as got:  # type: ignore[attr-defined]
        download_button.click()
    pdf = Path(got.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert len(reader.pages) >= 2
    assert "business case" in text.lower() and "Compared with: Kent JRU 2020" in text, text[:500]
    assert "Units 3 5 +2" in text, text[:1500]  # the KPI table: the placed units against the baseline
    assert "Rapid Maidstone (NEW1): based near" in text, text[:1500]
    assert f"easting {new_easting:,.0f}" in text  # where the re-click moved it
    assert "on shift Fri, Sat 18:00-02:00 (16 h a week)" in text
    assert "New unit at Ashford police station (NEW2): based near Ashford" in text
    assert sum(len(p.images) for p in reader.pages) >= 1  # the map of the plan
    # page 1 as a reader sees it, rendered by pdfium: text and tables, and the map with the units
    rgb, placed = _render_first_page(pdf, shots / "job_planner_pack.png")
    assert (rgb.min(axis=2) < 235).mean() > 0.03  # a blank page has none
    assert placed, "page 1 has no map"
    drawn = max(placed, key=lambda px: px.shape[0] * px.shape[1])
    assert (drawn.min(axis=2) < 200).mean() > 0.01  # the districts' outlines
    assert _pixels_like(drawn, "#0072B2") >= 100  # today's three units, Okabe-Ito blue
    assert _pixels_like(drawn, "#D55E00") >= 50  # the two new ones, vermillion
    _no_failure(page)


def test_communications_exports_the_print_png(page: object, server: str, shots: Path) -> None:
    open_page(page, server, "")
    button = page.get_by_role("button", name="PNG for print (2400x1350, 200 dpi)")  # type: ignore[attr-defined]
    with page.expect_download(timeout=120_000) as got:  # type: ignore[attr-defined]
        button.click()
    png = Path(got.value.path()).read_bytes()
    assert png[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (2400, 1350)
    assert len(png) > 100_000
    _no_failure(page)
    # the web version, 1280x720, is what the README shows of this job
    button = page.get_by_role("button", name="PNG summary (web, 1280x720)")  # type: ignore[attr-defined]
    with page.expect_download(timeout=120_000) as got:  # type: ignore[attr-defined]
        button.click()
    web = Path(got.value.path()).read_bytes()
    assert web[:8] == PNG_SIGNATURE and struct.unpack(">II", web[16:24]) == (1280, 720)
    _no_failure(page)
    (shots / "job_communications_summary.png").write_bytes(web)
