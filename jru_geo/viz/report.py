"""The public summary: headline figures, the per-district table and the PNG/CSV exports.

The Overview page and its exports show the same numbers, computed here once. The PNG is drawn with
matplotlib from the embedded geography (no web tiles, no internet) so it can be attached to a
briefing as it is.

The headline count is named for what the data is (:func:`jru_geo.io.sources.headline_count`):
"police-recorded crimes" for police.uk, "collisions" for STATS19, "joint incidents" for the demo and
CAD or joint-call logs, with the JRU share beside it when it is not 1; the period runs to the end
of the last month for police.uk's month-only dates (:func:`jru_geo.io.sources.incident_period`).
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo._validate import require_columns
from jru_geo.areas.counts import counts_by_area
from jru_geo.io.boundaries import ATTRIBUTION
from jru_geo.io.sources import Headline, Period, format_day, headline_count, incident_period
from jru_geo.viz.style import OKABE_ITO, class_breaks, viridis_hex

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DEFINITIONS",
    "SummarySize",
    "summary_title",
    "summary_alt_text",
    "CoverageFigures",
    "Summary",
    "summarise",
    "district_table",
    "format_share",
    "summary_csv",
    "summary_png",
]


class CoverageFigures(Protocol):
    """The three coverage shares (0-1) a coverage result provides (:mod:`jru_geo.model.coverage`)."""

    @property
    def coverage_geographic(self) -> float:
        """Share of incidents within target of some base."""
        ...

    @property
    def coverage_in_hours(self) -> float:
        """Share of incidents reached within target by a unit on shift."""
        ...

    @property
    def coverage_expected(self) -> float:
        """Share of incidents reached within target by a unit on shift and free."""
        ...


@dataclass(frozen=True)
class Summary:
    """Headline figures of the public summary.

    Attributes
    ----------
    incidents
        Incidents in Kent after the filters (whatever their source: see ``headline``).
    headline
        That count named for its source, with the JRU share (e.g. ``"42,701 police-recorded
        crimes; 8% taken as JRU calls = 3,416"``).
    outside_kent
        Incidents outside Kent (kept, not counted above).
    first_date, last_date
        Period the incidents cover (``None`` when there are none); a month-precision incident
        counts to the end of its month.
    period_note
        Why the period ends on a month's end (``"police.uk gives the month only"``), or ``""``.
    busiest_district, busiest_incidents, busiest_rate_per_1000
        District with the most incidents, its count and its rate per 1,000 residents.
    units, unit_hours_per_week
        Vehicles in the scenario and their total on-shift hours a week.
    coverage_geographic, coverage_in_hours, coverage_expected
        Shares 0-1 of incidents reached within target (``None`` until computed).
    as_of
        Date the summary was produced.
    synthetic
        True when the incidents are the synthetic demo data.
    source_note
        Where the incidents come from, e.g. ``"synthetic demo data (seed 2025)"`` or file names.
    filter_note
        The filters applied, in words.
    area_name
        The force area in words (``"Kent"``, ``"Surrey"``), as the title and labels name it.
    """

    incidents: int
    headline: Headline
    outside_kent: int
    first_date: dt.date | None
    last_date: dt.date | None
    period_note: str
    busiest_district: str | None
    busiest_incidents: int
    busiest_rate_per_1000: float | None
    units: int
    unit_hours_per_week: float
    coverage_geographic: float | None
    coverage_in_hours: float | None
    coverage_expected: float | None
    as_of: dt.date
    synthetic: bool
    source_note: str
    filter_note: str
    area_name: str = "Kent"

    @property
    def period(self) -> str:
        """``"1 Jan 2025 to 31 Mar 2025 (police.uk gives the month only)"`` or ``"no incidents"``."""
        return Period(self.first_date, self.last_date, self.period_note).text

    @property
    def as_of_line(self) -> str:
        """The "as of" line every view of the summary carries.

        It names the count and the period once; the JRU share is in the headline rows (and in the
        assumptions the filter note ends with).
        """
        data = "Synthetic demo data, not real incidents. " if self.synthetic else ""
        counted = f"{self.headline.count_text} in {self.area_name}, {self.period}"
        return f"{data}As of {format_day(self.as_of)}; {counted}; {self.filter_note}."


def format_share(share: float | None) -> str:
    """``0.4567`` -> ``"45.7%"``; ``None`` -> ``"not computed"``."""
    return "not computed" if share is None or not np.isfinite(share) else f"{100 * share:.1f}%"


def summarise(
    joined: gpd.GeoDataFrame,
    districts: pd.DataFrame,
    bases: pd.DataFrame,
    *,
    coverage: CoverageFigures | None = None,
    as_of: dt.date,
    synthetic: bool,
    source_note: str,
    filter_note: str = "all incidents",
    demand_share: float = 1.0,
    area_name: str = "Kent",
) -> Summary:
    """Headline figures for the public summary.

    Parameters
    ----------
    joined
        Filtered incidents with areas (:func:`jru_geo.areas.join.assign_areas`); their ``source``
        names the count (plain "incidents" without the column).
    districts
        ``district_code, district_name, population``.
    bases
        Vehicle bases (:func:`jru_geo.io.bases.resolve_bases`), with ``weekly_hours``.
    coverage
        Coverage result for the same incidents and scenario, if computed.
    as_of, synthetic, source_note, filter_note
        Provenance shown with the figures; ``filter_note`` should leave out the date range, which
        the period gives.
    demand_share
        Share (0-1] of the incidents taken as JRU calls (``ModelAssumptions.demand_share``), said
        beside the count when below 1.

    Returns
    -------
    Summary
        The figures.

    Raises
    ------
    ColumnsError
        ``joined`` was not joined to areas.
    """
    require_columns(
        joined, ["in_kent"], what="incidents", plural=True, fix="run jru_geo.areas.join.assign_areas first"
    )
    counts = counts_by_area(joined, districts, level="district")
    inside = joined[joined["in_kent"].astype(bool)]
    top = counts.sort_values(["incidents", "district_code"], ascending=[False, True]).head(1)
    has_top = len(top) == 1 and int(top["incidents"].iloc[0]) > 0
    sources = inside["source"] if "source" in inside.columns else pd.Series("", index=inside.index)
    precision = inside["time_precision"] if "time_precision" in inside.columns else "minute"
    period = incident_period(
        pd.to_datetime(inside["time"]), pd.Series(precision, index=inside.index), sources
    )
    hours = float(bases["weekly_hours"].sum()) if "weekly_hours" in bases.columns else 0.0
    return Summary(
        incidents=int(len(inside)),
        headline=headline_count(sources, demand_share=demand_share),
        outside_kent=int(len(joined) - len(inside)),
        first_date=period.first,
        last_date=period.last,
        period_note=period.note,
        busiest_district=str(top["district_name"].iloc[0]) if has_top else None,
        busiest_incidents=int(top["incidents"].iloc[0]) if has_top else 0,
        busiest_rate_per_1000=float(top["rate_per_1000"].iloc[0]) if has_top else None,
        units=int(len(bases)),
        unit_hours_per_week=hours,
        coverage_geographic=None if coverage is None else float(coverage.coverage_geographic),
        coverage_in_hours=None if coverage is None else float(coverage.coverage_in_hours),
        coverage_expected=None if coverage is None else float(coverage.coverage_expected),
        as_of=as_of,
        synthetic=synthetic,
        source_note=source_note,
        filter_note=filter_note,
        area_name=area_name,
    )


def district_table(
    joined: gpd.GeoDataFrame,
    districts: pd.DataFrame,
    *,
    covered_share: pd.Series | None = None,
    area_name: str = "Kent",
) -> pd.DataFrame:
    """Build the small per-district table of the public summary, busiest first, display-ready.

    Parameters
    ----------
    joined
        Filtered incidents with areas.
    districts
        ``district_code, district_name, population``.
    covered_share
        Optional share (0-1) of each district's incidents reached within target, indexed by
        ``district_code``.

    Returns
    -------
    DataFrame
        ``District, Incidents, Per 1,000 residents, Share of Kent (%)`` (+ ``Reached in target (%)``);
        the share column names ``area_name``.
    """
    counts = counts_by_area(joined, districts, level="district")
    total = int(counts["incidents"].sum())
    out = pd.DataFrame(
        {
            "District": counts["district_name"].astype(str),
            "Incidents": counts["incidents"].astype("int64"),
            "Per 1,000 residents": counts["rate_per_1000"].astype(float).round(2),
            f"Share of {area_name} (%)": (100 * counts["incidents"] / total).round(1) if total else 0.0,
        }
    )
    if covered_share is not None:
        share = covered_share.reindex(counts["district_code"]).to_numpy(dtype=float)
        out["Reached in target (%)"] = np.round(100 * share, 1)
    return out.sort_values(["Incidents", "District"], ascending=[False, True]).reset_index(drop=True)


def summary_csv(summary: Summary, table: pd.DataFrame) -> bytes:
    """Write the summary as CSV (UTF-8 with BOM, for Excel): headline rows, a blank line, the table."""
    headline = summary.headline
    jru = _jru_rows(headline)
    head = pd.DataFrame(
        {
            "figure": [
                f"{headline.label} in {summary.area_name}",
                *(label for label, _ in jru),
                f"Incidents outside {summary.area_name} (not counted)",
                "Period",
                "Busiest district",
                "Units",
                "Unit hours on shift per week",
                "Reached within target (geographic)",
                "Reached within target (in hours)",
                "Expected coverage (availability-aware)",
                "As of",
                "Source",
                "Filters",
                "Attribution",
            ],
            "value": [
                str(summary.incidents),
                *(value for _, value in jru),
                str(summary.outside_kent),
                summary.period,
                summary.busiest_district or "none",
                str(summary.units),
                f"{summary.unit_hours_per_week:.0f}",
                format_share(summary.coverage_geographic),
                format_share(summary.coverage_in_hours),
                format_share(summary.coverage_expected),
                summary.as_of.isoformat(),
                summary.source_note,
                summary.filter_note,
                ATTRIBUTION,
            ],
        }
    )
    buf = io.StringIO()
    head.to_csv(buf, index=False, lineterminator="\n")
    buf.write("\n")
    table.to_csv(buf, index=False, lineterminator="\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _jru_rows(headline: Headline) -> list[tuple[str, str]]:
    """``[("Taken as JRU calls", "3,416 (8%)")]`` when the JRU share is below 1, else nothing."""
    if not headline.share_note:
        return []
    return [("Taken as JRU calls", f"{headline.jru_calls:,} ({round(100 * headline.demand_share, 1):g}%)")]


def _headline_rows(summary: Summary) -> list[tuple[str, str]]:
    busiest = (
        f"{summary.busiest_district} ({summary.busiest_incidents:,})" if summary.busiest_district else "none"
    )
    headline = summary.headline
    jru = _jru_rows(headline)
    return [
        (headline.label, f"{summary.incidents:,}"),
        *jru,
        ("Reached within target", format_share(summary.coverage_in_hours)),
        ("Expected coverage", format_share(summary.coverage_expected)),
        ("Busiest district", busiest),
        ("Units on the road", f"{summary.units} ({summary.unit_hours_per_week:,.0f} h/week)"),
    ]


SummarySize = Literal["web", "print"]
"""``"web"``: 1280x720 px at 100 dpi; ``"print"``: 2400x1350 px at 200 dpi (about 30 x 17 cm)."""

_SIZES: dict[str, tuple[tuple[float, float], int]] = {"web": ((12.8, 7.2), 100), "print": ((12.0, 6.75), 200)}

DEFINITIONS = (
    "Reached within target: the share of incidents a unit on shift could reach within its response "
    "target. Expected coverage: the same, allowing for units already busy on another job (so the unit "
    "is on shift, in time and free). Per 1,000: incidents per 1,000 residents (Census 2011)."
)
"""Plain-English definitions of the summary's figures, printed on it."""


def summary_title(summary: Summary) -> str:
    """Give the summary's headline with its period.

    For example ``"Kent Joint Response Units, 1 Jan 2025 to 31 Dec 2025"``.
    """
    return f"{summary.area_name} Joint Response Units, {summary.period}"


def summary_alt_text(summary: Summary, table: pd.DataFrame) -> str:
    """Describe the summary image in words, for screen readers and for posting it.

    Parameters
    ----------
    summary, table
        From :func:`summarise` and :func:`district_table`.

    Returns
    -------
    str
        A few sentences with every headline figure.
    """
    rows = "; ".join(f"{label} {value}" for label, value in _headline_rows(summary))
    n = len(table)
    return (
        f"{summary_title(summary)}. Map of {summary.area_name}'s {n} districts shaded by incidents per "
        f"1,000 residents, with the units' bases marked. {rows}. A table lists all {n} districts with "
        f"their incidents, rate per 1,000 and share reached within target."
        + (" Synthetic demo data, not real incidents." if summary.synthetic else "")
    )


def summary_png(
    summary: Summary,
    table: pd.DataFrame,
    districts: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    *,
    outline: gpd.GeoDataFrame | None = None,
    towns: pd.DataFrame | None = None,
    rates: pd.DataFrame | None = None,
    size: SummarySize = "web",
) -> bytes:
    """Draw the public summary: map, headline figures with the period, every district, definitions.

    Parameters
    ----------
    summary, table
        From :func:`summarise` and :func:`district_table` (every district is listed).
    districts, bases, outline, towns
        Geography in EPSG:27700 (towns: ``name, easting, northing``).
    rates
        ``district_code, rate_per_1000`` to colour the districts (viridis); plain when ``None``.
    size
        ``"web"`` (1280x720 px) or ``"print"`` (2400x1350 px at 200 dpi).
    """
    from matplotlib.figure import Figure  # matplotlib only when drawing

    figsize, dpi = _SIZES[size]
    fig = Figure(figsize=figsize, dpi=dpi, facecolor="white")
    ax = fig.add_axes((0.01, 0.14, 0.55, 0.76))
    _draw_map(ax, districts, bases, outline=outline, towns=towns, rates=rates)
    fig.text(
        0.015, 0.955, summary_title(summary), fontsize=16, fontweight="bold", color="#1a1a1a", va="center"
    )
    if summary.synthetic:
        fig.text(
            0.985,
            0.955,
            "SYNTHETIC DEMO DATA",
            fontsize=12,
            fontweight="bold",
            color=OKABE_ITO["vermillion"],
            ha="right",
            va="center",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "#fff3e6", "edgecolor": OKABE_ITO["vermillion"]},
        )
    y = 0.875
    for label, value in _headline_rows(summary):
        fig.text(0.585, y, label, fontsize=10.5, color="#555555", va="center")
        fig.text(
            0.80, y, value, fontsize=13, fontweight="bold", color="#1a1a1a", va="center", parse_math=False
        )
        y -= 0.046
    _draw_table(fig, table, top=y - 0.004)
    footer = "\n".join(
        [
            textwrap.fill(DEFINITIONS, 200),
            textwrap.fill(summary.as_of_line, 200),
            textwrap.fill(ATTRIBUTION, 200),
        ]
    )
    # user text (file names, category names) is drawn as written: a "$" is no mathtext
    fig.text(
        0.015, 0.012, footer, fontsize=6.6, color="#444444", va="bottom", linespacing=1.3, parse_math=False
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Title": summary_title(summary)})
    return buf.getvalue()


def _draw_map(
    ax: object,
    districts: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    *,
    outline: gpd.GeoDataFrame | None,
    towns: pd.DataFrame | None,
    rates: pd.DataFrame | None,
) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    ax.set_facecolor("#dde8f0")
    if outline is not None:
        outline.plot(ax=ax, color="#f4f1ea", edgecolor="#4d4d4d", linewidth=0.8)
    if rates is not None:
        values = (
            rates.set_index("district_code")["rate_per_1000"]
            .reindex(districts["district_code"])
            .to_numpy(float)
        )
        breaks = class_breaks(values)
        colours = viridis_hex(len(breaks))
        edges = [min(float(np.nanmin(values)), 0.0) - 1e-9, *breaks]
        if len(edges) < 3:
            edges = [edges[0], edges[-1] - 1e-9, edges[-1]]
            colours = colours * 2
        from matplotlib.colors import BoundaryNorm, ListedColormap

        cmap = ListedColormap(colours)
        norm = BoundaryNorm(edges, cmap.N)
        districts.assign(_v=values).plot(
            ax=ax, column="_v", cmap=cmap, norm=norm, edgecolor="white", linewidth=0.8, alpha=0.85
        )
        handles = [
            _patch(c, f"{lo:,.1f}-{hi:,.1f}")
            for c, lo, hi in zip(colours, [float(np.nanmin(values)), *breaks[:-1]], breaks, strict=False)
        ]
        ax.legend(
            handles=handles,
            title="Incidents per 1,000 residents",
            loc="lower left",
            fontsize=8,
            title_fontsize=8,
            frameon=True,
            framealpha=0.9,
        )
    else:
        districts.plot(ax=ax, color="#ffffff", edgecolor="#4d4d4d", linewidth=0.6)
    if towns is not None:
        for _, t in towns.iterrows():
            ax.text(
                float(t["easting"]),
                float(t["northing"]) - 1800,
                str(t["name"]),
                fontsize=7,
                ha="center",
                va="top",
                color="#222222",
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.6, "edgecolor": "none"},
            )
    if len(bases):
        xs, ys = bases.geometry.x.to_numpy(), bases.geometry.y.to_numpy()
        ax.scatter(xs, ys, s=90, color=OKABE_ITO["vermillion"], edgecolor="white", linewidth=1.5, zorder=5)
        for x, y, label in zip(xs, ys, bases["vehicle_id"].astype(str), strict=True):
            ax.text(
                x + 1800,
                y,
                label,
                fontsize=9,
                fontweight="bold",
                color=OKABE_ITO["vermillion"],
                va="center",
                zorder=6,
                parse_math=False,
            )
    xmin, ymin, xmax, ymax = districts.total_bounds
    pad = 3000
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_visible(False)


def _patch(colour: str, label: str) -> object:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, edgecolor="#555555", label=label)


def _draw_table(fig: Figure, table: pd.DataFrame, *, top: float) -> None:
    """List every district (the table's rows), spacing the rows to fit above the footer."""
    cols = [c for c in table.columns if not (c.startswith("Share of ") and c.endswith(" (%)"))]
    x_pos = [0.585, 0.78, 0.86, 0.93][: len(cols)]
    heads = {"Per 1,000 residents": "per 1,000", "Reached in target (%)": "in target"}
    for x, c in zip(x_pos, cols, strict=False):
        fig.text(x, top, heads.get(c, c), fontsize=8.5, fontweight="bold", color="#333333", va="top")
    step = min(0.034, (top - 0.04 - 0.16) / max(len(table), 1))
    y = top - 0.035
    for _, row in table.iterrows():
        for x, c in zip(x_pos, cols, strict=False):
            v = row[c]
            text = (
                f"{v:,}"
                if isinstance(v, (int, np.integer))
                else (f"{v:,.2f}" if isinstance(v, float) else str(v))
            )
            if c == "Reached in target (%)":
                text = f"{v:.1f}%"
            fig.text(x, y, text, fontsize=8.2, color="#1a1a1a", va="top", parse_math=False)
        y -= step
