"""The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005; Colombo & Jiang 1999).

Each purchase of a customer is worth z ~ Gamma(p, ν), and ν ~ Gamma(q, γ) across customers.
Fitted on the repeat buyers' mean repeat-purchase amounts m̄ over their x repeat purchases; a
customer's expected order value is the posterior mean (p (γ + x m̄)) / (p x + q − 1), which for
a customer without a repeat purchase is the population mean p γ / (q − 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln, psi

from xlscore.value.fitting import Fit, FitError, dot, maximise

__all__ = ["GammaGamma", "expected_order_value", "fit_gamma_gamma"]

Array = NDArray[np.float64]
_SAMPLE = 50_000  # repeat buyers in the first, rough fit of a big data set


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float  # γ, the scale of the spend distribution
    fit: Fit

    def as_dict(self) -> dict[str, float | bool | int | str]:
        return {"p": self.p, "q": self.q, "v": self.v, **self.fit.as_dict()}


class _Spend:
    """Repeat buyers' (x, m̄) with what the likelihood needs that does not depend on the parameters."""

    def __init__(self, x: Array, m: Array) -> None:
        self.x, self.m = x, m
        self.ux, self.ix = np.unique(x, return_inverse=True)
        self.n_by_x = np.bincount(self.ix, minlength=len(self.ux)).astype(np.float64)
        self.ln_m = np.log(m)
        self.sum_ln_m = float(self.ln_m.sum())
        self.sum_x_ln_xm = dot(x, np.log(x) + self.ln_m)
        self.n = float(len(x))


def _log_likelihood(params: Array, d: _Spend) -> tuple[float, Array]:
    p, q, v = params
    ux, n_x = d.ux, d.n_by_x
    spread = np.log(v + d.x * d.m)
    pq = p * ux + q
    ll = (dot(n_x, gammaln(pq) - gammaln(p * ux)) + d.n * (q * np.log(v) - gammaln(q))
          + p * d.sum_x_ln_xm - d.sum_ln_m - dot(p * d.x + q, spread))
    psi_pq = psi(pq)
    d_p = dot(n_x * ux, psi_pq - psi(p * ux)) + d.sum_x_ln_xm - dot(d.x, spread)
    d_q = dot(n_x, psi_pq) - d.n * psi(q) + d.n * np.log(v) - float(spread.sum())
    d_v = d.n * q / v - dot(p * d.x + q, 1.0 / (v + d.x * d.m))
    return float(ll), np.array([d_p, d_q, d_v], dtype=np.float64) * params


def log_likelihood(params: Array, x: Array, m: Array) -> tuple[float, Array]:
    """Σ ln L(p, q, γ | m̄, x) over repeat buyers and its gradient with respect to ln p, ln q, ln γ."""
    return _log_likelihood(params, _Spend(x, m))


def fit_gamma_gamma(x: Array, m: Array, min_customers: int = 10, *, seed: int = 0) -> GammaGamma:
    """Fit on customers with at least one repeat purchase and a positive mean repeat amount.

    Many customers: a fit on a random 50,000 first, whose estimates start the fit on all of them.
    """
    use = (x > 0) & np.isfinite(m) & (m > 0)
    xs, ms = x[use], m[use]
    if len(xs) < min_customers:
        raise FitError(f"Gamma-Gamma: {len(xs)} customers with a repeat purchase of positive amount; at least "
                       f"{min_customers} are needed to fit spend per purchase")
    if float(np.ptp(ms)) <= 0:
        raise FitError("Gamma-Gamma: every repeat buyer has the same mean amount, so spend has no spread to fit")
    mean, var = float(ms.mean()), float(ms.var())
    start = np.array([max(mean**2 / var, 0.1), 2.0, max(mean**2 / var, 0.1)])
    if len(xs) > _SAMPLE:
        pick = np.random.default_rng(seed).choice(len(xs), _SAMPLE, replace=False)
        sample = _Spend(xs[pick], ms[pick])
        _, start = maximise(lambda prm: _log_likelihood(prm, sample), start, "Gamma-Gamma", _SAMPLE)
    data = _Spend(xs, ms)
    fit, params = maximise(lambda prm: _log_likelihood(prm, data), start, "Gamma-Gamma", len(xs))
    p, q, v = (float(k) for k in params)
    return GammaGamma(p, q, v, fit)


def expected_order_value(model: GammaGamma, x: Array, m: Array) -> Array:
    """E[value of a purchase | x, m̄]; customers without a repeat purchase get the population mean.

    With q ≤ 1 the population mean is infinite: those customers get NaN rather than a number.
    """
    p, q, v = model.p, model.q, model.v
    population = p * v / (q - 1) if q > 1 else np.nan
    repeat = (x > 0) & np.isfinite(m)
    safe_m = np.where(repeat, m, 0.0)
    out: Array = np.where(repeat, p * (v + x * safe_m) / (p * x + q - 1), population)
    return out
