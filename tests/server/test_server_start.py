"""Start-up checks: a setting that cannot work stops `telltale serve` (and plain gunicorn with
the repo's config) at once, with one line naming what the user set, exit status 2, and
nothing left in /dev/shm; it never leaves workers that cannot become ready."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from server.settings import ServerSettings, SettingsError

from conftest import REPO, base_env, free_port, gunicorn_argv

SCRATCH = Path("/dev/shm")


def metrics_folders() -> set:
    return set(SCRATCH.glob("telltale-metrics-*")) if SCRATCH.is_dir() else set()


def serve(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scorer.cli", "serve", *args], cwd=REPO,
                          env=base_env(**env), capture_output=True, text=True, timeout=60)


def assert_refused(proc: subprocess.CompletedProcess, *words: str) -> str:
    err = proc.stderr
    assert proc.returncode == 2, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    for word in words:
        assert word in err, err
    return err


def test_a_bad_flag_is_named_as_the_flag_and_a_bad_variable_as_the_variable():
    err = assert_refused(serve("--port", "99999"), "--port", "'99999'")
    assert "TELLTALE_PORT" not in err
    err = assert_refused(serve(TELLTALE_PORT="87o5"), "TELLTALE_PORT", "'87o5'")
    assert "--port" not in err.split("?")[0]  # no argparse usage error about a flag never typed
    assert_refused(serve("--workers", "0"), "--workers")
    assert_refused(serve("--model", "/no/such/model", "--port", str(free_port())), "--model", "not a folder")
    err = assert_refused(serve("--token-file", "/no/such/token", "--port", str(free_port())),
                         "--token-file /no/such/token", "cannot be read")
    assert "TELLTALE_TOKEN_FILE" not in err
    assert_refused(serve("--port", str(free_port()), TELLTALE_TOKEN_FILE="/no/such/token"),
                   "TELLTALE_TOKEN_FILE /no/such/token")
    err = assert_refused(serve("--cors-origin", "newsroom.example", "--port", str(free_port())), "--cors-origin")
    assert "TELLTALE_CORS_ORIGINS" not in err


@pytest.mark.parametrize("variable,value", [
    ("TELLTALE_LOG_LEVEL", "verbose"),
    ("TELLTALE_PRECISION", "int4"),  # the library's, read by each worker at load
    ("TELLTALE_SENTENCE_CACHE", "lots"),
    ("TELLTALE_CORS_ORIGINS", "newsroom.example"),
])
def test_a_bad_value_stops_both_ways_of_starting(variable, value):
    before = metrics_folders()
    assert_refused(serve("--port", str(free_port()), **{variable: value}), variable)
    proc = subprocess.run(gunicorn_argv(), cwd=REPO, env=base_env(TELLTALE_PORT=str(free_port()), **{variable: value}),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and variable in proc.stderr, proc.stderr
    assert "Booting worker" not in proc.stderr  # refused before any worker started
    assert metrics_folders() <= before


def test_a_port_in_use_is_one_line_and_leaves_nothing():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        before = metrics_folders()
        assert_refused(serve("--port", port), f"127.0.0.1:{port} is already in use", "--port")
        # plain gunicorn finds out itself, after its retries; its metrics folder goes too
        proc = subprocess.run(gunicorn_argv(), cwd=REPO, env=base_env(TELLTALE_PORT=port),
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode != 0
        assert metrics_folders() <= before


@pytest.mark.parametrize("origin", ["newsroom.example", "https://desk.example/", "https://desk.example/app"])
def test_an_origin_that_can_never_match_is_refused(origin):
    with pytest.raises(SettingsError, match="not an origin"):
        ServerSettings.from_sources({"CORS_ORIGINS": origin}, environ={})


def test_real_origins_are_accepted():
    origins = "https://desk.example,http://localhost:3000,https://[::1]:8443"
    assert len(ServerSettings.from_sources({"CORS_ORIGINS": origins}, environ={}).cors_origins) == 3


def test_each_bad_number_is_named_alone():
    with pytest.raises(SettingsError) as err:
        ServerSettings.from_sources({"CACHE_SIZE": "-1"}, environ={})
    assert "TELLTALE_CACHE_SIZE" in str(err.value) and "QUEUE_TIMEOUT" not in str(err.value)
    with pytest.raises(SettingsError, match="TELLTALE_CACHE_BYTES"):
        ServerSettings.from_sources({"CACHE_BYTES": "-1"}, environ={})
    with pytest.raises(SettingsError) as err:
        ServerSettings.from_sources({"QUEUE_TIMEOUT": "inf"}, environ={})
    assert "TELLTALE_QUEUE_TIMEOUT" in str(err.value) and "CACHE_SIZE" not in str(err.value)


@pytest.mark.parametrize("key,value,expected", [
    ("MAX_TEXT_CHARS", "1e6", "a whole number"),
    ("LOAD_IN_BACKGROUND", "maybe", "one of 1, 0, true"),
    ("QUEUE_TIMEOUT", "soon", "a number of seconds"),
])
def test_a_value_of_the_wrong_kind_says_what_is_expected(key, value, expected):
    with pytest.raises(SettingsError, match=expected):
        ServerSettings.from_sources({key: value}, environ={})


@pytest.mark.parametrize("variable", ["TELLTALE_TOKEN", "TELLTALE_TOKEN_FILE"])
def test_a_blank_token_setting_is_refused_not_taken_for_personal_mode(variable):
    with pytest.raises(SettingsError, match=f"{variable} is set but blank"):
        ServerSettings.from_sources(environ={variable: "   "})
    assert_refused(serve("--port", str(free_port()), **{variable: "  "}), variable, "blank")


def test_the_token_file_flag_wins_and_both_token_variables_are_refused(tmp_path):
    token = "a-valid-team-token-0123456789"
    # the flag beats $TELLTALE_TOKEN as every flag beats its variable: the file is read (and
    # here cannot be), where the variable's token used to be taken and the flag ignored
    assert_refused(serve("--token-file", "/no/such/token", "--port", str(free_port()), TELLTALE_TOKEN=token),
                   "--token-file /no/such/token", "cannot be read")
    file = tmp_path / "token.txt"
    file.write_text(token + "\n")
    err = assert_refused(serve("--port", str(free_port()), TELLTALE_TOKEN=token, TELLTALE_TOKEN_FILE=str(file)),
                         "TELLTALE_TOKEN and TELLTALE_TOKEN_FILE are both set")
    assert token not in err
