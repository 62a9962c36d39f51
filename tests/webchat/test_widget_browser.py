"""The web chat widget in a real browser (Debian's Chromium driven by Playwright).

Two kinds of tests:
- widget-only, against the web app on a free port with Rasa down (the parent gets the gate's
  kind fallback reply) or a stand-in Rasa that replies with HTML (the XSS case);
- the conversation flow against the real stack (`scripts/local_stack.py`, marked `stack`):
  clicking through a signposting flow, keyboard only, reload, start again, Arabic, axe-core
  with a real conversation, and the screenshots in docs/screenshots/.

They skip with the reason when /usr/bin/chromium, the `playwright` package or axe-core is
missing: `scripts/install_browser.sh` installs Chromium and axe-core.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI

from channels.webchat.ratelimit import ChatRateLimiter, Limits
from tests.conftest import REPO_ROOT
from tests.webchat.conftest import XSS_TEXT, free_port, live_server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO_ROOT / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
EXIT_URL = "https://www.bbc.co.uk/weather"
PHONE = "01632 960000"
DEEP_FOCUS = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a ? (a.id || a.className || a.tagName) : null;
}"""
DEEP_FOCUS_TEXT = DEEP_FOCUS.replace("(a.id || a.className || a.tagName)", "a.textContent")
STORED = "() => JSON.parse(sessionStorage.getItem('fh-chat') || 'null')"


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return "/usr/bin/chromium is missing: run scripts/install_browser.sh (as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing: pip install playwright==1.65.2"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _skip_reason()
    if reason:
        print(f"SKIP browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def axe_path() -> Path:
    if not AXE.exists():
        reason = f"axe-core is missing at {AXE}: run scripts/install_browser.sh"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return AXE


@pytest.fixture
def site(app_with_rasa_down: FastAPI) -> Iterator[str]:
    """The web app on a free port; Rasa is down, so replies are the kind fallback."""
    with live_server(app_with_rasa_down) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# ------------------------------------------------------------------------------ helpers


def open_chat(page: Any) -> None:
    page.locator(".fh-launcher").click()
    page.locator(".fh-panel").wait_for(state="visible")


def wait_for_bot_messages(page: Any, count: int) -> None:
    page.wait_for_function(
        """n => document.querySelector('fh-chat').shadowRoot
             .querySelectorAll('.fh-bot').length >= n""",
        arg=count,
    )


def focused(page: Any) -> str:
    return str(page.evaluate(DEEP_FOCUS))


def run_axe(page: Any, axe: Path) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe))
    result = page.evaluate(
        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))",
        AXE_TAGS,
    )
    return list(result)


def assert_no_axe_violations(page: Any, axe: Path) -> None:
    violations = run_axe(page, axe)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)


# ----------------------------------------------------------------- widget-only tests


def test_the_widget_works_under_the_demo_pages_csp(page: Any, site: str) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(site + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    open_chat(page)
    assert focused(page) == "fh-input"
    wait_for_bot_messages(page, 1)  # the greeting (here: the kind fallback)
    assert PHONE in page.locator(".fh-bot .fh-bubble").first.inner_text()
    page.locator(".fh-input").fill("Is there a stay and play near me?")
    page.keyboard.press("Enter")
    page.locator(".fh-user .fh-bubble").wait_for()
    wait_for_bot_messages(page, 2)
    assert "stay and play" in page.locator(".fh-user .fh-bubble").inner_text()
    assert page.locator(".fh-sos").inner_text().startswith("Not for emergencies")
    assert page.locator(".fh-sos a").get_attribute("href") == "tel:999"
    # The live region announces the newest reply only (not the whole log).
    page.wait_for_function(
        "() => document.querySelector('fh-chat').shadowRoot"
        ".querySelector('[aria-live=polite]').textContent.includes('01632')"
    )
    live = page.locator("[aria-live=polite]").text_content()
    assert "stay and play" not in live
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not [p for p in problems if "404" not in p], problems


def test_html_in_a_reply_is_shown_as_text_and_unsafe_links_are_not_links(
    browser: Any, app_with_stand_in: FastAPI, stand_in_rasa: Any
) -> None:
    stand_in_rasa.replies = [
        {
            "text": XSS_TEXT
            + "\n[Click me](javascript:alert(3)) [Map](https://example.org/map)"
            + "\nCall 01632 960001 or email central.hub@calderbrook.example.gov.uk"
            + "\nWhere: Central Library, 12 Market Street, Calderbrook CK1 1LB",
            "buttons": [{"title": "<img src=y onerror=alert(4)>", "payload": "/x"}],
        }
    ]
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with live_server(app_with_stand_in) as url:
        page.goto(url + "/")
        open_chat(page)
        wait_for_bot_messages(page, 1)
        bubble = page.locator(".fh-bot .fh-bubble").first
        assert "<img src=x onerror=alert(1)>" in bubble.inner_text()
        counts = page.evaluate(
            "() => { const r = document.querySelector('fh-chat').shadowRoot;"
            " return [r.querySelectorAll('img').length, r.querySelectorAll('script').length,"
            " document.querySelectorAll('img').length]; }"
        )
        assert counts == [0, 0, 0]
        hrefs = bubble.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert not any(h.startswith("javascript:") for h in hrefs), hrefs
        assert "https://example.org/map" in hrefs
        assert "tel:01632960001" in hrefs
        assert "mailto:central.hub@calderbrook.example.gov.uk" in hrefs
        maps = [h for h in hrefs if h.startswith("https://www.openstreetmap.org/search?query=")]
        assert maps and "Central%20Library%2C%2012%20Market%20Street" in maps[0], hrefs
        assert "[Click me](javascript:alert(3))" in bubble.inner_text()
        button = page.locator(".fh-choice").first
        assert button.inner_text() == "<img src=y onerror=alert(4)>"
        button.click()
        page.locator(".fh-user .fh-bubble").wait_for()
        assert page.locator(".fh-user .fh-bubble").inner_text().endswith("onerror=alert(4)>")
        # The bubble shows before the request lands: wait for it (the payload, not the title).
        deadline = time.monotonic() + 5
        while stand_in_rasa.received[-1]["message"] != "/x" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stand_in_rasa.received[-1]["message"] == "/x"
        page.wait_for_timeout(300)
    context.close()
    assert dialogs == []


def test_reflow_at_320_px_and_full_screen_dialog_on_a_phone(browser: Any, site: str) -> None:
    # Reduced motion: the panel's slide-in would otherwise be measured mid-animation.
    context = browser.new_context(viewport={"width": 320, "height": 640}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(site + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    open_chat(page)
    wait_for_bot_messages(page, 1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    box = page.locator(".fh-panel").bounding_box()
    assert box is not None
    assert {k: round(v) for k, v in box.items()} == {"x": 0, "y": 0, "width": 320, "height": 640}
    assert page.locator(".fh-panel").get_attribute("aria-modal") == "true"
    assert page.evaluate(
        "() => { const l = document.querySelector('fh-chat').shadowRoot.querySelector('.fh-log');"
        " return l.scrollWidth <= l.clientWidth; }"
    )
    # Every control is at least 24x24 CSS px (the widget aims for 44).
    sizes = page.locator(".fh-panel button, .fh-panel select").evaluate_all(
        "els => els.filter(e => e.getClientRects().length)"
        ".map(e => [e.className, e.offsetWidth, e.offsetHeight])"
    )
    assert sizes and all(w >= 44 and h >= 44 for _, w, h in sizes), sizes
    context.close()


def test_desktop_panel_is_a_labelled_non_modal_dialog(page: Any, site: str) -> None:
    page.goto(site + "/")
    launcher = page.locator(".fh-launcher")
    assert launcher.get_attribute("aria-expanded") == "false"
    open_chat(page)
    panel = page.locator(".fh-panel")
    assert panel.get_attribute("role") == "dialog"
    assert panel.get_attribute("aria-modal") is None
    assert page.locator("#fh-title").inner_text() == "Family Hubs chat"
    assert panel.get_attribute("aria-labelledby") == "fh-title"
    assert panel.get_attribute("lang") == "en" and panel.get_attribute("dir") == "ltr"
    box = panel.bounding_box()
    assert box["x"] > 640 and box["width"] < 500  # bottom right, as data-position says
    assert page.locator(".fh-privacy").get_attribute("href").endswith("/privacy")


def test_keyboard_focus_is_trapped_in_the_panel_and_returns_to_the_launcher(
    page: Any, site: str
) -> None:
    page.goto(site + "/")
    page.locator(".fh-launcher").focus()
    page.keyboard.press("Enter")
    page.locator(".fh-panel").wait_for(state="visible")
    assert focused(page) == "fh-input"
    wait_for_bot_messages(page, 1)
    seen = set()
    for _ in range(25):
        page.keyboard.press("Tab")
        now = focused(page)
        seen.add(now)
        inside = page.evaluate("() => document.activeElement === document.querySelector('fh-chat')")
        assert inside, f"focus left the panel at {now}"
    assert {"fh-input", "fh-send", "fh-leave", "fh-icon-btn fh-close", "fh-lang"} <= seen, seen
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("() => document.activeElement === document.querySelector('fh-chat')")
    page.keyboard.press("Escape")
    page.locator(".fh-panel").wait_for(state="hidden")
    assert focused(page) == "fh-launcher"
    assert page.locator(".fh-launcher").get_attribute("aria-expanded") == "false"


def test_conversation_is_kept_across_reloads_and_start_again_clears_it(
    page: Any, site: str
) -> None:
    page.goto(site + "/")
    open_chat(page)
    wait_for_bot_messages(page, 1)
    page.locator(".fh-input").fill("where can I get help with money")
    page.locator(".fh-send").click()
    wait_for_bot_messages(page, 2)
    sender = page.evaluate(STORED)["sender"]
    page.goto(site + "/privacy")  # navigation to another page of the site
    open_chat(page)
    question = "where can I get help with money"
    assert page.locator(".fh-user .fh-bubble").inner_text().endswith(question)
    assert page.locator(".fh-bot").count() == 2
    page.reload()
    open_chat(page)
    assert page.locator(".fh-bot").count() == 2
    assert page.evaluate(STORED)["sender"] == sender
    page.locator(".fh-restart").click()
    wait_for_bot_messages(page, 1)
    assert page.locator(".fh-user").count() == 0
    assert page.locator(".fh-bot").count() == 1
    stored = page.evaluate(STORED)
    assert stored["sender"] != sender and len(stored["log"]) == 1


def test_arabic_sets_rtl_and_lang_and_sends_the_choice(page: Any, site: str) -> None:
    page.goto(site + "/")
    open_chat(page)
    wait_for_bot_messages(page, 1)
    with page.expect_request(lambda r: r.url.endswith("/api/chat")) as request:
        page.locator(".fh-select").select_option("ar")
    body = json.loads(request.value.post_data or "{}")
    assert body["message"] == '/change_language{"language":"ar"}'
    assert body["metadata"] == {"language": "ar"}
    panel = page.locator(".fh-panel")
    assert panel.get_attribute("dir") == "rtl" and panel.get_attribute("lang") == "ar"
    assert page.locator(".fh-leave").inner_text() == "المغادرة بسرعة"
    page.locator(".fh-select").select_option("ur")
    assert panel.get_attribute("dir") == "rtl" and panel.get_attribute("lang") == "ur"
    page.locator(".fh-select").select_option("pl")
    assert panel.get_attribute("dir") == "ltr" and panel.get_attribute("lang") == "pl"
    names = page.locator(".fh-select option").all_inner_texts()
    assert names == [
        "English", "Polski", "Română", "ਪੰਜਾਬੀ", "اردو",
        "Português", "Español", "العربية", "বাংলা", "Українська",
    ]  # fmt: skip


def test_the_browser_language_is_the_first_hint(browser: Any, site: str) -> None:
    context = browser.new_context(locale="pl-PL")
    page = context.new_page()
    page.goto(site + "/")
    with page.expect_request(lambda r: r.url.endswith("/api/chat")) as request:
        open_chat(page)
    body = json.loads(request.value.post_data or "{}")
    assert body["message"] == "/greet" and body["metadata"]["language"] == "pl-PL"
    assert page.locator(".fh-panel").get_attribute("lang") == "pl"
    context.close()


def test_leave_quickly_clears_the_chat_and_back_does_not_return(page: Any, site: str) -> None:
    page.route(EXIT_URL, lambda route: route.fulfill(body="<title>Weather</title>weather"))
    page.goto(site + "/")
    open_chat(page)
    wait_for_bot_messages(page, 1)
    assert page.evaluate(STORED)["log"]
    page.locator(".fh-leave").click()
    page.wait_for_url(EXIT_URL)
    page.go_back()
    assert not page.url.startswith(site)
    page.goto(site + "/")
    assert page.evaluate(STORED)["log"] == []
    open_chat(page)
    wait_for_bot_messages(page, 1)
    assert page.locator(".fh-bot").count() == 1  # a new conversation


def test_escape_twice_leaves_quickly(page: Any, site: str) -> None:
    page.route(EXIT_URL, lambda route: route.fulfill(body="<title>Weather</title>weather"))
    page.goto(site + "/")
    page.locator("h1").click()
    page.keyboard.press("Escape")  # the council page's own Escape is left alone
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url == site + "/"
    open_chat(page)
    wait_for_bot_messages(page, 1)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)


def test_rate_limits_and_network_errors_are_shown_kindly(
    page: Any, site: str, app_with_rasa_down: FastAPI
) -> None:
    app_with_rasa_down.state.chat_limiter = ChatRateLimiter(Limits(sender_burst=1))
    page.goto(site + "/")
    open_chat(page)
    wait_for_bot_messages(page, 1)  # the greeting took the only token
    page.locator(".fh-input").fill("one more question")
    page.keyboard.press("Enter")
    alert = page.locator(".fh-alert")
    alert.wait_for(state="visible")
    assert re.search(r"sending messages quickly\. Please wait \d+ seconds", alert.inner_text())
    assert alert.get_attribute("role") == "alert"
    assert page.locator(".fh-input").input_value() == "one more question"  # nothing lost
    assert page.locator(".fh-user").count() == 0
    page.route("**/api/chat", lambda route: route.abort())
    page.locator(".fh-input").fill("are you there")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('fh-chat').shadowRoot.querySelector('.fh-alert')"
        '.textContent.includes("couldn\'t connect")'
    )


def test_reduced_motion_is_respected(browser: Any, site: str) -> None:
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(site + "/")
    open_chat(page)
    names = page.evaluate(
        "() => { const r = document.querySelector('fh-chat').shadowRoot;"
        " return [getComputedStyle(r.querySelector('.fh-panel')).animationName,"
        " getComputedStyle(r.querySelector('.fh-dots span')).animationName]; }"
    )
    assert names == ["none", "none"]
    context.close()


def test_no_requests_leave_the_site(page: Any, site: str) -> None:
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    page.goto(site + "/")
    open_chat(page)
    wait_for_bot_messages(page, 1)
    assert hosts == {site.split("/")[2]}


def test_axe_finds_no_violations_with_the_panel_closed_and_open(
    browser: Any, site: str, axe_path: Path
) -> None:
    for viewport in ({"width": 1280, "height": 800}, {"width": 320, "height": 640}):
        context = browser.new_context(viewport=viewport, bypass_csp=True)  # to inject axe
        page = context.new_page()
        page.goto(site + "/")
        page.locator(".fh-launcher").wait_for()
        assert_no_axe_violations(page, axe_path)
        open_chat(page)
        wait_for_bot_messages(page, 1)
        page.wait_for_timeout(300)  # the opening animation
        assert_no_axe_violations(page, axe_path)
        page.locator(".fh-select").select_option("ar")
        wait_for_bot_messages(page, 2)
        assert_no_axe_violations(page, axe_path)
        page.goto(site + "/privacy")
        assert_no_axe_violations(page, axe_path)
        context.close()


# --------------------------------------------------------- the real stack (flow tests)


def _stack_skip_reason() -> str | None:
    if not (REPO_ROOT / ".venv-rasa" / "bin" / "rasa").exists():
        return ".venv-rasa is missing (make install builds it)"
    if not any((REPO_ROOT / "bot" / "domain").glob("*.yml")):
        return "bot/domain has no domain files yet: the Rasa bot cannot be trained"
    if not any((REPO_ROOT / "data" / "nlu" / "en").glob("*.yml")):
        return "data/nlu/en has no training data yet: the Rasa bot cannot be trained"
    return _skip_reason()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The real stack; WEBCHAT_STACK_URL=http://... reuses one already running."""
    running_url = os.environ.get("WEBCHAT_STACK_URL")
    if running_url:
        reason = _skip_reason()
        if reason:
            pytest.skip(reason)
        yield SimpleNamespace(web_url=running_url.rstrip("/"))
        return
    reason = _stack_skip_reason()
    if reason:
        print(f"SKIP stack browser tests: {reason}")
        pytest.skip(reason)
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from local_stack import running_stack

    port = 18400 + free_port() % 500 * 3
    workdir = tmp_path_factory.mktemp("webchat-stack")
    # The first run trains the model (minutes on two cores); later runs reuse models/.
    with running_stack(workdir, port_base=port, timeout_s=1800) as running:
        yield running


TIME = re.compile(r"\b\d{1,2}(?::\d{2}|[.:]\d{2}\s?[ap]m|\s?[ap]m)\b|\b\d{2}:\d{2}\b", re.I)


SKIP_BUTTONS = re.compile(r"postcode|something else|talk to a person", re.I)


def is_service_card(bubble: Any) -> bool:
    maps = bubble.locator("a[href^='https://www.openstreetmap.org/search']")
    return bool(maps.count()) and bool(TIME.search(bubble.inner_text()))


def wait_for_the_reply(page: Any, count: int) -> None:
    wait_for_bot_messages(page, count + 1)
    page.wait_for_function(
        "() => document.querySelector('fh-chat').shadowRoot.querySelector('.fh-typing').hidden"
    )


def click_until_a_service_card(page: Any) -> str:
    """Answer the bot's questions with a button (a hub rather than "use my postcode") until a
    reply is a service card with a time and an address (a map link); returns its text."""
    for _ in range(4):
        bubbles = page.locator(".fh-bot")
        cards = [bubbles.nth(i) for i in range(bubbles.count()) if is_service_card(bubbles.nth(i))]
        if cards:
            return str(cards[0].inner_text())
        newest = bubbles.nth(bubbles.count() - 1)
        buttons = newest.locator(".fh-choice")
        titles = buttons.all_inner_texts()
        assert titles, f"no service card and no question: {newest.inner_text()}"
        pick = next((i for i, t in enumerate(titles) if not SKIP_BUTTONS.search(t)), 0)
        count = bubbles.count()
        buttons.nth(pick).click()
        wait_for_the_reply(page, count)
    raise AssertionError("no service card with a time and an address after four answers")


@pytest.mark.stack
def test_a_parent_clicks_through_to_a_service_card(
    browser: Any, stack: Any, axe_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(stack.web_url + "/")
    open_chat(page)
    wait_for_bot_messages(page, 1)
    topics = page.locator(".fh-bot .fh-choice")
    assert topics.count() >= 2, "the greeting offers topic buttons"
    topics.first.click()
    page.locator(".fh-user").first.wait_for()
    card = click_until_a_service_card(page)
    assert TIME.search(card)
    assert_no_axe_violations(page, axe_path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "webchat-desktop.png"))
    count = page.locator(".fh-bot").count()
    page.reload()
    open_chat(page)
    assert page.locator(".fh-bot").count() == count
    page.locator(".fh-restart").click()
    wait_for_bot_messages(page, 1)
    assert page.locator(".fh-user").count() == 0
    context.close()


@pytest.mark.stack
def test_a_parent_does_the_whole_flow_by_keyboard(browser: Any, stack: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(stack.web_url + "/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if focused(page) == "fh-launcher":
            break
    assert focused(page) == "fh-launcher"
    page.keyboard.press("Enter")
    assert focused(page) == "fh-input"
    wait_for_bot_messages(page, 1)
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "fh-choice", "Shift+Tab from the message box reaches the topics"
    for _ in range(15):  # back through the topics to the first one
        if page.evaluate(DEEP_FOCUS_TEXT) == "Feeding your baby":
            break
        page.keyboard.press("Shift+Tab")
        assert focused(page) == "fh-choice"
    for _ in range(5):
        count = page.locator(".fh-bot").count()
        page.keyboard.press("Enter")
        wait_for_the_reply(page, count)
        bubbles = page.locator(".fh-bot")
        if any(is_service_card(bubbles.nth(i)) for i in range(bubbles.count())):
            # Focus moves to the start of the results, so they are read from the top.
            assert focused(page) == "fh-msg fh-bot"
            break
        # After a button, focus lands on the first answer of the next question.
        assert focused(page) == "fh-choice"
        while SKIP_BUTTONS.search(page.evaluate(DEEP_FOCUS_TEXT)):
            page.keyboard.press("Tab")
            assert focused(page) == "fh-choice"
    else:
        raise AssertionError("no service card reached by keyboard")
    card = next(i for i in range(bubbles.count()) if is_service_card(bubbles.nth(i)))
    bubbles.nth(card).scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "webchat-phone.png"))
    page.keyboard.press("Escape")
    assert focused(page) == "fh-launcher"
    context.close()


@pytest.mark.stack
def test_arabic_conversation_is_right_to_left(browser: Any, stack: Any, axe_path: Path) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(stack.web_url + "/")
    open_chat(page)
    wait_for_bot_messages(page, 1)
    page.locator(".fh-select").select_option("ar")
    wait_for_bot_messages(page, 2)
    panel = page.locator(".fh-panel")
    assert panel.get_attribute("dir") == "rtl" and panel.get_attribute("lang") == "ar"
    # The bot confirms the choice (its words come from the content store's translations).
    assert "العربية" in page.locator(".fh-bot").nth(1).inner_text()
    page.locator(".fh-input").fill("أحتاج مساعدة في الرضاعة الطبيعية")
    page.keyboard.press("Enter")
    wait_for_the_reply(page, 2)
    user = page.locator(".fh-user .fh-bubble").last
    assert user.get_attribute("dir") == "rtl"
    page.wait_for_timeout(300)
    assert_no_axe_violations(page, axe_path)
    page.screenshot(path=str(SCREENSHOTS / "webchat-arabic.png"))
    context.close()
