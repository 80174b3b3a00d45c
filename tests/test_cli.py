"""The installed command, run as a subprocess (``python -m scorer.cli``) like a user would."""

import io
import json
import os
import subprocess
import sys

import pytest

from scorer.cli import build_parser, write_report

GERMAN = ("Der Stadtrat hat am Dienstag beschlossen, den Nachtbusverkehr bis zum Jahresende zu "
          "verlängern, nachdem ein Pilotprojekt mehr Fahrgäste angezogen hatte als erwartet. Die "
          "zusätzlichen Linien kosten nach Angaben der Verwaltung rund 1,2 Millionen Euro.")


def telltale(*args, stdin: bytes = b"", timeout=300):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.setdefault("OMP_NUM_THREADS", "2")
    return subprocess.run([sys.executable, "-m", "scorer.cli", *args], input=stdin,
                          capture_output=True, timeout=timeout, env=env)


def model_args():
    path = os.environ.get("TELLTALE_MODEL_PATH")
    return ["--model", path] if path else []


@pytest.mark.parametrize("stdin,message", [
    (b"", "empty"),
    (b"  \n\t\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("café au lait".encode("latin-1"), "not valid UTF-8"),
    (GERMAN.encode("utf-8"), "German"),
    (b"word " * 50_000, "limit is 200,000"),
    (b"<html><body><script>var x = 1;</script></body></html>", "No article text"),
], ids=["empty", "whitespace", "binary", "latin-1", "german", "huge", "empty-html"])
def test_bad_input_exits_2_without_traceback(stdin, message):
    proc = telltale("score", "-", stdin=stdin)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert message in err
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("telltale: error:")
    assert proc.stdout == b""


def test_missing_file_exits_2(tmp_path):
    proc = telltale("score", str(tmp_path / "missing.txt"))
    assert proc.returncode == 2 and b"No such file" in proc.stderr and b"Traceback" not in proc.stderr


def test_a_web_address_says_how_to_fetch_it():
    proc = telltale("score", "https://www.example.com/news/story")
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1, err
    assert "not web addresses" in err and "| telltale score -" in err


@pytest.mark.parametrize("variable,value", [("TELLTALE_PRECISION", "int4"), ("TELLTALE_SENTENCE_CACHE", "lots")])
def test_a_bad_library_variable_is_one_line(variable, value, fixtures, monkeypatch):
    monkeypatch.setenv(variable, value)
    proc = telltale("score", str(fixtures / "article.txt"), *model_args())
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert variable in err and repr(value) in err


def test_bad_threshold_is_a_usage_error():
    proc = telltale("score", "--threshold", "1.5", "-", stdin=b"Some text.")
    assert proc.returncode == 2 and b"between 0 and 1" in proc.stderr


def test_missing_model_exits_1(tmp_path, fixtures):
    proc = telltale("score", str(fixtures / "article.txt"), "--model", str(tmp_path / "none"))
    assert proc.returncode == 1 and b"does not exist" in proc.stderr and b"Traceback" not in proc.stderr


def test_no_command_prints_help():
    proc = telltale()
    assert proc.returncode == 2 and b"score" in proc.stderr


def test_delegated_commands_take_their_modules_options():
    for name, option in [("train", "--out"), ("eval", "--model"), ("serve", "--port")]:
        parser = build_parser([name, "--help"])
        sub = parser._subparsers._group_actions[0].choices[name]
        assert any(option in a.option_strings for a in sub._actions), name


@pytest.mark.parametrize("args,status", [
    (("eval", "--model", "/nonexistent/model"), 1),
    (("train", "--data", "/nonexistent/data", "--out", "/nonexistent/out"), 2),
    (("eval", "--data", "/nonexistent/data"), 2),
    (("eval", "--out", "/nonexistent/folder/eval.json"), 2),
    (("train", "--out", "/proc/nonexistent/model", "--quick"), 2),
])
def test_train_and_eval_fail_in_one_line(args, status):
    proc = telltale(*args)
    err = proc.stderr.decode()
    assert proc.returncode == status, err
    assert err.startswith("telltale: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "/nonexistent/" in err


@pytest.mark.parametrize("command", ["train", "eval"])
def test_train_and_eval_without_scikit_learn_stop_at_once(command, tmp_path):
    """`make serve` installs no scikit-learn; train found out after half an hour of training."""
    code = ("import sys; sys.modules['sklearn'] = None; from scorer.cli import main; "
            f"sys.exit(main([{command!r}, '--out', {str(tmp_path / 'out')!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1 and "scikit-learn" in err and "[train]" in err, err
    assert not (tmp_path / "out").exists()


def test_version():
    from importlib.metadata import version

    proc = telltale("--version")
    assert proc.returncode == 0 and proc.stdout.decode().split() == ["telltale", version("telltale")]


def test_a_quick_training_run_never_replaces_the_shipped_model(tmp_path, monkeypatch):
    from scorer.model import DEFAULT_MODEL_DIR

    before = {p.name: p.stat().st_mtime_ns for p in DEFAULT_MODEL_DIR.iterdir()}
    proc = telltale("train", "--quick", "--out", str(DEFAULT_MODEL_DIR))
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1 and "--quick" in err and "shipped" in err, err
    # a quick recalibration of the default folder: the quick folder (under this test's
    # TMPDIR), which holds no model
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    proc = telltale("train", "--quick", "--calibrate-only")
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "telltale-quick" in err and "no trained model" in err, err  # a model folder: 1
    assert {p.name: p.stat().st_mtime_ns for p in DEFAULT_MODEL_DIR.iterdir()} == before
    help_text = telltale("train", "--help").stdout.decode()
    assert "telltale-quick" in " ".join(help_text.split())  # where --quick writes by default


def test_score_json(fixtures):
    text = (fixtures / "article.txt").read_text(encoding="utf-8")
    proc = telltale("score", str(fixtures / "article.txt"), "--json", *model_args())
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(proc.stdout)
    assert set(result) >= {"model", "threshold", "article", "passages"}
    for passage in result["passages"]:
        for s in passage["sentences"]:
            assert text[s["start"]:s["end"]] == s["text"]


def test_score_html_page_matches_its_text(fixtures):
    page = telltale("score", str(fixtures / "article.html"), "--json", *model_args())
    plain = telltale("score", "-", "--json", *model_args(),
                     stdin=(fixtures / "article.txt").read_bytes())
    assert page.returncode == 0 and plain.returncode == 0, page.stderr.decode()
    page_sentences = [s["text"] for p in json.loads(page.stdout)["passages"] for s in p["sentences"]]
    plain_sentences = [s["text"] for p in json.loads(plain.stdout)["passages"] for s in p["sentences"]]
    assert page_sentences == plain_sentences


def test_report_marks_flagged_sentences(fixtures):
    proc = telltale("score", str(fixtures / "article.txt"), "--threshold", "0", "--color", "never",
                    *model_args())
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.startswith("Verdict: ")
    assert out.count(">> ") == 5  # every sentence is flagged at threshold 0
    assert "\x1b[" not in out


def test_passage_and_article_thresholds(fixtures):
    args = (str(fixtures / "article.txt"), "--json", *model_args())
    likely = json.loads(telltale("score", *args, "--article-threshold", "0").stdout)
    assert likely["article"]["verdict"] == "likely machine-translated or garbled"
    assert likely["thresholds"]["article"] == 0.0
    passages = json.loads(telltale("score", *args, "--article-threshold", "1", "--passage-threshold", "0").stdout)
    assert passages["article"]["verdict"] == "some passages look garbled"
    assert all(p["flagged"] for p in passages["passages"])
    coloured = telltale("score", str(fixtures / "article.txt"), "--color", "always", *model_args())
    assert b"\x1b[" in coloured.stdout


def test_report_explains_a_verdict_no_passage_carries(shipped_scorer, fixtures):
    import io

    from scorer import Scorer, ScorerConfig
    from scorer.cli import write_report

    text = (fixtures / "article.txt").read_text(encoding="utf-8")
    note = "No single passage stands out"
    for thresholds, expected in (((1.0, 1.0, 0.0), True), ((1.0, 1.0, 1.0), False), ((0.0, 0.0, 0.0), False)):
        config = ScorerConfig(threshold=thresholds[0], passage_threshold=thresholds[1],
                              article_threshold=thresholds[2], use_signals=False)
        result = Scorer(shipped_scorer.detector, config).score(text)
        out = io.StringIO()
        write_report(result, out)
        assert (note in out.getvalue()) == expected, (thresholds, out.getvalue()[:300])


def test_report_lists_cues(shipped_scorer):
    # threshold 0 flags both sentences; only the one with a doubled word carries a
    # cue, listed in brackets on its own flagged line
    from scorer import Scorer, ScorerConfig

    scorer = Scorer(shipped_scorer.detector, ScorerConfig(threshold=0.0))
    result = scorer.score("The council met on Tuesday.\n\n"
                          "Firefighters battled the the flames for hours on Saturday night.")
    out = io.StringIO()
    write_report(result, out)
    flagged = [ln for ln in out.getvalue().splitlines() if ln.startswith(">> ")]
    assert len(flagged) == 2, out.getvalue()
    plain, doubled = flagged
    assert plain.endswith("The council met on Tuesday."), plain  # no cue, no brackets
    assert "battled the the flames" in doubled and doubled.endswith("]"), doubled
    cues = doubled.split("  [", 1)[1]
    assert 'word written twice: "the the"' in cues, doubled


def test_report_gives_each_cue_its_message(shipped_scorer):
    result = shipped_scorer.score("Troops fought in the east of the coun try on Sunday.\n\n"
                                  "Firefighters battled the the flames for hours on Saturday night.")
    out = io.StringIO()
    write_report(result, out)
    report = out.getvalue()
    assert 'word broken in two: "coun try"' in report and 'word written twice: "the the"' in report, report


# -- score options: --no-language-check, --format, --threads, the size limit, a folder --


def test_no_language_check_scores_a_german_text(tmp_path):
    path = tmp_path / "german.txt"
    path.write_text(GERMAN, encoding="utf-8")
    refused = telltale("score", str(path), "--json", *model_args())
    err = refused.stderr.decode()
    assert refused.returncode == 2 and "German" in err and "--no-language-check" in err, err
    assert refused.stdout == b""
    scored = telltale("score", str(path), "--json", "--no-language-check", *model_args())
    assert scored.returncode == 0, scored.stderr.decode()
    result = json.loads(scored.stdout)
    sentences = [s for p in result["passages"] for s in p["sentences"]]
    assert len(sentences) == 2 and sentences[0]["text"].startswith("Der Stadtrat hat am Dienstag")
    assert all(GERMAN[s["start"]:s["end"]] == s["text"] for s in sentences)


def test_format_text_refuses_an_html_page(fixtures):
    # forced to plain text, a saved page is not extracted: its markup would be
    # scored as words, so the library's HTML check refuses it
    proc = telltale("score", str(fixtures / "article.html"), "--format", "text", *model_args())
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith("telltale: error: The text looks like an HTML page") and err.count("\n") == 1, err
    assert proc.stdout == b""


def test_format_html_on_a_plain_file_finds_no_article(fixtures):
    # forced to HTML, a plain text file goes through the page extractor, which
    # finds no article in it
    proc = telltale("score", str(fixtures / "article.txt"), "--format", "html", *model_args())
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith("telltale: error: No article text was found") and err.count("\n") == 1, err
    assert proc.stdout == b""


def test_a_page_saved_with_a_line_before_its_markup_is_extracted(tmp_path, fixtures):
    # a saved page with a line of text before its doctype is still a page: detected
    # (auto) as well as forced (--format html), its article extracted either way
    page = tmp_path / "saved.html"
    page.write_bytes(b"Saved from https://example.org/news on 3 May\n" + (fixtures / "article.html").read_bytes())
    plain = telltale("score", str(fixtures / "article.txt"), "--json", *model_args())
    assert plain.returncode == 0
    plain_sentences = [s["text"] for p in json.loads(plain.stdout)["passages"] for s in p["sentences"]]
    for fmt in ("html", "auto"):
        forced = telltale("score", str(page), "--format", fmt, "--json", *model_args())
        assert forced.returncode == 0, forced.stderr.decode()
        assert [s["text"] for p in json.loads(forced.stdout)["passages"] for s in p["sentences"]] == plain_sentences


def test_threads_sets_torch_threads_for_the_model(fixtures, monkeypatch, capsys):
    # in-process, so the thread count torch uses while the detector runs can be
    # read: the real with_threads is wrapped only to record it
    import torch

    from scorer import inference
    from scorer.cli import main

    seen = []
    real = inference.with_threads

    def recording(threads, fn, *args):
        def run(*a):
            seen.append(torch.get_num_threads())
            return fn(*a)
        return real(threads, run, *args)

    monkeypatch.setattr(inference, "with_threads", recording)
    before = torch.get_num_threads()
    torch.set_num_threads(2)  # so that an ignored --threads 1 would show as 2
    try:
        status = main(["score", str(fixtures / "article.txt"), "--threads", "1", "--json", *model_args()])
    finally:
        torch.set_num_threads(before)
    out = capsys.readouterr()
    assert status == 0, out.err
    assert json.loads(out.out)["article"]["sentences"] == 5
    assert seen and set(seen) == {1}, seen

    zero = telltale("score", "--threads", "0", "-", stdin=b"Some text.")
    assert zero.returncode == 2 and b"not at least 1" in zero.stderr


def test_a_folder_as_file_exits_2_in_one_line(tmp_path):
    proc = telltale("score", str(tmp_path))
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err == f"telltale: error: cannot read {tmp_path}: Is a directory\n"
    assert proc.stdout == b""


def test_input_over_the_file_limit_exits_2(tmp_path):
    from scorer.cli import MAX_FILE_BYTES

    # sparse files: no 20 MB written. At the limit the size passes (the NUL bytes
    # are then refused as binary); one byte over, the size is refused
    at_limit, over = tmp_path / "at-limit.txt", tmp_path / "over.txt"
    for path, size in ((at_limit, MAX_FILE_BYTES), (over, MAX_FILE_BYTES + 1)):
        with open(path, "wb") as fh:
            fh.truncate(size)
    proc = telltale("score", str(over))
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith(f"telltale: error: The input is larger than {MAX_FILE_BYTES:,} bytes")
    assert err.count("\n") == 1 and proc.stdout == b""
    proc = telltale("score", str(at_limit))
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "larger than" not in err and "binary" in err, err


def test_a_mistyped_option_gets_its_command_usage():
    proc = telltale("score", "article.txt", "--formt", "html")
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "usage: telltale score" in err and "unrecognized arguments: --formt html" in err


def test_a_front_page_of_links_is_not_an_article(fixtures):
    proc = telltale("score", str(fixtures / "front-page.html"), *model_args())
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "No article text was found" in err and err.count("\n") == 1, err


@pytest.mark.parametrize("limit", ["0", "-5", "x"])
def test_eval_limit_must_be_at_least_one(limit):
    # 0 used to run the whole evaluation, -5 to end in a traceback
    proc = telltale("eval", "--limit", limit, "--data", "/nonexistent/data")
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "--limit" in err and "at least 1" in err and "Traceback" not in err, err


def test_a_train_that_cannot_start_leaves_no_folder(tmp_path):
    out = tmp_path / "new-model"
    proc = telltale("train", "--data", str(tmp_path / "no-data"), "--out", str(out))
    assert proc.returncode == 2 and "were not found" in proc.stderr.decode()
    assert not out.exists()
