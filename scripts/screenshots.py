"""Screenshots of the home page in English and Chinese into docs/screenshots/ (PNG).

Usage: start a server with the demo data (``make demo``), then
    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000] [path ...]
    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000] --desks
The second form logs in as each demo role and takes its desk (desk-<login>-<language>.png).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright


def _shrink(path: Path) -> None:
    """A 256-colour palette keeps the flat UI colours and makes the PNG several times smaller."""
    from PIL import Image

    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)


DESK_LOGINS = ["applicant1", "applicant2", "reviewer2", "committee", "officer", "curator", "auditor"]
DEMO_PASSWORD = "moonrock-demo"


def desks(browser, base: str, out: Path) -> None:
    for language in ("en", "zh-hans"):
        for login in DESK_LOGINS:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=language)
            page.goto(f"{base}/{language}/accounts/login/?next=/{language}/desk/")
            page.fill("input[name=login]", login)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("form:has(input[name=password]) button[type=submit]")
            page.wait_for_url(f"**/{language}/desk/")
            name = f"desk-{login}-{language}.png"
            page.screenshot(path=str(out / name), full_page=True)
            _shrink(out / name)
            print(out / name)
            page.close()


base = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else "http://127.0.0.1:8000"
paths = [arg for arg in sys.argv[1:] if arg != base] or [""]
out = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
out.mkdir(parents=True, exist_ok=True)
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    if paths == ["--desks"]:
        desks(browser, base, out)
        paths = []
    for width, suffix in ((1280, ""), (390, "-mobile")):
        for language in ("en", "zh-hans"):
            page = browser.new_page(viewport={"width": width, "height": 900}, locale=language)
            for path in paths:
                page.goto(f"{base}/{language}/{path}")
                name = (path.strip("/").replace("/", "-") or "home") + f"-{language}{suffix}.png"
                page.screenshot(path=str(out / name), full_page=True)
                _shrink(out / name)
                print(out / name)
            page.close()
    browser.close()
