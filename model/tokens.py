"""Word tokens of the word n-gram block (no scikit-learn here, so serving can import it).

``TOKEN_RE`` finds words (letters/digits joined by apostrophes or hyphens) and
the quote marks, ``!`` and ``?`` that the classifier also uses as tokens;
``QUOTES`` folds curly and angle quotes onto ``"`` and ``'``.
"""

import re

TOKEN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[“”\"‘’«»!?]")
QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})
