"""Who responds: dispatch lists, sets of covering vehicles, and each incident's chance of a free one."""

from __future__ import annotations

import numpy as np

from jru_geo.model.coverage._fleet import _Fleet
from jru_geo.model.coverage.result import BoolArray, FloatArray, IntArray
from jru_geo.model.coverage.timing import _Timing, _to_hours
from jru_geo.model.queueing.schedule import ScheduleResult
from jru_geo.week import HOURS_PER_WEEK

__all__ = []


def _unique_rows(table: IntArray) -> tuple[IntArray, IntArray]:
    """Find the distinct rows of an integer table in lexicographic order, and each row's index among them.

    Equal to ``numpy.unique(table, axis=0, return_inverse=True)``, in one pass of 1-D sorts: each
    column is ranked, and the ranks are folded into one int64 code per row (re-ranked before the
    code could overflow), so a million rows cost a few 1-D sorts instead of a sort of row records. A
    column whose values span fewer integers than there are rows (vehicle numbers) is ranked by its
    offset from its minimum, which orders the rows the same way without a sort.
    """
    rows = table.shape[0]
    if rows == 0 or table.shape[1] == 0:
        return table[:1].reshape(min(rows, 1), table.shape[1]), np.zeros(rows, dtype=np.int64)
    code = np.zeros(rows, dtype=np.int64)
    size = 1
    for column in table.T:
        low, high = int(column.min()), int(column.max())
        if high - low < rows:  # a narrow range (vehicle numbers): the offset is already a rank
            rank, n_values = column.astype(np.int64) - low, high - low + 1
        else:
            values, rank = np.unique(column, return_inverse=True)
            n_values = len(values)
        if size * n_values >= 1 << 62:
            distinct, code = np.unique(code, return_inverse=True)
            size = len(distinct)
        code = code * n_values + np.asarray(rank, dtype=np.int64).ravel()
        size *= n_values
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return table[first], np.asarray(inverse, dtype=np.int64).ravel()


def _masks_to_int(sets: BoolArray) -> IntArray:
    weights = (1 << np.arange(sets.shape[1], dtype=np.int64)).astype(np.int64)
    return sets.astype(np.int64) @ weights


def _int_to_masks(codes: IntArray, n: int) -> BoolArray:
    return ((codes[:, None] >> np.arange(n)) & 1).astype(bool)


def _dispatch_key(travel: FloatArray, covering: BoolArray, in_reach: BoolArray) -> FloatArray:
    """``(N, n)`` sort keys: minutes, plus 1e9 when not covering, infinite outside reach."""
    key = np.add(travel, 1e9, where=~covering, out=np.array(travel, dtype=np.float64, copy=True))
    key[~in_reach] = np.inf
    return key


def _dispatch_lists(travel: FloatArray, covering: BoolArray, in_reach: BoolArray) -> IntArray:
    """``(N, n)`` vehicle order per incident: covering first, then nearest; ``-1`` outside reach."""
    key = _dispatch_key(travel, covering, in_reach)
    order = np.argsort(key, axis=1, kind="stable")
    if np.isnan(key).any():
        ranked = np.take_along_axis(key, order, axis=1)
        return np.where(np.isfinite(ranked), order, -1).astype(np.int64)
    finite = np.isfinite(key).sum(axis=1)  # infinite keys sort last: the first ``finite`` are the list
    order[np.arange(key.shape[1])[None, :] >= finite[:, None]] = -1
    return order.astype(np.int64, copy=False)


def _all_busy(schedule: ScheduleResult | None, slots: IntArray, sets: BoolArray) -> FloatArray:
    """P(every vehicle of each set is busy); 1 for empty sets (and everything with no model)."""
    if schedule is None:
        return np.ones(len(slots))
    empty = ~sets.any(axis=1)
    out = np.ones(len(slots))
    if (~empty).any():
        out[~empty] = schedule.all_busy_probability(slots[~empty], sets[~empty])
    return out


def _incident_cover(
    timing: _Timing,
    fleet: _Fleet,
    location: IntArray,
    covering: BoolArray,
    in_reach: BoolArray,
    schedule: ScheduleResult | None,
    q: float,
) -> dict[str, FloatArray]:
    """Compute each incident's cover, and the sums of cover per hour of the week.

    ``covering`` and ``in_reach`` are ``(L, n)``, one row per travel row (a distinct location);
    ``location`` is each incident's row among them. Per-incident ``geo``, ``in_hours``,
    ``expected``, ``mexclp``; and ``(4, 168)`` ``by_hour`` sums of incidents, in-hours and expected
    covered, and geographic covered, per hour of week.
    """
    n_inc, n = len(location), covering.shape[1]
    geo = covering.any(axis=1).astype(float)[location] if n else np.zeros(n_inc)
    in_hours = np.zeros(n_inc)
    expected = np.zeros(n_inc)
    mexclp = np.zeros(n_inc)
    by_hour = np.zeros((4, HOURS_PER_WEEK))
    per_hour = 60 // timing.slot_min
    usable = covering & in_reach
    ex = np.flatnonzero(timing.exact)
    if ex.size and 0 < n <= _MASK_UNITS:
        cover_ex = _exact_cover(timing, fleet, location[ex], covering, usable, schedule, q)
        in_hours[ex], expected[ex], mexclp[ex] = cover_ex
    elif ex.size and n:
        on_now = fleet.minute_on[:, timing.minute[ex]].T
        at = location[ex]
        covering_now = covering[at] & on_now
        in_hours[ex] = covering_now.any(axis=1)
        sets = usable[at] & on_now & fleet.slot_on[timing.slot[ex]]
        expected[ex] = 1.0 - _all_busy(schedule, timing.slot[ex], sets)
        k = covering_now.sum(axis=1)
        mexclp[ex] = np.where(k > 0, 1.0 - q**k, 0.0)
    rest = np.flatnonzero(~timing.exact)
    if rest.size and n:
        uniq, group = _cover_groups(covering, usable, location[rest], timing.profile_id[rest])
        weight, w_in, w_exp, w_mex = _group_slot_tables(uniq, timing, fleet, schedule, q, n)
        w_exp = np.minimum(w_exp, w_in)
        in_hours[rest] = w_in.sum(axis=1)[group]
        expected[rest] = w_exp.sum(axis=1)[group]
        mexclp[rest] = w_mex.sum(axis=1)[group]
        size = np.bincount(group, minlength=len(uniq)).astype(float)
        geo_g = _int_to_masks(uniq[:, 0], n).any(axis=1).astype(float)
        by_hour[0] += size @ _to_hours(weight, per_hour)
        by_hour[1] += (size * geo_g) @ _to_hours(weight, per_hour)
        by_hour[2] += size @ _to_hours(w_in, per_hour)
        by_hour[3] += size @ _to_hours(w_exp, per_hour)
    elif rest.size:
        spread = timing.weights[timing.profile_id[rest]].sum(axis=0)
        by_hour[0] += spread
    if ex.size:
        hours = timing.hour[ex]
        by_hour[0] += np.bincount(hours, minlength=HOURS_PER_WEEK)
        by_hour[1] += np.bincount(hours, weights=geo[ex], minlength=HOURS_PER_WEEK)
        by_hour[2] += np.bincount(hours, weights=in_hours[ex], minlength=HOURS_PER_WEEK)
        by_hour[3] += np.bincount(hours, weights=expected[ex], minlength=HOURS_PER_WEEK)
    return {
        "geo": geo,
        "in_hours": np.clip(in_hours, 0.0, 1.0),
        "expected": np.clip(np.minimum(expected, in_hours), 0.0, 1.0),
        "mexclp": np.clip(mexclp, 0.0, 1.0),
        "by_hour": by_hour,
    }


_MASK_UNITS = 52
"""Up to this many units, a set of units is one int64 bit mask, with room for the slot beside it."""


def _exact_cover(
    timing: _Timing,
    fleet: _Fleet,
    at: IntArray,
    covering: BoolArray,
    usable: BoolArray,
    schedule: ScheduleResult | None,
    q: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """In-hours, expected and MEXCLP cover of incidents timed to the minute (at travel rows ``at``).

    The sets of units are bit masks: the units covering the incident and on shift at its minute,
    and those it may go to in its slot. ``all_busy_probability`` is a function of each (slot, set)
    on its own, so it is asked once per distinct pair: the same values as asking per incident.
    """
    exact = timing.exact
    minute, slot = timing.minute[exact], timing.slot[exact]
    n_slots = fleet.slot_on.shape[0]
    now = _masks_to_int(fleet.minute_on.T)[minute]
    covering_now = _masks_to_int(covering)[at] & now
    sets = _masks_to_int(usable)[at] & now & _masks_to_int(fleet.slot_on)[slot]
    pairs, pair_of = np.unique(sets * n_slots + slot, return_inverse=True)
    busy = _all_busy(schedule, pairs % n_slots, _int_to_masks(pairs // n_slots, covering.shape[1]))
    k = np.bitwise_count(covering_now).astype(np.int64)
    mexclp = np.where(k > 0, 1.0 - q**k, 0.0)
    return (covering_now != 0).astype(float), 1.0 - busy[np.asarray(pair_of).ravel()], mexclp


def _cover_groups(
    covering: BoolArray, usable: BoolArray, location: IntArray, profile_id: IntArray
) -> tuple[IntArray, IntArray]:
    """Distinct ``(covering set, usable set, profile)`` keys (sets as bit masks), sorted, and each incident's.

    The same as :func:`_unique_rows` of the incidents' three keys: the two sets are ranked once per
    location, so the incidents need one 1-D ``numpy.unique`` of ``rank * profiles + profile``.
    """
    pairs, pair_of = _unique_rows(np.column_stack([_masks_to_int(covering), _masks_to_int(usable)]))
    n_profiles = int(profile_id.max()) + 1 if profile_id.size else 1
    codes, group = np.unique(pair_of[location] * n_profiles + profile_id, return_inverse=True)
    uniq = np.column_stack([pairs[codes // n_profiles], codes % n_profiles])
    return uniq, np.asarray(group, dtype=np.int64).ravel()


def _group_slot_tables(
    uniq: IntArray, timing: _Timing, fleet: _Fleet, schedule: ScheduleResult | None, q: float, n: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per group and slot ``(G, S)``: demand weight, in-hours, expected-covered and MEXCLP weight."""
    n_slots = fleet.slot_on.shape[0]
    per_hour = 60 // timing.slot_min
    weight = timing.weights[uniq[:, 2]][:, timing.hour_of_slot] / per_hour
    cov = _int_to_masks(uniq[:, 0], n)
    use = _int_to_masks(uniq[:, 1], n)
    on = fleet.slot_on
    k = (cov[:, None, :] & on[None, :, :]).sum(axis=2)
    sets = (use[:, None, :] & on[None, :, :]).reshape(-1, n)
    slots = np.tile(np.arange(n_slots), len(uniq))
    free = 1.0 - _all_busy(schedule, slots, sets).reshape(len(uniq), n_slots)
    mex = np.where(k > 0, 1.0 - q**k, 0.0)
    return weight, weight * (k > 0), weight * free, weight * mex
