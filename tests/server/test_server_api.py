"""The scoring API against a real gunicorn server with the shipped model."""

from __future__ import annotations

import json
import random

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import HeldRequest, post_score


def check_offsets(body: dict, paragraphs: list[str]) -> int:
    """Every sentence's offsets index its paragraph as sent; returns the sentence count."""
    count = 0
    for p in body["passages"]:
        source = paragraphs[p["index"]]
        assert 0 <= p["start"] <= p["end"] <= len(source)
        for s in p["sentences"]:
            assert source[s["start"]:s["end"]] == s["text"]
            assert 0.0 <= s["probability"] <= 1.0
            assert isinstance(s["flagged"], bool)
            for reason in s["reasons"]:
                for start, end in reason.get("spans", []):
                    assert 0 <= start <= end <= len(source)
            count += 1
    return count


def test_health_and_info(server):
    r = requests.get(server.url + "/healthz", timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    info = requests.get(server.url + "/v1/info", timeout=10).json()
    assert info["ready"] is True and info["auth"] is False
    assert info["model"]["name"] and info["model"]["version"]
    assert 0.0 < info["threshold"] < 1.0
    assert info["limits"]["max_paragraphs"] == 1000


def test_health_said_503_while_loading(server):
    # The fixture polled /healthz from the start: 503 until the model was warm. The model
    # loads in the background (the default), so the worker answers long before it is ready.
    assert server.health_seen[-1] == 200
    assert 503 in server.health_seen and set(server.health_seen[:-1]) == {503}
    assert server.loading_score is not None, "no score request was sent while the model loaded"
    assert server.loading_score.status_code == 503
    assert int(server.loading_score.headers["Retry-After"]) >= 1
    assert server.loading_score.json()["error"]["type"] == "not_ready"


@pytest.mark.parametrize("name", ["clean", "garbled"])
def test_score_paragraphs(server, articles, name):
    paragraphs = articles[name]["paragraphs"]
    r = post_score(server, {"paragraphs": paragraphs, "url": "https://news.example/a", "title": "Harbour"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"model", "threshold", "article", "passages", "timing_ms", "cached"}
    assert body["timing_ms"] > 0
    assert body["article"]["verdict"] in ("likely machine-translated or garbled", "some passages look garbled",
                                          "no signs")
    assert check_offsets(body, paragraphs) >= len(paragraphs)
    assert sorted({p["index"] for p in body["passages"]}) == list(range(len(paragraphs)))


def test_clean_article_not_flagged_and_garbled_scores_higher(server, articles):
    clean = post_score(server, {"paragraphs": articles["clean"]["paragraphs"]}).json()
    garbled = post_score(server, {"paragraphs": articles["garbled"]["paragraphs"]}).json()
    assert clean["article"]["flagged"] is False
    assert garbled["article"]["probability"] > clean["article"]["probability"]


def test_score_text_offsets_index_the_text(server, articles):
    text = "\n\n".join(articles["clean"]["paragraphs"])
    body = post_score(server, {"text": text}).json()
    for p in body["passages"]:
        for s in p["sentences"]:
            assert text[s["start"]:s["end"]] == s["text"]


def test_result_equals_library_result(server, articles, library_scorer):
    paragraphs = articles["garbled"]["paragraphs"]
    body = post_score(server, {"paragraphs": paragraphs}).json()
    expected = library_scorer.score(paragraphs=paragraphs).to_dict()
    served = {k: v for k, v in body.items() if k not in ("timing_ms", "cached")}
    assert _close(served, json.loads(json.dumps(expected)))


def _close(a, b, tol=1e-4) -> bool:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        return all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, list):
        assert len(a) == len(b)
        return all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, float):
        assert abs(a - b) <= tol, (a, b)
        return True
    assert a == b
    return True


def test_repeat_is_served_from_cache(server, articles):
    body = {"paragraphs": articles["clean"]["paragraphs"][:3]}
    first = post_score(server, body).json()
    second = post_score(server, body).json()
    assert second["cached"] is True
    assert {k: v for k, v in first.items() if k not in ("timing_ms", "cached")} == \
           {k: v for k, v in second.items() if k not in ("timing_ms", "cached")}
    # A different split of the same words is a different input (its offsets differ).
    third = post_score(server, {"text": "\n\n".join(body["paragraphs"])}).json()
    assert third["cached"] is False


HUGE = b'{"text": "' + b"a" * (3 * 1024 * 1024) + b'"}'
# 11 paragraphs of 19,000 characters: each under the 20,000 limit, 209,000 together (limit 200,000)
LONG_PARAGRAPHS = [("Word " * 3800)[:-1] + "." for _ in range(11)]

# name: (request, status, error type, a phrase the message must contain or None)
BAD_INPUTS = {
    "empty body": (dict(data=b""), 400, "invalid_json"),
    "invalid json": (dict(data=b'{"text": "unterminated'), 400, "invalid_json"),
    "number of 5,000 digits": (dict(data=b'{"text": "The council met.", "title": ' + b"9" * 5000 + b"}"), 400,
                               "invalid_json", "number too long"),
    "binary body": (dict(data=bytes(range(256)) * 8), 400, "invalid_json"),
    "json array": (dict(body=["a", "b"]), 422, "invalid_request"),
    "json string": (dict(body="just a string"), 422, "invalid_request"),
    "text not a string": (dict(body={"text": 42}), 422, "invalid_request"),
    "paragraphs not a list": (dict(body={"paragraphs": "one"}), 422, "invalid_request"),
    "paragraph not a string": (dict(body={"paragraphs": ["ok", None]}), 422, "invalid_request"),
    "no paragraphs": (dict(body={"paragraphs": []}), 422, "invalid_request"),
    "both fields": (dict(body={"text": "a", "paragraphs": ["b"]}), 422, "invalid_request"),
    "neither field": (dict(body={"url": "https://x.example"}), 422, "invalid_request"),
    "unknown field": (dict(body={"txt": "hello"}), 422, "invalid_request"),
    "title not a string": (dict(body={"text": "Hello.", "title": ["x"]}), 422, "invalid_request"),
    "empty text": (dict(body={"text": "   \n\n  "}), 422, "empty_input"),
    "huge body": (dict(data=HUGE), 413, "payload_too_large"),
    "10,000 tiny paragraphs": (dict(body={"paragraphs": ["Hi."] * 10_000}), 413, "payload_too_large"),
    "one huge paragraph": (dict(body={"paragraphs": ["word " * 5000]}), 413, "payload_too_large"),
    "paragraphs too long together": (dict(body={"paragraphs": LONG_PARAGRAPHS}), 413, "payload_too_large",
                                     "209,000 characters together"),
    "text with a huge paragraph": (dict(body={"text": "Hi there.\n\n" + "word " * 5000}), 413,
                                   "payload_too_large"),
    "text of 1,500 paragraphs": (dict(body={"text": "\n\n".join(["Hi there."] * 1500)}), 413,
                                 "payload_too_large"),
    "lone surrogate": (dict(data=b'{"text": "The council \\ud800 voted on Tuesday to extend the service."}'),
                       422, "decoding_error"),
    "wrong content type": (dict(data=b'{"text": "hi"}', headers={"Content-Type": "text/plain"}), 415,
                           "unsupported_media_type"),
    "utf-16 charset": (dict(data='{"text": "hi"}'.encode("utf-16"),
                            headers={"Content-Type": "application/json; charset=utf-16"}), 415,
                       "unsupported_media_type"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_gets_documented_error(server, articles, case):
    kwargs, status, type_, *phrase = BAD_INPUTS[case]
    r = post_score(server, kwargs.get("body"), data=kwargs.get("data"), headers=kwargs.get("headers"))
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    error = r.json()["error"]
    assert error["type"] == type_ and error["message"]
    assert "Traceback" not in r.text
    if phrase:
        assert phrase[0] in error["message"]
    if status == 413:
        assert any(limit in error["message"] for limit in ("2,097,152", "1,000", "20,000", "200,000"))
    # ... and the server keeps serving.
    ok = post_score(server, {"paragraphs": articles["clean"]["paragraphs"][:1]})
    assert ok.status_code == 200


@pytest.mark.parametrize("name", ["german", "chinese"])
def test_non_english_is_422(server, articles, name):
    r = post_score(server, {"paragraphs": articles[name]["paragraphs"]})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["type"] == "unsupported_language"
    assert "English" in r.json()["error"]["message"]
    # the library's advice is for Python and the command line, not for an API client
    assert "ScorerConfig" not in r.json()["error"]["message"]
    assert "--no-language-check" not in r.json()["error"]["message"]


def test_html_is_refused_and_a_tag_named_in_prose_is_indexed_as_sent(server, articles):
    # A page as text, or page markup as paragraphs, would have its markup scored as words.
    for body in ({"text": articles["html"]["text"]}, {"paragraphs": articles["html"]["paragraphs"]}):
        r = post_score(server, body)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["type"] == "html_input" and "HTML" in r.json()["error"]["message"]
    # A tag named in prose is text: scored, offsets index the paragraphs as sent.
    paragraphs = ["Use the <b> tag for bold, the style guide says.", *articles["clean"]["paragraphs"][:1]]
    r = post_score(server, {"paragraphs": paragraphs})
    assert r.status_code == 200, r.text
    check_offsets(r.json(), paragraphs)


def test_chunked_body_over_the_limit_is_413(server):
    # no Content-Length: the limit must still hold, and the answer must say so
    chunks = (HUGE[i:i + 65536] for i in range(0, len(HUGE), 65536))
    r = post_score(server, data=chunks)
    assert r.status_code == 413, r.text
    assert r.json()["error"]["type"] == "payload_too_large" and "2,097,152" in r.json()["error"]["message"]


def test_small_chunked_body_and_byte_order_mark_are_read(server, articles):
    body = json.dumps({"paragraphs": articles["clean"]["paragraphs"][:2]}).encode()
    r = post_score(server, data=iter([body[:10], body[10:]]))
    assert r.status_code == 200, r.text
    r = post_score(server, data=b"\xef\xbb\xbf" + body)
    assert r.status_code == 200, r.text
    check_offsets(r.json(), articles["clean"]["paragraphs"][:2])


def test_control_characters(server, articles):
    # The library's rule: control characters are accepted up to 1% of the text. Three stray
    # ones in the whole article (0.2%) are scored, offsets indexing the paragraphs as sent...
    paragraphs = list(articles["clean"]["paragraphs"])
    for i in range(3):
        paragraphs[i] = paragraphs[i].replace(" ", "\x07 ", 1)
    r = post_score(server, {"paragraphs": paragraphs})
    assert r.status_code == 200, r.text
    check_offsets(r.json(), paragraphs)
    # ... six in two short paragraphs (6 of 342 characters, 1.8%) are binary data.
    paragraphs = [p.replace(" ", "\x07 ", 3) for p in articles["clean"]["paragraphs"][:2]]
    r = post_score(server, {"paragraphs": paragraphs})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["type"] == "binary_input" and "6 of its 342" in r.json()["error"]["message"]
    nul_heavy = post_score(server, {"text": "\x00\x01\x02\x03" * 200})
    assert nul_heavy.status_code == 422
    assert nul_heavy.json()["error"]["type"] == "binary_input"


def test_unknown_route_and_method_are_json(server):
    r = requests.get(server.url + "/v2/score", timeout=10)
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"
    r = requests.get(server.url + "/v1/score", timeout=10)
    assert r.status_code == 405 and r.json()["error"]["type"] == "method_not_allowed"
    assert "POST" in r.headers["Allow"]


def test_overload_gets_429_with_retry_after(server, articles):
    # One scoring slot per worker and no queue (fixture settings). Two distinct long
    # articles (~9,000 words) are both taken by worker threads and held until their
    # last bytes go out together: both reach the slot within the time it takes to read
    # a body, far less than scoring either, so one is scored and the other turned away.
    # Words are shuffled so that no sentence repeats (the library caches sentences).
    def article(i):
        rng = random.Random(i)
        out = []
        for paragraph in articles["clean"]["paragraphs"] * 40:
            words = paragraph.split()
            rng.shuffle(words)
            out.append(" ".join(words))
        return out

    held = [HeldRequest(server, {"paragraphs": article(i)}).start() for i in range(2)]
    for request in held:
        request.release()
    responses = [request.response() for request in held]
    statuses = sorted(status for status, _, _ in responses)
    assert statuses == [200, 429], [(status, body.get("error")) for status, _, body in responses]
    _, headers, body = next(r for r in responses if r[0] == 429)
    assert int(headers["Retry-After"]) >= 1
    assert f"retry in {headers['Retry-After']} s" in body["error"]["message"]
    assert body["error"]["type"] == "overloaded"


CHROME = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
FIREFOX = "moz-extension://0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


@pytest.mark.parametrize("origin", [CHROME, FIREFOX, "https://newsroom.example"])
def test_cors_preflight_allows_extension_and_configured_origins(server, origin):
    r = requests.options(server.url + "/v1/score", timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == origin
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "authorization" in r.headers["Access-Control-Allow-Headers"].lower()


@pytest.mark.parametrize("origin", ["https://evil.example", "https://newsroom.example.evil.test",
                                    "chrome-extension://not-an-id", "null"])
def test_cors_refuses_web_origins(server, articles, origin):
    r = requests.options(server.url + "/v1/score", timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in r.headers
    r = post_score(server, {"paragraphs": articles["clean"]["paragraphs"][:1]}, headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_metrics_count_requests_scores_and_cache_hits(server, articles):
    body = {"paragraphs": articles["clean"]["paragraphs"][2:4]}
    post_score(server, body)
    post_score(server, body)
    requests.request("FOOBAR", server.url + "/v1/score", timeout=10)  # any client can invent methods
    text = requests.get(server.url + "/metrics", timeout=10).text
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for fam in text_string_to_metric_families(text) for s in fam.samples}
    assert samples[("telltale_cache_hits_total", ())] >= 1
    assert samples[("telltale_texts_scored_total", ())] >= 1
    assert samples[("telltale_http_requests_total",
                    (("endpoint", "/v1/score"), ("method", "POST"), ("status", "200")))] >= 2
    assert any(name == "telltale_http_request_duration_seconds_bucket" for name, _ in samples)
    methods = {dict(labels).get("method") for name, labels in samples if name == "telltale_http_requests_total"}
    assert "other" in methods and "FOOBAR" not in methods  # a bounded label set


def test_article_text_never_logged(server, articles):
    # Scored, refused (too long, bad type) and failed requests all carry the marker word.
    paragraphs = articles["clean"]["paragraphs"]
    assert post_score(server, {"paragraphs": paragraphs, "title": "Quillborough harbour"}).status_code == 200
    assert post_score(server, {"paragraphs": paragraphs + ["Quillborough " * 5000]}).status_code == 413
    assert post_score(server, {"paragraphs": paragraphs, "Quillborough": 1}).status_code == 422
    assert post_score(server, {"paragraphs": paragraphs + ["\x00Quillborough" * 50]}).status_code == 422
    log = server.log()
    assert "POST /v1/score" in log
    assert "Quillborough" not in log
    assert "harbour" not in log.lower()
