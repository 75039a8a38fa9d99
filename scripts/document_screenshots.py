"""Screenshots of the documents and figures pages into docs/screenshots/ (PNG), both languages:
the compare page, the statistics, a label sheet and page 1 of a loan agreement.

Usage: start a server with the demo data (``make demo``), then
    .venv/bin/python scripts/document_screenshots.py [http://127.0.0.1:8000] [loan id]

The label sheet and the agreement need a login (the demo curator); page 1 of the agreement is
rendered from the PDF with poppler's ``pdftoppm`` (Debian package poppler-utils).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
loan = sys.argv[2] if len(sys.argv) > 2 else "5"
out = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
out.mkdir(parents=True, exist_ok=True)


def shrink(path: Path) -> None:
    """A 256-colour palette keeps the flat UI colours and makes the PNG several times smaller."""
    from PIL import Image

    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)


def save(page, name: str) -> None:
    path = out / name
    page.screenshot(path=str(path), full_page=True)
    shrink(path)
    print(path.relative_to(out.parents[1]))


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    for language in ("en", "zh-hans"):
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=language)
        page.goto(f"{base}/{language}/compare/?missions=A12,A15,CE5&property=age")
        page.wait_for_selector("canvas#compare-chart[data-ready=true]")
        save(page, f"compare-{language}.png")
        page.goto(f"{base}/{language}/statistics/")
        page.wait_for_function("window.LunarShareStatisticsCharts")
        page.wait_for_timeout(500)
        save(page, f"statistics-{language}.png")
        page.goto(f"{base}/{language}/accounts/login/")
        page.fill("input[name=login]", "curator")
        page.fill("input[name=password]", "moonrock-demo")
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{base}/{language}/loans/{loan}/labels/")
        save(page, f"labels-a4-{language}.png")
        page.emulate_media(media="print")
        page.goto(f"{base}/{language}/loans/{loan}/labels/?layout=roll")
        save(page, f"labels-roll-print-{language}.png")
        page.emulate_media(media="screen")
        response = page.request.get(f"{base}/{language}/loans/{loan}/agreement.pdf")
        with tempfile.TemporaryDirectory() as folder:
            pdf = Path(folder) / "agreement.pdf"
            pdf.write_bytes(response.body())
            target = out / f"agreement-page1-{language}"
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target)],
                           check=True)
            shrink(target.with_suffix(".png"))
            print(target.with_suffix(".png").relative_to(out.parents[1]))
        page.close()
    browser.close()
