"""The OpenAPI description matches what the live server does.

Schemathesis generates requests from ``/openapi.json`` (valid and invalid bodies),
sends them to the real server and checks every response against the description:
status documented, schema conformant, content type, and never a 5xx.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import post_score
from server import __version__
from server.service import openapi_document
from server.settings import ServerSettings

# The description as a server with default limits serves it (the test server's limits).
SCHEMA = schemathesis.openapi.from_dict(openapi_document(__version__, ServerSettings().limits()))
# Schema-valid text can still be unscorable (blank, binary, not English): 422 by design,
# which no JSON schema can express. Schema-violating bodies are refused with 400/413/415/422
# (413 for a limit such as maxItems). 5xx is never acceptable (not_a_server_error).
SCHEMA.config.checks.positive_data_acceptance.expected_statuses = ["2xx", "422"]
SCHEMA.config.checks.negative_data_rejection.expected_statuses = ["400", "413", "415", "422"]


@pytest.fixture(scope="module")
def live_schema(server):
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


# schemathesis' own pytest plugin (from_fixture) does not run under pytest 9, so the
# cases are drawn from its hypothesis strategies directly.
P, N = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
CASES = [("/v1/score", "POST", P), ("/v1/score", "POST", N), ("/v1/info", "GET", P), ("/healthz", "GET", P),
         ("/metrics", "GET", P), ("/openapi.json", "GET", P)]


@pytest.mark.parametrize("path,method,mode", CASES, ids=[f"{m.value}-{v}-{p}" for p, v, m in CASES])
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_api_matches_description(server, path, method, mode, data):
    case = data.draw(SCHEMA[path][method].as_strategy(mode))
    case.call_and_validate(base_url=server.url, timeout=120)


def test_served_description_states_real_limits(server):
    doc = requests.get(server.url + "/openapi.json", timeout=10).json()
    info = requests.get(server.url + "/v1/info", timeout=10).json()
    props = doc["components"]["schemas"]["ParagraphsRequest"]["properties"]
    assert props["paragraphs"]["maxItems"] == info["limits"]["max_paragraphs"]
    assert props["paragraphs"]["items"]["maxLength"] == info["limits"]["max_paragraph_chars"]


@pytest.mark.parametrize("body,data,status,error_type", [
    ({"paragraphs": ["The council met on Tuesday. It voted to act."]}, None, 200, None),
    (None, b"{", 400, "invalid_json"),
    ({"text": 1}, None, 422, "invalid_request"),
    ({"paragraphs": ["x"] * 2000}, None, 413, "payload_too_large"),
], ids=["ok", "invalid-json", "text-not-a-string", "too-many-paragraphs"])
def test_responses_validate_against_description(server, live_schema, body, data, status, error_type):
    r = post_score(server, body, data=data)
    # the description also documents 500, so a crash would validate: check the status first
    assert r.status_code == status, r.text
    if error_type is not None:
        assert r.json()["error"]["type"] == error_type, r.text
    # schemathesis returns None here and raises on a mismatch with the description
    live_schema["/v1/score"]["POST"].validate_response(r)
