"""The exact hypercube's step over one time slot of the week, by uniformisation.

In a slot the units on shift and the calls' arrival rates are fixed, so the state probabilities
move by the slot's generator: uniformised at its largest exit rate ``lam``, the end state (and the
mean state over the slot) is a Poisson-weighted series of powers of the jump matrix. With few states
(at most :data:`_DENSE_MAX_STATES`) the series is summed once into two small matrices, for all the
week's slots with the same units on shift at once; with more, a sparse jump matrix is kept and the
series summed for each start state. :mod:`jru_geo.model.queueing.schedule` runs the steps over the
week until it repeats.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse, special

from jru_geo.model.queueing._checks import BoolArray, FloatArray, IntArray
from jru_geo.model.queueing.hypercube import _dispatch_targets, _generator, _transitions

_DENSE_MAX_STATES = 64
"""Most states of a group solved with dense matrices (6 units)."""

_CHUNK_VALUES = 1 << 20
"""Most values (8 MiB) of one batch of slots' largest array: their generators, or calls served."""


def _poisson_upper(mean: FloatArray, tail: float = 1e-14) -> IntArray:
    """Smallest ``k`` with ``P(N > k) <= tail`` for a Poisson ``N`` of each mean (its inverse survival)."""
    level = 1.0 - tail
    k = np.ceil(special.pdtrik(level, mean))
    below = np.maximum(k - 1.0, 0.0)
    return np.where(special.pdtr(below, mean) >= level, below, k).astype(np.int64)


def _poisson_weights(mean_jumps: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(B, K)`` Poisson weights of each slot's jumps: at the slot's end, and on average over it.

    Row ``b`` holds ``P(N(hours) = k)`` (as scipy.stats.poisson computes it) and the mean over the
    slot of ``P(N(t) = k)``, ``t`` uniform on ``[0, hours]``: ``P(N(hours) > k) / (lam*hours)``, for
    ``k`` up to the row's own series length (its Poisson tail, plus 2); both are 0 beyond it.
    """
    k_max = _poisson_upper(mean_jumps) + 2
    k = np.arange(int(k_max.max()) + 1 if k_max.size else 1)[None, :]
    mean = mean_jumps[:, None]
    within = k <= k_max[:, None]
    end = np.where(within, np.exp(special.xlogy(k, mean) - special.gammaln(k + 1) - mean), 0.0)
    average = np.where(within, special.pdtrc(k, mean) / mean, 0.0)
    return end, average


class _Step:
    """Uniformised transition of one slot: end state and slot-mean state from a start state.

    Few states: dense matrices, and the series summed once into two small matrices (``dense``), so
    a slot costs two matrix-vector products (built by :func:`_dense_steps` for many slots at once).
    More states: a sparse jump matrix and the series summed for each start state.
    """

    def __init__(
        self,
        matrix_t: sparse.csr_matrix | None = None,
        weights: tuple[FloatArray, FloatArray] | None = None,
        dense: tuple[FloatArray, FloatArray] | None = None,
    ):
        self.matrix_t = matrix_t
        self.weights = weights
        self.dense = dense

    @classmethod
    def sparse(cls, arrival: FloatArray, targets: IntArray, mu: FloatArray, n: int, hours: float) -> _Step:
        """Build the step of one slot with the sparse generator."""
        rates, exit_rate = _generator(arrival, targets, mu, n)
        lam = float(exit_rate.max()) if exit_rate.size else 0.0
        if lam <= 0:
            return cls()
        jump = rates.multiply(1.0 / lam).tocsr() + sparse.diags(1.0 - exit_rate / lam)
        end, average = _poisson_weights(np.array([lam * hours]))
        return cls(matrix_t=jump.T.tocsr(), weights=(end[0], average[0]))

    def _series(self, start: FloatArray) -> tuple[FloatArray, FloatArray]:
        assert self.matrix_t is not None and self.weights is not None
        weights_end, weights_mean = self.weights
        term = start
        end = weights_end[0] * term
        mean = weights_mean[0] * term
        for k in range(1, weights_end.size):
            term = self.matrix_t @ term
            end = end + weights_end[k] * term
            mean = mean + weights_mean[k] * term
        return np.asarray(end), np.asarray(mean)

    def apply(self, start: FloatArray) -> tuple[FloatArray, FloatArray]:
        if self.dense is not None:
            return self.dense[0] @ start, self.dense[1] @ start
        if self.matrix_t is None:
            return start, start
        return self._series(start)


def _dense_steps(arrival: FloatArray, targets: IntArray, mu: FloatArray, n: int, hours: float) -> list[_Step]:
    """Build the dense :class:`_Step` of each of ``B`` slots' arrival rates ``(B, m)``, one set of targets.

    The slots' generators, jump matrices and series are built together, element by element as for
    one slot (the series of a slot with fewer terms adds zero-weighted terms).
    """
    n_states = 1 << n
    rows, cols, vals = _transitions(np.ones(arrival.shape[1]), targets, mu, n)
    # the triplets in _transitions' order: each atom's arrivals (its rate), then the services (mu)
    hits = (targets >= 0).sum(axis=1)
    atom = np.repeat(np.arange(arrival.shape[1]), hits)
    rates = np.concatenate(
        [arrival[:, atom], np.broadcast_to(vals[atom.size :], (len(arrival), vals.size - atom.size))], axis=1
    )
    flat = np.zeros((len(arrival), n_states * n_states))
    np.add.at(flat, (np.arange(len(arrival))[:, None], (rows * n_states + cols)[None, :]), rates)
    generator = flat.reshape(len(arrival), n_states, n_states)
    exit_rate = generator.sum(axis=2)
    lam = exit_rate.max(axis=1)
    moving = np.flatnonzero(lam > 0)
    steps = [_Step()] * len(arrival)
    if not moving.size:
        return steps
    lam_m = lam[moving]
    matrix = generator[moving] * (1.0 / lam_m)[:, None, None]
    diagonal = np.arange(n_states)
    matrix[:, diagonal, diagonal] += 1.0 - exit_rate[moving] / lam_m[:, None]
    matrix_t = np.ascontiguousarray(matrix.transpose(0, 2, 1))
    weights_end, weights_mean = _poisson_weights(lam_m * hours)
    term = np.broadcast_to(np.eye(n_states), matrix_t.shape)
    end = weights_end[:, 0, None, None] * term
    mean = weights_mean[:, 0, None, None] * term
    for k in range(1, weights_end.shape[1]):
        term = matrix_t @ term
        end = end + weights_end[:, k, None, None] * term
        mean = mean + weights_mean[:, k, None, None] * term
    for i, b in enumerate(moving):
        steps[b] = _Step(dense=(end[i], mean[i]))
    return steps


def _slots_by_shift(on: BoolArray) -> list[tuple[BoolArray, IntArray]]:
    """Each distinct set of units on shift (a row of ``on`` ``(S, n)``) with its slots, in order."""
    distinct, row_of = np.unique(on, axis=0, return_inverse=True)
    row_of = np.asarray(row_of).ravel()  # numpy 2.0 and 2.1 give it the shape of the input
    return [(row, np.flatnonzero(row_of == g)) for g, row in enumerate(distinct)]


def _slot_steps(
    arrival: FloatArray, pref: IntArray, mu: FloatArray, on: BoolArray, slot_hours: float
) -> list[_Step]:
    """Each slot's :class:`_Step`, built once per distinct (units on shift, arrival rates)."""
    n = mu.size
    out: list[_Step | None] = [None] * on.shape[0]
    for mask, slots in _slots_by_shift(on):
        _, first, which = np.unique(arrival[slots], axis=0, return_index=True, return_inverse=True)
        targets = _dispatch_targets(pref, mask, n)
        if (1 << n) <= _DENSE_MAX_STATES:
            # in batches of at most _CHUNK_VALUES values of a batch's largest array
            size = max(1 << (2 * n), int((targets >= 0).sum()) + n * (1 << n))
            batch = max(1, _CHUNK_VALUES // size)
            steps = [
                step
                for start in range(0, first.size, batch)
                for step in _dense_steps(
                    arrival[slots[first[start : start + batch]]], targets, mu, n, slot_hours
                )
            ]
        else:
            steps = [_Step.sparse(arrival[slots[i]], targets, mu, n, slot_hours) for i in first]
        for s, w in zip(slots, np.asarray(which).ravel(), strict=True):
            out[s] = steps[w]
    return [step for step in out if step is not None]
