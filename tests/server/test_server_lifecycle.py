"""`telltale serve` start-up and graceful shutdown, through server.cli (which execs gunicorn)."""

from __future__ import annotations

import sys
import threading
import time

from conftest import ServerProcess, base_env, free_port, post_score


def test_serve_cli_starts_and_shuts_down_gracefully(tmp_path, articles):
    port = free_port()
    argv = [sys.executable, "-m", "server.cli", "--port", str(port), "--workers", "1", "--threads", "2"]
    srv = ServerProcess(argv, base_env(), port, tmp_path / "cli.log").wait_ready()
    try:
        assert srv.health_seen[-1] == 200
        # A request in flight when SIGTERM arrives still completes.
        paragraphs = articles["clean"]["paragraphs"] * 8
        result = {}
        thread = threading.Thread(target=lambda: result.setdefault("r", post_score(srv, {"paragraphs": paragraphs})))
        thread.start()
        time.sleep(0.3)
    finally:
        code = srv.stop()
    thread.join(60)
    assert result["r"].status_code == 200
    assert code == 0
    log = srv.log()
    assert "ready in" in log  # the worker logged its model start-up
    assert "Shutting down" in log or "Handling signal: term" in log
