"""The one feature definition shared by training and inference.

A sentence becomes the concatenation of

* word unigrams and bigrams (lower-cased tokens from :data:`TOKEN_RE`, quote
  marks, ``!`` and ``?`` kept as tokens), TF-IDF weighted;
* character n-grams inside word boundaries (``char_wb``), TF-IDF weighted;
* the numeric cue features of :func:`model.cues.cue_features`, scaled;
* optionally (``word_table_scale > 0``) the learned loaded-word table features
  of :class:`model.wordtable.LoadedWordTable` (block ``bw``; needs word-level
  supervision at fit time, see :func:`training.train.fit`).

Everything here is a module-level function or a scikit-learn estimator, so a
fitted pipeline pickles without lambdas.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from model.cues import FEATURE_NAMES, cue_features
from model.tokens import QUOTES, TOKEN_RE  # noqa: F401  (TOKEN_RE is part of this module's API)



def tokenize(sentence: str) -> list[str]:
    """Lower-cased word tokens plus quote marks, ``!`` and ``?`` of ``sentence``."""
    return TOKEN_RE.findall(sentence.lower().translate(QUOTES))


def word_ngrams(sentence: str) -> list[str]:
    """Unigrams and bigrams of :func:`tokenize` (the word analyzer)."""
    tokens = tokenize(sentence)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


class CueFeatures(BaseEstimator, TransformerMixin):
    """Numeric cue features of each sentence, multiplied by ``scale``.

    Parameters
    ----------
    scale : float, default=0.3
        Weight of the block relative to the L2-normalised TF-IDF blocks.
    """

    def __init__(self, scale=0.3):
        self.scale = scale

    def fit(self, X, y=None):
        """Record the number of features; nothing is learned."""
        self.n_features_out_ = len(FEATURE_NAMES)
        return self

    def transform(self, X):
        """Return a sparse ``(n_sentences, n_features)`` float32 matrix."""
        rows = np.asarray([cue_features(s) for s in X], dtype=np.float32).reshape(len(X), len(FEATURE_NAMES))
        return sp.csr_matrix(rows * np.float32(self.scale))

    def get_feature_names_out(self, input_features=None):
        """Names of the cue features, prefixed with ``cue:``."""
        return np.asarray([f"cue:{name}" for name in FEATURE_NAMES], dtype=object)


def build_pipeline(C=4.0, min_df=2, char_max_features=60000, cue_scale=0.3, word_table_scale=0.0, seed=0):
    """Return the unfitted Slant pipeline: features + multinomial logistic regression.

    Parameters
    ----------
    C : float, default=4.0
        Inverse regularisation strength of the logistic regression.
    min_df : int, default=2
        Minimum document frequency of a word or character n-gram.
    char_max_features : int, default=60000
        Size cap of the character n-gram vocabulary (keeps the artifact small).
    cue_scale : float, default=0.3
        Weight of the cue feature block.
    word_table_scale : float, default=0.0
        Weight of the learned loaded-word table block ``bw``
        (:class:`model.wordtable.LoadedWordTable`); 0 leaves the block out.
    seed : int, default=0
        Random state of the classifier.
    """
    blocks = [
        ("word", TfidfVectorizer(analyzer=word_ngrams, min_df=min_df, sublinear_tf=True, dtype=np.float32)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=min_df, lowercase=True,
                                 sublinear_tf=True, max_features=char_max_features, dtype=np.float32)),
        ("cues", CueFeatures(scale=cue_scale)),
    ]
    if word_table_scale:
        from sklearn import config_context

        from model.wordtable import LoadedWordTable  # imports tokenize from this module
        table = LoadedWordTable(scale=word_table_scale)
        with config_context(enable_metadata_routing=True):  # routed by training.train.fit
            table.set_fit_request(biased_words=True, span_tables=True)
        blocks.append(("bw", table))
    features = FeatureUnion(blocks)
    classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=seed)
    return Pipeline([("features", features), ("classifier", classifier)])
