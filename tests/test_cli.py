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
    from scorer import Scorer, ScorerConfig

    scorer = Scorer(shipped_scorer.detector, ScorerConfig(threshold=0.0))
    result = scorer.score("The council met on Tuesday.")
    out = io.StringIO()
    write_report(result, out)
    assert ">> " in out.getvalue() and "The council met on Tuesday." in out.getvalue()


def test_report_gives_each_cue_its_message(shipped_scorer):
    result = shipped_scorer.score("Troops fought in the east of the coun try on Sunday.\n\n"
                                  "Firefighters battled the the flames for hours on Saturday night.")
    out = io.StringIO()
    write_report(result, out)
    report = out.getvalue()
    assert 'word broken in two: "coun try"' in report and 'word written twice: "the the"' in report, report
