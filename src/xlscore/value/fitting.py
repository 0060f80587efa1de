"""Maximum likelihood on positive parameters: L-BFGS on their logs, with an analytic gradient."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from xlscore.errors import XlscoreError

__all__ = ["Fit", "FitError", "dot", "maximise"]

Array = NDArray[np.float64]
Objective = Callable[[Array], tuple[float, Array]]  # params -> (log-likelihood, d/d log params)

_LOG_BOUND = 20.0  # parameters stay within e^±20: beyond that the data say nothing about them


def dot(a: NDArray[Any], b: NDArray[Any]) -> float:
    """Σ a·b without BLAS: its threads make a vector dot product a hundred times slower on a busy machine."""
    return float(np.multiply(a, b).sum())


class FitError(XlscoreError):
    """The data cannot support a fit (too few customers or repeat buyers, no spread in time)."""


@dataclass(frozen=True)
class Fit:
    log_likelihood: float
    converged: bool
    iterations: int
    message: str
    customers: int

    def as_dict(self) -> dict[str, float | bool | int | str]:
        return {"log_likelihood": self.log_likelihood, "converged": self.converged,
                "iterations": self.iterations, "message": self.message, "customers": self.customers}


def maximise(objective: Objective, start: Array, what: str, customers: int) -> tuple[Fit, Array]:
    """Maximise ``objective`` over positive parameters from ``start``; a FitError when it cannot be evaluated."""

    def negative(log_params: Array) -> tuple[float, Array]:
        params = np.exp(log_params)
        with np.errstate(all="ignore"):
            value, grad = objective(params)
        if not np.isfinite(value) or not np.all(np.isfinite(grad)):
            return 1e300, np.zeros_like(log_params)
        return -value, -grad

    x0 = np.log(start)
    first, _ = negative(x0)
    if first >= 1e300:
        raise FitError(f"{what}: the log-likelihood cannot be evaluated on these data")
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(start)
    result = minimize(negative, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"maxiter": 2000, "ftol": 1e-11, "gtol": 1e-7})
    params = np.exp(result.x)
    at_bound = bool(np.any(np.abs(result.x) >= _LOG_BOUND - 1e-6))
    converged = bool(result.success) and not at_bound
    message = str(result.message)
    if at_bound:
        message = f"a parameter ran to its bound (e^±{_LOG_BOUND:g}): the data do not pin the model down"
    return Fit(-float(result.fun), converged, int(result.nit), message, customers), params
