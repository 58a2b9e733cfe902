"""Refresh the README's pictures in docs/screenshots/ from a running app: `make screenshots`.

The verdict card on a desktop, the verdict on a phone (390x844), and the widget on its demo host page. Needs
Chromium (Debian's `chromium` package); the test suite never writes here.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from chat_driver import CARD, PITCH, Chat  # noqa: E402
from web_fixtures import CHROMIUM_ARGS, chromium_path, running_app  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"


def verdict(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#chat-input")
    page.get_by_text("Paste what the vendor said").first.wait_for()
    page.get_by_role("button", name="Try the £18,000 example").first.click()
    page.locator(CARD).wait_for(timeout=90000)
    page.locator(".js-plotly-plot").first.wait_for()
    time.sleep(1.5)  # the chart and the tiles settle


def main() -> int:
    executable = chromium_path()
    if not executable:
        print("No Chromium here: apt-get install -y chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pitchcheck-shots-") as data, running_app(Path(data)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            desktop = browser.new_context(viewport={"width": 1280, "height": 1800}, locale="en-GB").new_page()
            verdict(desktop, url)
            card = desktop.locator(CARD)
            card.evaluate("el => el.scrollIntoView({block: 'start'})")
            card.screenshot(path=str(SHOTS / "verdict-card.png"))

            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2, locale="en-GB"
            ).new_page()
            verdict(phone, url)
            phone.locator(CARD).evaluate("el => el.scrollIntoView({block: 'start'})")
            time.sleep(0.5)
            phone.screenshot(path=str(SHOTS / "verdict-phone.png"))

            host = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB").new_page()
            host.goto(url + "/public/widget-demo.html")
            host.locator("#chainlit-copilot-button").click()
            host.wait_for_selector("#chat-input")
            host.get_by_text("Hi, I'm Pitchcheck").first.wait_for()
            Chat(host).type(PITCH)
            time.sleep(0.5)
            host.screenshot(path=str(SHOTS / "widget.png"))
        finally:
            browser.close()
    for name in ("verdict-card.png", "verdict-phone.png", "widget.png"):
        print(f"wrote {SHOTS / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
