# Over 400 lines: one Chromium page walks every flow in turn (launching a browser per file would
# add a launch to CI for each split); its fixtures and helpers come first.
"""`python -m bot try` end to end in a real browser: Debian's Chromium, driven by Playwright.

The test starts the command exactly as a person would, opens the page, and as Ash runs
`/about`, `/glossary define` with autocomplete and `/unsaid share` through its form; moves time
on so the review batch reaches #moderators, approves it as Mo, and finds the anonymous post.
Screenshots go to test-artifacts/ (ignored by git).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.core.config import PROJECT_ROOT

WORDS = "In the board meeting they talked about us as if we weren't there."
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
HOW_TO_INSTALL = (
    "the browser test of `python -m bot try` needs Debian's Chromium: "
    "apt-get install -y chromium chromium-driver (and pip install -e '.[test]' for Playwright); "
    "never `playwright install`"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture
def chromium() -> str:
    """Chromium's path and Playwright, or a skip saying how to install them."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(HOW_TO_INSTALL)
    pytest.importorskip("playwright.sync_api", reason=HOW_TO_INSTALL)
    return executable


@pytest.fixture
def demo_url(tmp_path: Path) -> Iterator[str]:
    """`python -m bot try --no-browser --port 0` running; its address; stopped with Ctrl-C."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "try", "--no-browser", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        match = re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines))
        assert match, "".join(lines) + (process.stderr.read() if process.stderr else "")
        yield match[0]
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert "Traceback" not in err and "Unclosed" not in err, err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.fixture
def page(chromium: str, demo_url: str) -> Iterator[Any]:
    """A fresh headless Chromium page (its own profile), at the demo."""
    from playwright.sync_api import sync_playwright

    with (
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory(prefix="alongside-chromium-") as profile,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        context.set_default_timeout(15_000)
        try:
            tab = context.new_page()
            problems: list[str] = []
            tab.on("pageerror", lambda error: problems.append(str(error)))
            tab.goto(demo_url)
            yield tab
            assert not problems, problems
        finally:
            context.close()


class SlowFeed:
    """A feed on 127.0.0.1 that answers only when the test releases it (never by the clock)."""

    TITLE = "A feed that takes its time"
    RSS = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{TITLE}</title><link>http://127.0.0.1/</link><description>Slow</description>"
        "<item><title>Held back</title><link>http://127.0.0.1/held</link>"
        "<guid>held</guid><description>Worth the wait.</description></item>"
        "</channel></rss>"
    ).encode()

    def __init__(self) -> None:
        self.release = threading.Event()
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                feed.release.wait(timeout=60)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(feed.RSS)))
                self.end_headers()
                self.wfile.write(feed.RSS)

            def log_message(self, *_args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slow.xml"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SlowFeed:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def run_command(page: Any, typed: str, path: str) -> None:
    """Type a slash command, pick it from the list and send it (two Enters, as in Discord)."""
    composer = page.locator("#composer-input")
    composer.click()
    composer.press_sequentially(typed)
    page.locator(f'.popup-item[data-path="{path}"]').wait_for()
    composer.press("Enter")


def assert_accessible(page: Any, screen: str) -> None:
    """axe-core (bundled by axe-playwright-python) finds nothing serious or critical here."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, f"{screen}: {bad}"


def focused(page: Any) -> str:
    """The id (or tag) of whatever has keyboard focus."""
    return str(page.evaluate("document.activeElement.id || document.activeElement.tagName"))


def tab_to(page: Any, element_id: str) -> None:
    """Press Tab until the element has focus (a handful of presses at most)."""
    for _ in range(8):
        if focused(page) == element_id:
            return
        page.keyboard.press("Tab")
    assert focused(page) == element_id


def test_a_form_is_checked_in_the_page_and_held_by_keyboard(page: Any) -> None:
    from playwright.sync_api import expect

    # The welcome is a dialog: focus starts on the first person, and Tab stays inside it.
    welcome = page.get_by_role("dialog", name="Try Alongside")
    expect(welcome).to_be_visible()
    assert_accessible(page, "welcome")
    expect(page.locator("#people-cards button").first).to_be_focused()
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('#welcome') !== null")
    page.locator('[data-person="ash"]').focus()
    page.keyboard.press("Enter")
    expect(welcome).to_be_hidden()
    expect(page.locator("#composer-input")).to_be_focused()
    assert_accessible(page, "#general")

    # "/" alone lists every top-level command (more than 25 leaves), /unsaid and /support too.
    page.keyboard.type("/")
    for group in ("about", "unsaid", "support", "mydata"):
        expect(page.locator(f'.popup-item[data-path="{group}"]')).to_be_visible()
    composer = page.locator("#composer-input")
    expect(composer).to_have_attribute("aria-activedescendant", "popup-item-0")
    page.keyboard.press("ArrowDown")
    expect(composer).to_have_attribute("aria-activedescendant", "popup-item-1")
    assert_accessible(page, "the command list")
    page.locator('.popup-item[data-path="unsaid"]').dispatch_event("mousedown")
    expect(page.locator("#composer-input")).to_have_value("/unsaid ")
    expect(page.locator('.popup-item[data-path="unsaid share"]')).to_be_visible()
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")

    # Keyboard alone: type the command, Enter to pick it, Enter to send; the form opens focused.
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/api/modal") else None)
    page.keyboard.type("/unsaid share")
    page.locator('.popup-item[data-path="unsaid share"]').wait_for()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    form = page.get_by_role("dialog", name="Share anonymously")
    expect(form).to_be_visible()
    body = page.locator('[data-custom-id="body"]')
    expect(body).to_be_focused()
    assert_accessible(page, "the share form")

    # Submitted empty: the page says so beside the field and nothing reaches the bot.
    tab_to(page, "modal-submit")
    page.keyboard.press("Enter")
    expect(form).to_be_visible()
    expect(body).to_have_attribute("aria-invalid", "true")
    problem = page.locator("#m-body-error")
    expect(problem).to_have_text(re.compile("needs an answer"))
    assert "m-body-error" in (body.get_attribute("aria-describedby") or "")
    expect(body).to_be_focused()
    assert sent == []
    assert_accessible(page, "the share form with a problem")

    # Escape closes it and focus returns to the message box; open it again, fill it, send it.
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(page.locator("#composer-input")).to_be_focused()
    page.keyboard.type("/unsaid share")
    page.locator('.popup-item[data-path="unsaid share"]').wait_for()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(body).to_be_focused()
    page.keyboard.type("  ")
    tab_to(page, "modal-submit")
    page.keyboard.press("Enter")
    expect(problem).to_be_visible()
    body.focus()
    page.keyboard.type(WORDS)
    expect(body).to_have_value("  " + WORDS)  # what was typed is kept
    expect(problem).to_be_hidden()
    tab_to(page, "modal-submit")
    page.keyboard.press("Enter")
    expect(form).to_be_hidden()
    expect(page.locator(".message").last).to_contain_text("Your receipt code")
    assert len(sent) == 1

    # A spoiler is a button: Enter shows it.
    page.locator("#composer-input").focus()
    page.keyboard.type("That meeting was ||hard||")
    page.keyboard.press("Enter")
    spoiler = page.locator(".message .spoiler").last
    expect(spoiler).to_have_attribute("role", "button")
    spoiler.focus()
    page.keyboard.press("Enter")
    expect(spoiler).to_have_class(re.compile("shown"))
    expect(spoiler).to_have_attribute("aria-expanded", "true")

    # ">>>" quotes the rest of the message; <t:…> shows a date, as in Discord.
    page.locator("#composer-input").focus()
    page.keyboard.type(">>> Said on <t:1767225600:D>")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("and **still** true")
    page.keyboard.press("Enter")
    quote = page.locator(".message").last.locator("blockquote")
    expect(quote).to_have_count(2)
    expect(quote.first).to_have_text("Said on 1 January 2026")
    expect(quote.last.locator("strong")).to_have_text("still")

    # The things-to-try panel can be hidden and opened again.
    page.locator("#guide-toggle").click()
    expect(page.locator("#guide")).to_be_hidden()
    expect(page.locator("#guide-open")).to_have_attribute("aria-expanded", "false")
    page.locator("#guide-open").click()
    expect(page.locator("#guide")).to_be_visible()
    assert_accessible(page, "#general after sharing")


def test_try_in_a_browser(page: Any) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    # Who am I? Ash, a member.
    page.locator('[data-person="ash"]').click()
    expect(page.locator("#person-select")).to_have_value(re.compile(r"\d+"))
    expect(page.locator('.channel[data-name="general"]')).to_have_class(re.compile("active"))
    expect(page.locator('.channel[data-name="moderators"]')).to_have_count(0)

    # /about, answered only to Ash.
    run_command(page, "/about", "about")
    page.keyboard.press("Enter")
    about = page.locator(".message").last
    expect(about).to_contain_text("Only you can see this")
    expect(about.locator(".context")).to_contain_text("Ash used /about")
    expect(about.locator(".edited")).to_have_count(0)  # a fresh answer is not "(edited)"

    # /glossary define, choosing the term from the bot's autocomplete suggestions.
    run_command(page, "/glossary def", "glossary define")
    term = page.locator('#option-fields input[data-option="term"]')
    term.press_sequentially("co-pro")
    page.locator('.popup-item[data-value="co-production"]').wait_for()
    term.press("Enter")
    page.keyboard.press("Enter")
    definition = page.locator(".message").last
    expect(definition.locator(".embed-title").first).to_contain_text("Co-production")
    expect(definition.locator(".context")).to_contain_text("/glossary define")

    # /unsaid share through its form.
    run_command(page, "/unsaid share", "unsaid share")
    page.keyboard.press("Enter")
    expect(page.locator("#modal-title")).to_have_text("Share anonymously")
    page.locator('[data-custom-id="body"]').fill(WORDS)
    page.locator("#modal-submit").click()
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    receipt = page.locator(".message").last
    expect(receipt).to_contain_text("Your receipt code")
    expect(receipt).to_contain_text("Only you can see this")

    assert_accessible(page, "#general with a receipt")
    # The shuffled batch leaves on the half hour, at least two minutes after the submission.
    for minutes in ("30", "5"):
        page.locator(f'[data-advance="{minutes}"]').click()
        expect(page.locator(f'[data-advance="{minutes}"]')).to_be_enabled()
    page.locator("#person-select").select_option(label="Mo (moderator)")
    page.locator('.channel[data-name="moderators"]').click()
    review = page.locator(".message").last
    expect(review).to_contain_text("Unsaid: waiting for review")
    expect(review).to_contain_text(WORDS)
    expect(review).not_to_contain_text("Ash")
    page.screenshot(path=str(ARTIFACTS / "tryout-review.png"))
    assert_accessible(page, "#moderators")
    card = page.locator(f'.message[data-id="{review.get_attribute("data-id")}"]')
    expect(card.locator(".edited")).to_have_count(0)
    review.locator("button.btn", has_text=re.compile(r"^Approve$")).click()
    approved = page.locator(".message").last
    expect(approved).to_contain_text("Approved and posted")
    # The card the bot changed says "(edited)", as in Discord; the new answer doesn't.
    expect(card.locator(".edited")).to_have_text("(edited)")
    expect(approved.locator(".edited")).to_have_count(0)

    # Its link opens the post here, in #unsaid (not discord.com), where everyone can read it.
    approved.locator('a[href^="https://discord.com/channels/"]').first.click()
    expect(page.locator("#channel-name")).to_have_text("unsaid")
    post = page.locator(".message", has=page.locator(".embed-title", has_text="Unsaid #1"))
    expect(post).to_be_focused()
    expect(post).to_contain_text(WORDS)
    expect(post.locator(".author")).to_have_text("Alongside")
    expect(post.locator(".thread-box")).to_contain_text("Unsaid #1: responses")
    expect(post).not_to_contain_text("Ash")
    page.screenshot(path=str(ARTIFACTS / "tryout-browser.png"))
    assert_accessible(page, "#unsaid")

    # /mod setup's role menu works by keyboard alone, and focus never falls to the page.
    page.locator('.channel[data-name="general"]').click()
    run_command(page, "/mod setup", "mod setup")
    page.keyboard.press("Enter")
    picker = page.locator(".select > .current", has_text="Choose a role")
    picker.focus()
    page.keyboard.press("Enter")
    expect(picker).to_have_attribute("aria-expanded", "true")
    options = page.locator(".select .options .option")
    expect(options.first).to_be_focused()
    assert_accessible(page, "an open menu")
    for _ in range(12):
        if "Moderators" in str(page.evaluate("document.activeElement.textContent")):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(".message .embed-title", has_text="step 2").last).to_be_visible()
    assert page.evaluate("document.activeElement !== document.body")

    # A slow answer: the feed holds its reply, so the bot defers and the page shows "thinking…".
    with SlowFeed() as feed:
        run_command(page, "/mod feeds test", "mod feeds test")
        page.keyboard.type(feed.url)
        page.keyboard.press("Enter")
        thinking = page.locator(".message.ephemeral", has=page.locator(".thinking"))
        expect(thinking.locator('[role="status"]')).to_have_text("Alongside is thinking…")
        expect(thinking).to_contain_text("Only you can see this")
        pending = thinking.get_attribute("data-id")
        page.screenshot(path=str(ARTIFACTS / "tryout-thinking.png"))
        assert_accessible(page, "a deferred answer")
        # Meanwhile the page is not blocked: another command is answered, channels change.
        run_command(page, "/about", "about")
        page.keyboard.press("Enter")
        expect(page.locator(".message").last.locator(".context")).to_contain_text("Mo used /about")
        page.locator('.channel[data-name="unsaid"]').click()
        expect(page.locator("#channel-name")).to_have_text("unsaid")
        page.locator('.channel[data-name="general"]').click()
        expect(page.locator(f'.message[data-id="{pending}"] .thinking')).to_be_visible()
        # The feed answers: the placeholder becomes the answer, in place, not "(edited)".
        feed.release.set()
        answer = page.locator(f'.message[data-id="{pending}"]')
        expect(answer).to_contain_text(SlowFeed.TITLE)
        expect(answer.locator(".thinking")).to_have_count(0)
        expect(answer.locator(".edited")).to_have_count(0)


def test_a_phone_sized_window(page: Any) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    wide = "document.scrollingElement.scrollWidth <= innerWidth"
    assert_accessible(page, "welcome on a phone")
    page.locator('[data-person="ash"]').click()
    assert page.evaluate(wide)
    # The channel list is a drawer behind a button that says whether it is open.
    drawer = page.get_by_role("button", name="Channels")
    expect(drawer).to_have_attribute("aria-expanded", "false")
    expect(page.locator('.channel[data-name="general"]')).to_be_hidden()
    drawer.click()
    expect(drawer).to_have_attribute("aria-expanded", "true")
    expect(page.locator('.channel[data-name="general"]')).to_be_focused()
    page.screenshot(path=str(ARTIFACTS / "tryout-phone-drawer.png"))
    assert_accessible(page, "the channel drawer")
    page.locator('.channel[data-name="unsaid"]').click()
    expect(drawer).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#channel-name")).to_have_text("unsaid")
    run_command(page, "/about", "about")
    page.keyboard.press("Enter")
    expect(page.locator(".message").last).to_contain_text("Only you can see this")
    assert page.evaluate(wide)
    assert_accessible(page, "#unsaid on a phone")
    page.screenshot(path=str(ARTIFACTS / "tryout-phone.png"))
