"""Training numerics that do not depend on the machine's number of cores.

scikit-learn's lbfgs solver does its vector arithmetic through BLAS. With
several BLAS threads a dot product is summed in another order than with one,
so the solver stops at a slightly different point and a few sentences near a
decision boundary can change label: the same recipe gave BABE loaded-vs-not
0.7641 with two threads and 0.7655 with one (`docs/heads.md`), and
``slant train`` wrote a different ``classifier.joblib`` on a 2-core machine
than on the same machine limited to one thread. Every fitter runs with one
BLAS/OpenMP thread, so training, ``slant evaluate`` (whose worker processes
joblib already limits to one thread each) and scripts that fit in-process all
give the same numbers wherever they run on the same kind of CPU. The fits are
small; one thread costs them little.
"""

from __future__ import annotations

import functools

from threadpoolctl import threadpool_limits


def single_threaded(fit):
    """Decorate a fitter so that it runs with BLAS and OpenMP limited to one thread."""

    @functools.wraps(fit)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1):
            return fit(*args, **kwargs)

    return wrapper
