"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005): likelihood, fit, expectations.

A customer is summarised by ``x`` repeat purchases, the time ``t_x`` of the last one and the
time ``T`` observed, all measured from the first purchase. While alive, a customer buys as a
Poisson process with rate λ ~ Gamma(r, α); after every purchase they drop out with
probability p ~ Beta(a, b). Everything is computed in log space with ``gammaln`` so that large
frequencies do not overflow, and the conditional expectation uses Euler's transformation of
the Gauss hypergeometric function, whose only large parameter is then ``c``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import betaln, gammaln, hyp2f1, psi

from xlscore.value.fitting import Fit, dot, maximise

__all__ = ["BGNBD", "conditional_expected", "expected_count_distribution", "fit_bgnbd", "p_alive"]

Array = NDArray[np.float64]
_SAMPLE = 50_000  # customers in the first, rough fit of a big data set
_POINT_MASS = 1e5  # a + b beyond which the dropout probability is all but fixed


@dataclass(frozen=True)
class BGNBD:
    r: float
    alpha: float
    a: float
    b: float
    fit: Fit

    def as_dict(self) -> dict[str, float | bool | int | str]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b, **self.fit.as_dict()}


class _Values:
    """A column as its distinct values and, per row, the position of its value among them."""

    def __init__(self, column: Array) -> None:
        self.unique, self.index = np.unique(column, return_inverse=True)


class Patterns:
    """Customer summaries prepared for the likelihood.

    Functions of x, t_x or T alone are evaluated once per distinct value; the terms of the
    customers without a repeat purchase are sums over distinct T, so only repeat buyers cost a
    few operations each. A million customers then cost little more than their repeat buyers.
    """

    def __init__(self, x: Array, t_x: Array, T: Array, weights: Array) -> None:
        ux, ut, uT = _Values(x), _Values(t_x), _Values(T)
        self.ux, self.ut, self.uT = ux.unique, ut.unique, uT.unique
        self.total = float(weights.sum())
        self.w_by_x = np.bincount(ux.index, weights=weights, minlength=len(self.ux))
        self.w_by_T = np.bincount(uT.index, weights=weights, minlength=len(self.uT))
        self.wx_by_T = np.bincount(uT.index, weights=weights * x, minlength=len(self.uT))
        repeat = x > 0
        self.x_r, self.w_r = x[repeat], weights[repeat]
        self.ix_r, self.it_r, self.iT_r = ux.index[repeat], ut.index[repeat], uT.index[repeat]


def log_likelihood_patterns(params: Array, d: Patterns) -> tuple[float, Array]:
    """The total log-likelihood and its gradient with respect to the log of each parameter.

    Per customer ln L = ln A1 + ln A2 + ln A3 + softplus(ln A4 − ln A3), the last term only for
    repeat buyers; w4 = sigmoid(ln A4 − ln A3) is the weight of the "dropped out at t_x" branch.
    """
    r, alpha, a, b = params
    ux = d.ux
    ln_aT = np.log(alpha + d.uT)
    inv_aT = 1.0 / (alpha + d.uT)
    ln_at = np.log(alpha + d.ut)
    inv_at = 1.0 / (alpha + d.ut)
    safe_b1 = np.where(ux > 0, b + ux - 1, 1.0)
    rx = r + d.x_r
    gap = ln_at[d.it_r] - ln_aT[d.iT_r]
    dd = np.log(a) - np.log(safe_b1)[d.ix_r] - rx * gap
    e = np.exp(-np.abs(dd))
    softplus = np.maximum(dd, 0.0) + np.log1p(e)
    w4 = np.where(dd >= 0, 1.0, e) / (1.0 + e)
    ww4 = d.w_r * w4
    sum_ln_a3 = -(r * dot(d.w_by_T, ln_aT) + dot(d.wx_by_T, ln_aT))
    head_x = gammaln(r + ux) + gammaln(b + ux) - gammaln(a + b + ux)
    ll = (dot(d.w_by_x, head_x) + d.total * (r * np.log(alpha) - gammaln(r) + gammaln(a + b) - gammaln(b))
          + sum_ln_a3 + dot(d.w_r, softplus))
    psi_abx = psi(a + b + ux)
    d_r = dot(d.w_by_x, psi(r + ux)) + d.total * (np.log(alpha) - psi(r)) - dot(d.w_by_T, ln_aT) - dot(ww4, gap)
    d_alpha = (d.total * r / alpha - r * dot(d.w_by_T, inv_aT) - dot(d.wx_by_T, inv_aT)
               - dot(ww4 * rx, inv_at[d.it_r] - inv_aT[d.iT_r]))
    d_a = dot(d.w_by_x, psi(a + b) - psi_abx) + float(ww4.sum()) / a
    d_b = dot(d.w_by_x, psi(a + b) + psi(b + ux) - psi(b) - psi_abx) - dot(ww4, (1.0 / safe_b1)[d.ix_r])
    grad = np.array([d_r, d_alpha, d_a, d_b], dtype=np.float64) * params
    return float(ll), grad


def log_likelihood(params: Array, x: Array, t_x: Array, T: Array, weights: Array) -> tuple[float, Array]:
    """The total log-likelihood of customer summaries and its gradient in the log parameters."""
    return log_likelihood_patterns(params, Patterns(x, t_x, T, weights))


def compress(x: Array, t_x: Array, T: Array) -> tuple[Array, Array, Array, Array]:
    """Identical (x, t_x, T) rows once, with their counts: the likelihood only needs each pattern once."""
    parts = [np.unique(c, return_inverse=True)[1].astype(np.int64) for c in (x, t_x, T)]
    key = (parts[0] * (int(parts[1].max()) + 1) + parts[1]) * (int(parts[2].max()) + 1) + parts[2]
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    return x[first], t_x[first], T[first], counts.astype(np.float64)


def fit_bgnbd(x: Array, t_x: Array, T: Array, weights: Array | None = None, *, seed: int = 0) -> BGNBD:
    """Maximum-likelihood estimates from customer summaries (``weights`` counts customers per row).

    Many customers: a fit on a random 50,000 first, whose estimates start the fit on all of them.
    """
    if weights is None:
        x, t_x, T, weights = compress(x, t_x, T)
    start = np.array([1.0, max(float(np.average(T, weights=weights)), 1e-3), 1.0, 1.0])
    if len(x) > _SAMPLE:
        pick = np.random.default_rng(seed).choice(len(x), _SAMPLE, replace=False, p=weights / weights.sum())
        sample = Patterns(x[pick], t_x[pick], T[pick], np.ones(_SAMPLE))
        _, start = maximise(lambda p: log_likelihood_patterns(p, sample), start, "BG/NBD", _SAMPLE)
    data = Patterns(x, t_x, T, weights)
    fit, params = maximise(lambda p: log_likelihood_patterns(p, data), start, "BG/NBD", round(data.total))
    r, alpha, a, b = (float(v) for v in params)
    return BGNBD(r, alpha, a, b, fit)


def _odds_dead(m: BGNBD, x: Array, t_x: Array, T: Array) -> Array:
    """a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x) for repeat buyers, 0 for the others."""
    repeat = x > 0
    out = np.zeros_like(x)
    xr = x[repeat]
    log_odds = (np.log(m.a) - np.log(m.b + xr - 1)
                + (m.r + xr) * (np.log(m.alpha + T[repeat]) - np.log(m.alpha + t_x[repeat])))
    out[repeat] = np.exp(np.minimum(log_odds, 700.0))
    return out


def p_alive(m: BGNBD, x: Array, t_x: Array, T: Array) -> Array:
    """P(still active at T | x, t_x, T): 1 for customers without a repeat purchase."""
    return 1.0 / (1.0 + _odds_dead(m, x, t_x, T))


def conditional_expected(m: BGNBD, t: float | Array, x: Array, t_x: Array, T: Array) -> Array:
    """E[purchases in (T, T + t] | x, t_x, T], the paper's equation (10).

    ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z) is rewritten with Euler's transformation
    as (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z), z = t / (α+T+t), which stays finite for any x.
    """
    t = np.asarray(t, dtype=np.float64)
    c = m.a + m.b + x - 1
    z = t / (m.alpha + T + t)
    with np.errstate(all="ignore"):
        tail = np.exp((m.a - 1) * np.log1p(-z)) * _hyp2f1_shared(m.a + m.b - 1 - m.r, m.a - 1, c, z)
        if abs(m.a - 1) < 1e-9:  # the a → 1 limit of (1 − tail) / (a − 1)
            inner: Array = -np.log1p(-z) * c
        else:
            inner = c / (m.a - 1) * (1.0 - tail)
    inner = np.broadcast_to(inner, np.broadcast(x, T, t).shape).copy()
    bad = ~np.isfinite(inner)
    if bad.any() and m.a + m.b > _POINT_MASS:
        inner[bad] = np.broadcast_to(_fixed_p_inner(m, t, x, T), inner.shape)[bad]
    result: Array = inner / (1.0 + _odds_dead(m, x, t_x, T))
    return result


def _hyp2f1_shared(A: float, B: float, c: Array, z: Array) -> Array:
    """2F1(A, B; c; z) evaluated once per distinct (c, z) pair: c follows x and z follows T, so a million
    customers share far fewer pairs."""
    c, z = np.broadcast_arrays(np.asarray(c, dtype=np.float64), np.asarray(z, dtype=np.float64))
    if c.size < 1000:
        small: Array = hyp2f1(A, B, c, z)
        return small
    pairs, index = np.unique(c.ravel() + 1j * z.ravel(), return_inverse=True)
    out: Array = hyp2f1(A, B, pairs.real, pairs.imag)[index].reshape(c.shape)
    return out


def _fixed_p_inner(m: BGNBD, t: Array, x: Array, T: Array) -> Array:
    """The a, b → ∞ limit, where Beta(a, b) is a point mass at p = a / (a + b) and 2F1 cannot be evaluated.

    Alive with λ ~ Gamma(r + x, α + T), a customer then buys (1 − e^(−λ p t)) / p in the next t.
    """
    p = m.a / (m.a + m.b)
    out: Array = (1.0 - np.exp((m.r + x) * (np.log(m.alpha + T) - np.log(m.alpha + T + p * t)))) / p
    return out


def expected_count_distribution(m: BGNBD, T: Array, weights: Array, top: int) -> Array:
    """Expected number of customers with 0, 1, …, top−1 and ≥ top repeat purchases, given each one's T.

    P(X(t) = x) is the paper's equation (8), summed over customers; the last entry takes the rest.
    """
    t = np.asarray(T, dtype=np.float64)
    ln_p0 = m.r * (np.log(m.alpha) - np.log(m.alpha + t))   # ln (α/(α+t))^r
    with np.errstate(divide="ignore"):
        ln_q = np.log(t) - np.log(m.alpha + t)  # ln t/(α+t); −inf for t = 0
    ln_beta = betaln(m.a, m.b)
    out = np.zeros(top + 1)
    partial = np.zeros_like(t)  # Σ_{j<x} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j
    for k in range(top):
        ln_nb = gammaln(m.r + k) - gammaln(m.r) - gammaln(k + 1.0) + (k * ln_q if k else 0.0)  # without (α/(α+t))^r
        prob = np.exp(betaln(m.a, m.b + k) - ln_beta + ln_nb + ln_p0)
        if k > 0:
            prob += np.exp(betaln(m.a + 1, m.b + k - 1) - ln_beta) * (1.0 - np.exp(ln_p0) * partial)
        partial = partial + np.exp(ln_nb)
        out[k] = dot(weights, prob)
    out[top] = float(weights.sum()) - float(out[:top].sum())
    return out
