"""How a two-head model's decision columns become probabilities (:class:`model.scorer.Scorer`, ``hier``)."""

from __future__ import annotations

import numpy as np


def combine_heads(three: np.ndarray, head_logodds: np.ndarray, classes: list[str]) -> np.ndarray:
    """Hierarchical probabilities from three-way probabilities and a loaded head's log-odds.

    ``P(factual)`` is the three-way model's; the rest is split by ``q = sigmoid(log-odds)``
    into loaded (``q``) and opinion (``1 - q``). Columns in ``classes`` order.
    """
    factual = three[:, classes.index("factual")]
    q = 0.5 * (1.0 + np.tanh(0.5 * head_logodds))  # the logistic function, without overflow
    out = np.empty_like(three)
    out[:, classes.index("factual")] = factual
    out[:, classes.index("loaded")] = (1.0 - factual) * q
    out[:, classes.index("opinion")] = (1.0 - factual) * (1.0 - q)
    return out
