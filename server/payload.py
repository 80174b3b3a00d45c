"""Reading a ``POST /v1/score`` body: content type, JSON, field types and limits.

Errors say which field and which limit, never the submitted text. The size limits
are the server's (``ServerSettings``, per request, on ``text`` as on ``paragraphs``);
checks on the text itself (empty, binary, language, HTML) belong to the scorer library.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import InvalidJson, InvalidRequest, PayloadTooLarge, UnsupportedMediaType
from .settings import ServerSettings

FIELDS = ("text", "paragraphs", "url", "title")
MAX_URL_CHARS = 2048
MAX_TITLE_CHARS = 1000
EXAMPLE = '{"paragraphs": ["First paragraph.", "Second paragraph."]}'


@dataclass(frozen=True)
class ScoreRequest:
    text: str | None
    paragraphs: tuple[str, ...] | None
    url: str | None
    title: str | None

    def inputs(self) -> dict:
        """What the result depends on (the cache key's input part)."""
        if self.text is not None:
            return {"text": self.text}
        return {"paragraphs": list(self.paragraphs)}


def read_json(request: Request) -> object:
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            f"Send the body as JSON with `Content-Type: application/json` "
            f"(got {request.mimetype or 'no content type'!r}), e.g. {EXAMPLE}.")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"The body must be UTF-8 JSON; charset={charset!r} is not supported.")
    body = request.get_data(cache=False)  # 413 for a Content-Length over MAX_CONTENT_LENGTH
    limit = request.max_content_length
    if limit is not None and request.content_length is None and len(body) >= limit:
        # a chunked body has no Content-Length: its stream stops quietly at the limit
        if request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()  # answered like any body over the limit (server.errors)
    if not body.strip():
        raise InvalidJson(f"The request body is empty. Send a JSON object, e.g. {EXAMPLE}.")
    try:
        return json.loads(body.decode("utf-8-sig"))  # a UTF-8 byte-order mark is dropped
    except UnicodeDecodeError as exc:
        raise InvalidJson(f"The body is not valid UTF-8 (bad byte at offset {exc.start}); "
                          "send the article text as UTF-8 JSON.") from None
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"The body is not valid JSON: {exc.msg.removesuffix(' at')} (line {exc.lineno}, "
                          f"column {exc.colno}).") from None
    except RecursionError:
        raise InvalidJson("The body is nested too deeply to be a score request.") from None
    except ValueError:  # after its subclasses above: Python refuses to convert an over-long integer
        raise InvalidJson(f"The body holds a number too long to read (over {sys.get_int_max_str_digits():,} "
                          "digits); a score request has no such number.") from None


def parse_score_request(data: object, settings: ServerSettings) -> ScoreRequest:
    if not isinstance(data, dict):
        raise InvalidRequest(f"The body must be a JSON object, not a JSON {_json_type(data)}; e.g. {EXAMPLE}.")
    unknown = sorted(k for k in data if k not in FIELDS)
    if unknown:
        # Field names are echoed only when they look like names, never like text.
        shown = [repr(k) for k in unknown[:5] if re.fullmatch(r"[A-Za-z0-9_-]{1,32}", k)]
        named = f" {', '.join(shown)}" if len(shown) == len(unknown) else ""
        raise InvalidRequest(f"{len(unknown)} unknown field(s){named}; the fields are {', '.join(FIELDS)}.")
    has_text = "text" in data
    has_paragraphs = "paragraphs" in data
    if has_text == has_paragraphs:
        raise InvalidRequest("Send exactly one of `text` (a string) or `paragraphs` (a list of strings).")
    url = _optional_string(data, "url", MAX_URL_CHARS)
    title = _optional_string(data, "title", MAX_TITLE_CHARS)

    if has_text:
        text = data["text"]
        if not isinstance(text, str):
            raise InvalidRequest(f"`text` must be a string, not a JSON {_json_type(text)}.")
        if len(text) > settings.max_text_chars:
            raise PayloadTooLarge(f"`text` has {len(text):,} characters; this server's limit is "
                                  f"{settings.max_text_chars:,}. Send the article body only, or split it.")
        _check_text_paragraphs(text, settings)
        return ScoreRequest(text=text, paragraphs=None, url=url, title=title)

    paragraphs = data["paragraphs"]
    if not isinstance(paragraphs, list):
        raise InvalidRequest(f"`paragraphs` must be a list of strings, not a JSON {_json_type(paragraphs)}.")
    if not paragraphs:
        raise InvalidRequest("`paragraphs` is empty; send at least one paragraph.")
    if len(paragraphs) > settings.max_paragraphs:
        raise PayloadTooLarge(f"{len(paragraphs):,} paragraphs sent; this server's limit is "
                              f"{settings.max_paragraphs:,} per request. Merge short ones or send the "
                              "article in several requests.")
    total = 0
    for i, paragraph in enumerate(paragraphs):
        if not isinstance(paragraph, str):
            raise InvalidRequest(f"`paragraphs[{i}]` must be a string, not a JSON {_json_type(paragraph)}.")
        if len(paragraph) > settings.max_paragraph_chars:
            raise PayloadTooLarge(f"`paragraphs[{i}]` has {len(paragraph):,} characters; this server's limit "
                                  f"is {settings.max_paragraph_chars:,} per paragraph. Split it.")
        total += len(paragraph)
    if total > settings.max_text_chars:
        raise PayloadTooLarge(f"The paragraphs have {total:,} characters together; this server's limit is "
                              f"{settings.max_text_chars:,}. Send the article body only, or split it.")
    return ScoreRequest(text=None, paragraphs=tuple(paragraphs), url=url, title=title)


def _check_text_paragraphs(text: str, settings: ServerSettings) -> None:
    """The per-request paragraph limits on ``text``'s paragraphs, as the library splits them."""
    from scorer.segment import paragraph_spans

    count = 0
    for start, end in paragraph_spans(text):
        count += 1
        if end - start > settings.max_paragraph_chars:
            raise PayloadTooLarge(f"Paragraph {count:,} of `text` has {end - start:,} characters; this server's "
                                  f"limit is {settings.max_paragraph_chars:,} per paragraph. Split it (a blank "
                                  "line or a line break ends a paragraph).")
    if count > settings.max_paragraphs:
        raise PayloadTooLarge(f"`text` has {count:,} paragraphs; this server's limit is "
                              f"{settings.max_paragraphs:,} per request. Send the article body only, or "
                              "send it in several requests.")


def _optional_string(data: dict, name: str, limit: int) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequest(f"`{name}` must be a string, not a JSON {_json_type(value)}.")
    if len(value) > limit:
        raise InvalidRequest(f"`{name}` has {len(value):,} characters; the limit is {limit:,}.")
    return value


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
