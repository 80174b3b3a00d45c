"""End to end: the built extension in Debian's Chromium against the real server.

The extension (``extension/dist/chrome``, built here with ``node scripts/build.mjs``) is
loaded unpacked into a headless Chromium persistent context (Playwright's Python API,
``/usr/bin/chromium``; no downloaded browser). A real ``telltale serve`` runs on a free
loopback port with the shipped model (or ``TELLTALE_MODEL_PATH``), and the saved news
pages under ``extension/test/pages/`` are served on loopback. The extension is pointed at
the server through its own options storage, as a user would with the options page.

Checked: the garbled paragraphs get highlights, a clean page gets none, the badge count
equals the server's count of passages with a flag (the passage's or a sentence's), the
tooltip's text, the popup's verdict, the message when the server is down, that a long
article's part on screen is sent first, and that no element box of the page moves.
Screenshots go to ``artifacts/`` (kept by CI as test artifacts).

Needs: ``apt-get install chromium``, ``pip install playwright`` (no ``playwright install``),
Node 20 with ``npm ci`` run in ``extension/``.
"""

from __future__ import annotations

import functools
import http.server
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXTENSION = REPO / "extension"
DIST = EXTENSION / "dist" / "chrome"
PAGES = EXTENSION / "test" / "pages"
ARTIFACTS = REPO / "artifacts"
CHROMIUM = os.environ.get("TELLTALE_CHROMIUM", "/usr/bin/chromium")
START_TIMEOUT = float(os.environ.get("TELLTALE_TEST_START_TIMEOUT", "300"))
SCAN_TIMEOUT = 120.0

VERDICT_TEXT = {
    "likely machine-translated or garbled": "Likely machine-translated or garbled",
    "some passages look garbled": "Some passages look garbled",
    "no signs": "No signs of machine translation or garbling",
}

# Every element box on the page, except our own UI host; compared before and after marking.
BOXES_JS = """() => [...document.body.querySelectorAll('*')]
  .filter(el => el.nodeName !== 'TELLTALE-UI' && !el.closest('telltale-ui'))
  .map(el => { const r = el.getBoundingClientRect();
               return [el.nodeName, el.id || el.className || '', Math.round(r.x * 10) / 10,
                       Math.round(r.y * 10) / 10, Math.round(r.width * 10) / 10, Math.round(r.height * 10) / 10]; })"""

# The marks in CSS.highlights (the registry is the document's, shared with the content
# script's world): for each range, its text and the [data-kind] paragraph it is in.
HIGHLIGHTS_JS = """() => {
  const out = [];
  for (const [name, hl] of CSS.highlights) {
    if (!/^telltale-(dark-)?[123]$/.test(name)) continue;
    for (const r of hl) {
      const el = r.startContainer.nodeType === 1 ? r.startContainer : r.startContainer.parentElement;
      const para = el.closest('[data-kind]');
      const rect = r.getClientRects()[0];
      out.push({ name, text: r.toString().replace(/\\s+/g, ' ').trim(),
                 paragraph: para ? [...document.querySelectorAll('[data-kind]')].indexOf(para) : -1,
                 kind: para ? para.dataset.kind : null,
                 x: rect ? rect.left + Math.min(rect.width / 2, 40) : null, y: rect ? rect.top + rect.height / 2 : null });
    }
  }
  return out;
}"""

PARAGRAPHS_JS = """() => [...document.querySelectorAll('[data-kind]')]
  .map(p => ({ kind: p.dataset.kind, text: p.textContent.replace(/[\\s\\u00a0]+/g, ' ').trim() }))"""


# ---- fixtures ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url: str, body: dict | None = None, timeout: float = 120) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


@pytest.fixture(scope="module")
def server():
    """A real ``telltale serve`` (gunicorn, one worker) on a free loopback port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELLTALE_") or k == "TELLTALE_MODEL_PATH"}
    env["PYTHONUNBUFFERED"] = "1"
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "extension-e2e-server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "--port", str(port), "--threads", "2"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"the server exited with {proc.returncode}:\n{(ARTIFACTS / 'extension-e2e-server.log').read_text()[-3000:]}")
        try:
            status, _ = http_json(url + "/healthz", timeout=5)
            if status == 200:
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the server was not ready after {START_TIMEOUT:.0f} s")
        time.sleep(0.3)
    yield url
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request lines in the test output
        pass


def serve(directory: Path):
    """Files of ``directory`` on a loopback port: yields {"port": ..., "url": "http://127.0.0.1:<port>"}."""
    yield from serve_with(functools.partial(QuietHandler, directory=str(directory)))


def serve_with(handler):
    """An HTTP server with ``handler`` on a loopback port, in a thread: yields {"port", "url"}."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    yield {"port": port, "url": f"http://127.0.0.1:{port}"}
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def pages():
    """The saved news pages of extension/test/pages."""
    yield from serve(PAGES)


@pytest.fixture(scope="module")
def fixture_pages(tmp_path_factory):
    """article.html: tests/fixtures/article.txt (the council article the CLI tests use), every
    paragraph of it, headline included, a <p> of the page's <article>."""
    import html

    folder = tmp_path_factory.mktemp("fixture-pages")
    text = (REPO / "tests" / "fixtures" / "article.txt").read_text(encoding="utf-8")
    body = "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())
    (folder / "article.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Council extends night buses</title>'
        f"</head><body><article>{body}</article></body></html>", encoding="utf-8")
    yield from serve(folder)


LONG_PARAGRAPHS = 45  # three request chunks of the extension (20 paragraphs each): offsets 0, 20, 40


@pytest.fixture(scope="module")
def long_pages(tmp_path_factory):
    """long.html: an article of 45 short paragraphs, the last one with id="end", and room
    below it so that #end scrolls it to the top of the viewport."""
    folder = tmp_path_factory.mktemp("long-pages")
    places = ["Leeds", "Bristol", "Cardiff", "Norwich", "Exeter", "Carlisle", "Dundee", "Bath", "York"]
    paras = [f"Officials in {places[i % len(places)]} said on day {i + 1} of the inquiry that the report on "
             f"road repairs, number {i + 1}, would be published before the end of the month." for i in range(LONG_PARAGRAPHS)]
    body = "\n".join(f'<p{" id=end" if i == LONG_PARAGRAPHS - 1 else ""}>{t}</p>' for i, t in enumerate(paras))
    (folder / "long.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Road repairs inquiry</title></head>'
        f'<body><article>{body}</article><div style="height: 1500px"></div></body></html>', encoding="utf-8")
    yield from serve(folder)


@pytest.fixture
def recording_server(server):
    """A loopback proxy in front of the real server that records, in order, the first paragraph
    of each /v1/score request the extension sends. Yields (url, recorded list)."""
    seen: list[str] = []

    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.forward()

        do_POST = do_OPTIONS = do_GET

        def forward(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else None
            if self.command == "POST" and self.path == "/v1/score":
                seen.append(json.loads(body)["paragraphs"][0])
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
            req = urllib.request.Request(server + self.path, data=body, method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    status, reply_headers, data = r.status, r.headers, r.read()
            except urllib.error.HTTPError as e:
                status, reply_headers, data = e.code, e.headers, e.read()
            self.send_response(status)
            for k, v in reply_headers.items():
                if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    for proxy in serve_with(Proxy):
        yield proxy["url"], seen


def build_extension() -> Path:
    node = shutil.which("node")
    if node is None or not (EXTENSION / "node_modules").is_dir():
        pytest.fail("The extension cannot be built: run `npm ci` in extension/ (Node 20) first, or `make extension`.")
    subprocess.run([node, "scripts/build.mjs", "chrome"], cwd=EXTENSION, check=True, capture_output=True)
    return DIST


@pytest.fixture(scope="module")
def browser(server):
    """Chromium with the extension loaded, pointed at the test server. Yields (context, worker, extension id)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("The browser tests need Playwright's Python package: `pip install playwright` "
                    "(Debian's Chromium is used; do not run `playwright install`).")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: `apt-get install chromium` (the browser tests use Debian's Chromium).")
    dist = build_extension()
    profile = tempfile.mkdtemp(prefix="telltale-e2e-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, viewport={"width": 1200, "height": 900},
            args=[f"--disable-extensions-except={dist}", f"--load-extension={dist}", "--no-sandbox",
                  "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker", timeout=30000)
        ext_id = worker.url.split("/")[2]
        worker.evaluate("url => chrome.storage.sync.set({serverUrl: url, mode: 'auto', threshold: null, skipSites: []})", server)
        try:
            yield context, worker, ext_id
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


# ---- helpers ---------------------------------------------------------------------------

def tab_id(worker, url: str) -> int:
    ids = worker.evaluate("async url => (await chrome.tabs.query({})).filter(t => t.url === url).map(t => t.id)", url)
    assert len(ids) == 1, f"expected one tab at {url}, found {ids}"
    return ids[0]


def wait_for_scan(worker, tid: int, timeout: float = SCAN_TIMEOUT, until=lambda state: True) -> dict:
    """The content script's state once it has finished (done, error, ...) and ``until(state)``."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = worker.evaluate("id => chrome.tabs.sendMessage(id, {type: 'get-state'}).catch(e => ({status: 'no-reply'}))", tid)
        if state and state.get("status") in ("done", "error", "no-article", "paused") and until(state):
            return state
        time.sleep(0.25)
    pytest.fail(f"the scan did not finish in {timeout:.0f} s; last state: {state}")


def badge(worker, tid: int) -> str:
    return worker.evaluate("id => chrome.action.getBadgeText({tabId: id})", tid)


def score_directly(server: str, paragraphs: list[str]) -> dict:
    status, body = http_json(server + "/v1/score", {"paragraphs": paragraphs})
    assert status == 200, body
    return body


def describe_sentences(result: dict) -> str:
    lines = []
    for p in result["passages"]:
        for s in p["sentences"]:
            lines.append(f"  paragraph {p['index']} p={s['probability']:.3f} flagged={s['flagged']}: {s['text'][:90]}")
    return "\n".join(lines)


def open_page(context, worker, url: str):
    page = context.new_page()
    page.goto(url)
    page.bring_to_front()
    return page, tab_id(worker, url)


# ---- tests -----------------------------------------------------------------------------

def test_garbled_page_is_marked_like_the_server_says(browser, server, pages):
    context, worker, ext_id = browser
    ARTIFACTS.mkdir(exist_ok=True)

    # Baseline layout: the same page on another host name, where the extension is paused.
    worker.evaluate("() => chrome.storage.sync.set({skipSites: ['localhost']})")
    base_url = f"http://localhost:{pages['port']}/garbled-article.html"
    base, base_tab = open_page(context, worker, base_url)
    assert wait_for_scan(worker, base_tab)["status"] == "paused"
    baseline_boxes = base.evaluate(BOXES_JS)
    base.close()

    url = f"{pages['url']}/garbled-article.html"
    page, tid = open_page(context, worker, url)
    state = wait_for_scan(worker, tid)
    assert state["status"] == "done", state

    paragraphs = page.evaluate(PARAGRAPHS_JS)
    result = score_directly(server, [p["text"] for p in paragraphs])
    flagged_by_server = [p["index"] for p in result["passages"] if p["flagged"]]
    # what the reader sees marked: passages flagged as a whole or holding a flagged sentence
    marked_by_server = [p["index"] for p in result["passages"]
                        if p["flagged"] or any(s["flagged"] for s in p["sentences"])]
    report = describe_sentences(result)
    garbled = [i for i, p in enumerate(paragraphs) if p["kind"] == "garbled"]

    # The model flags the garbled paragraphs (if not: the sentences and their probabilities).
    missed = [i for i in garbled if i not in flagged_by_server]
    assert not missed, f"the server did not flag garbled paragraphs {missed}:\n{report}"

    # Counts equal the server's; the badge counts the marked passages; everything was anchored.
    assert state["counts"]["flaggedPassages"] == len(flagged_by_server), report
    assert state["counts"]["markedPassages"] == len(marked_by_server), report
    assert badge(worker, tid) == str(len(marked_by_server))
    assert state["counts"]["unanchored"] == 0
    assert state["verdict"] == result["article"]["verdict"]

    # Highlights: every flagged sentence of the server is marked, inside its own paragraph.
    marks = page.evaluate(HIGHLIGHTS_JS)
    expected = {(p["index"], s["text"]) for p in result["passages"] for s in p["sentences"] if s["flagged"]}
    for p in result["passages"]:
        if p["flagged"] and not any(s["flagged"] for s in p["sentences"]):
            expected |= {(p["index"], s["text"]) for s in p["sentences"]}
    assert {(m["paragraph"], m["text"]) for m in marks} == expected
    assert {m["paragraph"] for m in marks} >= set(garbled)
    assert page.locator("telltale-mark").count() == 0, "the Highlight API is available: no wrapper elements"
    page.screenshot(path=str(ARTIFACTS / "extension-garbled.png"), full_page=True)

    # Layout: no element box moved (the page on the other host had no marks).
    assert page.evaluate(BOXES_JS) == baseline_boxes

    # Tooltip on hover: verdict, the sentence's probability, reasons in words.
    first = min((m for m in marks), key=lambda m: (m["paragraph"], m["y"]))
    sentence = next(s for p in result["passages"] if p["index"] == first["paragraph"]
                    for s in p["sentences"] if s["text"] == first["text"])
    page.mouse.move(first["x"], first["y"])
    tip = page.locator("telltale-ui .tip")
    tip.wait_for(state="visible", timeout=5000)
    text = tip.inner_text()
    # JavaScript's Math.round (not banker's rounding), shown between 1% and 99%
    shown = min(99, max(1, math.floor(sentence["probability"] * 100 + 0.5)))
    if sentence["probability"] >= max(result["threshold"], 0.5):  # flagged by its own score
        assert "likely machine-translated or garbled" in text
        assert f"This sentence: {shown}% likely machine-translated or garbled" in text
        if any(r["type"] == "classifier" for r in sentence["reasons"]):
            assert "The detector rates the wording as machine-made" in text
    else:  # flagged by a cue or its passage: the cue leads, the low score is said as such
        assert "Flagged:" in text and "likely" not in text.split("Article verdict")[0], text
        assert f"The wording alone scores {shown}%, too little to flag it on its own" in text
    assert f"Article verdict: {VERDICT_TEXT[result['article']['verdict']]}" in text
    for r in sentence["reasons"]:
        if r["type"] == "name_variants" and len(r.get("names", [])) == 2:
            assert f"Name spelled two ways: {' / '.join(r['names'])}" in text
    assert page.locator("telltale-ui [role=tooltip]").count() == 1
    page.screenshot(path=str(ARTIFACTS / "extension-tooltip.png"))
    page.mouse.move(5, 5)
    tip.wait_for(state="hidden", timeout=5000)

    # Dark mode: the tooltip follows the reader's colour scheme.
    background = "() => getComputedStyle(document.querySelector('telltale-ui').shadowRoot.querySelector('.tip')).backgroundColor"
    light_bg = page.evaluate(background)
    page.emulate_media(color_scheme="dark")
    page.mouse.move(first["x"], first["y"])
    tip.wait_for(state="visible", timeout=5000)
    dark_bg = page.evaluate(background)
    assert dark_bg != light_bg and sum(map(int, re.findall(r"\d+", dark_bg)[:3])) < 200, dark_bg
    page.screenshot(path=str(ARTIFACTS / "extension-tooltip-dark.png"))
    page.emulate_media(color_scheme="light")
    page.mouse.move(5, 5)
    tip.wait_for(state="hidden", timeout=5000)

    # Keyboard: the "next flagged sentence" command focuses a mark and shows its tooltip.
    worker.evaluate("id => chrome.tabs.sendMessage(id, {type: 'focus-next'})", tid)
    tip.wait_for(state="visible", timeout=5000)
    assert page.evaluate("() => document.activeElement && document.activeElement.nodeName") == "TELLTALE-UI"
    # each mark's button is described by its own reasons, not by the one shared tooltip
    assert page.locator("telltale-ui button[aria-describedby^=telltale-desc-]").count() == len(marks)
    page.keyboard.press("Escape")

    # The shortcut's toggle hides and shows the marks.
    worker.evaluate("id => chrome.tabs.sendMessage(id, {type: 'toggle-highlights'})", tid)
    assert page.evaluate(HIGHLIGHTS_JS) == []
    worker.evaluate("id => chrome.tabs.sendMessage(id, {type: 'toggle-highlights'})", tid)
    assert len(page.evaluate(HIGHLIGHTS_JS)) == len(marks)

    # Popup: verdict, counts, the list of flagged passages; a click scrolls to one.
    popup = context.new_page()
    popup.set_viewport_size({"width": 380, "height": 600})
    popup.goto(f"chrome-extension://{ext_id}/popup.html?tab={tid}")
    popup.locator("#verdict").wait_for(state="visible", timeout=10000)
    assert popup.locator("#verdict").inner_text() == VERDICT_TEXT[result["article"]["verdict"]]
    assert popup.locator("dd[data-count='Flagged passages']").inner_text() == str(len(marked_by_server))
    items = popup.locator("#flagged li button")
    assert items.count() == len({m["paragraph"] for m in marks})
    popup.screenshot(path=str(ARTIFACTS / "extension-popup.png"))
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    items.first.click()
    page.wait_for_function("() => CSS.highlights.has('telltale-focus')", timeout=5000)
    focus_top = page.evaluate("() => [...CSS.highlights.get('telltale-focus')][0].getBoundingClientRect().top")
    assert 0 <= focus_top < page.evaluate("() => innerHeight"), "the clicked passage is scrolled into view"
    assert page.evaluate("() => window.scrollY") < page.evaluate("() => document.body.scrollHeight - innerHeight")
    popup.close()
    page.close()


def test_clean_page_gets_no_marks(browser, server, pages):
    context, worker, ext_id = browser
    worker.evaluate("() => chrome.storage.sync.set({skipSites: []})")
    url = f"{pages['url']}/clean-article.html"
    page, tid = open_page(context, worker, url)
    state = wait_for_scan(worker, tid)
    assert state["status"] == "done", state
    result = score_directly(server, [p["text"] for p in page.evaluate(PARAGRAPHS_JS)])
    report = describe_sentences(result)
    assert not any(p["flagged"] for p in result["passages"]), f"the server flagged clean text:\n{report}"
    assert result["article"]["verdict"] == "no signs", report
    assert state["counts"]["flaggedPassages"] == state["counts"]["markedPassages"] == 0
    assert page.evaluate(HIGHLIGHTS_JS) == []
    assert badge(worker, tid) == ""
    assert page.locator("telltale-ui").count() == 0, "nothing is added to a clean page"
    page.screenshot(path=str(ARTIFACTS / "extension-clean.png"), full_page=True)

    popup = context.new_page()
    popup.goto(f"chrome-extension://{ext_id}/popup.html?tab={tid}")
    popup.locator("#verdict").wait_for(state="visible", timeout=10000)
    assert popup.locator("#verdict").inner_text() == VERDICT_TEXT["no signs"]
    assert popup.locator("#flagged li").count() == 0
    assert not popup.locator("#verdict-note").is_visible()
    popup.close()
    page.close()


def test_a_verdict_no_passage_carries_is_explained(browser, server, fixture_pages):
    """An article the detector reads as machine-made as a whole, with no passage over its
    threshold (the shipped model reads the council article so), gets a line saying why
    nothing is highlighted. (A page without that verdict has no such line: see
    test_clean_page_gets_no_marks.)"""
    context, worker, ext_id = browser
    worker.evaluate("() => chrome.storage.sync.set({skipSites: []})")
    page, tid = open_page(context, worker, f"{fixture_pages['url']}/article.html")
    state = wait_for_scan(worker, tid)
    assert state["status"] == "done", state
    texts = page.evaluate("() => [...document.querySelectorAll('article p')].map(p => p.textContent)")
    result = score_directly(server, texts)
    # the precondition: the model reads this article as machine-made as a whole, no
    # passage flagged; with another model (TELLTALE_MODEL_PATH) that does not, this
    # test has nothing to check and says so
    whole = (result["article"]["verdict"] == "likely machine-translated or garbled"
             and not any(p["flagged"] for p in result["passages"]))
    assert whole, ("the model no longer reads the council article as machine-made with no passage "
                   f"flagged, so the note is not exercised; pick another article:\n{describe_sentences(result)}")
    assert state["verdict"] == result["article"]["verdict"], describe_sentences(result)
    assert state["counts"]["flaggedPassages"] == 0
    popup = context.new_page()
    popup.goto(f"chrome-extension://{ext_id}/popup.html?tab={tid}")
    popup.locator("#verdict").wait_for(state="visible", timeout=10000)
    assert popup.locator("#verdict").inner_text() == VERDICT_TEXT[result["article"]["verdict"]]
    note = popup.locator("#verdict-note")
    assert note.is_visible(), describe_sentences(result)
    assert "article as a whole" in note.inner_text()
    popup.screenshot(path=str(ARTIFACTS / "extension-popup-whole-article.png"))
    popup.close()
    page.close()


FIRST_IN_VIEW_JS = """() => [...document.querySelectorAll('article p')]
  .findIndex(p => p.getBoundingClientRect().bottom > 0)"""


def test_long_article_scores_the_paragraphs_on_screen_first(browser, server, long_pages, recording_server):
    """A long article goes to the server in chunks of 20 paragraphs; a reader scrolled down to
    its end gets that chunk scored first, then the ones above, nearest first. Read from the
    top, the chunks go in document order."""
    context, worker, ext_id = browser
    proxy, seen = recording_server
    worker.evaluate("url => chrome.storage.sync.set({serverUrl: url, skipSites: []})", proxy)
    try:
        for fragment, order in (("#end", [40, 20, 0]), ("", [0, 20, 40])):
            seen.clear()
            page, tid = open_page(context, worker, f"{long_pages['url']}/long.html{fragment}")
            state = wait_for_scan(worker, tid)
            assert state["status"] == "done", state
            texts = page.evaluate("() => [...document.querySelectorAll('article p')].map(p => p.textContent)")
            first = page.evaluate(FIRST_IN_VIEW_JS)
            assert len(texts) == LONG_PARAGRAPHS and (first >= 40 if fragment else first == 0), first
            assert seen == [texts[i] for i in order], (fragment, [texts.index(t) if t in texts else t for t in seen])
            page.close()
    finally:
        worker.evaluate("url => chrome.storage.sync.set({serverUrl: url})", server)


def test_server_down_is_explained(browser, server, pages):
    context, worker, ext_id = browser
    closed = f"http://127.0.0.1:{free_port()}"
    worker.evaluate("url => chrome.storage.sync.set({serverUrl: url, skipSites: []})", closed)
    try:
        url = f"{pages['url']}/garbled-article.html?down"
        page, tid = open_page(context, worker, url)
        state = wait_for_scan(worker, tid)
        assert state["status"] == "error" and state["error"]["kind"] == "unreachable", state
        assert badge(worker, tid) == "!"
        assert page.evaluate(HIGHLIGHTS_JS) == []
        popup = context.new_page()
        popup.goto(f"chrome-extension://{ext_id}/popup.html?tab={tid}")
        error = popup.locator("#error")
        error.wait_for(state="visible", timeout=10000)
        assert f"Cannot reach the Telltale server at {closed}" in error.inner_text()
        assert "make serve" in error.inner_text()
        popup.screenshot(path=str(ARTIFACTS / "extension-popup-server-down.png"))
        popup.close()
        page.close()
    finally:
        worker.evaluate("url => chrome.storage.sync.set({serverUrl: url})", server)


def test_single_page_site_article_change_is_rescanned(browser, server, pages):
    """A site that swaps the article and pushes a new URL without a reload gets a new scan."""
    context, worker, ext_id = browser
    worker.evaluate("() => chrome.storage.sync.set({skipSites: []})")
    url = f"{pages['url']}/clean-article.html?spa"
    page, tid = open_page(context, worker, url)
    assert wait_for_scan(worker, tid)["counts"]["flaggedPassages"] == 0
    page.evaluate("""async () => {
      const html = await (await fetch('/garbled-article.html')).text();
      const next = new DOMParser().parseFromString(html, 'text/html');
      document.querySelector('article').replaceChildren(...next.querySelector('article').childNodes);
      history.pushState({}, '', '/story/grain-talks');
    }""")
    state = wait_for_scan(worker, tid, until=lambda s: s["url"].endswith("/story/grain-talks"))
    assert state["status"] == "done", state
    # The new article was scanned, not the old one: the clean page had no flags, the
    # garbled one has. (Its exact count is not compared with scoring the page's
    # [data-kind] paragraphs directly: after the swap Readability's extraction holds a
    # little more than them, e.g. a heading, and the detector reads sentences with
    # their neighbours, so the extra text can move a flag.)
    flagged = [f["passage"] for f in state["flagged"] if f["flagged"]]
    assert flagged and state["counts"]["flaggedPassages"] == len(flagged)
    assert state["counts"]["markedPassages"] == len(state["flagged"])
    assert badge(worker, tid) == str(len(state["flagged"]))
    assert state["counts"]["unanchored"] == 0
    assert page.evaluate(HIGHLIGHTS_JS)  # marks on the page (some may sit on the swapped-in heading)
    page.close()


def test_options_page_saves_settings(browser, server):
    context, worker, ext_id = browser
    page = context.new_page()
    page.goto(f"chrome-extension://{ext_id}/options.html")
    page.locator("#serverUrl").wait_for()
    assert page.locator("#serverUrl").input_value() == server
    page.fill("#serverUrl", "ftp://example.org")
    page.click("button[type=submit]")
    assert "must start with http" in page.locator("#message").inner_text()
    page.click("#test")
    page.fill("#serverUrl", server + "/")
    page.click("#test")
    page.wait_for_function("() => /Connected/.test(document.getElementById('message').textContent)", timeout=10000)
    page.check("input[name=mode][value=click]")
    page.check("#customThreshold")
    page.fill("#skipSites", "https://www.Example.com/news\nexample.org")
    page.click("button[type=submit]")
    page.wait_for_function("() => document.getElementById('message').textContent === 'Saved.'", timeout=5000)
    stored = worker.evaluate("() => chrome.storage.sync.get(null)")
    try:
        assert stored["serverUrl"] == server
        assert stored["mode"] == "click"
        assert stored["skipSites"] == ["www.example.com", "example.org"]
        assert 0.5 <= stored["threshold"] <= 0.95
        assert "token" not in stored, "the token is never synced"
    finally:
        worker.evaluate("url => chrome.storage.sync.set({serverUrl: url, mode: 'auto', threshold: null, skipSites: []})", server)
        page.close()
