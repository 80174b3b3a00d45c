"""From sentence evidence to passage and article probabilities.

The rule, one for passages and articles alike: the pooled logit of a group of
sentences is the mean of their raw sentence logits, weighted by each sentence's
length in words (capped at 40 words, floor of 3), so a stray three-word
fragment counts less than a full sentence but no single long sentence
dominates. The pooled logit is then calibrated per level
(``Detector.probabilities(z, level="passage")``) with Platt scaling fitted on
dev passages or documents: averaging several sentences makes the evidence
sharper, and the calibration accounts for that. The article level was fitted
on dev documents of :data:`ARTICLE_MIN_SENTENCES` sentences or more; a shorter
text's pooled logit is calibrated as a passage (:func:`article_level`), since
the document calibration would make two sentences of evidence look as sure as
twenty.

>>> import numpy as np
>>> round(pool(np.array([1.0, 3.0]), np.array([10, 10])), 3)
2.0
>>> round(pool(np.array([1.0, 3.0])), 3)
2.0
"""

from __future__ import annotations

import numpy as np

MIN_WEIGHT, MAX_WEIGHT = 3, 40
ARTICLE_MIN_SENTENCES = 5  # as scorer.data.wmt_documents' min_sentences


def article_level(sentences: int) -> str:
    """The calibration level of an article with ``sentences`` sentences.

    >>> article_level(12), article_level(2)
    ('article', 'passage')
    """
    return "article" if sentences >= ARTICLE_MIN_SENTENCES else "passage"


def weights(lengths: np.ndarray) -> np.ndarray:
    """Per-sentence weight from its length in words."""
    return np.clip(np.asarray(lengths, dtype=np.float64), MIN_WEIGHT, MAX_WEIGHT)


def pool(logits: np.ndarray, lengths: np.ndarray | None = None) -> float:
    """Pooled logit of a passage or article from its sentences' raw logits."""
    logits = np.asarray(logits, dtype=np.float64)
    if logits.size == 0:
        raise ValueError("cannot pool an empty group of sentences")
    if lengths is None:
        return float(logits.mean())
    return float(np.average(logits, weights=weights(lengths)))


def word_lengths(texts) -> np.ndarray:
    return np.array([len(t.split()) for t in texts], dtype=np.float64)
