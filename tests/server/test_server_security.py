"""Hardening against a real gunicorn server: the loopback-only Host rule of a personal server
(DNS rebinding), refusals that close the connection instead of reading the body, and the
headers every answer carries."""

from __future__ import annotations

import http.client
import socket

import pytest
import requests

from conftest import post_score

REBIND = "rebind.attacker.example"
ROUTES = [("GET", "/healthz"), ("GET", "/v1/info"), ("GET", "/metrics"), ("GET", "/openapi.json"),
          ("POST", "/v1/score")]


@pytest.mark.parametrize("method,path", ROUTES)
def test_personal_server_answers_only_loopback_names(server, method, path):
    # A page that rebinds its own name to 127.0.0.1 is same-origin with the server (no
    # CORS), but its requests carry its name in Host: every route refuses them.
    r = requests.request(method, server.url + path, json={"text": "Hello there."} if method == "POST" else None,
                         headers={"Host": f"{REBIND}:{server.port}"}, timeout=30)
    assert r.status_code == 421, r.text
    error = r.json()["error"]
    assert error["type"] == "bad_host"
    assert "http://127.0.0.1:" in error["message"] and "token" in error["message"]
    assert REBIND not in r.text  # the client's name is not echoed
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}",
                                  "127.0.0.2:{port}", "127.0.0.1"])
def test_personal_server_serves_loopback_names(server, host):
    r = requests.get(server.url + "/v1/info", headers={"Host": host.format(port=server.port)}, timeout=30)
    assert r.status_code == 200, r.text


def test_team_server_serves_any_name(team_server, articles):
    # a team server sits behind a proxy under the team's own name; the token guards it
    headers = {"Host": "telltale.newsroom.example", **team_server.auth_headers()}
    assert requests.get(team_server.url + "/healthz", headers=headers, timeout=30).status_code == 200
    r = post_score(team_server, {"paragraphs": articles["clean"]["paragraphs"][:1]}, headers=headers)
    assert r.status_code == 200, r.text


def test_401_names_the_extension_field(team_server):
    r = requests.get(team_server.url + "/v1/info", timeout=30)
    assert r.status_code == 401
    message = r.json()["error"]["message"]
    assert "Authorization: Bearer" in message and "Team token" in message  # the options page's label


def _refused_then_another(srv, head: str, declared: int):
    """Send ``head`` (announcing a body of ``declared`` bytes) and one byte of the body, read
    the refusal, then send the rest of the body and a second request on the same connection.
    Returns the refusal (status, Connection header) and whatever the server sent after it."""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=60) as sock:
        sock.sendall(head.encode() + f"Content-Length: {declared}\r\n\r\n{{".encode())
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        refusal = answer.status, answer.getheader("Connection"), answer.read()
        try:
            sock.sendall(b" " * (declared - 1) + f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n\r\n".encode())
            after = b""
            while chunk := sock.recv(65536):
                after += chunk
        except (BrokenPipeError, ConnectionResetError):  # closed already: nothing more came
            after = b""
    return refusal, after


POST = "POST /v1/score HTTP/1.1\r\nHost: {host}\r\n"
REFUSALS = {
    # fixture, request head, declared body size, status
    "not json (415)": ("server", POST + "Content-Type: text/plain\r\n", 1000, 415),
    "too large (413)": ("server", POST + "Content-Type: application/json\r\n", 3 * 1024 * 1024, 413),
    "not loopback (421)": ("server", "POST /v1/score HTTP/1.1\r\nHost: " + REBIND + "\r\n"
                           "Content-Type: application/json\r\n", 1000, 421),
    "no token (401)": ("team_server", POST + "Content-Type: application/json\r\n", 1000, 401),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_refusals_close_the_connection_instead_of_reading_the_body(request, case):
    # Kept alive, the connection would first read the refused body, however slowly the
    # client sends it, holding a request thread; closed, nothing more is read or served.
    fixture, head, declared, status = REFUSALS[case]
    srv = request.getfixturevalue(fixture)
    (code, connection, body), after = _refused_then_another(srv, head.format(host=f"127.0.0.1:{srv.port}"), declared)
    assert code == status, body
    assert connection == "close"
    assert after == b"", after[:200]  # the second request was not served


def test_every_answer_says_nosniff(server, articles):
    answers = [
        post_score(server, {"paragraphs": articles["clean"]["paragraphs"][:1]}),
        requests.get(server.url + "/nowhere", timeout=30),
        requests.get(server.url + "/metrics", timeout=30),
        requests.options(server.url + "/v1/score", timeout=30, headers={
            "Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop", "Access-Control-Request-Method": "POST"}),
    ]
    assert [r.status_code for r in answers] == [200, 404, 200, 200]
    for r in answers:
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Cache-Control"] == "no-store"
