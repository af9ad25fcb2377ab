#!/usr/bin/env python3
"""Writes the documentation's screenshots of the centre's pages into DIRECTORY:
dashboard.png (as admin-1), learner.png (L000007's criteria map, as admin-1) and
sampling-grid.png (as iqa-1), each 1200×800 and optimised with pngquant or optipng
when one is installed. Run by `Tools/browser-check/pages.sh --docs`, which starts the
server and passes ATTEST_URL, ATTEST_PASSWORD and CHROMIUM."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_URL = os.environ["ATTEST_URL"].rstrip("/")
PASSWORD = os.environ["ATTEST_PASSWORD"]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

SHOTS = [
    ("dashboard.png", "admin-1", "/", None),
    ("learner.png", "admin-1", "/learners/L000007", "#map"),
    ("sampling-grid.png", "iqa-1", "/sampling", None),
]


def optimise(path):
    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--force", "--skip-if-larger", "--strip", "--quality", "70-95", "--output", str(path), str(path)],
                       check=False)
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", "-strip", "all", str(path)], check=True)


def main(directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        contexts = {}
        for name, staff, path, anchor in SHOTS:
            if staff not in contexts:
                context = browser.new_context(base_url=BASE_URL, viewport={"width": 1200, "height": 800})
                page = context.new_page()
                page.goto("/sign-in")
                page.fill("#staffId", staff)
                page.fill("#password", PASSWORD)
                page.click("form.record button[type=submit]")
                page.wait_for_url(BASE_URL + "/")
                contexts[staff] = page
            page = contexts[staff]
            response = page.goto(path)
            assert response and response.status == 200, f"{staff} {path}: HTTP {response and response.status}"
            if anchor:
                page.evaluate("(id) => document.querySelector(id).scrollIntoView({block: 'start'})", anchor)
            target = directory / name
            page.screenshot(path=str(target))
            optimise(target)
            print(f"{target}: {target.stat().st_size // 1024} KB")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
