"""Fast checks of the pieces that need no model: settings, payload parsing, cache, spec."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from openapi_spec_validator import validate

from server.cache import ResultCache
from server.errors import InvalidRequest, PayloadTooLarge
from server.payload import parse_score_request
from server.service import OPENAPI_FILE, openapi_document
from server.settings import ServerSettings, SettingsError, check_bind, is_loopback


def test_settings_precedence_and_parsing():
    env = {"TELLTALE_MAX_PARAGRAPHS": "7", "TELLTALE_CORS_ORIGINS": "https://a.example, https://b.example",
           "TELLTALE_LOAD_IN_BACKGROUND": "no", "TELLTALE_QUEUE_TIMEOUT": "0.5"}
    s = ServerSettings.from_sources({"MAX_PARAGRAPHS": 9}, environ=env)
    assert s.max_paragraphs == 9 and s.queue_timeout == 0.5 and s.load_in_background is False
    assert s.cors_origins == ("https://a.example", "https://b.example")
    with pytest.raises(SettingsError, match="TELLTALE_MAX_PARAGRAPHS"):
        ServerSettings.from_sources(environ={"TELLTALE_MAX_PARAGRAPHS": "many"})
    with pytest.raises(SettingsError, match=r"'\*'"):
        ServerSettings.from_sources(environ={"TELLTALE_CORS_ORIGINS": "*"})


def test_settings_refuse_what_cannot_work():
    for env, name in [({"TELLTALE_TORCH_THREADS": "0"}, "TELLTALE_TORCH_THREADS"),
                      ({"TELLTALE_QUEUE_TIMEOUT": "inf"}, "TELLTALE_QUEUE_TIMEOUT"),
                      ({"TELLTALE_QUEUE_TIMEOUT": "nan"}, "TELLTALE_QUEUE_TIMEOUT")]:
        with pytest.raises(SettingsError, match=name):
            ServerSettings.from_sources(environ=env)


def test_token_source_follows_its_file(tmp_path):
    from server.auth import TokenSource

    path = tmp_path / "token.txt"
    path.write_text("first-token-0123456789\n")
    tokens = TokenSource(ServerSettings(token_file=str(path)))
    assert tokens.current() == "first-token-0123456789"
    path.write_text("second-token-0123456789\n")
    assert tokens.current() == "second-token-0123456789"
    for broken in ("", "short\n"):  # empty, or too short to be a token: the last good one stays
        path.write_text(broken)
        assert tokens.current() == "second-token-0123456789"
    path.unlink()
    assert tokens.current() == "second-token-0123456789"
    assert TokenSource(ServerSettings(token="fixed-token-0123456789")).current() == "fixed-token-0123456789"


def test_token_file(tmp_path):
    f = tmp_path / "token"
    f.write_text("  abcdefghijklmnopqrstuvwxyz\n")
    assert ServerSettings(token_file=str(f)).resolved_token() == "abcdefghijklmnopqrstuvwxyz"
    f.write_text("\n")
    with pytest.raises(SettingsError, match="empty"):
        ServerSettings(token_file=str(f)).resolved_token()
    with pytest.raises(SettingsError, match="cannot be read"):
        ServerSettings(token_file=str(tmp_path / "missing")).resolved_token()


@pytest.mark.parametrize("header,ok", [("127.0.0.1:8765", True), ("127.0.0.1", True), ("localhost:8765", True),
                                       ("LocalHost", True), ("[::1]:8765", True), ("[::1]", True),
                                       ("127.9.8.7:80", True), ("rebind.attacker.example:8765", False),
                                       ("localhost.attacker.example", False), ("0.0.0.0:8765", False),
                                       ("[::ffff:7f00:1]:8765", False), ("::1", False), ("127.0.0.1:x", False),
                                       ("127.0.0.1:8765,evil.example", False), ("[::1", False), ("", False)])
def test_loopback_host_header(header, ok):
    from server.auth import loopback_host

    assert loopback_host(header) is ok


@pytest.mark.parametrize("host,loopback", [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True),
                                           ("localhost", True), ("0.0.0.0", False), ("::", False),
                                           ("10.0.0.5", False), ("example.com", False)])
def test_loopback_detection(host, loopback):
    assert is_loopback(host) is loopback
    if loopback:
        check_bind(host, None)
    else:
        with pytest.raises(SettingsError):
            check_bind(host, None)
        check_bind(host, "a-long-team-token-123")


def test_payload_limits_name_the_limit():
    s = ServerSettings(max_paragraphs=3, max_paragraph_chars=10, max_text_chars=25)
    assert parse_score_request({"paragraphs": ["a", "b"], "title": None}, s).paragraphs == ("a", "b")
    with pytest.raises(PayloadTooLarge, match="limit is 3 per request"):
        parse_score_request({"paragraphs": ["a"] * 4}, s)
    with pytest.raises(PayloadTooLarge, match=r"paragraphs\[1\]` has 11 characters.*limit is 10"):
        parse_score_request({"paragraphs": ["a", "b" * 11]}, s)
    with pytest.raises(PayloadTooLarge, match="limit is 25"):
        parse_score_request({"text": "c" * 26}, s)
    with pytest.raises(InvalidRequest, match="exactly one"):
        parse_score_request({"text": "a", "paragraphs": ["b"]}, s)
    # text's paragraphs (as the library splits it) are held to the same limits
    with pytest.raises(PayloadTooLarge, match="Paragraph 2 of `text` has 11 characters.*limit is 10"):
        parse_score_request({"text": "a\n\n" + "b" * 11}, s)
    with pytest.raises(PayloadTooLarge, match="`text` has 4 paragraphs.*limit is 3"):
        parse_score_request({"text": "a\nb\n\nc\n\nd"}, s)
    assert parse_score_request({"text": "a\n\nb\n\nc"}, s).text == "a\n\nb\n\nc"


def test_the_library_limits_follow_the_server_settings():
    # a team raising a limit must not be capped by the library's defaults (200,000 / 2,000)
    from server.engine import load_scorer

    scorer = load_scorer(ServerSettings(max_text_chars=300_000, max_paragraphs=3_000, torch_threads=1))
    assert (scorer.config.max_chars, scorer.config.max_paragraphs) == (300_000, 3_000)
    scorer.score(paragraphs=["The council met on Tuesday."] * 2_500)  # over the library default


def test_error_messages_never_quote_the_text():
    secret = "Quillborough harbour wall"
    s = ServerSettings(max_paragraph_chars=10)
    for body in ({"paragraphs": [secret]}, {"paragraphs": [secret, 5]}, {"text": 5, secret: 1},
                 {"text": secret, "paragraphs": [secret]}):
        with pytest.raises((InvalidRequest, PayloadTooLarge)) as info:
            parse_score_request(body, s)
        assert "Quillborough" not in info.value.message


def test_cache_is_lru_and_keyed_by_model_version():
    cache = ResultCache(2)
    k1 = cache.key({"text": "a"}, "m", "1")
    assert k1 != cache.key({"text": "a"}, "m", "2")
    assert k1 != cache.key({"paragraphs": ["a"]}, "m", "1")
    k2, k3 = cache.key({"text": "b"}, "m", "1"), cache.key({"text": "c"}, "m", "1")
    cache.put(k1, b'{"r":1}')
    cache.put(k2, b'{"r":2}')
    cache.get(k1)
    cache.put(k3, b'{"r":3}')
    assert cache.get(k2) is None and cache.get(k1) == b'{"r":1}' and len(cache) == 2
    assert ResultCache(0).get(k1) is None


def test_cache_is_bounded_in_bytes():
    # 800 bytes at most; an entry over 800 / 8 = 100 bytes is not kept at all
    cache = ResultCache(100, max_bytes=800)
    keys = [cache.key({"text": str(i)}, "m", "1") for i in range(12)]
    for key in keys[:10]:
        assert cache.put(key, b"x" * 100)
    assert cache.bytes == 800 and len(cache) == 8  # the 2 oldest were dropped for room
    assert cache.get(keys[0]) is None and cache.get(keys[2]) == b"x" * 100
    assert cache.put(keys[10], b"y" * 101) is False and cache.get(keys[10]) is None
    assert cache.bytes == 800
    cache.put(keys[2], b"z" * 50)  # replacing an entry counts its new size only
    assert cache.bytes == 750 and cache.get(keys[2]) == b"z" * 50
    off = ResultCache(100, max_bytes=0)
    assert off.put(keys[0], b"{}") is False and len(off) == 0


def test_server_cache_keeps_results_within_its_byte_budget(library_scorer):
    # the real model through the app: the cache holds results as their JSON, counts their
    # bytes, and does not keep a result larger than 1/8 of the budget
    from server import create_app

    short = ["The council met on Tuesday. It voted to extend the night bus service."]
    long = ["The council met on Tuesday. It voted to extend the night bus service. " * 10]
    size = len(json.dumps(library_scorer.score(paragraphs=long).to_dict(), separators=(",", ":")))
    budget = 8 * size - 8  # the long result is just over 1/8 of it
    app = create_app({"SCORER": library_scorer, "LOAD_IN_BACKGROUND": False, "CACHE_BYTES": budget})
    cache = app.extensions["telltale"].cache
    client = app.test_client()

    def score(paragraphs):
        r = client.post("/v1/score", json={"paragraphs": paragraphs})
        assert r.status_code == 200, r.get_data(as_text=True)
        return r.get_json()

    first = score(long)
    again = score(long)
    assert again["cached"] is False and len(cache) == 0  # too large to keep: scored again
    assert score(short)["cached"] is False and score(short)["cached"] is True
    assert 0 < cache.bytes <= budget // 8
    count = budget // cache.bytes + 2  # more small distinct results than the budget holds
    for i in range(count):
        score([f"{short[0]} Item {i} was approved."])
        assert cache.bytes <= budget
    assert len(cache) < count
    assert score(short)["cached"] is False  # the oldest went first
    strip = ("timing_ms", "cached")
    assert {k: v for k, v in first.items() if k not in strip} == {k: v for k, v in again.items() if k not in strip}


def test_openapi_is_valid_and_carries_limits():
    validate(json.loads(OPENAPI_FILE.read_text()))
    doc = openapi_document("9.9", ServerSettings(max_paragraphs=5).limits())
    validate(doc)
    assert doc["info"]["version"] == "9.9"
    assert doc["components"]["schemas"]["ParagraphsRequest"]["properties"]["paragraphs"]["maxItems"] == 5


class _CrashingScorer:
    """Stands in for a library bug (which the real scorer cannot be made to have): warms
    up fine, then fails with an exception whose message contains the article text."""

    info = SimpleNamespace(name="crash-test", version="0")
    thresholds = SimpleNamespace(to_dict=lambda: {"sentence": 0.5, "passage": 0.5, "article": 0.5})

    def score(self, text=None, *, paragraphs=None):
        if paragraphs and paragraphs[0].startswith("The city council"):
            return None  # the warm-up text
        raise RuntimeError(f"boom while scoring {paragraphs or text!r}")


def test_unexpected_failure_is_a_bare_500_and_the_log_has_no_text(caplog):
    from server import create_app

    app = create_app({"SCORER": _CrashingScorer(), "LOAD_IN_BACKGROUND": False})
    with caplog.at_level("ERROR", logger="telltale"):
        r = app.test_client().post("/v1/score", json={"paragraphs": ["Quillborough harbour wall."]})
    assert r.status_code == 500
    assert r.get_json() == {"error": {"type": "internal_error", "message": r.get_json()["error"]["message"]}}
    assert "Traceback" not in r.get_data(as_text=True) and "Quillborough" not in r.get_data(as_text=True)
    assert "RuntimeError" in caplog.text and "Quillborough" not in caplog.text


class _ModelGoneScorer(_CrashingScorer):
    """A model that fails while scoring (its files removed under a running worker, say)."""

    def score(self, text=None, *, paragraphs=None):
        if paragraphs and paragraphs[0].startswith("The city council"):
            return None
        from scorer.errors import ModelLoadError

        raise ModelLoadError("The model folder /srv/private/models/v2 could not be read.")


def test_a_model_failure_while_scoring_is_model_unavailable_without_its_path(caplog):
    from server import create_app
    from server.errors import ModelUnavailable

    app = create_app({"SCORER": _ModelGoneScorer(), "LOAD_IN_BACKGROUND": False})
    with caplog.at_level("ERROR", logger="telltale"):
        r = app.test_client().post("/v1/score", json={"paragraphs": ["Quillborough harbour wall was closed."]})
    # as /healthz says it: permanent until a restart (no Retry-After), the host path in the log only
    assert r.status_code == 503 and "Retry-After" not in r.headers
    assert r.get_json()["error"] == {"type": "model_unavailable", "message": ModelUnavailable.MESSAGE}
    assert "/srv/private" not in r.get_data(as_text=True) and "/srv/private" in caplog.text


def test_every_file_the_server_reads_is_packaged():
    """A wheel holds only what package-data names: /openapi.json answered 500 after `pip install .`."""
    import fnmatch
    import tomllib

    from conftest import REPO

    data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package in ("server", "scorer"):
        files = [p.relative_to(REPO / package).as_posix() for p in (REPO / package).rglob("*")
                 if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
        for name in files:
            assert any(fnmatch.fnmatch(name, pattern.replace("**/", "*")) for pattern in data.get(package, [])), \
                f"{package}/{name} is not in [tool.setuptools.package-data]"
    assert "openapi.json" in data["server"]
