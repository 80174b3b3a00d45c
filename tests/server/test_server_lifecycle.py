"""`telltale serve` start-up and graceful shutdown (scorer.cli -> server.cli, which execs gunicorn)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import REPO, HeldRequest, ServerProcess, base_env, free_port, gunicorn_argv, post_score


def test_serve_cli_starts_and_shuts_down_gracefully(tmp_path, articles):
    port = free_port()
    argv = [sys.executable, "-m", "scorer.cli", "serve", "--port", str(port), "--workers", "1", "--threads", "2"]
    srv = ServerProcess(argv, base_env(), port, tmp_path / "cli.log").wait_ready()
    try:
        assert srv.health_seen[-1] == 200
        # A request in flight when SIGTERM arrives still completes: a worker thread has
        # started on it, and it cannot finish before its last byte, sent only once the
        # server has begun to shut down.
        held = HeldRequest(srv, {"paragraphs": articles["clean"]["paragraphs"]}).start()
        srv.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 60
        while "Handling signal: term" not in srv.log():
            assert time.monotonic() < deadline and srv.proc.poll() is None, srv.log()
            time.sleep(0.05)
        held.release()
        status, _, body = held.response()
    finally:
        # gunicorn waits up to graceful_timeout (30 s) for requests in flight; allow more
        # than that on a busy machine before calling the shutdown hung.
        code = srv.stop(timeout=90)
    assert status == 200, body
    assert body["article"]["sentences"] > 0
    assert code == 0
    log = srv.log()
    assert "ready in" in log  # the worker logged its model start-up
    assert "Shutting down" in log or "Handling signal: term" in log


def test_missing_model_folder_stops_the_start(tmp_path):
    # a wrong path is a configuration error: exit 2 at once, not a server that never scores
    port = free_port()
    env = base_env(TELLTALE_PORT=str(port), TELLTALE_MODEL_PATH=str(tmp_path / "no-such-model"))
    srv = ServerProcess(gunicorn_argv(), env, port, tmp_path / "missing.log")
    try:
        assert srv.proc.wait(60) == 2
        assert "TELLTALE_MODEL_PATH" in srv.log() and "is not a folder" in srv.log()
    finally:
        srv.stop()  # a server that started after all must not outlive the test


@pytest.mark.parametrize("env", [{"TELLTALE_WORKERS": "two"}, {"TELLTALE_PORT": "99999"}])
def test_bad_gunicorn_settings_stop_the_start_and_leave_nothing(tmp_path, env):
    scratch = Path("/dev/shm")
    before = set(scratch.glob("telltale-metrics-*")) if scratch.is_dir() else set()
    proc = subprocess.run(gunicorn_argv(), cwd=REPO, env=base_env(**env), capture_output=True, timeout=60)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.startswith("telltale: ") and next(iter(env)) in err and "Traceback" not in err
    after = set(scratch.glob("telltale-metrics-*")) if scratch.is_dir() else set()
    assert after <= before  # no metrics folder left behind


def test_broken_model_keeps_answering_503_and_logs_the_reason(tmp_path):
    # a folder that is there but holds no model: the workers start and say they cannot score;
    # the reason (it names host paths) goes to the log only, since /healthz is open to anyone
    (tmp_path / "broken-model").mkdir()
    port = free_port()
    env = base_env(TELLTALE_PORT=str(port), TELLTALE_MODEL_PATH=str(tmp_path / "broken-model"))
    srv = ServerProcess(gunicorn_argv(), env, port, tmp_path / "broken.log")
    health = None
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                health = requests.get(srv.url + "/healthz", timeout=5)
                if health.json()["status"] == "error":
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        assert health is not None, srv.log()
        # permanent until a restart: no Retry-After, and the same type from both routes
        assert health.status_code == 503 and "Retry-After" not in health.headers
        assert health.json()["error"]["type"] == "model_unavailable"
        r = post_score(srv, {"text": "Hello there."})
        assert r.status_code == 503 and "Retry-After" not in r.headers
        assert r.json()["error"]["type"] == "model_unavailable"
        for answer in (health, r):
            message = answer.json()["error"]["message"]
            assert "could not be loaded" in message and "server log" in message
            assert "telltale.json" not in message and str(tmp_path) not in message
        info = requests.get(srv.url + "/v1/info", timeout=5).json()  # the type only, for clients
        assert info["ready"] is False and info["error"] == "model_unavailable"
        assert str(tmp_path) not in json.dumps(info)
    finally:
        srv.stop()
    log = srv.log()
    assert "telltale.json" in log and str(tmp_path / "broken-model") in log
