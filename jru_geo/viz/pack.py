"""The business-case pack for chief officers: one PDF with the plan's map, KPIs, case, range and sources.

:func:`case_pack_pdf` lays out, with fpdf2, what the Planner shows, every figure passed in from the
engine and the business case (nothing here computes a figure):

1. the plan on a map drawn without web tiles (matplotlib: districts, today's units, the new ones);
2. the KPI table against the baseline (:func:`jru_geo.optimise.kpis.kpi_table`);
3. the business case (:class:`jru_geo.optimise.business_case.PlanBusinessCase`): calls gained by
   the fleet, savings, the cost side, net benefit and payback, with its range as a tornado chart and
   the note behind each figure;
4. the new units by name, with their bases and shift patterns (:func:`new_unit_lines`);
5. the assumptions in force, the data's provenance and period, and the model's validity figures.

Text is set in DejaVu Sans (shipped with matplotlib), so any name a user gives prints as written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo.errors import MapError
from jru_geo.io.scenario import Scenario
from jru_geo.model.patterns import ShiftPattern
from jru_geo.optimise.business_case import PlanBusinessCase
from jru_geo.optimise.candidates import place_names
from jru_geo.viz.style import OKABE_ITO

__all__ = ["PackContent", "case_pack_pdf", "new_unit_lines", "validity_notes"]


@dataclass(frozen=True)
class PackContent:
    """What the pack says, all computed by the caller.

    Attributes
    ----------
    plan_name, baseline_name
        The scenarios compared.
    kpis
        :func:`jru_geo.optimise.kpis.kpi_table` of the baseline and the plan.
    business
        The plan's business case and range.
    assumptions
        Sentences naming the model's and the business case's assumptions in force.
    provenance
        Where the incidents come from and the period they cover.
    validity
        Sentences giving the model's measured validity (travel error, hypercube check...).
    as_of
        The date of the pack, e.g. ``"2 Dec 2026"``.
    synthetic
        True when the incidents are the synthetic demo year (said on every page).
    new_units
        One sentence per new unit: its name, base and shift pattern (:func:`new_unit_lines`).
    """

    plan_name: str
    baseline_name: str
    kpis: pd.DataFrame
    business: PlanBusinessCase
    assumptions: tuple[str, ...]
    provenance: str
    validity: tuple[str, ...]
    as_of: str
    synthetic: bool
    new_units: tuple[str, ...] = ()


def _font_path() -> Path:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    if not path.is_file():
        raise MapError(f"the DejaVu Sans font is missing from matplotlib ({path}); reinstall matplotlib")
    return path


def _plan_map_png(
    districts: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    new_ids: tuple[str, ...],
    outline: gpd.GeoDataFrame | None,
) -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 4.6), dpi=200, facecolor="white")
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_facecolor("#dde8f0")
    if outline is not None:
        outline.plot(ax=ax, color="#f4f1ea", edgecolor="#4d4d4d", linewidth=0.8)
    districts.plot(ax=ax, color="#ffffff", edgecolor="#7a7a7a", linewidth=0.5)
    is_new = bases["vehicle_id"].astype(str).isin(new_ids).to_numpy()
    for mask, colour, marker, label in (
        (~is_new, OKABE_ITO["blue"], "o", "today's units"),
        (is_new, OKABE_ITO["vermillion"], "*", "new units"),
    ):
        if mask.any():
            part = bases[mask]
            ax.scatter(
                part.geometry.x,
                part.geometry.y,
                s=160 if marker == "*" else 70,
                marker=marker,
                color=colour,
                edgecolor="white",
                linewidth=1.0,
                zorder=5,
                label=label,
            )
            for x, y, vid in zip(
                part.geometry.x, part.geometry.y, part["vehicle_id"].astype(str), strict=True
            ):
                ax.text(x + 1500, y, vid, fontsize=7, color=colour, va="center", zorder=6, parse_math=False)
    xmin, ymin, xmax, ymax = districts.total_bounds
    ax.set_xlim(xmin - 2000, xmax + 2000)
    ax.set_ylim(ymin - 2000, ymax + 2000)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.legend(loc="lower right", fontsize=7, frameon=True, framealpha=0.9)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200, facecolor="white")
    return buf.getvalue()


def _tornado_png(business: PlanBusinessCase) -> bytes:
    from matplotlib.figure import Figure

    t = business.tornado.iloc[::-1]
    fig = Figure(figsize=(7.0, 0.5 + 0.45 * max(len(t), 1)), dpi=200, facecolor="white")
    ax = fig.add_axes((0.30, 0.22, 0.66, 0.70))
    central = business.central
    for y, row in enumerate(t.itertuples()):
        lo, hi = sorted((float(row.net_benefit_low), float(row.net_benefit_high)))
        ax.barh(y, hi - lo, left=lo, color=OKABE_ITO["sky_blue"], edgecolor="#4d4d4d", linewidth=0.5)
    ax.axvline(central, color="#1a1a1a", linewidth=1.0)
    ax.set_yticks(range(len(t)), [str(label) for label in t["label"]], fontsize=7)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel("Net benefit a year (£); line: central", fontsize=7)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200, facecolor="white")
    return buf.getvalue()


def _gbp(value: float) -> str:
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


def case_pack_pdf(
    content: PackContent,
    *,
    districts: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    outline: gpd.GeoDataFrame | None = None,
) -> bytes:
    """Lay out the business-case pack as a PDF.

    Parameters
    ----------
    content
        The figures and sentences (:class:`PackContent`).
    districts, bases, outline
        The map's geography (EPSG:27700); ``bases`` are the plan's, one row per vehicle with
        ``vehicle_id``.

    Returns
    -------
    bytes
        The PDF (A4 portrait, two or three pages).

    Raises
    ------
    MapError
        The font cannot be found.
    """
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(f"JRU business case: {content.plan_name}")
    pdf.set_author("JRU Geo")
    pdf.add_font("DejaVu", "", str(_font_path()))
    pdf.set_auto_page_break(auto=True, margin=15)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str, size: float = 12) -> None:
        pdf.set_font("DejaVu", size=size)
        pdf.set_text_color(26, 26, 26)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def para(text: str, size: float = 8.5) -> None:
        pdf.set_font("DejaVu", size=size)
        pdf.set_text_color(51, 51, 51)
        pdf.multi_cell(width, size * 0.48, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    pdf.add_page()
    heading(f"Joint Response Unit business case: {content.plan_name}", 15)
    para(f"Compared with: {content.baseline_name}. Prepared {content.as_of} with JRU Geo.")
    if content.synthetic:
        pdf.set_text_color(213, 94, 0)
        pdf.set_font("DejaVu", size=10)
        pdf.cell(width, 6, "SYNTHETIC DEMO DATA: not real incidents", new_x="LMARGIN", new_y="NEXT")
    para(content.provenance)
    new_ids = content.business.new_unit_ids
    pdf.image(io.BytesIO(_plan_map_png(districts, bases, new_ids, outline)), w=width)
    pdf.ln(2)
    if content.new_units:
        heading(f"The new unit{'s' if len(content.new_units) > 1 else ''} in this plan", 11)
        for line in content.new_units:
            para(f"• {line}")
    heading("Key figures, baseline against plan", 11)
    _table(pdf, content.kpis, width)

    pdf.add_page()
    case = content.business.case
    heading("The business case (a year)", 12)
    rows = [
        ("Calls gained by the whole fleet", f"{case.fleet_calls_gain_per_year:,.0f}"),
        ("Calls the new unit(s) attend themselves", f"{case.new_units_calls_per_year:,.0f}"),
        ("Service hours saved", f"{case.hours_saved_per_year:,.0f}"),
        ("Money saved", _gbp(case.money_saved_per_year)),
        ("Cost", _gbp(case.cost_per_year)),
        ("Net benefit", _gbp(case.net_benefit_per_year)),
        (
            "Payback",
            "never (costs exceed savings)"
            if case.payback_years is None
            else f"{case.payback_years:.1f} years",
        ),
        ("Range of the net benefit", f"{_gbp(content.business.low)} to {_gbp(content.business.high)}"),
    ]
    _table(pdf, pd.DataFrame(rows, columns=["Figure", "Value"]).set_index("Figure"), width)
    heading("What moves the net benefit (one input at a time)", 10)
    pdf.image(io.BytesIO(_tornado_png(content.business)), w=width)
    for note in case.notes:
        para(f"• {note}")

    pdf.add_page()
    heading("Assumptions in force", 11)
    for line in content.assumptions:
        para(f"• {line}")
    heading("How far to trust these numbers", 11)
    for line in content.validity:
        para(f"• {line}")
    return bytes(pdf.output())


def _table(pdf: object, table: pd.DataFrame, width: float) -> None:
    """Draw a table: its index as the first column, then its columns."""
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    headers = [str(table.index.name or ""), *map(str, table.columns)]
    first = width * (0.5 if len(headers) > 2 else 0.6)
    rest = (width - first) / max(len(headers) - 1, 1)
    pdf.set_font("DejaVu", size=8)
    pdf.set_fill_color(235, 235, 235)
    for k, text in enumerate(headers):
        pdf.cell(first if k == 0 else rest, 5.5, text, border=1, fill=True)
    pdf.ln()
    for label, row in table.iterrows():
        pdf.cell(first, 5.2, str(label), border=1)
        for value in row:
            pdf.cell(rest, 5.2, str(value), border=1, align="R")
        pdf.ln()
    pdf.ln(2)


def new_unit_lines(
    plan: Scenario,
    new_ids: tuple[str, ...],
    bases: gpd.GeoDataFrame,
    *,
    towns: pd.DataFrame,
    postcodes: pd.DataFrame,
) -> tuple[str, ...]:
    """Name each new unit of a plan with its base and shift pattern, for the pack.

    Parameters
    ----------
    plan
        The plan (the baseline plus the new units).
    new_ids
        The ids of the plan's new vehicles (:attr:`PlanBusinessCase.new_unit_ids`).
    bases
        The plan's resolved bases (:func:`jru_geo.io.bases.resolve_bases`), ``vehicle_id`` and a
        point per vehicle, EPSG:27700.
    towns, postcodes
        Tables for :func:`jru_geo.optimise.candidates.place_names` (the base's nearest town and
        postcode).

    Returns
    -------
    tuple of str
        One sentence per new unit, in the plan's order, e.g. ``"Rapid Maidstone (NEW1): based near
        Maidstone (ME15 6AB), easting 573,362 northing 155,654; on shift every day 18:00-02:00
        (56 h a week); target 15 min, job 45 min."``
    """
    vehicles = [v for v in plan.vehicles if v.id in set(new_ids)]
    if not vehicles:
        return ()
    where = bases.assign(vehicle_id=bases["vehicle_id"].astype(str)).set_index("vehicle_id").geometry
    x = np.array([where.loc[v.id].x for v in vehicles], dtype=float)
    y = np.array([where.loc[v.id].y for v in vehicles], dtype=float)
    places = place_names(x, y, towns=towns, postcodes=postcodes)
    lines = []
    for v, e, n, place in zip(vehicles, x, y, places, strict=True):
        shifts = ShiftPattern(v.name, tuple(v.shifts)).describe() if v.shifts else "no shifts (never on duty)"
        based = f"based {place}, " if not place.startswith("grid ") else "based at "
        lines.append(
            f"{v.name} ({v.id}): {based}easting {e:,.0f} northing {n:,.0f}; on shift {shifts}; "
            f"target {v.target_min:g} min, job {v.job_min:g} min."
        )
    return tuple(lines)


def validity_notes(travel_errors: pd.DataFrame | None, method: str) -> tuple[str, ...]:
    """Say how far the model is checked, from measured figures.

    Parameters
    ----------
    travel_errors
        :func:`jru_geo.model.travel.calibrated.cross_validate` (leave one hospital out), or None
        when not computed.
    method
        The hypercube method of the plan's coverage (``"exact"`` or ``"approx"``).

    Returns
    -------
    tuple of str
        One sentence per check.
    """
    notes: list[str] = []
    if travel_errors is not None and len(travel_errors):
        rows = travel_errors.set_index("hospital")
        short = next((h for h in rows.index if str(h).startswith("overall_le_")), None)
        if short is not None:
            r = rows.loc[short]
            notes.append(
                "Travel times: leaving each hospital out in turn, the road-time error is "
                f"{r['mae_min']:.2f} min on average (90th centile {r['p90_abs_min']:.2f} min) over "
                f"{int(r['n']):,} trips up to {str(short).removeprefix('overall_le_')}, on clear-road car "
                "times before the blue-light factor."
            )
    notes.append(
        "Busy units: Larson's hypercube queueing model, "
        + (
            "exact for this fleet."
            if method == "exact"
            else "Larson's approximation for this fleet (more units on shift than the exact model takes)."
        )
    )
    notes.append(
        "Every coverage and business figure here comes from the same engine as the app's Coverage and "
        "Planner pages; the app's Model page compares it with a simulation and with the published record."
    )
    return tuple(notes)
