"""Screenshots of the home page in English and Chinese into docs/screenshots/ (PNG).

Usage: start a server with the demo data (``make demo``), then
    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000] [path ...]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright


def _shrink(path: Path) -> None:
    """A 256-colour palette keeps the flat UI colours and makes the PNG several times smaller."""
    from PIL import Image

    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)


base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
paths = sys.argv[2:] or [""]
out = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
out.mkdir(parents=True, exist_ok=True)
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
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
