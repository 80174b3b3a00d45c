"""Fixtures for the server tests: real gunicorn processes on free loopback ports.

``server`` is the personal set-up (no token, started like ``make serve`` but on a
free port); ``team_server`` runs the exact command of ``docker/Dockerfile`` (its
CMD and ENV) with a token file, as ``docker/compose.yaml`` does. Both use one
worker and the shipped model.
"""

from __future__ import annotations

import http.client
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
ARTICLES = json.loads((Path(__file__).with_name("articles.json")).read_text(encoding="utf-8"))
START_TIMEOUT = float(os.environ.get("TELLTALE_TEST_START_TIMEOUT", "180"))
TEAM_TOKEN = "test-team-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# TELLTALE_MODEL_PATH, when set, points every server (and the library fixture) at
# another model folder; by default they all use the shipped model.
MODEL_PATH = os.environ.get("TELLTALE_MODEL_PATH") or None


def base_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TELLTALE_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    if MODEL_PATH:
        env["TELLTALE_MODEL_PATH"] = MODEL_PATH
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class ServerProcess:
    """A server started with ``argv``; ``wait_ready`` records what /healthz said meanwhile."""

    def __init__(self, argv: list[str], env: dict, port: int, log_path: Path):
        self.argv, self.env, self.port, self.log_path = argv, env, port, log_path
        self.url = f"http://127.0.0.1:{port}"
        self.health_seen: list[int] = []
        self.loading_score: requests.Response | None = None
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> "ServerProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                r = requests.get(self.url + "/healthz", timeout=5)
            except requests.ConnectionError:
                time.sleep(0.1)
                continue
            self.health_seen.append(r.status_code)
            if r.status_code == 200:
                return self
            if r.json().get("status") == "error":
                self.stop()
                raise RuntimeError(f"the server could not load its model: {r.json()['error']['message']}")
            if self.loading_score is None and r.json().get("status") == "loading":
                self.loading_score = requests.post(self.url + "/v1/score", json={"text": "Hello there."},
                                                   headers=self.auth_headers(), timeout=10)
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not ready after {timeout} s:\n{self.log()}")

    def auth_headers(self) -> dict:
        return {}

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode


def start_server(argv: list[str], env: dict, port: int, tmp: Path, name: str) -> ServerProcess:
    return ServerProcess(argv, env, port, tmp / f"{name}.log")


def gunicorn_argv() -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", "server/gunicorn.conf.py", "server:create_app()"]


def dockerfile() -> tuple[list[str], dict]:
    """The image's CMD (exec form) and its ENV settings, read from docker/Dockerfile."""
    cmd, env = None, {}
    for line in (REPO / "docker" / "Dockerfile").read_text().replace("\\\n", " ").splitlines():
        word, _, rest = line.strip().partition(" ")
        if word == "CMD":
            cmd = json.loads(rest)
        elif word == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                env[key] = value
    assert cmd, "docker/Dockerfile has no exec-form CMD"
    return cmd, env


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Personal mode: loopback, no token, 1 worker; no queue (a request that finds the scoring
    slot taken is turned away at once), so that overload can be tested whatever the machine's speed."""
    port = free_port()
    env = base_env(TELLTALE_PORT=str(port), TELLTALE_WORKERS="1", TELLTALE_THREADS="4",
                   TELLTALE_QUEUE_TIMEOUT="0", TELLTALE_CORS_ORIGINS="https://newsroom.example")
    proc = start_server(gunicorn_argv(), env, port, tmp_path_factory.mktemp("server"), "server").wait_ready()
    yield proc
    proc.stop()


class TeamServer(ServerProcess):
    def auth_headers(self) -> dict:
        return {"Authorization": f"Bearer {TEAM_TOKEN}"}


@pytest.fixture(scope="session")
def team_server(tmp_path_factory):
    """The Docker image's command, with a token file as compose mounts it (on loopback here)."""
    tmp = tmp_path_factory.mktemp("team")
    token_file = tmp / "telltale_token.txt"
    token_file.write_text(TEAM_TOKEN + "\n")
    cmd, image_env = dockerfile()
    port = free_port()
    env = base_env(**image_env)
    env.update(TELLTALE_HOST="127.0.0.1", TELLTALE_PORT=str(port), TELLTALE_WORKERS="1",
               TELLTALE_TOKEN_FILE=str(token_file))
    argv = [sys.executable, "-m", "gunicorn", *cmd[1:]] if cmd[0] == "gunicorn" else cmd
    proc = TeamServer(argv, env, port, tmp / "team.log").wait_ready()
    proc.token_file = token_file
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def articles() -> dict:
    return ARTICLES


def post_score(srv: ServerProcess, body=None, *, data=None, headers=None, timeout=120) -> requests.Response:
    h = dict(srv.auth_headers())
    h.update(headers or {})
    if data is None:
        return requests.post(srv.url + "/v1/score", json=body, headers=h, timeout=timeout)
    h.setdefault("Content-Type", "application/json")
    return requests.post(srv.url + "/v1/score", data=data, headers=h, timeout=timeout)


class HeldRequest:
    """A ``POST /v1/score`` on its own connection, held in flight: ``start()`` sends it whole
    but for the body's last byte and returns once a worker thread has taken it (gunicorn
    answers ``Expect: 100-continue`` as it starts on a request), so the server cannot finish
    it before ``release()`` sends that byte; ``response()`` then reads the answer."""

    def __init__(self, srv: ServerProcess, body: dict, timeout: float = 120):
        self.srv = srv
        self.body = json.dumps(body).encode()
        self.sock = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)

    def start(self) -> "HeldRequest":
        head = (f"POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1:{self.srv.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(self.body)}\r\n"
                "Expect: 100-continue\r\n")
        head += "".join(f"{k}: {v}\r\n" for k, v in self.srv.auth_headers().items())
        self.sock.sendall(head.encode() + b"\r\n")
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):
            byte = self.sock.recv(1)
            assert byte, f"the server closed the connection instead of starting on the request: {interim!r}"
            interim += byte
        assert interim.startswith(b"HTTP/1.1 100 "), interim
        self.sock.sendall(self.body[:-1])
        return self

    def release(self) -> None:
        self.sock.sendall(self.body[-1:])

    def response(self) -> tuple[int, http.client.HTTPMessage, dict]:
        """The status, the headers and the JSON body."""
        answer = http.client.HTTPResponse(self.sock)
        try:
            answer.begin()
            return answer.status, answer.headers, json.loads(answer.read())
        finally:
            answer.close()
            self.sock.close()


@pytest.fixture(scope="session")
def library_scorer():
    """The library itself, in this process, to compare the server's answers with."""
    from scorer import Scorer

    return Scorer.load(MODEL_PATH)
