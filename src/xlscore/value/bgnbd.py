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

from xlscore.value.fitting import Fit, maximise

__all__ = ["BGNBD", "conditional_expected", "expected_count_distribution", "fit_bgnbd", "p_alive"]

Array = NDArray[np.float64]
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


def _terms(params: Array, x: Array, t_x: Array, T: Array) -> tuple[Array, Array, Array]:
    """The pieces of the per-customer log-likelihood: ln A1 + ln A2, ln A3, ln A4 (−inf for x = 0)."""
    r, alpha, a, b = params
    head = (gammaln(r + x) - gammaln(r) + r * np.log(alpha)
            + gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x))
    ln_a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    ln_a4 = np.full_like(x, -np.inf)
    xr = x[repeat]
    ln_a4[repeat] = np.log(a) - np.log(b + xr - 1) - (r + xr) * np.log(alpha + t_x[repeat])
    return head, ln_a3, ln_a4


def log_likelihood(params: Array, x: Array, t_x: Array, T: Array, weights: Array) -> tuple[float, Array]:
    """The total log-likelihood and its gradient with respect to the log of each parameter."""
    r, alpha, a, b = params
    head, ln_a3, ln_a4 = _terms(params, x, t_x, T)
    tail = np.logaddexp(ln_a3, ln_a4)
    w3 = np.exp(ln_a3 - tail)
    w4 = 1.0 - w3
    safe_bx = np.where(x > 0, b + x - 1, 1.0)
    d_r = psi(r + x) - psi(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + t_x)
    d_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + t_x))
    d_a = psi(a + b) - psi(a + b + x) + w4 / a
    d_b = psi(a + b) + psi(b + x) - psi(b) - psi(a + b + x) - w4 / safe_bx
    grad = np.array([weights @ d for d in (d_r, d_alpha, d_a, d_b)]) * params
    return float(weights @ (head + tail)), grad


def fit_bgnbd(x: Array, t_x: Array, T: Array, weights: Array) -> BGNBD:
    """Maximum-likelihood estimates from (possibly weighted, de-duplicated) customer summaries."""
    start = np.array([1.0, max(float(np.average(T, weights=weights)), 1e-3), 1.0, 1.0])
    fit, params = maximise(lambda p: log_likelihood(p, x, t_x, T, weights), start, "BG/NBD",
                           round(float(weights.sum())))
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
        tail = np.exp((m.a - 1) * np.log1p(-z)) * hyp2f1(m.a + m.b - 1 - m.r, m.a - 1, c, z)
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
        out[k] = float(weights @ prob)
    out[top] = float(weights.sum()) - float(out[:top].sum())
    return out
