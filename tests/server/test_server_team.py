"""Team mode, run with the Docker image's exact command (CMD + ENV from docker/Dockerfile)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conftest import REPO, TEAM_TOKEN, base_env, dockerfile, free_port, gunicorn_argv, post_score


def test_image_command_serves_with_token(team_server, articles):
    paragraphs = articles["clean"]["paragraphs"]
    r = post_score(team_server, {"paragraphs": paragraphs})
    assert r.status_code == 200, r.text
    for p in r.json()["passages"]:
        for s in p["sentences"]:
            assert paragraphs[p["index"]][s["start"]:s["end"]] == s["text"]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong-token-0123456789", f"Basic {TEAM_TOKEN}",
                                    f"Bearer {TEAM_TOKEN}x"])
def test_missing_or_wrong_token_is_401(team_server, header):
    headers = {"Authorization": header} if header else {}
    r = requests.post(team_server.url + "/v1/score", json={"text": "Hello there."}, headers=headers, timeout=30)
    assert r.status_code == 401
    assert r.json()["error"]["type"] == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    for path in ("/v1/info", "/metrics"):
        assert requests.get(team_server.url + path, headers=headers, timeout=10).status_code == 401


def test_token_is_rotated_by_rewriting_its_file(team_server):
    def info(token):
        return requests.get(team_server.url + "/v1/info", headers={"Authorization": f"Bearer {token}"},
                            timeout=10).status_code

    new = "rotated-" + TEAM_TOKEN
    try:
        team_server.token_file.write_text(new + "\n")
        assert (info(new), info(TEAM_TOKEN)) == (200, 401)  # no restart
        team_server.token_file.write_text("")  # a broken rewrite keeps the last good token
        assert (info(new), info(TEAM_TOKEN)) == (200, 401)
    finally:
        team_server.token_file.write_text(TEAM_TOKEN + "\n")
    assert info(TEAM_TOKEN) == 200
    log = team_server.log()
    assert "re-read" in log and "rotated-" not in log  # the log says so, never with the token


def test_health_and_description_stay_open(team_server):
    assert requests.get(team_server.url + "/healthz", timeout=10).status_code == 200
    assert requests.get(team_server.url + "/openapi.json", timeout=10).status_code == 200
    info = requests.get(team_server.url + "/v1/info", headers=team_server.auth_headers(), timeout=10).json()
    assert info["auth"] is True
    # One worker here: torch gets every core of this machine (with N workers, cores / N).
    assert info["server"]["torch_threads"] == len(os.sched_getaffinity(0))
    assert requests.get(team_server.url + "/metrics", headers=team_server.auth_headers(), timeout=10).ok


def test_preflight_needs_no_token(team_server):
    origin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
    r = requests.options(team_server.url + "/v1/score", timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == origin


def test_image_healthcheck_command_passes(team_server):
    healthcheck = next(line for line in (REPO / "docker" / "Dockerfile").read_text().splitlines()
                       if line.startswith("HEALTHCHECK"))
    code = healthcheck.split("CMD", 1)[1].strip()
    env = base_env(TELLTALE_PORT=str(team_server.port))
    assert subprocess.run(code, shell=True, env=env, timeout=30).returncode == 0
    env = base_env(TELLTALE_PORT=str(free_port()))  # nothing listens there
    assert subprocess.run(code, shell=True, env=env, timeout=30, capture_output=True).returncode != 0


def _glob(pattern: str) -> re.Pattern:
    """A .dockerignore or COPY source pattern as a regex over repo-relative paths
    (``**`` any depth, ``*`` and ``?`` within one path element); like Docker, a
    pattern also matches everything under a folder it matches."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(".*" if out == re.escape(".") else out + "(?:/.*)?")


def _in_build_context(path: str, ignore_file: Path) -> bool:
    """Whether ``path`` is sent to the build under the ignore file's rules (the last
    matching line wins; ``!`` lines let a path back in)."""
    included = True
    for line in ignore_file.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        if _glob(line.removeprefix("!")).fullmatch(path):
            included = keep
    return included


def test_image_runs_as_non_root_with_model_baked_in():
    text = (REPO / "docker" / "Dockerfile").read_text()
    assert "torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in text
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    _, env = dockerfile()
    assert env.get("TELLTALE_HOST") == "0.0.0.0"  # reachable in the container, hence the token

    # The model baked in: every file of the shipped model folder is in the build
    # context (docker/Dockerfile.dockerignore, used by `docker build -f docker/Dockerfile`,
    # or a .dockerignore at the root) and copied by a COPY ...
    from scorer.model import DEFAULT_MODEL_DIR

    model_files = [p.relative_to(REPO).as_posix() for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file()]
    assert any(f.endswith(".safetensors") for f in model_files)
    assert "scorer/models/telltale-minilm/telltale.json" in model_files
    ignore_file = next(p for p in (REPO / "docker" / "Dockerfile.dockerignore", REPO / ".dockerignore") if p.exists())
    left_out = [f for f in model_files if not _in_build_context(f, ignore_file)]
    assert not left_out, f"{ignore_file.name} keeps these out of the image: {left_out}"
    instructions = [line.strip() for line in text.replace("\\\n", " ").splitlines()
                    if line.strip() and not line.lstrip().startswith("#")]
    copies = [i for i, line in enumerate(instructions) if line.startswith("COPY ")]
    copying = [i for i in copies
               if all(any(_glob(src).fullmatch(f) for src in instructions[i].split()[1:-1]
                          if not src.startswith("--")) for f in model_files)]
    assert copying, "no COPY puts the whole model folder in the image"
    # ... then loaded once at build time (a missing model or base encoder fails the
    # build), and run time stays offline with the default model, no other path.
    loads = [i for i, line in enumerate(instructions) if line.startswith("RUN ") and "Scorer.load()" in line]
    assert loads and loads[-1] > copying[0], "no build step loads the model after copying it"
    assert env.get("HF_HUB_OFFLINE") == "1" and "TELLTALE_MODEL_PATH" not in env


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_refuses_public_bind_without_token(host):
    # `telltale serve` and plain gunicorn with the repo config both refuse.
    env = base_env()
    r = subprocess.run([sys.executable, "-m", "scorer.cli", "serve", "--host", host, "--port", str(free_port())],
                       cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "TELLTALE_TOKEN" in r.stderr and host in r.stderr
    env = base_env(TELLTALE_HOST=host, TELLTALE_PORT=str(free_port()))
    r = subprocess.run(gunicorn_argv(), cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "TELLTALE_TOKEN" in r.stdout + r.stderr


def test_refuses_short_token():
    env = base_env(TELLTALE_TOKEN="secret")
    r = subprocess.run([sys.executable, "-m", "server.cli", "--host", "0.0.0.0", "--port", str(free_port())],
                       cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "16 characters" in r.stderr
