"""Fixtures of the browser tests: one chromium for the run, and a browser context per
staff member, signed in through the sign-in form once and reused by its storage state.

Tools/browser-check/pages.sh starts `attest serve` on a generated centre and passes:
  ATTEST_URL             the server's base URL (http://127.0.0.1:PORT)
  ATTEST_PASSWORD        the password of every staff account it opened
  ATTEST_BROWSER_OUTPUT  where screenshots go (default .build/browser-tests)
  CHROMIUM               the browser to drive (default /usr/bin/chromium)
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

BASE_URL = os.environ.get("ATTEST_URL", "").rstrip("/")
PASSWORD = os.environ.get("ATTEST_PASSWORD", "")
OUTPUT = Path(os.environ.get("ATTEST_BROWSER_OUTPUT", ".build/browser-tests"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    if not BASE_URL or not PASSWORD:
        skip = pytest.mark.skip(reason="run through Tools/browser-check/pages.sh (ATTEST_URL and ATTEST_PASSWORD are not set)")
        for item in items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def sign_in_through_form(page, staff_id, password=None, open_form=True):
    """Signs in with the sign-in form (the one on the page when not `open_form`);
    returns the response to the form's post."""
    if open_form:
        page.goto("/sign-in")
    page.fill("#staffId", staff_id)
    page.fill("#password", PASSWORD if password is None else password)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sign-in")) as posted:
        page.click("form.record button[type=submit]")
    page.wait_for_load_state()
    return posted.value


@pytest.fixture(scope="session")
def storage_states(browser):
    """Each staff member's signed-in storage state (the session cookie), made once."""
    states = {}

    def state(staff_id):
        if staff_id not in states:
            context = browser.new_context(base_url=BASE_URL)
            page = context.new_page()
            response = sign_in_through_form(page, staff_id)
            assert response.status == 303, f"signing in as {staff_id}: HTTP {response.status}"
            assert page.url == BASE_URL + "/", f"signing in as {staff_id} led to {page.url}"
            states[staff_id] = context.storage_state()
            context.close()
        return states[staff_id]

    return state


@pytest.fixture
def signed_in(browser, storage_states):
    """`signed_in("iqa-1")`: a new page in a browser context of its own, signed in as iqa-1."""
    contexts = []

    def page_of(staff_id, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=BASE_URL, storage_state=storage_states(staff_id), **options)
        contexts.append(context)
        return context.new_page()

    yield page_of
    for context in contexts:
        context.close()


@pytest.fixture
def anonymous(browser):
    """A page in a fresh browser context, signed in as no one."""
    context = browser.new_context(base_url=BASE_URL, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def screenshot(page, role, name):
    """A full-page screenshot under the output directory, named by role and page."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{role}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
