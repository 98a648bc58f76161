"""The ``backtest`` and ``calibrate`` subcommands: the fleet's history replayed against the record.

Reuses the data options and loading of the engine subcommands (:mod:`jru_geo._cli_engine`); the
history is :mod:`jru_geo.model.history`, the replay :mod:`jru_geo.model.backtest`, the fit
:mod:`jru_geo.optimise.calibrate`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from jru_geo._cli_engine import _add_data_options, _load_inputs
from jru_geo._json import dumps
from jru_geo.errors import FilterError

if TYPE_CHECKING:
    from collections.abc import Callable

    from jru_geo.model.backtest import Backtest, Evaluate
    from jru_geo.model.history import History
    from jru_geo.optimise.calibrate import Fit

__all__ = ["add_commands", "backtest_json", "APP_REACH_CHOICES_MIN"]

APP_REACH_CHOICES_MIN = (20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 60.0)
"""The reaches the app's sidebar offers (minutes), which ``calibrate`` snaps its preset to."""


def backtest_json(bt: Backtest, history: History) -> dict[str, object]:
    """Turn the backtest into the command's JSON object.

    Parameters
    ----------
    bt
        The replay.
    history
        The history replayed (for the published figures and assumptions).

    Returns
    -------
    dict
        ``calls_by_unit_month``, ``jobs_per_8h_by_unit_month``, ``cumulative_calls``,
        ``jobs_per_8h`` (by unit and ``fleet``, over the replay), ``modelled`` (the figures compared),
        ``published``, ``residuals``, ``assumptions`` (the periods the record is silent on), ``notes``.
    """
    from jru_geo.model.history import assumptions_of

    pub = history.published
    jobs_by: dict[str, dict[str, float]] = {}
    for row in bt.by_unit_month.itertuples(index=False):
        jobs_by.setdefault(str(row.vehicle_id), {})[str(row.month)] = float(row.jobs_per_8h)
    return {
        "history": history.name,
        "calls_by_unit_month": bt.calls_by_unit_month(),
        "jobs_per_8h_by_unit_month": jobs_by,
        "cumulative_calls": bt.cumulative_calls,
        "jobs_per_8h": bt.jobs_per_8h,
        "modelled": {
            "calls_attended": bt.modelled_calls,
            "calls_from": pub.calls_from,
            "calls_to": pub.calls_to,
            "jobs_per_8h": bt.modelled_jobs_per_8h,
            "jobs_unit": pub.jobs_unit,
            "jobs_from": pub.jobs_from,
            "jobs_to": pub.jobs_to,
        },
        "published": pub.model_dump(),
        "residuals": {
            "calls": bt.modelled_calls - bt.published_calls,
            "calls_share": bt.calls_residual,
            "jobs_per_8h": bt.modelled_jobs_per_8h - bt.published_jobs_per_8h,
            "jobs_per_8h_share": bt.jobs_residual,
        },
        "assumptions": assumptions_of(history),
        "notes": list(bt.notes),
    }


def _no_slice(args: argparse.Namespace, command: str) -> None:
    if getattr(args, "days", None) or getattr(args, "hours", None):
        raise FilterError(
            f"--days and --hours do not apply to {command}, which replays every unit's whole week; drop them"
        )
    if getattr(args, "scenario", None):
        from jru_geo.model.history import HistoryError

        raise HistoryError(
            f"--scenario does not apply to {command}: the fleet comes from the history; give --history FILE"
        )


def _factory(
    args: argparse.Namespace,
) -> tuple[History, Callable[[float, float | None], Evaluate], dict[str, object]]:
    from jru_geo.model.backtest import evaluator_factory
    from jru_geo.model.history import HistoryError, load_history

    if not args.history and getattr(args, "area", "kent").strip().lower() != "kent":
        raise HistoryError(
            f"--area {args.area}: the shipped history is of Kent's units; give --history FILE with the "
            "dates and shifts of this area's units (see data/scenarios/README.md for the format)"
        )
    history = load_history(args.history)
    joined, _scenario, model, lsoas = _load_inputs(args)
    kent = joined[joined["in_kent"].to_numpy(dtype=bool)]
    factory = evaluator_factory(kent, history, model, lsoas=lsoas, postcodes=args.postcodes)

    demand = {
        "demand": "the given incidents" if args.incidents else "the synthetic demo year",
        "incidents": len(kent),
        "travel": model.name,
        "history_file": str(args.history) if args.history else "data/scenarios/kent_jru_history.json",
        "start": args.start,
        "end": args.end,
    }
    return history, factory, demand


def _cmd_backtest(args: argparse.Namespace) -> int:
    from jru_geo.model.backtest import replay

    _no_slice(args, "backtest")
    history, factory, demand = _factory(args)
    bt = replay(history, factory(args.demand_scale, args.dispatch_reach_min), start=args.start, end=args.end)
    out = {**demand, "demand_scale": args.demand_scale, "dispatch_reach_min": args.dispatch_reach_min}
    out.update(backtest_json(bt, history))
    print(dumps(out))
    return 0


def _fit_json(fit: Fit) -> dict[str, object]:
    return {
        "demand_scale": fit.demand_scale,
        "dispatch_reach_min": fit.dispatch_reach_min,
        "calls_attended": fit.backtest.modelled_calls,
        "jobs_per_8h": fit.backtest.modelled_jobs_per_8h,
        "residuals": fit.residuals,
        "replays_run": fit.evaluations,
    }


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from jru_geo.optimise.calibrate import calibrate, snap_reach

    _no_slice(args, "calibrate")
    history, factory, demand = _factory(args)
    cal = calibrate(history, factory, start=args.start, end=args.end, x0=(args.start_share, args.start_reach))
    choices = [float(c) for c in args.snap_reach.split(",") if c.strip()] if args.snap_reach else []
    preset = (
        snap_reach(history, factory, cal.fit, choices, start=args.start, end=args.end) if choices else None
    )
    pub = history.published
    out: dict[str, object] = {
        **demand,
        "fitted": _fit_json(cal.fit),
        "preset": None if preset is None else _fit_json(preset),
        "sensitivity": {
            "jacobian": cal.jacobian,
            "condition_number": cal.condition_number,
            "moves": cal.moves,
        },
        "published": {
            "calls_attended": pub.calls_attended,
            "calls_from": pub.calls_from,
            "calls_to": pub.calls_to,
            "jobs_per_shift": pub.jobs_per_shift,
            "shift_hours": pub.shift_hours,
            "jobs_unit": pub.jobs_unit,
            "jobs_from": pub.jobs_from,
            "jobs_to": pub.jobs_to,
        },
        "notes": list(cal.notes),
    }
    print(dumps(out))
    return 0


def _add_period(p: argparse.ArgumentParser) -> None:
    _add_data_options(p)
    p.add_argument(
        "--history", type=Path, help="history JSON (default: data/scenarios/kent_jru_history.json)"
    )
    p.add_argument("--start", default="2018-03", help="first month replayed, YYYY-MM (default 2018-03)")
    p.add_argument("--end", default="2020-11", help="last month replayed, YYYY-MM (default 2020-11)")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``backtest`` and ``calibrate`` on ``sub``."""
    p = sub.add_parser(
        "backtest",
        help="replay the units' history month by month against the published figures",
        description="Replay the fleet's history (each unit from the day it started, on the shift pattern "
        "in force) over the months on the demand's weekly rates (the demo year's or the given incidents', "
        "times --demand-scale). Prints JSON with calls_by_unit_month, cumulative_calls (YYYY-MM -> calls "
        "from the start to that month's end), jobs_per_8h, modelled, published and residuals.",
    )
    _add_period(p)
    p.add_argument(
        "--dispatch-reach-min",
        type=float,
        help="units are sent to calls up to this many minutes away (default: each unit's target)",
    )
    p.set_defaults(handler=_cmd_backtest)

    p = sub.add_parser(
        "calibrate",
        help="fit the JRU share of demand and the dispatch reach to the published figures",
        description="Fit the share of the incidents that are JRU calls and how far units are sent so "
        "that the backtest reproduces the published figures (about 4,500 calls March 2018 to November "
        "2020; about 7 jobs in an 8-hour shift), with scipy.optimize.least_squares. Prints JSON with "
        "fitted (values and residuals), preset (the share refitted at the nearest of the app's reach "
        "choices) and sensitivity. --demand-scale is ignored (it is fitted).",
    )
    _add_period(p)
    p.add_argument("--start-share", type=float, default=0.5, help="start value of the share (0.5)")
    p.add_argument("--start-reach", type=float, default=30.0, help="start value of the reach, minutes (30)")
    p.add_argument(
        "--snap-reach",
        default=",".join(f"{c:g}" for c in APP_REACH_CHOICES_MIN),
        help="reaches a preset may use, comma-separated minutes (default: the app's choices); empty: none",
    )
    p.set_defaults(handler=_cmd_calibrate)
