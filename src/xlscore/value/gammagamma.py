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

from xlscore.value.fitting import Fit, FitError, maximise

__all__ = ["GammaGamma", "expected_order_value", "fit_gamma_gamma"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float  # γ, the scale of the spend distribution
    fit: Fit

    def as_dict(self) -> dict[str, float | bool | int | str]:
        return {"p": self.p, "q": self.q, "v": self.v, **self.fit.as_dict()}


def log_likelihood(params: Array, x: Array, m: Array) -> tuple[float, Array]:
    """Σ ln L(p, q, γ | m̄, x) and its gradient with respect to ln p, ln q, ln γ."""
    p, q, v = params
    px = p * x
    spread = np.log(v + x * m)
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * spread)
    d_p = x * (psi(px + q) - psi(px) + np.log(m) + np.log(x) - spread)
    d_q = psi(px + q) - psi(q) + np.log(v) - spread
    d_v = q / v - (px + q) / (v + x * m)
    grad = np.array([d_p.sum(), d_q.sum(), d_v.sum()]) * params
    return float(ll.sum()), grad


def fit_gamma_gamma(x: Array, m: Array, min_customers: int = 10) -> GammaGamma:
    """Fit on customers with at least one repeat purchase and a positive mean repeat amount."""
    use = (x > 0) & np.isfinite(m) & (m > 0)
    xs, ms = x[use], m[use]
    if len(xs) < min_customers:
        raise FitError(f"Gamma-Gamma: {len(xs)} customers with a repeat purchase of positive amount; at least "
                       f"{min_customers} are needed to fit spend per purchase")
    if float(np.ptp(ms)) <= 0:
        raise FitError("Gamma-Gamma: every repeat buyer has the same mean amount, so spend has no spread to fit")
    mean, var = float(ms.mean()), float(ms.var())
    start = np.array([max(mean**2 / var, 0.1), 2.0, max(mean**2 / var, 0.1)])
    fit, params = maximise(lambda prm: log_likelihood(prm, xs, ms), start, "Gamma-Gamma", len(xs))
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
