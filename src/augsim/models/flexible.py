"""Flexible score models practitioners use: scikit-learn's gradient boosting, random forest and
multilayer perceptron behind the project's model interface.

``fit(X, y, sample_weight=None, *, rng=None) -> self`` and ``decision_function(X) -> (n,)``,
like :class:`augsim.models.logistic.LogisticModel`. Their scores are not linear in x: no exact
population metrics (``exact_population = False``), and no coefficients to store
(``stores_scores = True``): the study scores the test rows right after each fit.

Seeds come from ``rng`` (the study's seed tree), never from global state; a fit uses exactly
the threads of its job (``threads``): OpenMP (gradient boosting) and BLAS (the perceptron) are
limited with threadpoolctl around every fit and prediction, the forest's joblib workers by
``n_jobs``.

Reweighting and duplicated rows (scikit-learn 1.9): with integer sample weights,
``HistGradientBoostingClassifier`` without early stopping fits exactly as on the rows repeated
that many times when the weights are powers of two (gradients are float32, so other weights
round differently) and every leaf holds at least ``min_samples_leaf`` rows either way;
``RandomForestClassifier`` only without the bootstrap (with it, the weights change the draw);
``MLPClassifier``'s full-batch loss is the same, but its minibatches are not, so its fits
differ. ``tests/test_flexible_models.py`` checks the first two.
"""

from __future__ import annotations

import functools
import logging
import warnings
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from augsim.models.interface import ScoreModel
from augsim.study.seeds import integer_seed

logger = logging.getLogger(__name__)


class FlexibleModel(ScoreModel):
    """A scikit-learn classifier behind the model interface; subclasses set ``name``,
    ``label``, ``flexibility`` and build the estimator in ``_estimator``."""

    name: ClassVar[str]
    label: ClassVar[str]
    #: rank from least to most flexible, for the order of the figures' models
    flexibility: ClassVar[int]
    exact_population: ClassVar[bool] = False
    stores_scores: ClassVar[bool] = True

    def __init__(self, **options: Any) -> None:
        self.options = dict(options)
        self.threads = 1
        self._validate()

    def _validate(self) -> None:
        """The options checked now, before any job: names against the estimator's
        ``get_params()`` (by the registry), values by a fit on a few rows."""
        rng = np.random.default_rng(0)
        X = rng.standard_normal((60, 2))
        y = np.repeat(np.array([0, 1]), [40, 20])
        self.fit(X, y, rng=rng).decision_function(X[:5])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.options})"

    @classmethod
    def valid_params(cls) -> tuple[str, ...]:
        """The estimator's options the config may give: all but the seed and the threads,
        which the study sets."""
        names = cls._estimator_class()().get_params()
        return tuple(sorted(set(names) - {"random_state", "n_jobs"}))

    @classmethod
    def _estimator_class(cls) -> type:
        raise NotImplementedError

    def features(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """The raw features: these models learn their own."""
        return X

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        *,
        rng: np.random.Generator | None = None,
    ) -> FlexibleModel:
        """Fit on rows ``X`` (n, d), labels ``y`` (n,) in {0, 1} and weights (n,) >= 0."""
        if rng is None:
            raise ValueError(f"model {self.name!r} draws random numbers: pass rng")
        self.estimator_ = self._estimator(random_state=integer_seed(rng))
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        with self._threads(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # a classifier whose fit takes no weights is never reweighted (the config check)
            weights = {} if sample_weight is None else {"sample_weight": sample_weight}
            self.estimator_.fit(X, y, **weights)
        for warning in caught:  # logged, not raised: one odd fit must not stop a chunk
            if not issubclass(warning.category, self._expected_warnings()):
                logger.warning("%s: %s", self.name, warning.message)
        return self

    def _expected_warnings(self) -> tuple[type[Warning], ...]:
        """Warnings the settings make certain, not worth a log line per fit."""
        return ()

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Real-valued scores (n,): larger means more likely the minority."""
        with self._threads():
            return self._scores(np.asarray(X, dtype=float))

    def _threads(self):
        return _thread_pools().limit(limits=self.threads)

    def _estimator(self, *, random_state: int):
        raise NotImplementedError

    def _scores(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.estimator_.decision_function(X)


@functools.cache
def _thread_pools():
    """The process's thread pools, found once: threadpoolctl's ``threadpool_limits`` looks for
    them at every call (about a millisecond, two calls per fit). Found at the first fit, after
    the estimator's modules (and their OpenMP and BLAS) are loaded: a job builds one model."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


class GradientBoosting(FlexibleModel):
    """``HistGradientBoostingClassifier``; its score is the log-odds (``decision_function``)."""

    name = "gradient_boosting"
    label = "gradient boosting"
    flexibility = 2

    @classmethod
    def _estimator_class(cls) -> type:
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier

    def _estimator(self, *, random_state: int):
        # scikit-learn's default ("auto") turns early stopping on above 10,000 rows, which would
        # change the procedure between the cells of one experiment: off unless asked for
        options = {"early_stopping": False} | self.options
        return self._estimator_class()(random_state=random_state, **options)


class RandomForest(FlexibleModel):
    """``RandomForestClassifier``; its score is the share of trees' votes (``predict_proba``)."""

    name = "random_forest"
    label = "random forest"
    flexibility = 3

    @classmethod
    def _estimator_class(cls) -> type:
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier

    def _estimator(self, *, random_state: int):
        return self._estimator_class()(
            random_state=random_state, n_jobs=self.threads, **self.options
        )

    def _scores(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        # predicting on several workers sums the trees' votes in a varying order (differences
        # of 1e-16 between runs): one worker keeps the scores the same whatever the threads
        self.estimator_.set_params(n_jobs=1)
        return self.estimator_.predict_proba(X)[:, 1]


class MultilayerPerceptron(FlexibleModel):
    """``MLPClassifier`` with ReLU units; its score is the output unit's input (the log-odds),
    which ranks as the probability does but cannot saturate at 1."""

    name = "mlp"
    label = "MLP"
    flexibility = 4

    @classmethod
    def _estimator_class(cls) -> type:
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier

    def _estimator(self, *, random_state: int):
        if self.options.get("activation", "relu") != "relu":
            raise ValueError(
                f"activation = {self.options['activation']!r}: the MLP's log-odds score is "
                "written for ReLU units; the only allowed value is 'relu' (the default)"
            )
        return self._estimator_class()(random_state=random_state, **self.options)

    def _expected_warnings(self) -> tuple[type[Warning], ...]:
        from sklearn.exceptions import ConvergenceWarning

        # a fixed number of epochs (max_iter, no early stopping) always ends "unconverged"
        return (ConvergenceWarning,)

    def _scores(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        estimator = self.estimator_
        hidden = X
        for weights, bias in zip(estimator.coefs_[:-1], estimator.intercepts_[:-1], strict=True):
            hidden = np.maximum(hidden @ weights + bias, 0.0)
        return (hidden @ estimator.coefs_[-1] + estimator.intercepts_[-1]).ravel()
