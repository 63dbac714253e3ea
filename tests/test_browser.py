"""End-to-end: the real service in a thread, driven by headless Chromium through Playwright.

Needs Debian's Chromium at /usr/bin/chromium (``.ci/run`` installs it) and the
``playwright`` Python package; skips with the reason otherwise.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[1]
SENTENCES = ".slant-preview .slant-s:not([data-slant-continued])"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
if not CHROMIUM.exists():
    pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium chromium-driver)", allow_module_level=True)


def serve(wsgi_app):
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def service(slant_model, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "feedback.sqlite3"
    app = create_app({"TESTING": True, "MODEL": slant_model, "WRITE_AUTH": "open", "FEEDBACK_DB": str(db),
                      "CORS_ORIGINS": "*", "API_TOKEN": None})
    server, base = serve(app)
    yield {"app": app, "base": base, "db": db}
    server.shutdown()


@pytest.fixture(scope="module")
def pages():
    """A second origin serving HTML pages registered by the tests (for the embedding snippet)."""
    store: dict[str, str] = {}

    def wsgi(environ, start_response):
        body = store.get(environ["PATH_INFO"])
        if body is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode("utf-8")]

    server, base = serve(wsgi)
    yield store, base
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda msg: tab.console_errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: tab.console_errors.append(str(exc)))
    yield tab
    context.close()


def classify(service, text):
    return service["app"].test_client().post("/v1/classify", json={"text": text}).get_json()


def wait_ok(page):
    page.wait_for_selector(".slant-widget[data-slant-state=ok]", timeout=15000)


def fill_and_match(page, service, text):
    """Type ``text`` into the demo editor, wait for the annotation, check every sentence's span; return the API answer."""
    page.fill("#draft", text)
    api = classify(service, text)
    page.wait_for_function("n => document.querySelectorAll('.slant-preview .slant-s:not([data-slant-continued])')"
                           ".length === n", arg=len(api["sentences"]), timeout=15000)
    wait_ok(page)
    for i, sentence in enumerate(api["sentences"]):  # offsets converted right: each span holds its sentence
        joined = page.eval_on_selector_all(f".slant-preview [data-slant-index='{i}']",
                                           "els => els.map(e => e.textContent).join('')")
        assert joined == sentence["text"]
    return api


def test_demo_page_is_annotated_on_load(page, service):
    page.goto(service["base"] + "/")
    wait_ok(page)
    text = page.input_value("#draft")
    api = classify(service, text)
    assert page.locator(SENTENCES).count() == len(api["sentences"]) >= 10
    labels = page.eval_on_selector_all(SENTENCES, "els => els.map(e => e.dataset.slantLabel)")
    assert labels == [s["label"] for s in api["sentences"]]
    assert page.text_content(".slant-preview") == text
    counts = api["summary"]["counts"]
    assert page.text_content(".slant-counts") == (
        f"{counts['factual']} factual · {counts['opinion']} opinion · {counts['loaded']} loaded")
    assert page.get_attribute(".slant-counts", "role") == "status"
    assert page.console_errors == []


def test_vilnius_paste_hover_feedback(page, service, vilnius_text):
    page.goto(service["base"] + "/")
    wait_ok(page)
    api = fill_and_match(page, service, vilnius_text)
    assert page.locator(SENTENCES).count() == len(api["sentences"])
    loaded = [s for s in api["sentences"] if s["label"] == "loaded"]
    assert loaded and page.locator(".slant-preview [data-slant-label=loaded]").count() == len(loaded)
    cue_types = {c["type"] for s in api["sentences"] for c in s["cues"]}
    for cue in ("scare_quotes", "so_called", "caps_emphasis"):
        assert cue in cue_types
        assert page.locator(f".slant-preview [data-slant-cue={cue}]").count() >= 1
    page.hover(".slant-preview [data-slant-cue=so_called]")
    tip = page.locator(".slant-tip")
    tip.wait_for(state="visible")
    assert "so-called" in tip.text_content() and tip.get_attribute("role") == "tooltip"
    assert re.search(r"factual \d+% · opinion \d+% · loaded \d+%", tip.text_content())
    sentence_text = page.eval_on_selector(".slant-preview [data-slant-cue=so_called]",
                                          "e => e.closest('.slant-s').getAttribute('data-slant-index')")
    target = api["sentences"][int(sentence_text)]
    button = tip.locator("button[data-slant-correct]").first
    corrected = button.get_attribute("data-slant-correct")
    button.click()
    tip.locator(".slant-feedback-status").filter(has_text="recorded").wait_for()
    with sqlite3.connect(service["db"]) as conn:
        rows = conn.execute("SELECT text, predicted, corrected, url FROM feedback WHERE text = ?",
                            (target["text"],)).fetchall()
    assert rows == [(target["text"], target["label"], corrected, service["base"] + "/")]
    page.keyboard.press("Escape")
    page.click(".slant-next")
    assert page.evaluate("document.activeElement.dataset.slantLabel") == "loaded"
    assert page.console_errors == []


def test_offsets_map_exactly_with_emoji_and_non_latin_text(page, service):
    """API code-point offsets land on the right UTF-16 characters in the browser."""
    text = ("🚢 The ferry 🚢🚢 left Klaipėda at 06:00. The so-called “reform” is a DISGRACE! 😡\n\n"
            "Ο δήμαρχος μίλησε χθες. Šiandien “tariamai” viskas gerai 👍🏽. 𝒳 marks the spot, officials said.")
    page.goto(service["base"] + "/")
    wait_ok(page)
    api = fill_and_match(page, service, text)
    assert page.text_content(".slant-preview") == text
    cues = page.eval_on_selector_all(".slant-preview [data-slant-cue]",
                                     "els => els.map(e => [e.dataset.slantCue, e.textContent])")
    expected = {(c["type"], c["text"]) for s in api["sentences"] for c in s["cues"]}
    # every cue span is marked with its exact text (overlapping cues share one element)
    assert {t for _, t in cues} == {t for _, t in expected}
    assert all((kind, t) in expected for kind, t in cues) and ["scare_quotes", "“reform”"] in cues
    assert page.console_errors == []


def test_typing_updates_without_moving_the_caret(page, service):
    page.goto(service["base"] + "/")
    wait_ok(page)
    before = page.locator(SENTENCES).count()
    page.focus("#draft")
    page.evaluate("() => { const t = document.querySelector('#draft'); t.setSelectionRange(40, 40); }")
    addition = " What a DISGRACE! 🚢 The so-called “deal” is a sham."
    page.keyboard.type(addition, delay=5)
    caret = page.evaluate("document.querySelector('#draft').selectionStart")
    assert caret == 40 + len(addition.encode("utf-16-le")) // 2
    page.wait_for_function("n => document.querySelectorAll('.slant-preview .slant-s:not([data-slant-continued])').length > n",
                           arg=before, timeout=15000)
    wait_ok(page)
    assert page.evaluate("document.querySelector('#draft').selectionStart") == caret
    assert page.evaluate("document.activeElement.id") == "draft"
    assert page.text_content(".slant-preview") == page.input_value("#draft")
    assert page.locator(".slant-preview [data-slant-cue=scare_quotes]").filter(has_text="“deal”").count() == 1
    assert page.console_errors == []


def snippet():
    doc = (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")
    return re.search(r"```html\n(.*?)```", doc, re.S).group(1)


def test_documented_snippet_works_cross_origin(page, service, pages):
    store, base = pages
    code = snippet().replace("https://slant.example", service["base"])
    store["/story"] = ("<!doctype html><html><head><link rel=icon href='data:,'></head><body>"
                       "<article id='story-body'><p>The mayor spoke on Friday. Critics call the "
                       "<a href='#x'>so-called “reform”</a> a DISGRACE!</p>\n<p>Turnout was 61 percent 🗳️.</p>"
                       f"</article>{code}</body></html>")
    page.goto(base + "/story")
    wait_ok(page)
    assert page.locator("#story-body .slant-s:not([data-slant-continued])").count() == 3
    assert page.locator("#story-body a[href='#x'] [data-slant-cue]").count() >= 1  # markup kept, cues inside
    assert page.text_content("#story-body") == ("The mayor spoke on Friday. Critics call the so-called “reform” "
                                                "a DISGRACE!\nTurnout was 61 percent 🗳️.")
    assert page.console_errors == []


def test_contenteditable_is_never_rewritten(page, service, pages):
    store, base = pages
    store["/editor"] = ("<!doctype html><html><head><link rel=icon href='data:,'></head><body>"
                        "<div id='ed' contenteditable='true'>The port reopened on Monday.</div>"
                        f"<script src='{service['base']}/static/slant.js'></script>"
                        f"<slant-annotator for='ed' endpoint='{service['base']}' debounce-ms='200'>"
                        "</slant-annotator></body></html>")
    page.goto(base + "/editor")
    wait_ok(page)
    page.click("#ed")
    page.keyboard.press("End")
    page.keyboard.type(" This “plan” is a DISGRACE!")
    page.wait_for_selector(".slant-preview [data-slant-cue=scare_quotes]", timeout=15000)
    assert page.eval_on_selector("#ed", "e => e.querySelectorAll('*').length") == 0
    assert page.text_content("#ed") == "The port reopened on Monday. This “plan” is a DISGRACE!"
    assert page.console_errors == []


def test_service_down_shows_status_without_script_errors(page, pages):
    store, base = pages
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    store["/down"] = ("<!doctype html><html><head><link rel=icon href='data:,'></head><body>"
                      "<textarea id='t'>The port reopened on Monday.</textarea>"
                      f"<script src='{base}/nothing.js'></script></body></html>")
    page.goto(base + "/down")
    page.add_script_tag(path=str(ROOT / "service" / "static" / "slant.js"))
    page.evaluate(f"Slant.attach(document.getElementById('t'), {{endpoint: 'http://127.0.0.1:{dead}'}})")
    page.wait_for_selector(".slant-widget[data-slant-state=error]", timeout=15000)
    assert page.text_content(".slant-status") == "Slant unavailable — retrying"
    page.fill("#t", "Typing still works.")
    assert page.input_value("#t") == "Typing still works."
    script_errors = [e for e in page.console_errors if "Failed to load resource" not in e]
    assert script_errors == []  # the browser's own network log lines are not the script's
