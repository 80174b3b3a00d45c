"""The ``telltale`` command: ``score``, ``train``, ``eval`` and ``serve``.

``telltale score article.txt`` prints a report that marks flagged sentences;
``telltale score page.html --json`` prints the result JSON. The input may be
plain text or a saved HTML page (its article text is extracted with
trafilatura); ``-`` or no file reads standard input.

Bad input ends with a one-line message on stderr and exit status 2; a model
that cannot be loaded with status 1. Neither prints a traceback.

``train``, ``eval`` and ``serve`` are thin wrappers: their options come from
``add_arguments(parser)`` and their work from ``main(args)`` in
``scorer.train``, ``scorer.evaluate`` and ``server.cli``, imported only when
that command runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
from typing import Sequence, TextIO

from .config import ScorerConfig
from .errors import EmptyInputError, InputTooLargeError, ModelLoadError, TelltaleError

EXIT_OK, EXIT_MODEL, EXIT_INPUT = 0, 1, 2
# A saved news page is rarely over 3 MB; its extracted text must then fit ScorerConfig.max_chars.
MAX_FILE_BYTES = 20_000_000

# command -> (module, help); the module provides add_arguments(parser) and main(args).
DELEGATED = {
    "train": ("scorer.train", "train the detector (reproduces the shipped model)"),
    "eval": ("scorer.evaluate", "evaluate a model on the dev data and write metrics JSON"),
    "serve": ("server.cli", "run the scoring server for the browser extension"),
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # the sub-command's own usage, not the top level's
        getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_INPUT
    try:
        return int(args.run(args) or 0)
    except ModelLoadError as exc:  # train, eval, serve: one line, no traceback, as for score
        return _fail(exc, EXIT_MODEL)
    except TelltaleError as exc:  # e.g. no shared data for train or eval
        return _fail(exc, EXIT_INPUT)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `telltale score x | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The argument parser; only the delegated command named in ``argv`` is imported."""
    parser = argparse.ArgumentParser(
        prog="telltale", description="Flags machine-translated or garbled passages in news articles.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("score", help="score an article (plain text or HTML page)",
                       description="Score an article and mark its flagged sentences.")
    p.add_argument("file", nargs="?", default="-", help="text or HTML file; '-' or nothing reads stdin")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--threshold", type=_probability, default=None, metavar="P",
                   help="sentence threshold between 0 and 1 (default: the model's)")
    p.add_argument("--passage-threshold", type=_probability, default=None, metavar="P",
                   help="passage threshold (default: the model's)")
    p.add_argument("--article-threshold", type=_probability, default=None, metavar="P",
                   help="article threshold for 'likely machine-translated' (default: the model's)")
    p.add_argument("--model", default=None, metavar="DIR",
                   help="model folder from `telltale train` (default: the shipped model)")
    p.add_argument("--format", choices=("auto", "text", "html"), default="auto",
                   help="input format (default: detect HTML)")
    p.add_argument("--no-language-check", action="store_true",
                   help="score text even if it does not look like English")
    p.add_argument("--threads", type=_positive_int, default=None, help="torch CPU threads (default: all cores)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the report (default: when writing to a terminal and NO_COLOR is unset)")
    p.set_defaults(run=run_score, parser=p)

    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in DELEGATED.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(run=_delegate, module=module, parser=p)
        if name == chosen:
            try:
                importlib.import_module(module).add_arguments(p)
            except ImportError as exc:
                p.set_defaults(run=_unavailable, error=f"`telltale {name}` is not available: {exc}")
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("telltale")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "(not installed)"


def _probability(value: str) -> float:
    try:
        p = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0.0 <= p <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return p


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return n


def _delegate(args: argparse.Namespace) -> int:
    return importlib.import_module(args.module).main(args)


def _unavailable(args: argparse.Namespace) -> int:
    print(f"telltale: {args.error}", file=sys.stderr)
    return EXIT_MODEL


# -- score --------------------------------------------------------------------

def run_score(args: argparse.Namespace) -> int:
    from . import inputs
    from .scoring import Scorer

    config = ScorerConfig(threshold=args.threshold, passage_threshold=args.passage_threshold,
                          article_threshold=args.article_threshold, check_language=not args.no_language_check,
                          threads=args.threads)
    try:
        text = read_input(args.file, args.format)
        inputs.check_text(text, config)  # fail fast, before the model loads
    except TelltaleError as exc:
        return _fail(exc, EXIT_INPUT)
    except OSError as exc:
        if re.match(r"(?i)(?:[a-z][a-z0-9+.-]*://|www\.)", args.file):
            return _fail(f"cannot read {args.file}: telltale score reads files, not web addresses; "
                         f"fetch the page first: `curl -sL '{args.file}' | telltale score -`", EXIT_INPUT)
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}", EXIT_INPUT)
    try:
        scorer = Scorer.load(args.model, config)
    except ModelLoadError as exc:
        return _fail(exc, EXIT_MODEL)
    try:
        result = scorer.score(text)
    except TelltaleError as exc:
        return _fail(exc, EXIT_INPUT)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty()
                                           and not os.environ.get("NO_COLOR"))
        write_report(result, sys.stdout, color=color)
    return EXIT_OK


def read_input(path: str, fmt: str = "auto") -> str:
    """Text to score from a file or stdin: decoded, and extracted when it is HTML."""
    from . import inputs

    if path == "-":
        if sys.stdin.isatty():
            raise EmptyInputError("No input: give a FILE to score, or pipe the text in "
                                  "(e.g. `telltale score article.txt` or `pbpaste | telltale score`).")
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputTooLargeError(
            f"The input is larger than {MAX_FILE_BYTES:,} bytes, the limit for a file or page. "
            "Save only the article (or its text) and score that.")
    text = inputs.decode_bytes(data)
    if fmt == "html" or (fmt == "auto" and inputs.looks_like_html(text)):
        text = inputs.html_to_text(text)
    return text


def _fail(error, status: int) -> int:
    label = "error" if status == EXIT_INPUT else "model error"
    print(f"telltale: {label}: {error}", file=sys.stderr)
    return status


# -- report -------------------------------------------------------------------

_RED, _YELLOW, _DIM, _BOLD, _RESET = "\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[1m", "\x1b[0m"


def write_report(result, out: TextIO, *, color: bool = False) -> None:
    """A readable report: verdict first, then every passage, flagged sentences marked ``>>``."""
    def paint(code: str, s: str) -> str:
        return f"{code}{s}{_RESET}" if color else s

    a, th = result.article, result.thresholds
    verdict_color = _RED if a.flagged else (_YELLOW if a.flagged_passages else "")
    out.write(f"Verdict: {paint(_BOLD + verdict_color, a.verdict)} "
              f"(article probability {a.probability:.2f}, threshold {th.article:.2f})\n")
    out.write(f"Flagged: {a.flagged_passages} of {a.passages} passages, "
              f"{a.flagged_sentences} of {a.sentences} sentences "
              f"(sentence threshold {th.sentence:.2f}, passage threshold {th.passage:.2f})\n")
    if a.flagged and not a.flagged_passages:
        out.write("No single passage stands out: the wording of the article as a whole reads like "
                  "machine translation. On its own this is the weakest sign (some clean articles get it "
                  "too, terse business copy most).\n")
    out.write(f"Model: {result.model_name} {result.model_version}\n")
    for passage in result.passages:
        mark = paint(_YELLOW, " flagged") if passage.flagged else ""
        out.write(f"\n[{passage.index}] passage probability {passage.probability:.2f}{mark}\n")
        for s in passage.sentences:
            line = " ".join(s.text.split())
            if s.flagged:
                cues = []
                for r in s.reasons:
                    if r.type == "suspicious_words":
                        cues.append("words: " + ", ".join(s.text[a - s.start:b - s.start] for a, b in r.spans))
                    elif r.type != "classifier":  # a cue: its own message, e.g. 'word broken in two: "coun try"'
                        cues.append(str(r.detail.get("message") or r.type.replace("_", " ")))
                extra = f"  [{'; '.join(cues)}]" if cues else ""
                out.write(paint(_RED, f">> {s.probability:.2f} {line}") + extra + "\n")
            else:
                out.write(paint(_DIM, f"        {line}") + "\n")


if __name__ == "__main__":
    sys.exit(main())
