"""The ``report`` and ``summary`` subcommands: the chief officers' pack (PDF) and the public PNG.

``report`` works out the business case as ``business`` does (:func:`jru_geo._cli_business.run_business`)
and lays it out with the plan's map, its new units (name, base, shift pattern) and the KPIs
(:func:`jru_geo.viz.pack.case_pack_pdf`); ``summary`` draws the Overview's public summary
(:func:`jru_geo.viz.report.summary_png`) at print or web size.
Both write their file whole or not at all (a temporary file beside it, renamed into place).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from jru_geo._cli_business import add_business_options, run_business
from jru_geo._cli_engine import _add_data_options, _load_inputs
from jru_geo.errors import FilterError
from jru_geo.io._atomic import write_bytes_atomic

__all__ = ["add_commands"]


def _cmd_report(args: argparse.Namespace) -> int:
    from jru_geo.io import boundaries
    from jru_geo.io.bases import resolve_bases
    from jru_geo.io.sites import area_towns
    from jru_geo.io.sources import format_day, incident_period
    from jru_geo.model.travel.calibrated import cross_validate, load_travel_matrix
    from jru_geo.optimise.kpis import PlanKpis, kpi_table
    from jru_geo.viz.pack import PackContent, case_pack_pdf, new_unit_lines, validity_notes

    run = run_business(args)
    before = run.evaluate(run.model_assumptions, run.baseline)
    after = run.evaluate(run.model_assumptions, run.plan)
    kent = run.joined[run.joined["in_kent"].to_numpy(dtype=bool)]
    period = incident_period(
        kent["time"], kent["time_precision"], kent["source"] if "source" in kent.columns else None
    )
    settings = args.settings
    sites = boundaries.load_candidate_sites(settings=settings)
    errors = cross_validate(
        load_travel_matrix(settings=settings),
        boundaries.load_lsoas(settings=settings),
        sites[sites["kind"] == "acute_hospital"].reset_index(drop=True),
    )
    synthetic = not args.incidents
    source = "the synthetic demo year" if synthetic else ", ".join(p.name for p in args.incidents)
    plan_bases = resolve_bases(run.plan, postcodes=args.postcodes)
    content = PackContent(
        plan_name=run.plan.name,
        baseline_name=run.baseline.name,
        kpis=kpi_table(
            PlanKpis.from_coverage(before), PlanKpis.from_coverage(after), labels=("Baseline", "Plan")
        ),
        business=run.result,
        assumptions=(
            run.model_assumptions.describe(targets_min=[v.target_min for v in run.plan.vehicles]),
            "Business case: published figures and labelled assumptions, each named in the notes on page 2.",
        ),
        provenance=f"Incidents: {source}. Period: {period.text}. Figures over the whole week.",
        validity=validity_notes(errors, after.method),
        as_of=format_day(dt.date.today()),
        synthetic=synthetic,
        new_units=new_unit_lines(
            run.plan,
            run.result.new_unit_ids,
            plan_bases,
            towns=area_towns(settings=settings),
            postcodes=args.postcodes,
        ),
    )
    pdf = case_pack_pdf(
        content,
        districts=boundaries.load_districts(settings=settings),
        bases=plan_bases,
        outline=boundaries.load_outline(settings=settings),
    )
    write_bytes_atomic(pdf, args.out)
    print(f"wrote the business-case pack for {run.plan.name!r} against {run.baseline.name!r} to {args.out}")
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from jru_geo.areas.counts import counts_by_area
    from jru_geo.io import boundaries
    from jru_geo.io.bases import resolve_bases
    from jru_geo.io.sites import area_towns
    from jru_geo.model.coverage import engine
    from jru_geo.model.coverage.tables import covered_share_by_district
    from jru_geo.viz import report

    if args.days or args.hours:
        raise FilterError("the public summary is of all the data: drop --days and --hours")
    joined, scen, model, lsoas = _load_inputs(args)
    kent = joined[joined["in_kent"].to_numpy(dtype=bool)]
    settings = args.settings
    coverage = engine.compute_coverage(
        kent, scen, model, lsoas=lsoas, demand_scale=args.demand_scale, postcodes=args.postcodes
    )
    districts = boundaries.load_districts(settings=settings)
    bases = resolve_bases(scen, postcodes=args.postcodes)
    synthetic = not args.incidents
    summary = report.summarise(
        joined,
        districts,
        bases,
        coverage=coverage,
        as_of=dt.date.today(),
        synthetic=synthetic,
        source_note="synthetic demo data" if synthetic else ", ".join(p.name for p in args.incidents),
        filter_note="all data",
        demand_share=args.demand_scale,
        area_name=settings.area_label,
    )
    table = report.district_table(
        joined,
        districts,
        covered_share=covered_share_by_district(coverage),
        area_name=settings.area_label,
    )
    png = report.summary_png(
        summary,
        table,
        districts,
        bases,
        outline=boundaries.load_outline(settings=settings),
        towns=area_towns(settings=settings),
        rates=counts_by_area(joined, districts, level="district"),
        size="web" if args.web else "print",
    )
    write_bytes_atomic(png, args.out)
    size = "1280x720" if args.web else "2400x1350 at 200 dpi"
    print(f"wrote the public summary ({size}) to {args.out}")
    print(f"alt text: {report.summary_alt_text(summary, table)}")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``report`` and ``summary`` on ``sub``."""
    p = sub.add_parser(
        "report",
        help="the business-case pack for chief officers (PDF)",
        description="Lay out a plan's business case against a baseline as a PDF: the plan on a map (no web "
        "tiles), the KPI table, the fleet's calls gained, savings, cost, net benefit, payback, the range "
        "as a tornado chart, the assumptions, the data's period and the model's validity. Takes the "
        "options of `business`.",
    )
    add_business_options(p)
    p.add_argument("-o", "--out", type=Path, required=True, help="output PDF")
    p.set_defaults(handler=_cmd_report)

    p = sub.add_parser(
        "summary",
        help="the public summary PNG (print size, or --web)",
        description="Draw the Overview's public summary of all the data: the period in the headline, every "
        "district, plain-English definitions; 2400x1350 px at 200 dpi for print, or 1280x720 with --web. "
        "Prints its alt text.",
    )
    _add_data_options(p)
    p.add_argument("-o", "--out", type=Path, required=True, help="output PNG")
    p.add_argument("--web", action="store_true", help="1280x720 for the web instead of print size")
    p.set_defaults(handler=_cmd_summary)
