"""Engine runs that share their incidents: the incidents' timing once, and a fleet's dispatch order once.

:func:`jru_geo.optimise.next_units.recommend_units` runs the engine on the same incidents for many
fleets that differ from one fleet only by one added unit. What does not depend on the fleet (the
reprojected incidents, their time slots and hour profiles, the span in weeks) is built once by
:func:`prepare_coverage`; :meth:`PreparedIncidents.with_fleet` ranks a fleet's vehicles per
incident once, and a run on that fleet plus one unit inserts the unit into the ranked lists
instead of sorting every incident's list again. The figures are the same, bit for bit, as those of
:func:`~jru_geo.model.coverage.engine.compute_coverage` without ``prepared``
(``tests/model/coverage/test_prepared.py``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo._crs import to_bng
from jru_geo._validate import require_columns
from jru_geo.errors import CoverageError
from jru_geo.model.coverage.dispatch import _dispatch_key, _unique_rows
from jru_geo.model.coverage.result import BoolArray, DemandProfile, FloatArray, IntArray
from jru_geo.model.coverage.timing import _profile_rows, _span_weeks, _Timing

__all__ = ["PreparedIncidents", "prepare_coverage"]


@dataclass(frozen=True)
class _Ranked:
    """A fleet's dispatch order per incident: its travel rows, sorted keys, lists and their labels."""

    travel: FloatArray
    target: FloatArray
    reach: FloatArray
    key: FloatArray  # (N, n) each row's dispatch keys, ascending
    lists: IntArray  # (N, n) each row's dispatch list (``-1`` past its reach)
    atoms: IntArray  # the distinct lists, sorted
    label: IntArray  # (N,) each row's distinct list among ``atoms``
    mean_travel: FloatArray  # (n,) as the engine's ``_mean_travel`` of these rows


@dataclass(frozen=True)
class PreparedIncidents:
    """What runs of the engine on the same incidents share (build it with :func:`prepare_coverage`)."""

    frame: gpd.GeoDataFrame
    keep: BoolArray
    timing: _Timing
    weeks: float
    slot_min: int
    base: _Ranked | None = None

    def with_fleet(self, travel: FloatArray, target: FloatArray, reach: FloatArray) -> PreparedIncidents:
        """Rank a fleet once (its ``(N, n)`` travel, targets and reach) for runs that add one unit to it."""
        rows = np.asarray(travel, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[0] != len(self.frame) or not rows.shape[1] or np.isnan(rows).any():
            return dataclasses.replace(self, base=None)  # runs then take the engine's plain path
        target = np.asarray(target, dtype=np.float64)
        reach = np.asarray(reach, dtype=np.float64)
        covering = rows <= target[None, :]
        in_reach = rows <= reach[None, :]
        key = _dispatch_key(rows, covering, in_reach)
        order = np.argsort(key, axis=1, kind="stable")
        # as _dispatch_lists (no NaN here): infinite keys sort last, past each row's list
        lists = np.where(np.arange(rows.shape[1])[None, :] < np.isfinite(key).sum(axis=1)[:, None], order, -1)
        atoms, label = _unique_rows(lists)
        ranked = _Ranked(
            travel=rows,
            target=target,
            reach=reach,
            key=np.take_along_axis(key, order, axis=1),
            lists=lists,
            atoms=atoms,
            label=label,
            mean_travel=_mean_travel(rows, np.arange(len(rows)), reach),
        )
        return dataclasses.replace(self, base=ranked)


def incident_timing(
    frame: gpd.GeoDataFrame, demand_profile: DemandProfile, span_weeks: float | None, slot_min: int
) -> tuple[_Timing, float]:
    """Place the incidents in the slots of the week and count the weeks of data they span.

    Raises
    ------
    CoverageError
        ``span_weeks`` (given, or from the incidents' first and last days) is not above 0.
    """
    category = frame["category"].astype(str)
    profiles, _ = _profile_rows(demand_profile, category)
    time = pd.to_datetime(frame["time"])
    precision = frame["time_precision"].astype(str).where(time.notna(), "month")
    weeks = float(span_weeks) if span_weeks is not None else _span_weeks(time, precision)
    if not weeks > 0:
        raise CoverageError(f"span_weeks must be > 0, got {span_weeks!r}")
    return _Timing.build(time, precision, category, profiles, slot_min), weeks


def prepare_coverage(
    incidents: gpd.GeoDataFrame,
    *,
    counted: BoolArray | pd.Series | None = None,
    demand_profile: DemandProfile = "demo",
    span_weeks: float | None = None,
    slot_min: int = 15,
) -> PreparedIncidents:
    """Build the incidents' part of engine runs once, for ``compute_coverage(..., prepared=...)``.

    The arguments are those of :func:`~jru_geo.model.coverage.engine.compute_coverage`; a run given
    the result must be given the same incidents (after reprojection, in the same order).
    """
    frame = _check_incidents(incidents)
    keep = _check_counted(counted, len(frame))
    timing, weeks = incident_timing(frame, demand_profile, span_weeks, slot_min)
    return PreparedIncidents(frame=frame, keep=keep, timing=timing, weeks=weeks, slot_min=slot_min)


def _check_incidents(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not isinstance(incidents, gpd.GeoDataFrame):
        raise CoverageError(
            f"incidents must be a GeoDataFrame (from jru_geo.io.incidents.read_incidents), got "
            f"{type(incidents).__name__}"
        )
    require_columns(
        incidents,
        ("time", "time_precision", "category"),
        what="incidents",
        plural=True,
        fix="read them with jru_geo.io.incidents.read_incidents",
        error=CoverageError,
    )
    return to_bng(incidents, what="incidents", error=CoverageError).copy()


def _check_counted(counted: BoolArray | pd.Series | None, n: int) -> BoolArray:
    if counted is None:
        return np.ones(n, dtype=bool)
    mask = np.asarray(counted)
    if mask.shape != (n,) or mask.dtype != np.bool_:
        raise CoverageError(
            f"counted must be one boolean per incident ({n}), got {mask.dtype} of shape {mask.shape}; "
            "pass e.g. the filter's mask over the same incidents"
        )
    return mask


def _check_prepared(prepared: PreparedIncidents, incidents: gpd.GeoDataFrame, slot_min: int) -> None:
    if not isinstance(prepared, PreparedIncidents):
        raise CoverageError(f"prepared must come from prepare_coverage, got {type(prepared).__name__}")
    if len(incidents) != len(prepared.frame) or slot_min != prepared.slot_min:
        raise CoverageError(
            f"prepared was built for {len(prepared.frame):,} incidents and slot_min {prepared.slot_min}, "
            f"not {len(incidents):,} and {slot_min}; build it with prepare_coverage on these incidents"
        )


def _base_of(
    prepared: PreparedIncidents | None, rows: FloatArray, target: FloatArray, reach: FloatArray
) -> _Ranked | None:
    """Return the ranked fleet if ``rows`` are its rows, or those plus one column (same targets, reach)."""
    base = prepared.base if prepared is not None else None
    if base is None or rows.ndim != 2 or rows.shape[0] != base.travel.shape[0]:
        return None
    n = base.travel.shape[1]
    if rows.shape[1] not in (n, n + 1):
        return None
    same = (
        np.array_equal(target[:n], base.target)
        and np.array_equal(reach[:n], base.reach)
        and np.array_equal(rows[:, :n], base.travel)
    )
    return base if same else None


def _mean_travel(rows: FloatArray, location: IntArray, reach: FloatArray) -> FloatArray:
    """Mean travel minutes to the incidents within each vehicle's reach (0 with none).

    Summed over the incidents vehicle by vehicle, each vehicle's minutes expanded into one
    contiguous array: a fixed order of the floating-point sums, so the figures do not depend on
    how a caller laid out an injected matrix, and no incidents-by-vehicles matrix is built.
    """
    n = rows.shape[1]
    total, count = np.zeros(n), np.zeros(n, dtype=np.int64)
    for j in range(n):
        minutes = np.ascontiguousarray(rows[:, j], dtype=np.float64)[location]
        reached = minutes <= reach[j]
        total[j] = np.where(reached, minutes, 0.0).sum()
        count[j] = int(reached.sum())
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _ranked_mean_travel(
    prepared: PreparedIncidents | None,
    rows: FloatArray,
    location: IntArray,
    target: FloatArray,
    reach: FloatArray,
) -> FloatArray:
    """``_mean_travel``, the ranked fleet's units read off it (one row per incident only)."""
    base = _base_of(prepared, rows, target, reach)
    if base is None or not np.array_equal(location, np.arange(rows.shape[0])):
        return _mean_travel(rows, location, reach)
    n = base.travel.shape[1]
    return np.concatenate([base.mean_travel, _mean_travel(rows[:, n:], location, reach[n:])])


def _inserted_atoms(
    prepared: PreparedIncidents | None, rows: FloatArray, target: FloatArray, reach: FloatArray
) -> tuple[IntArray, IntArray] | None:
    """Distinct dispatch lists and each row's: the ranked fleet's, or with the last vehicle inserted.

    ``None`` unless ``rows`` are the ranked fleet's rows, or those plus one column (same targets and
    reach).
    Equal to ``_unique_rows(_dispatch_lists(...))`` of the whole matrix: a stable sort puts the new
    vehicle (the last) after every vehicle whose key is at most its own.
    """
    base = _base_of(prepared, rows, target, reach)
    if base is None:
        return None
    n = base.travel.shape[1]
    if rows.shape[1] == n:
        return base.atoms, base.label
    column = np.ascontiguousarray(rows[:, n], dtype=np.float64)
    if np.isnan(column).any():
        return None
    covering, in_reach = column <= target[n], column <= reach[n]
    new_key = _dispatch_key(column[:, None], covering[:, None], in_reach[:, None])[:, 0]
    finite = np.isfinite(new_key)
    position = (base.key <= new_key[:, None]).sum(axis=1)
    code = base.label * (n + 2) + np.where(finite, position, n + 1)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    old = base.lists[first]
    at = np.where(finite[first], position[first], n + 1)[:, None]
    j = np.arange(n + 1)[None, :]
    none = np.full((len(first), 1), -1, dtype=np.int64)
    shifted = np.concatenate([none, old], axis=1)  # column j holds the old list's entry j - 1
    padded = np.concatenate([old, none], axis=1)
    table = np.where(j < at, padded, np.where(j == at, n, shifted)).astype(np.int64)
    atoms, which = np.unique(table, axis=0, return_inverse=True)
    return atoms.astype(np.int64), np.asarray(which, dtype=np.int64).ravel()[np.asarray(inverse).ravel()]
