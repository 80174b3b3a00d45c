"""Context windows: the detector reads each sentence together with its neighbours.

Machine translation shows over several sentences (a name spelled two ways, a
flat register, a wrong pronoun across a sentence boundary) more than within
one. So consecutive sentences of an article go through the encoder as one
sequence, a *window* ``[CLS] s1 s2 ... sk [SEP]`` of at most
:data:`MAX_SENTENCES` sentences and :data:`MAX_TOKENS` tokens, cut greedily in
reading order (across paragraph breaks: news paragraphs are often one
sentence). Every token attends to the whole window; each sentence's logit
comes from the mean of its own tokens' states, with ``[CLS]`` counted in the
first sentence and ``[SEP]`` in the last, so a one-sentence window is exactly
the sentence read on its own. Training (:mod:`scorer.train`), inference
(:mod:`scorer.model`) and evaluation (:mod:`scorer.evaluate`) cut windows with
the same rule.

>>> plan([12, 30, 8, 9, 250, 5])
[4, 2]
>>> plan([5] * 7)
[5, 2]
>>> join([[101, 7, 8, 102], [101, 9, 102]])
([101, 7, 8, 9, 102], [3, 2])
"""

from __future__ import annotations

from typing import Sequence

MAX_SENTENCES = 5
MAX_TOKENS = 256


def plan(lengths: Sequence[int], max_sentences: int = MAX_SENTENCES, max_tokens: int = MAX_TOKENS) -> list[int]:
    """Sizes of consecutive windows over sentences whose own encodings
    (``[CLS] s [SEP]``) have ``lengths`` tokens.

    A window closes when it holds ``max_sentences`` sentences or the next
    sentence would take it past ``max_tokens``; a sentence with no tokens of
    its own (only special tokens) is read alone.
    """
    sizes: list[int] = []
    n, tokens = 0, 2
    for length in lengths:
        body = length - 2
        if n and (n >= max_sentences or tokens + body > max_tokens or body <= 0):
            sizes.append(n)
            n, tokens = 0, 2
        n += 1
        tokens += body
        if body <= 0:
            sizes.append(n)
            n, tokens = 0, 2
    if n:
        sizes.append(n)
    return sizes


def join(encoded: Sequence[Sequence[int]]) -> tuple[list[int], list[int]]:
    """A window's token ids and each sentence's token count, from the sentences'
    own encodings (each ``[CLS] ... [SEP]``)."""
    ids = [encoded[0][0]]
    counts = []
    for e in encoded:
        ids.extend(e[1:-1])
        counts.append(len(e) - 2)
    ids.append(encoded[-1][-1])
    counts[0] += 1
    counts[-1] += 1
    return ids, counts
