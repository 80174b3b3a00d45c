"""Loading the shared datasets for training and evaluation.

The data live outside the repository (``../shared/data`` by default, or the
folder named by ``TELLTALE_DATA``); nothing here copies them into the repo.

- ``wmt-mt-detect``: machine (1) vs human (0) English from WMT 2021-22.
- ``bbc-news``: clean human news articles; split by a hash of the article id
  into ``train`` (70%), ``calib`` (10%: thresholds) and ``test`` (20%: the
  held-out share reported by ``telltale eval``, never trained on).
- ``reuters-21578``: 1987 newswire, extra clean English, split by position
  (:func:`wire_split`): the first 6,000 stories are bases of synthetic damage in
  training, the next 7,000 may give clean wire to training (``--wire-sentences``),
  the last 3,252 are held out (the share of clean wire stories ``telltale eval``
  reports as flagged).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import TelltaleError


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """The shared data folder: ``path``, ``$TELLTALE_DATA`` or ``../shared/data``."""
    if path:
        root = Path(path)
    elif os.environ.get("TELLTALE_DATA"):
        root = Path(os.environ["TELLTALE_DATA"])
    else:
        here = Path(__file__).resolve().parent.parent
        root = here.parent / "shared" / "data"
    if not (root / "wmt-mt-detect").is_dir():
        raise TelltaleError(
            f"The shared data (for training and evaluation) were not found in {root}. Point --data (or TELLTALE_DATA) at the folder "
            "holding wmt-mt-detect/, bbc-news/ and reuters-21578/."
        )
    return root


def _jsonl(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def wmt_rows(root: Path, split: str) -> list[dict]:
    """All rows of ``wmt-mt-detect/{split}.jsonl.gz`` (split: train or dev)."""
    return list(_jsonl(root / "wmt-mt-detect" / f"{split}.jsonl.gz"))


def bbc_split(article_id: str) -> str:
    """Deterministic split of a BBC article: ``train``, ``calib`` or ``test``."""
    bucket = int(hashlib.sha1(article_id.encode()).hexdigest()[:8], 16) % 10
    return "train" if bucket < 7 else "calib" if bucket == 7 else "test"


def bbc_articles(root: Path, split: str | None = None) -> list[dict]:
    """BBC articles (``{"id", "title", "paragraphs"}``), optionally one split only."""
    rows = _jsonl(root / "bbc-news" / "articles.jsonl.gz")
    return [a for a in rows if split is None or bbc_split(a["id"]) == split]


def reuters_stories(root: Path, limit: int | None = None) -> list[dict]:
    out = []
    for i, story in enumerate(_jsonl(root / "reuters-21578" / "stories.jsonl.gz")):
        if limit is not None and i >= limit:
            break
        out.append(story)
    return out


# Reuters stories by position: [0, WIRE_DAMAGED) carry synthetic damage in training,
# [WIRE_DAMAGED, WIRE_HELD_OUT) may be clean wire in training, the rest is never trained on.
WIRE_DAMAGED = 6000
WIRE_HELD_OUT = 13000
WIRE_SPLITS = ("damage", "clean", "test")


def wire_split(root: Path, split: str) -> list[dict]:
    """Reuters stories of one split: ``damage`` (bases of synthetic damage),
    ``clean`` (clean wire that training may add) or ``test`` (held out)."""
    if split not in WIRE_SPLITS:
        raise ValueError(f"split must be one of {WIRE_SPLITS}, not {split!r}")
    stories = reuters_stories(root)
    lo, hi = {"damage": (0, WIRE_DAMAGED), "clean": (WIRE_DAMAGED, WIRE_HELD_OUT),
              "test": (WIRE_HELD_OUT, len(stories))}[split]
    return stories[lo:hi]


@dataclass(frozen=True)
class Passage:
    """Consecutive segments of one WMT stream (same test set, system and document)."""

    texts: tuple[str, ...]
    label: int
    stream: str


def stream_key(row: dict) -> str:
    who = row.get("system") or row["kind"]
    return f"{row['year']}/{row['pair']}/{who}"


def wmt_runs(rows: list[dict]) -> list[list[dict]]:
    """Runs of consecutive rows: one stream, one document, in line order.

    A run never spans two documents or a gap of more than one missing line
    (rows dropped from the data set).
    """
    streams: dict[str, list[dict]] = {}
    for row in rows:
        streams.setdefault(stream_key(row), []).append(row)
    runs = []
    for members in streams.values():
        members.sort(key=lambda r: r["line"])
        run: list[dict] = []
        for row in members:
            if run and (row["line"] - run[-1]["line"] > 2 or row.get("doc") != run[-1].get("doc")):
                runs.append(run)
                run = []
            run.append(row)
        if run:
            runs.append(run)
    return runs


def wmt_passages(rows: list[dict], size: int = 5) -> list[Passage]:
    """Cut each run (:func:`wmt_runs`) into passages of ``size`` consecutive lines;
    leftovers shorter than ``size`` are dropped."""
    passages = []
    for run in wmt_runs(rows):
        for i in range(0, len(run) - size + 1, size):
            chunk = run[i : i + size]
            passages.append(Passage(tuple(r["text"] for r in chunk), chunk[0]["label"], stream_key(chunk[0])))
    return passages


def wmt_documents(rows: list[dict], min_sentences: int = 5) -> list[Passage]:
    """Whole documents of each stream (rows sharing ``doc``), as article-sized units."""
    docs: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        if row.get("doc"):
            docs.setdefault((stream_key(row), row["doc"]), []).append(row)
    out = []
    for (key, _), members in docs.items():
        if len(members) >= min_sentences:
            members.sort(key=lambda r: r["line"])
            out.append(Passage(tuple(r["text"] for r in members), members[0]["label"], key))
    return out
