"""Two-head Slant classifier: a three-way model and a loaded-vs-not head, combined hierarchically.

Why two heads: the corpora disagree on what "loaded" means. CheckThat marks
sentences subjective or objective and never "loaded"; BABE marks word-choice
bias, often in sentences that read as plain reporting. One three-way model
trained on both learns a compromise that serves neither; a loaded head trained
only on the rows whose corpus uses the "loaded" label learns BABE's notion, and
the three-way model keeps CheckThat's notion of factual.

* **features** -- the shipped blocks of :func:`model.features.build_pipeline`
  (word and char TF-IDF, cue features), fitted on all training sentences;
* **loaded head** -- a binary logistic regression (loaded vs not) on those
  features plus the learned loaded-word table block
  (:class:`model.wordtable.LoadedWordTable`) and, when word vectors are given, the
  mean of the sentence's static word vectors (:mod:`training.word_vectors`), fitted
  on the *head rows* only. After fitting, the head's weights over the vector block
  collapse into one score per word (the block is linear in the vectors), so the
  fitted model keeps ``vector_scores_`` and one column, not the vectors;
* **three-way model** -- a multinomial logistic regression on the features
  plus one more column: ``stack_weight`` × the head's log-odds (out-of-fold for
  the head rows, so it is never fitted on its own training labels);
* **combination** -- ``P(factual)`` from the three-way model; the rest is split
  by the head: ``P(loaded) = (1 - P(factual)) · q``, ``P(opinion) = (1 -
  P(factual)) · (1 - q)``. The label is the argmax of these probabilities.

The head's log-odds is itself linear in the features, so the whole model is
two linear functions of one feature vector: :func:`model.compile.compile_two_heads`
folds it into the arrays of :class:`model.scorer.Scorer`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from model.combine import combine_heads
from model.features import build_pipeline, tokenize
from model.pipeline import LABELS
from model.wordtable import LoadedWordTable

HEAD_VALUES = ("loaded", "not")


class TwoHeadClassifier(BaseEstimator, ClassifierMixin):
    """Three-way model + loaded head over one feature space (see the module docstring).

    Parameters
    ----------
    C : float, default=4.0
        Inverse regularisation of the three-way model.
    head_C : float, default=4.0
        Inverse regularisation of the loaded head.
    min_df, char_max_features, cue_scale
        Feature settings, as in :func:`model.features.build_pipeline`.
    table_scale : float, default=0.3
        Weight of the loaded-word table block in the head.
    table_threshold : float, default=0.3
        Rate above which a word counts as loaded in the table's count feature.
    vector_scale : float, default=1.0
        Weight of the mean word-vector block in the head (used only when ``fit`` gets ``word_vectors``).
    stack_vectors : bool, default=False
        Whether the log-odds stacked into the three-way model come from the head with the vector
        block (True) or from a second head fitted on the same rows without it (False), which leaves
        the three-way model's factual decision as without vectors (chosen on the CheckThat selection
        split: 0.714 against 0.708; ``docs/heads.md``).
    stack_weight : float, default=1.0
        Scale of the head's log-odds column in the three-way model (0: not used).
    head_folds : int, default=5
        Cross-fitting folds for the out-of-fold head log-odds of the head rows.
    class_weight : "balanced" or None, default="balanced"
        Class weights of the three-way model (None when the caller passes sample weights).
    seed : int, default=0
        Random state of the fold splits and the solvers.

    Attributes
    ----------
    features_ : sklearn.pipeline.FeatureUnion
        Fitted word, char and cue blocks.
    table_ : LoadedWordTable
        Loaded-word table of the head (learned from the head rows' ``biased_words``).
    vector_index_ : dict of str to int
        Words with a vector score → index into ``vector_scores_`` (empty without word vectors).
    vector_scores_ : ndarray of shape (n_words,)
        Per word, its contribution to the head's log-odds: ``vector_scale`` × (vector · head weights).
        A sentence's vector column is the sum of its tokens' scores / its number of tokens.
    head_ : LogisticRegression
        Loaded head, classes ``[0, 1]`` (1 = loaded), over ``[features, table block]`` plus, with word
        vectors, the vector column (weight 1).
    stack_head_ : LogisticRegression
        The head whose log-odds the three-way model sees: ``head_`` itself, or (``stack_vectors=False``
        with word vectors) a head without the vector column.
    classifier_ : LogisticRegression
        Three-way model over ``[features, stack_weight * head log-odds]``.
    classes_ : ndarray of str
        The three labels, in ``classifier_`` order (the columns of :meth:`predict_proba`).
    """

    def __init__(self, C=4.0, head_C=4.0, min_df=2, char_max_features=60000, cue_scale=0.3, table_scale=0.3,
                 table_threshold=0.3, vector_scale=1.0, stack_vectors=False, stack_weight=1.0, head_folds=5,
                 class_weight="balanced", seed=0):
        self.C = C
        self.head_C = head_C
        self.min_df = min_df
        self.char_max_features = char_max_features
        self.cue_scale = cue_scale
        self.table_scale = table_scale
        self.table_threshold = table_threshold
        self.vector_scale = vector_scale
        self.stack_vectors = stack_vectors
        self.stack_weight = stack_weight
        self.head_folds = head_folds
        self.class_weight = class_weight
        self.seed = seed

    # -- fitting -----------------------------------------------------------------------------
    def _check_fit_input(self, X, y, head_target, sample_weight):
        n = len(X)
        if len(y) != n or len(head_target) != n or (sample_weight is not None and len(sample_weight) != n):
            raise ValueError(f"X has {n} sentences; y, head_target and sample_weight must have as many entries")
        bad = sorted({str(v) for v in y} - set(LABELS))
        if bad:
            raise ValueError(f"labels must be {', '.join(LABELS)}; got {', '.join(bad)}")
        odd = sorted({str(v) for v in head_target if v is not None} - set(HEAD_VALUES))
        if odd:
            raise ValueError(f"head_target entries must be 'loaded', 'not' or None; got {', '.join(odd)}")
        rows = np.array([i for i, v in enumerate(head_target) if v is not None], dtype=np.int64)
        target = np.array([head_target[i] == "loaded" for i in rows], dtype=np.int64)
        fewest = int(min(target.sum(), len(target) - target.sum())) if len(target) else 0
        if fewest < self.head_folds:
            raise ValueError(f"the loaded head needs at least {self.head_folds} loaded and {self.head_folds} "
                             f"not-loaded rows (head_target); got {int(target.sum())} and "
                             f"{len(target) - int(target.sum())}")
        return rows, target

    def _head_matrix(self, X, F, T=None):
        """The head's input: the features ``F`` of ``X``, the table block ``T`` (computed when not given) and
        (with word vectors) the vector column."""
        blocks = [F, self.table_.transform(X) if T is None else T]
        if len(getattr(self, "vector_scores_", ())):  # models fitted before the vector block have none
            blocks.append(sp.csr_matrix(self._vector_column(X)[:, None]))
        return sp.hstack(blocks, format="csr")

    def _stack_matrix(self, X, F, T=None):
        """The input of the head whose log-odds the three-way model sees (``stack_head_``)."""
        if getattr(self, "stack_head_", self.head_) is self.head_:
            return self._head_matrix(X, F, T)
        return sp.hstack([F, self.table_.transform(X) if T is None else T], format="csr")

    def _vector_column(self, X):
        """Per sentence: the sum of its tokens' vector scores / its number of tokens (0 for no tokens)."""
        index, scores = self.vector_index_, self.vector_scores_
        out = np.zeros(len(X))
        for i, sentence in enumerate(X):
            tokens = tokenize(sentence)
            if tokens:
                out[i] = sum(scores[index[t]] for t in tokens if t in index) / len(tokens)
        return out

    def _vector_block(self, X, word_vectors):
        """``(n, dims)``: ``vector_scale`` × the mean of the tokens' vectors (unknown tokens count as zero)."""
        words, vectors = word_vectors
        index = {w: i for i, w in enumerate(words)}
        out = np.zeros((len(X), vectors.shape[1]))
        for i, sentence in enumerate(X):
            tokens = tokenize(sentence)
            known = [index[t] for t in tokens if t in index]
            if known:
                out[i] = vectors[known].astype(np.float64).sum(axis=0) / len(tokens)
        return out * self.vector_scale

    def _stacked(self, F, z):
        """The three-way model's input: the features and ``stack_weight`` × the head's log-odds ``z``."""
        return sp.hstack([F, sp.csr_matrix((self.stack_weight * z)[:, None])], format="csr")

    def fit(self, X, y, sample_weight=None, head_target=None, head_weight=None, biased_words=None,
            span_tables=None, word_vectors=None):
        """Fit the features, the loaded head and the three-way model.

        Parameters
        ----------
        X : list of str
            Training sentences.
        y : list of str
            Their labels (``factual``, ``opinion``, ``loaded``).
        sample_weight : array-like, optional
            Weights of the three-way model's rows.
        head_target : list of ("loaded", "not" or None)
            Per sentence, its loaded-vs-not label for the head; None: not a head row.
        head_weight : array-like, optional
            Weights of the head rows (indexed like ``X``; other rows ignored).
        biased_words : list of (list of str or None), optional
            Word-level supervision of the table (see :class:`model.wordtable.LoadedWordTable`).
        span_tables : dict, optional
            Static ``word -> rate`` tables of the table block.
        word_vectors : (list of str, ndarray of shape (n_words, dims)), optional
            Static word vectors of the head's vector block (:func:`training.word_vectors.load`);
            None, or ``vector_scale == 0``, leaves the block out.
        """
        X, y = list(X), np.asarray(y).astype(str)
        head_target = list(head_target) if head_target is not None else [None] * len(X)
        rows, target = self._check_fit_input(X, y, head_target, sample_weight)
        union = build_pipeline(min_df=self.min_df, char_max_features=self.char_max_features,
                               cue_scale=self.cue_scale).named_steps["features"]
        self.features_ = union
        F = union.fit_transform(X).tocsr()
        head_texts = [X[i] for i in rows]
        words = [biased_words[i] for i in rows] if biased_words is not None else None
        self.table_ = LoadedWordTable(scale=self.table_scale, threshold=self.table_threshold,
                                      random_state=self.seed)
        blocks = [F[rows], self.table_.fit_transform(head_texts, biased_words=words, span_tables=span_tables)]
        self.vector_index_, self.vector_scores_ = {}, np.zeros(0)
        if word_vectors is not None and self.vector_scale:
            self._check_vectors(word_vectors)
            blocks.append(sp.csr_matrix(self._vector_block(head_texts, word_vectors)))
        H = sp.hstack(blocks, format="csr")
        wh = np.ones(len(rows)) if head_weight is None else np.asarray(head_weight, dtype=float)[rows]
        self.head_ = self._new_head().fit(H, target, sample_weight=wh)
        n_base = F.shape[1] + self.table_.n_features_out_
        if len(blocks) == 3:
            self._collapse_vectors(word_vectors, n_base)
        if len(blocks) == 3 and not self.stack_vectors:  # the stacked log-odds come from a head without vectors
            H = H[:, :n_base]
            self.stack_head_ = self._new_head().fit(H, target, sample_weight=wh)
        else:
            self.stack_head_ = self.head_
        z = self.stack_head_.decision_function(self._stack_matrix(X, F))
        folds = StratifiedKFold(self.head_folds, shuffle=True, random_state=self.seed)
        for train_idx, test_idx in folds.split(np.zeros(len(rows)), target):
            part = self._new_head().fit(H[train_idx], target[train_idx], sample_weight=wh[train_idx])
            z[rows[test_idx]] = part.decision_function(H[test_idx])
        self.classifier_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000,
                                              random_state=self.seed).fit(self._stacked(F, z), y,
                                                                          sample_weight=sample_weight)
        for clf in {id(c): c for c in (self.head_, self.stack_head_, self.classifier_)}.values():
            # float64 weights: sums do not depend on their order
            clf.coef_, clf.intercept_ = clf.coef_.astype(np.float64), clf.intercept_.astype(np.float64)
        self.classes_ = self.classifier_.classes_.astype(str)
        return self

    @staticmethod
    def _check_vectors(word_vectors):
        words, vectors = word_vectors
        if np.ndim(vectors) != 2 or len(words) != np.shape(vectors)[0] or len(set(words)) != len(words):
            raise ValueError(f"word_vectors must be (distinct words, array of shape (n_words, dims)); got "
                             f"{len(words)} words and an array of shape {np.shape(vectors)}")

    def _collapse_vectors(self, word_vectors, n_before: int) -> None:
        """Replace the head's weights over the vector block by one column of weight 1 (see ``vector_scores_``)."""
        words, vectors = word_vectors
        beta = self.head_.coef_[0, n_before:].astype(np.float64)
        self.vector_scores_ = self.vector_scale * (np.asarray(vectors, np.float64) @ beta)
        self.vector_index_ = {w: i for i, w in enumerate(words)}
        self.head_.coef_ = np.c_[self.head_.coef_[:, :n_before], np.ones((1, 1))]
        self.head_.n_features_in_ = n_before + 1

    def _new_head(self):
        return LogisticRegression(C=self.head_C, class_weight="balanced", max_iter=3000, random_state=self.seed)

    # -- inference ---------------------------------------------------------------------------
    def predict_proba(self, X):
        """``(n, 3)`` probabilities in :attr:`classes_` order (hierarchical combination)."""
        check_is_fitted(self, "classifier_")
        X = list(X)
        F = self.features_.transform(X).tocsr()
        T = self.table_.transform(X)  # once, for both heads
        z = self.head_.decision_function(self._head_matrix(X, F, T))
        stack = getattr(self, "stack_head_", self.head_)  # models fitted before stack_vectors: the head itself
        z_stack = z if stack is self.head_ else stack.decision_function(self._stack_matrix(X, F, T))
        three = self.classifier_.predict_proba(self._stacked(F, z_stack))
        return combine_heads(three, z, list(self.classes_))

    def predict(self, X):
        """The label of highest probability."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

