"""``telltale eval``: measure a model on data it did not train on.

Everything here is computed from raw logits of five sets, none trained on:

- wmt-mt-detect ``dev`` sentences (machine vs human, WMT22 de/zh->en and
  original English), read in context as an article's are and also each read
  alone; 5-sentence passages cut from its streams
  (:func:`scorer.data.wmt_passages`), each read as one text; whole documents;
- the BBC ``calib`` split (thresholds only) and ``test`` split (the share of
  clean news flagged), see :func:`scorer.data.bbc_split`;
- the held-out Reuters stories (:func:`scorer.data.wire_split`, prose only): the
  share of clean 1987 wire copy flagged, a second kind of clean news;
- the BBC ``test`` articles again, damaged by the corruption generator
  (:func:`scorer.corrupt.corrupt_article`, :func:`damaged_articles`): how many
  content-farm-like articles the whole pipeline warns about, and which damaged
  sentences it marks. The articles are held out; the damage is the kind training
  saw (the same tables and rules), so read these as an upper bound.

Calibration (:func:`calibrate`) is Platt scaling per level fitted on dev with
both classes weighted equally; thresholds come from BBC ``calib`` so that
clean news is rarely flagged. ``telltale eval`` prints a table and writes the
same figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import zlib
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from . import data
from .aggregate import pool, word_lengths
from .errors import TelltaleError

# Thresholds are quantiles of clean BBC calib articles: the share of clean
# sentences, of clean articles with any passage flagged, and of clean articles
# flagged as a whole that the default thresholds let through.
CLEAN_QUANTILE = {"sentence": 0.99, "passage": 0.99, "article": 0.995}
CLEAN_UNIT = {"sentence": "sentence", "passage": "article_max_passage", "article": "article"}


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of rows, at least 1, not {text!r} "
                                         "(leave --limit out to evaluate everything)")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--data", help="shared data folder (default: $TELLTALE_DATA or ../shared/data)")
    p.add_argument("--out", default="eval.json", help="where to write the JSON report (default eval.json)")
    p.add_argument("--threads", type=int, default=2, help="torch threads (default %(default)s)")
    p.add_argument("--limit", type=_at_least_one, metavar="N", help="score about N dev rows, whole documents, and N/100 articles (at least 10) of "
                        "each clean set (a quick look, not a result)")


def require_training_extra() -> None:
    """Raise at once (not after minutes of work) when scikit-learn, which fits the
    calibration and measures AUCs, is missing: ``telltale train`` and ``eval`` need
    the ``train`` extra, which ``make serve`` does not install."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise TelltaleError("telltale train and eval need scikit-learn (the `train` extra): "
                            "pip install -e '.[train]' (or make setup)") from None


def _roc_auc(y, s) -> float:
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y)
    if len(set(y.tolist())) < 2:
        return float("nan")
    return float(roc_auc_score(y, s))


@lru_cache(maxsize=8)
def clean_articles(root: Path, name: str, limit: int | None = None) -> tuple[dict, ...]:
    """Clean news never trained on: ``"bbc calib"``, ``"bbc test"`` (BBC splits) or
    ``"wire test"`` (the held-out Reuters stories of prose); with ``limit`` (a quick
    look), only the first ``limit // 100`` of them, at least 10. Read once per run
    (``telltale eval`` scores each set twice: classifier alone, then whole pipeline)."""
    from .train import wire_prose

    source, split = name.split()
    items = data.bbc_articles(root, split) if source == "bbc" else wire_prose(data.wire_split(root, split))
    return tuple(items[: max(10, limit // 100)] if limit else items)


def _in_runs(det, runs: list[list[str]], desc: str, progress: bool, chunk: int = 2048) -> list[np.ndarray]:
    """Raw logits of each run of consecutive sentences, read in context as an article is."""
    from tqdm.auto import tqdm

    out: list[np.ndarray] = []
    bar = tqdm(total=sum(len(r) for r in runs), desc=desc, unit="sentence", disable=not progress)
    i = 0
    while i < len(runs):
        batch, size = [runs[i]], len(runs[i])
        i += 1
        while i < len(runs) and size + len(runs[i]) <= chunk:
            batch.append(runs[i])
            size += len(runs[i])
            i += 1
        lg = det.logits([t for r in batch for t in r], runs=[len(r) for r in batch])
        pos = 0
        for r in batch:
            out.append(lg[pos : pos + len(r)])
            pos += len(r)
        bar.update(pos)
    bar.close()
    return out


def _whole_documents(rows: list[dict], limit: int) -> list[dict]:
    """About ``limit`` rows, whole documents in a fixed pseudo-random order (at least one).

    >>> rows = [{"doc": d, "text": str(i)} for i, d in enumerate("aabbbcdddd")]
    >>> len(_whole_documents(rows, 3)) >= 3, len(_whole_documents(rows, 1)) >= 1
    (True, True)
    """
    by_doc: dict[str, int] = {}
    for r in rows:
        key = str(r.get("doc"))
        by_doc[key] = by_doc.get(key, 0) + 1
    chosen, n = set(), 0
    for doc in sorted(by_doc, key=lambda d: (zlib.crc32(d.encode()), d)):
        if n >= limit:
            break
        chosen.add(doc)
        n += by_doc[doc]
    return [r for r in rows if str(r.get("doc")) in chosen]


def score_datasets(det, root: Path, limit: int | None = None, progress: bool = True) -> dict:
    """Raw logits for every evaluation unit (sentences, passages, documents, BBC articles).

    Dev sentences are read as the product reads an article's: in context, each
    run of consecutive lines of one stream and document (:func:`scorer.data.wmt_runs`)
    cut into windows (:mod:`scorer.context`). Each also gets its logit read alone
    (``logit_alone``), the setting of published sentence-level results. A
    5-sentence passage is read as one text of its own; a document pools the
    in-context logits of its lines; a BBC article is read whole.
    """
    from .train import sentences_of

    rows = data.wmt_rows(root, "dev")
    if limit and limit < len(rows):  # whole documents, so passages stay consecutive
        rows = _whole_documents(rows, limit)
    runs = data.wmt_runs(rows)
    in_context = {}
    for run, lg in zip(runs, _in_runs(det, [[r["text"] for r in run] for run in runs], "dev in context", progress)):
        in_context.update(((data.stream_key(r), r["text"]), float(z)) for r, z in zip(run, lg))
    texts = sorted({r["text"] for r in rows})
    alone = dict(zip(texts, np.concatenate(_in_runs(det, [[t] for t in texts], "dev alone", progress)).tolist()))
    passages = data.wmt_passages(rows)
    passage_logits = _in_runs(det, [list(p.texts) for p in passages], "dev passages", progress)
    docs = data.wmt_documents(rows)

    def articles(name: str) -> list[dict]:
        paras = [[p for p in (sentences_of([x]) for x in a["paragraphs"]) if p]
                 for a in clean_articles(root, name, limit)]
        flat = [[s for p in ps for s in p] for ps in paras]
        logits = _in_runs(det, flat, name, progress)
        return [{"paragraphs": [len(p) for p in ps], "sentences": f, "logits": lg}
                for ps, f, lg in zip(paras, flat, logits)]

    bbc = {split: articles(f"bbc {split}") for split in ("calib", "test")}
    wire = articles("wire test")
    return {
        "rows": [{k: r.get(k) for k in ("label", "kind", "system", "pair", "da")}
                 | {"logit": in_context[(data.stream_key(r), r["text"])], "logit_alone": alone[r["text"]]}
                 for r in rows],
        "passages": [{"label": p.label, "stream": p.stream, "logit": pool(lg, word_lengths(p.texts))}
                     for p, lg in zip(passages, passage_logits)],
        "documents": [{"label": d.label, "stream": d.stream,
                       "logit": pool(np.array([in_context[(d.stream, t)] for t in d.texts]), word_lengths(d.texts))}
                      for d in docs],
        "bbc": bbc,
        "wire": wire,
    }


def _article_units(articles: list[dict]) -> dict[str, np.ndarray]:
    """Raw logits of clean articles' sentences, paragraphs (passages) and whole articles,
    plus each article's highest sentence and passage logit."""
    sent, para, art, max_sent, max_para = [], [], [], [], []
    for a in articles:
        lg, lens = a["logits"], word_lengths(a["sentences"])
        if not len(lg):
            continue
        sent += lg.tolist()
        start, mine = 0, []
        for n in a["paragraphs"]:
            mine.append(pool(lg[start : start + n], lens[start : start + n]))
            start += n
        para += mine
        art.append(pool(lg, lens))
        max_sent.append(lg.max())
        max_para.append(max(mine))
    return {"sentence": np.array(sent), "passage": np.array(para), "article": np.array(art),
            "article_max_sentence": np.array(max_sent), "article_max_passage": np.array(max_para)}


def _platt(z, y) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(class_weight="balanced", C=1e4).fit(np.asarray(z).reshape(-1, 1), y)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def calibrate(scored: dict) -> tuple[dict, dict]:
    """Platt scaling per level on dev; thresholds from the clean BBC calib split."""
    cal = {
        "sentence": _platt([r["logit"] for r in scored["rows"]], [r["label"] for r in scored["rows"]]),
        "passage": _platt([p["logit"] for p in scored["passages"]], [p["label"] for p in scored["passages"]]),
        "article": _platt([d["logit"] for d in scored["documents"]], [d["label"] for d in scored["documents"]]),
    }
    clean = _article_units(scored["bbc"]["calib"])
    thresholds = {}
    for level, q in CLEAN_QUANTILE.items():
        a, b = cal[level]
        probs = 1 / (1 + np.exp(-(a * clean[CLEAN_UNIT[level]] + b)))
        thresholds[level] = round(max(0.5, float(np.quantile(probs, q))), 4)
    return {k: [round(v[0], 6), round(v[1], 6)] for k, v in cal.items()}, thresholds


def metrics(det, scored: dict) -> dict:
    """The figures ``telltale eval`` reports (see the module docstring)."""
    info = det.info
    rows = scored["rows"]
    y = np.array([r["label"] for r in rows])
    z = np.array([r["logit"] for r in rows])
    za = np.array([r["logit_alone"] for r in rows])
    p = det.probabilities(z)
    human = y == 0
    poor = np.array([r["label"] == 1 and r["da"] is not None and r["da"] < 30 for r in rows])
    pz = np.array([x["logit"] for x in scored["passages"]])
    py = np.array([x["label"] for x in scored["passages"]])
    dz = np.array([x["logit"] for x in scored["documents"]])
    dy = np.array([x["label"] for x in scored["documents"]])
    out = {
        "model": {"name": info.name, "version": info.version},
        "thresholds": {"sentence": info.threshold, "passage": info.passage_threshold, "article": info.article_threshold},
        "dev": {
            "sentences": int(len(y)), "machine": int(y.sum()), "human": int(human.sum()),
            "sentence_auc": _roc_auc(y, z),
            "sentence_auc_alone": _roc_auc(y, za),
            "sentence_accuracy_alone_balanced": float((((za > 0) == y)[human].mean() + ((za > 0) == y)[~human].mean()) / 2),
            "sentence_accuracy_balanced": float(((p >= 0.5) == y)[human].mean() / 2 + ((p >= 0.5) == y)[~human].mean() / 2),
            "sentence_accuracy": float(((p >= 0.5) == y).mean()),
            "sentence_flagged_machine_at_threshold": float((p[~human] >= info.threshold).mean()),
            "sentence_flagged_human_at_threshold": float((p[human] >= info.threshold).mean()),
            "passages": int(len(py)), "passage_auc": _roc_auc(py, pz),
            "passage_accuracy": float(((det.probabilities(pz, "passage") >= 0.5) == py).mean()),
            "documents": int(len(dy)), "document_auc": _roc_auc(dy, dz),
            "document_accuracy": float(((det.probabilities(dz, "article") >= 0.5) == dy).mean()),
            "poor_machine_rows": int(poor.sum()),
            "poor_machine_vs_human_auc": _roc_auc(np.r_[np.ones(poor.sum()), np.zeros(human.sum())], np.r_[z[poor], z[human]]),
            "poor_machine_vs_human_auc_alone": _roc_auc(np.r_[np.ones(poor.sum()), np.zeros(human.sum())],
                                                        np.r_[za[poor], za[human]]),
        },
    }
    by_kind = defaultdict(list)
    for r, prob in zip(rows, p):
        by_kind[r["kind"]].append(prob)
    out["dev"]["by_kind"] = {k: {"rows": len(v), "mean_probability": float(np.mean(v)),
                                 "flagged_at_threshold": float(np.mean(np.array(v) >= info.threshold))}
                             for k, v in sorted(by_kind.items())}
    systems = defaultdict(list)
    for i, r in enumerate(rows):
        if r["label"] == 1:
            systems[f"{r['pair']}/{r['system']}"].append(i)
    hz = z[human]
    out["dev"]["by_system"] = {
        name: {"rows": len(idx), "auc_vs_human": _roc_auc(np.r_[np.ones(len(idx)), np.zeros(len(hz))], np.r_[z[idx], hz]),
               "flagged_at_threshold": float((p[idx] >= info.threshold).mean())}
        for name, idx in sorted(systems.items())
    }
    for name, articles in (("bbc_test", scored["bbc"]["test"]), ("wire_test", scored["wire"])):
        u = _article_units(articles)
        out[name] = {
            "articles": int(len(u["article"])), "passages": int(len(u["passage"])), "sentences": int(len(u["sentence"])),
            "sentences_flagged": _share(det.probabilities(u["sentence"]) >= info.threshold),
            "passages_flagged": _share(det.probabilities(u["passage"], "passage") >= info.passage_threshold),
            "articles_flagged": _share(det.probabilities(u["article"], "article") >= info.article_threshold),
        }
    return out


def _share(hits: np.ndarray) -> float:
    return float(hits.mean()) if len(hits) else float("nan")


def product_metrics(det, root: Path, progress: bool = True, limit: int | None = None) -> dict:
    """What a reader sees: the whole :class:`scorer.Scorer` pipeline (classifier,
    cues, thresholds, verdict) on the BBC ``test`` articles and the held-out
    Reuters stories (:func:`clean_articles`), on the BBC ``test`` articles with synthetic
    damage (:func:`damaged_articles`), and on the data-driven cases in ``tests/cases``
    when run from a checkout."""
    from tqdm.auto import tqdm

    from .results import VERDICT_ARTICLE
    from .scoring import Scorer

    scorer = Scorer(det)
    out = {}
    for name in ("bbc test", "wire test"):
        verdicts, warned, sentences, flagged = [], [], 0, 0
        for a in tqdm(clean_articles(root, name, limit), desc=f"{name} (full pipeline)", disable=not progress):
            r = scorer.score(paragraphs=a["paragraphs"])
            verdicts.append(r.article.verdict)
            warned.append(case_flagged(r))
            sentences += r.article.sentences
            flagged += r.article.flagged_sentences
        out[f"{name.replace(' ', '_')}_pipeline"] = {
            "articles": len(verdicts),
            # a verdict other than "no signs": a flagged passage, or the article "likely"
            "articles_not_no_signs": float(np.mean([v != "no signs" for v in verdicts])),
            # any mark a reader sees, a single flagged sentence included (what the cases count)
            "articles_warned": float(np.mean(warned)),
            "articles_likely_machine": float(np.mean([v == VERDICT_ARTICLE for v in verdicts])),
            "sentences_flagged": flagged / max(1, sentences),
        }
    bbc = clean_articles(root, "bbc test", limit)
    out["bbc_test_damaged"] = [damaged_articles(scorer, bbc, rate, progress) for rate in DAMAGE_RATES]
    cases = Path(__file__).resolve().parent.parent / "tests" / "cases"
    if cases.is_dir():
        # by what each case expects, known failures included: the honest rate
        hits: dict[str, list[bool]] = {"flagged": [], "clean": []}
        garbled, reach = [], []
        for f in sorted(cases.glob("*.json")):
            for c in json.loads(f.read_text(encoding="utf-8")):
                r = scorer.score(c["text"])
                hits[c["expect"]].append(case_flagged(r))
                garbled.append(c["expect"] == "flagged")
                reach.append(classifier_reach(r))
        out["cases"] = {
            "garbled": {"cases": len(hits["flagged"]), "flagged": float(np.mean(hits["flagged"]))},
            "clean": {"cases": len(hits["clean"]), "flagged": float(np.mean(hits["clean"]))},
        }
        out["cases_ranking_auc"] = _roc_auc(garbled, reach)
    return out


#: Shares of sentences the damaged-article evaluation damages: a light touch (a
#: few sentences of an article) and the heavier one the corruption generator's
#: ``corrupt_article`` uses by default.
DAMAGE_RATES = (0.1, 0.3)


def damaged_articles(scorer, articles: Sequence[dict], rate: float, progress: bool = False,
                     kinds: list[str] | None = None) -> dict:
    """Damage each article (``corrupt_article(paragraphs, rate, seed=i, kinds=kinds)``,
    so the figures are the same on every run; articles left undamaged are skipped),
    score it with ``scorer`` and count: articles the reader is warned about (any flag,
    or "likely machine-translated"), damaged sentences marked (a flagged sentence
    overlapping the damaged one in its paragraph; passage indices are paragraph
    indices), per kind of damage, and undamaged sentences of the same articles marked."""
    from tqdm.auto import tqdm

    from .corrupt import corrupt_article
    from .results import VERDICT_ARTICLE

    verdicts, any_flag = [], []
    hits: dict[str, list[bool]] = defaultdict(list)
    for i, a in enumerate(tqdm(articles, desc=f"damaged articles ({rate:.0%})", disable=not progress)):
        art = corrupt_article(a["paragraphs"], rate=rate, seed=i, kinds=kinds)
        if not art.damaged:
            continue
        r = scorer.score(paragraphs=list(art.paragraphs))
        marked = defaultdict(list)
        for p in r.passages:
            marked[p.index] += [(s.start, s.end) for s in p.sentences if s.flagged]
        verdicts.append(r.article.verdict)
        any_flag.append(case_flagged(r))
        for label in art.sentences:
            hit = any(s < label.end and label.start < e for s, e in marked[label.paragraph])
            hits[label.kind or "undamaged"].append(hit)
    undamaged = np.array(hits.pop("undamaged", []), dtype=bool)
    damaged = np.array([h for v in hits.values() for h in v], dtype=bool)
    return {
        "rate": rate,
        "articles": len(verdicts),
        "articles_warned": _share(np.array(any_flag, dtype=bool)),
        "articles_likely_machine": _share(np.array([v == VERDICT_ARTICLE for v in verdicts], dtype=bool)),
        "damaged_sentences": len(damaged),
        "damaged_sentences_flagged": _share(damaged),
        "undamaged_sentences_flagged": _share(undamaged),
        "by_kind": {k: {"sentences": len(v), "flagged": _share(np.array(v))} for k, v in sorted(hits.items())},
    }


def classifier_reach(result) -> float:
    """How near the classifier alone comes to flagging a scored text: its highest
    sentence probability over the sentence threshold or its article probability
    over the article threshold, whichever is larger (1 means at a threshold).

    Ranking the cases by it (``cases_ranking_auc``) compares models on the
    hand-written texts more finely than the yes/no flag rates, and leaves the
    cues out."""
    th = result.thresholds
    highest = max((s.probability for p in result.passages for s in p.sentences), default=0.0)
    return max(highest / th.sentence, result.article.probability / th.article)


def case_flagged(result) -> bool:
    """Whether a reader would see any warning on a scored text: the article verdict
    is not "no signs", or a passage or sentence is flagged (how ``tests/cases`` count)."""
    return result.article.verdict != "no signs" or any(
        p.flagged or any(s.flagged for s in p.sentences) for p in result.passages)


def write_report(report: dict, path: Path, command: str) -> None:
    report = dict(report)
    report["command"] = command
    report["machine"] = {"python": platform.python_version(), "platform": platform.platform()}
    report["date"] = time.strftime("%Y-%m-%d")
    Path(path).write_text(json.dumps(report, indent=2) + "\n")


def print_report(m: dict) -> None:
    d = m["dev"]
    print(f"model {m['model']['name']} {m['model']['version']}  thresholds {m['thresholds']}")
    print(f"dev ({d['sentences']} sentences: {d['machine']} machine, {d['human']} human)")
    print(f"  sentence ROC-AUC           {d['sentence_auc']:.3f}   accuracy@0.5 {d['sentence_accuracy']:.3f}"
          f"   balanced {d['sentence_accuracy_balanced']:.3f}   (in context, as in an article)")
    print(f"  sentence read alone        {d['sentence_auc_alone']:.3f}   balanced accuracy (logit > 0) "
          f"{d['sentence_accuracy_alone_balanced']:.3f}")
    print(f"  5-sentence passage ROC-AUC {d['passage_auc']:.3f}   ({d['passages']} passages, accuracy@0.5 {d['passage_accuracy']:.3f})")
    print(f"  document ROC-AUC           {d['document_auc']:.3f}   ({d['documents']} documents, accuracy@0.5 {d['document_accuracy']:.3f})")
    print(f"  poor MT (da<30) vs human   {d['poor_machine_vs_human_auc']:.3f}   ({d['poor_machine_rows']} rows; "
          f"read alone {d['poor_machine_vs_human_auc_alone']:.3f})")
    for k, v in d["by_kind"].items():
        print(f"  {k:<22} flagged at threshold {v['flagged_at_threshold']:.3f}  mean p {v['mean_probability']:.3f}")
    print("  per system (AUC vs dev human rows, flagged at threshold):")
    for name, v in d["by_system"].items():
        print(f"    {name:<32} {v['auc_vs_human']:.3f}  {v['flagged_at_threshold']:.3f}  ({v['rows']} rows)")
    for name, title in (("bbc_test", "BBC test split ({} articles"),
                        ("wire_test", "Reuters 1987 wire, held out ({} stories of prose")):
        c = m.get(name)
        if not c or not c["articles"]:
            continue
        print(title.format(c["articles"]) + f", {c['sentences']} sentences), never trained on:")
        print(f"  sentences flagged {c['sentences_flagged']:.2%}   passages flagged {c['passages_flagged']:.2%}"
              f"   articles flagged {c['articles_flagged']:.2%}   (classifier alone)")
        q = m.get(f"{name}_pipeline")
        if q:
            print(f"  full pipeline: sentences flagged {q['sentences_flagged']:.2%}; articles warned (any mark) "
                  f"{q['articles_warned']:.2%}, with a verdict other than 'no signs' {q['articles_not_no_signs']:.2%},"
                  f" 'likely machine' {q['articles_likely_machine']:.2%}")
    for d in m.get("bbc_test_damaged", []):
        print(f"BBC test articles with {d['rate']:.0%} of sentences damaged (scorer.corrupt, {d['articles']} articles):"
              f" warned {d['articles_warned']:.1%}, 'likely machine' {d['articles_likely_machine']:.1%};"
              f" damaged sentences marked {d['damaged_sentences_flagged']:.1%} of {d['damaged_sentences']},"
              f" undamaged {d['undamaged_sentences_flagged']:.1%}")
        print("  by kind: " + ", ".join(f"{k} {v['flagged']:.0%}" for k, v in d["by_kind"].items()))
    for name, v in m.get("cases", {}).items():
        print(f"tests/cases, {name} (known failures included): {v['flagged']:.0%} of {v['cases']} flagged")
    if "cases_ranking_auc" in m:
        print(f"tests/cases, garbled against clean ranked by the classifier alone: ROC-AUC {m['cases_ranking_auc']:.3f}")


def main(args) -> int:
    from .model import load_detector

    require_training_extra()
    out = Path(args.out)
    if not out.parent.is_dir() or not os.access(out.parent, os.W_OK) or out.is_dir():
        # say so now, not after minutes of scoring
        raise TelltaleError(f"Cannot write the report to {out}: its folder is missing or not writable, "
                            "or it is a folder. Pass --out FILE in a writable folder.")
    det = load_detector(args.model, threads=args.threads)
    root = data.data_dir(args.data)
    scored = score_datasets(det, root, limit=args.limit)
    m = metrics(det, scored) | product_metrics(det, root, limit=args.limit)
    print_report(m)
    write_report(m, out, command="telltale eval " + " ".join(sys.argv[2:]))
    print(f"wrote {args.out}")
    return 0
