"""The centre's pages in a browser: each role sees what the role matrix allows and gets
403 pages for the rest, the IQA records a sample through the form, the criteria map
shows each criterion's status, and axe-core finds no serious or critical violation on
any page. Run by Tools/browser-check/pages.sh against `attest serve` on a generated
centre (`attest generate --learners 200 --seed 1`)."""

import datetime
import hashlib
import json
import re
import uuid
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import BASE_URL, PASSWORD, screenshot, sign_in_through_form

SECTIONS = {
    "Dashboard": "/",
    "Learners": "/learners",
    "Sampling grid": "/sampling",
    "Audit": "/audit",
    "Checkpoints": "/checkpoints",
}

# The sections each role may open (docs/server.md, "Who may do what"); the others answer 403.
ALLOWED = {
    "admin-1": ["Dashboard", "Learners", "Sampling grid", "Audit", "Checkpoints"],
    "assessor-1": ["Dashboard", "Learners"],
    "iqa-1": ["Dashboard", "Learners", "Sampling grid", "Audit"],
    "eqa-1": ["Dashboard", "Learners", "Sampling grid", "Audit", "Checkpoints"],
}

CELL_TEXT = re.compile(r"^(\d+)/(\d+) · I(\d+) S(\d+)$")

_axe = Axe()


# MARK: Helpers


def api_learners(page):
    """Every learner the page's signed-in staff member may read, through GET /v1/learners."""
    learners, after = [], None
    while True:
        path = "/v1/learners?limit=1000" + (f"&after={quote(after)}" if after else "")
        response = page.request.get(path)
        assert response.status == 200, f"GET {path}: HTTP {response.status}"
        body = response.json()
        learners += body["learners"]
        after = body.get("next")
        if not after:
            return learners


def transcript(page, learner):
    response = page.request.get(f"/v1/learners/{learner}/transcript", headers={"Accept": "application/json"})
    assert response.status == 200, f"transcript of {learner}: HTTP {response.status}"
    return response.json()


def goto(page, path):
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    return response


def nav_labels(page):
    return page.locator("header.bar nav a").all_inner_texts()


def csrf_of(page):
    """The session's CSRF token, from the sign-out form of the top bar."""
    return page.input_value('header.bar form[action="/sign-out"] input[name="csrf"]')


def serious_violations(page):
    """axe-core's serious and critical violations on the page, as lines naming rule, impact and elements."""
    result = _axe.run(page)
    found = []
    for violation in result.response["violations"]:
        if violation.get("impact") in ("serious", "critical"):
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:8]]
            more = len(violation["nodes"]) - len(targets)
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']}; "
                         f"{', '.join(targets)}{f' and {more} more' if more > 0 else ''}")
    return found


def cell_text(page, href):
    return page.locator(f'table.grid a[href="{href}"]').inner_text().strip()


def parse_cell(text):
    match = CELL_TEXT.match(text)
    assert match, f"a grid cell reads {text!r}"
    return tuple(map(int, match.groups()))


def grid_cells(page):
    """The grid's cells with decisions: (href, text), in the order of the page."""
    links = page.locator("table.grid td.cell a")
    return [(links.nth(i).get_attribute("href"), links.nth(i).inner_text().strip()) for i in range(links.count())]


def decision_rows(page):
    """The chosen cell's decisions: (assessment, learner, sampled so far)."""
    rows = page.locator('form[action="/sampling"] tbody tr')
    found = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        found.append((cells.nth(0).locator("input").get_attribute("value"), cells.nth(2).inner_text().strip(),
                      cells.nth(5).inner_text().strip()))
    return found


def readable_and_not(page_of_role, admin_page, role):
    """A learner the role may read, and one they may not, by the API's lists."""
    readable = [row["learner"] for row in api_learners(page_of_role)]
    everyone = [row["learner"] for row in api_learners(admin_page)]
    others = [learner for learner in everyone if learner not in set(readable)]
    assert readable, f"{role} reads no learner"
    assert role == "admin-1" or others, f"{role} reads every learner"
    return readable, (others[0] if others else None)


# MARK: Signing in and out


def test_unauthenticated_requests_go_to_sign_in(anonymous):
    page = anonymous
    for path in ["/", "/learners", "/learners/L000007", "/sampling?assessor=assessor-1&unit=A/506/2130", "/audit", "/checkpoints"]:
        response = page.request.get(path, max_redirects=0)
        assert response.status == 303, f"{path}: HTTP {response.status}"
        location = response.headers["location"]
        assert location.startswith("/sign-in?next="), f"{path} redirects to {location}"
        goto(page, path)
        assert page.url.startswith(BASE_URL + "/sign-in?next="), page.url
        assert page.locator("#staffId").is_visible() and page.locator("#password").is_visible()
        assert nav_labels(page) == [], "the sign-in page shows the top bar"
    # Signing in from there goes on to the page asked for.
    goto(page, "/audit")
    assert page.input_value('input[name="next"]') == "/audit"
    response = sign_in_through_form(page, "iqa-1", open_form=False)
    assert response.status == 303
    assert page.url == BASE_URL + "/audit"
    assert page.locator("h1").inner_text() == "Standardisation audit"


def test_sign_in_refuses_a_wrong_password(anonymous):
    page = anonymous
    goto(page, "/sign-in")
    screenshot(page, "anonymous", "sign-in")
    response = sign_in_through_form(page, "assessor-2", password="not the password of anyone")
    assert response.status == 401, f"HTTP {response.status}"
    assert page.locator("p.error").is_visible()
    assert page.input_value("#staffId") == "assessor-2"
    screenshot(page, "anonymous", "sign-in-refused")
    assert all(cookie["name"] != "attest_session" for cookie in page.context.cookies())


def test_sign_out(anonymous):
    page = anonymous
    sign_in_through_form(page, "assessor-1")
    assert page.url == BASE_URL + "/"
    assert "assessor-1" in page.locator("header.bar").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(BASE_URL + "/sign-in")
    response = page.request.get("/learners", max_redirects=0)
    assert response.status == 303 and response.headers["location"].startswith("/sign-in?next="), \
        f"after signing out, /learners answers HTTP {response.status}"
    assert page.request.get("/v1/learners").status == 401


# MARK: The role matrix


@pytest.mark.parametrize("role", list(ALLOWED))
def test_role_sees_what_the_matrix_allows(signed_in, role):
    page = signed_in(role)
    admin = signed_in("admin-1") if role != "admin-1" else page
    allowed = ALLOWED[role]
    for label, path in SECTIONS.items():
        response = goto(page, path)
        name = label.lower().replace(" ", "-")
        if label in allowed:
            assert response.status == 200, f"{role} {path}: HTTP {response.status}, expected 200"
            assert page.locator("p.error").count() == 0, f"{role} {path} shows an error"
            assert nav_labels(page) == allowed, f"{role}'s top bar on {path}: {nav_labels(page)}, expected {allowed}"
            current = page.locator('header.bar nav a[aria-current="page"]')
            assert current.count() == 1 and current.inner_text() == label, f"{role} {path}: the current section is not marked"
            screenshot(page, role, name)
        else:
            assert response.status == 403, f"{role} {path}: HTTP {response.status}, expected 403"
            assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
            assert page.locator("p.error").is_visible(), f"{role} {path}: the 403 page has no p.error"
            assert "403" in page.locator("main").inner_text()
            assert nav_labels(page) == allowed, f"{role}'s top bar on the 403 page: {nav_labels(page)}"
            screenshot(page, role, f"{name}-403")

    # Learner pages: one they may read, one they may not.
    readable, other = readable_and_not(page, admin, role)
    own = "L000007" if role == "admin-1" else readable[0]
    response = goto(page, f"/learners/{own}")
    assert response.status == 200, f"{role} /learners/{own}: HTTP {response.status}"
    assert page.locator("table.map td.c").count() > 0
    screenshot(page, role, "learner")
    if other:
        response = goto(page, f"/learners/{other}")
        assert response.status == 403, f"{role} /learners/{other} (not theirs): HTTP {response.status}, expected 403"
        assert page.locator("p.error").is_visible()
        screenshot(page, role, "learner-403")

    # The learners list holds theirs only.
    goto(page, "/learners")
    listed = page.locator("main table tbody tr td:first-child a").all_inner_texts()
    assert len(listed) == min(50, len(readable)), f"{role} /learners lists {len(listed)} of {len(readable)}"
    assert set(listed) <= set(readable), f"{role} /learners lists learners they may not read: {set(listed) - set(readable)}"
    assert (page.get_by_role("link", name="Next page").count() == 1) == (len(readable) > 50)


def test_eqa_reads_the_learners_they_asked_to_see(signed_in):
    """The generated centre records an EQA sample of a few learners: eqa-1 reads those only."""
    page = signed_in("eqa-1")
    asked = [row["learner"] for row in api_learners(page)]
    assert 0 < len(asked) < 200
    goto(page, "/learners")
    assert page.locator("main table tbody tr td:first-child a").all_inner_texts() == asked
    for learner in asked:
        assert goto(page, f"/learners/{learner}").status == 200, learner
    assert goto(page, "/learners/L000001").status == (200 if "L000001" in asked else 403)


def test_assessor_cannot_record_a_sample(signed_in):
    page = signed_in("assessor-1")
    goto(page, "/")
    response = page.request.post("/sampling", form={"csrf": csrf_of(page), "assessor": "assessor-2", "unit": "A/506/2130",
                                                     "assessmentId": "AS-L000001-1", "stage": "interim", "outcome": "agreed"})
    assert response.status == 403, f"HTTP {response.status}"


# MARK: The learners list


def test_learners_filters_and_pages(signed_in):
    page = signed_in("admin-1")
    everyone = api_learners(page)
    goto(page, "/learners")
    first = page.locator("main table tbody tr td:first-child a").all_inner_texts()
    assert first == [row["learner"] for row in everyone[:50]]
    page.get_by_role("link", name="Next page").click()
    page.wait_for_load_state()
    second = page.locator("main table tbody tr td:first-child a").all_inner_texts()
    assert second == [row["learner"] for row in everyone[50:100]]
    screenshot(page, "admin-1", "learners-page-2")

    goto(page, "/learners")
    page.select_option("#assessor", "assessor-1")
    page.select_option("#status", "in_progress")
    page.get_by_role("button", name="Find").click()
    page.wait_for_load_state()
    assert "assessor=assessor-1" in page.url and "status=in_progress" in page.url
    expected = [row["learner"] for row in everyone if row["assessor"] == "assessor-1" and row["status"] == "in_progress"]
    assert page.locator("main table tbody tr td:first-child a").all_inner_texts() == expected
    assert page.locator("#assessor").input_value() == "assessor-1"
    screenshot(page, "admin-1", "learners-filtered")

    goto(page, "/learners")
    page.fill("#q", "L000007")
    page.get_by_role("button", name="Find").click()
    page.wait_for_load_state()
    assert "L000007" in page.locator("main table tbody").inner_text()


# MARK: The criteria map


def expected_classes(document):
    """(unit, criterion) → the class the map gives its cell, from a transcript."""
    classes = {}
    for unit in document["units"]:
        for criterion in unit["criteria"]:
            status = criterion["status"]
            state = "rpl" if status == "met" and criterion.get("metBy") == "rpl" else status
            classes[(unit["unit"], criterion["id"])] = state
    return classes


MAP_CELLS = """() => [...document.querySelectorAll('table.map tbody tr')].flatMap(row => {
  const unit = row.querySelector('th').firstChild.textContent.trim().replace(/^Unit /, '');
  return [...row.querySelectorAll('td.c')].map(cell => ({
    unit, cls: [...cell.classList].filter(c => c !== 'c'), title: cell.title,
    text: cell.firstChild.textContent.trim(), background: getComputedStyle(cell).backgroundColor}));
})"""

LEGEND = """() => Object.fromEntries([...document.querySelectorAll('ul.legend li')].map(li => [li.className, getComputedStyle(li).backgroundColor]))"""


def check_map(page, learner, document):
    goto(page, f"/learners/{learner}")
    cells = page.evaluate(MAP_CELLS)
    expected = expected_classes(document)
    shown = {}
    for cell in cells:
        assert len(cell["cls"]) == 1, f"{learner} {cell}: one state class expected"
        criterion = cell["title"].split(":")[0]
        assert cell["text"] == criterion, f"{learner} {cell}: the cell names another criterion"
        assert re.match(r"^[^:]+: \S", cell["title"]), cell["title"]
        shown[(cell["unit"], criterion)] = cell["cls"][0]
    wrong = {key: (shown.get(key), want) for key, want in expected.items() if shown.get(key) != want}
    assert not wrong, f"{learner}: cells (shown, transcript) that differ: {dict(list(wrong.items())[:10])}"
    assert set(shown) == set(expected), f"{learner}: cells not in the transcript: {set(shown) - set(expected)}"

    # Each state has one colour, the legend's, and the four differ.
    legend = page.evaluate(LEGEND)
    assert set(legend) == {"met", "rpl", "not_yet_met", "not_assessed"}, legend
    assert len(set(legend.values())) == 4, f"the legend's colours are not four: {legend}"
    for cell in cells:
        assert cell["background"] == legend[cell["cls"][0]], f"{learner} {cell}: background is not the legend's {legend[cell['cls'][0]]}"
    return cells


def record_not_yet_met(browser_page_of, admin):
    """Has an assessor decide NOT_YET_MET on a criterion not yet assessed, for an
    in-progress learner with RPL, so that one learner's map holds all four states.
    Returns that learner, with their transcript as it now stands."""
    learners = {row["learner"]: row for row in api_learners(admin)}
    for learner, row in learners.items():
        if row["status"] != "in_progress":
            continue
        document = transcript(admin, learner)
        states = set(expected_classes(document).values())
        if "rpl" not in states or "not_assessed" not in states:
            continue
        assessor = row["assessor"]
        for unit in document["units"]:
            decided_by_them = any(c.get("assessor") == assessor and c.get("metBy") == "assessment" for c in unit["criteria"])
            open_criteria = [c["id"] for c in unit["criteria"] if c["status"] == "not_assessed"]
            if not decided_by_them or not open_criteria:
                continue
            page = browser_page_of(assessor)
            goto(page, "/")
            tag = uuid.uuid4().hex[:8]
            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            evidence, assessment = f"EV-BROWSER-{tag}", f"AS-BROWSER-{tag}"
            events = [
                {"id": str(uuid.uuid4()), "type": "evidence.submitted", "actor": {"id": assessor}, "occurredAt": now,
                 "payload": {"evidenceId": evidence, "learnerId": learner, "unit": unit["unit"], "method": "WORK_PRODUCT",
                             "criteria": [open_criteria[0]],
                             "artefact": {"sha256": hashlib.sha256(tag.encode()).hexdigest(), "mediaType": "application/pdf", "sizeBytes": "20480"}}},
                {"id": str(uuid.uuid4()), "type": "evidence.assessed", "actor": {"id": assessor}, "occurredAt": now,
                 "payload": {"assessmentId": assessment, "evidenceId": evidence,
                             "decisions": [{"criterion": open_criteria[0], "outcome": "NOT_YET_MET"}],
                             "feedback": "Not yet: the account does not say how the complaint was resolved."}},
            ]
            response = page.request.post("/v1/events", data=json.dumps(events),
                                         headers={"Content-Type": "application/json", "X-CSRF-Token": csrf_of(page)})
            if response.status == 201:
                document = transcript(admin, learner)
                assert expected_classes(document)[(unit["unit"], open_criteria[0])] == "not_yet_met"
                return learner, document
            print(f"recording NOT_YET_MET for {learner} {unit['unit']} {open_criteria[0]} as {assessor}: "
                  f"HTTP {response.status} {response.text()[:300]}")
            break
    pytest.fail("no learner could be given a criterion not yet met")


def test_criteria_map_of_L000007(signed_in):
    page = signed_in("admin-1")
    document = transcript(page, "L000007")
    cells = check_map(page, "L000007", document)
    counts = {}
    for cell in cells:
        counts[cell["cls"][0]] = counts.get(cell["cls"][0], 0) + 1
    assert sum(counts.values()) == sum(len(u["criteria"]) for u in document["units"])
    page.locator("#map").scroll_into_view_if_needed()
    screenshot(page, "admin-1", "learner-L000007")


def test_criteria_map_shows_all_four_states(signed_in):
    admin = signed_in("admin-1")
    learner, document = record_not_yet_met(signed_in, admin)
    cells = check_map(admin, learner, document)
    states = {cell["cls"][0] for cell in cells}
    assert states == {"met", "rpl", "not_yet_met", "not_assessed"}, states
    backgrounds = {cell["cls"][0]: cell["background"] for cell in cells}
    assert len(set(backgrounds.values())) == 4, f"the four states' cells share colours: {backgrounds}"
    screenshot(admin, "admin-1", f"learner-{learner}-four-states")


# MARK: Checkpoints


def test_admin_signs_a_checkpoint(signed_in):
    page = signed_in("admin-1")
    goto(page, "/checkpoints")
    page.get_by_role("button", name="Sign a checkpoint").click()
    page.wait_for_load_state()
    notice = page.locator("p.notice").inner_text()
    match = re.match(r"^Checkpoint (\d+) is signed\.$", notice)
    assert match, notice
    assert match.group(1) in page.locator("main table tbody").inner_text()
    screenshot(page, "admin-1", "checkpoint-signed")

    eqa = signed_in("eqa-1")
    goto(eqa, "/checkpoints")
    assert eqa.get_by_role("button", name="Sign a checkpoint").count() == 0
    assert match.group(1) in eqa.locator("main table tbody").inner_text()


# MARK: Sampling


def iqa_cells_with_form(page):
    """The grid's cells that show iqa-1 decisions they may sample, with the cell's text."""
    goto(page, "/sampling")
    for href, text in grid_cells(page):
        goto(page, href)
        if page.locator('input[name="assessmentId"]').count():
            yield href, text


def test_iqa_records_a_sample(signed_in):
    page = signed_in("iqa-1")
    tried = []
    for href, _ in iqa_cells_with_form(page):
        rows = decision_rows(page)
        # A decision never sampled first, so the cell's sampled count goes up too.
        rows.sort(key=lambda row: row[2] != "not sampled")
        for assessment, learner, sampled_so_far in rows[:3]:
            before = parse_cell(cell_text(page, href))
            samples_before = len(transcript(page, learner)["samples"])
            page.check(f'input[name="assessmentId"][value="{assessment}"]')
            page.check('input[name="stage"][value="interim"]')
            page.check('input[name="outcome"][value="agreed"]')
            page.fill("#rationale", "")
            page.fill("#requiredAction", "")
            with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sampling")) as posted:
                page.get_by_role("button", name="Record the sample").click()
            page.wait_for_load_state()
            if posted.value.status != 303:
                tried.append(f"{href} {assessment}: HTTP {posted.value.status} {page.locator('p.error').all_inner_texts()}")
                goto(page, href)
                continue
            notice = page.locator("p.notice").inner_text()
            match = re.match(r"^Sample (SM-\S+) is recorded\.$", notice)
            assert match, f"the notice reads {notice!r}"
            after = parse_cell(cell_text(page, href))
            first_sample = sampled_so_far == "not sampled"
            assert after == (before[0] + (1 if first_sample else 0), before[1], before[2] + 1, before[3]), \
                f"{href}: the cell went from {before} to {after} (sampled/decisions, interim, summative)"
            row = {a: s for a, _, s in decision_rows(page)}[assessment]
            assert row != "not sampled" and row != sampled_so_far, f"{assessment}: sampled so far still reads {row!r}"
            samples = transcript(page, learner)["samples"]
            assert len(samples) == samples_before + 1
            recorded = [s for s in samples if s["id"] == match.group(1)]
            assert recorded and recorded[0]["stage"] == "interim" and recorded[0]["outcome"] == "agreed" \
                and recorded[0]["assessment"] == assessment and recorded[0]["iqa"] == "iqa-1", recorded
            screenshot(page, "iqa-1", "sampling-recorded")
            violations = serious_violations(page)
            assert not violations, "axe-core on the page with the notice:\n" + "\n".join(violations)
            return
        if len(tried) >= 12:
            break
    pytest.fail("no decision could be sampled: " + "; ".join(tried))


def test_iqa_sample_refused_in_place(signed_in):
    page = signed_in("iqa-1")
    href, _ = next(iqa_cells_with_form(page))
    assessment, learner, sampled_so_far = decision_rows(page)[0]
    before = cell_text(page, href)
    samples_before = transcript(page, learner)["samples"]
    page.check(f'input[name="assessmentId"][value="{assessment}"]')
    page.check('input[name="stage"][value="interim"]')
    page.check('input[name="outcome"][value="disagreed"]')
    page.fill("#rationale", "")
    page.fill("#requiredAction", "")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sampling")) as posted:
        page.get_by_role("button", name="Record the sample").click()
    page.wait_for_load_state()
    assert posted.value.status == 422, f"HTTP {posted.value.status}"
    error = page.locator("#cell ~ p.error")
    assert error.count() == 1 and error.is_visible(), "the refusal is not shown beside the cell's form"
    assert "rationale" in error.inner_text().lower(), f"the refusal reads {error.inner_text()!r}"
    assert page.locator("p.notice").count() == 0
    # The form keeps what was posted, and nothing was recorded.
    assert page.is_checked(f'input[name="assessmentId"][value="{assessment}"]')
    assert page.is_checked('input[name="outcome"][value="disagreed"]')
    assert cell_text(page, href) == before
    assert {a: s for a, _, s in decision_rows(page)}[assessment] == sampled_so_far
    assert transcript(page, learner)["samples"] == samples_before
    screenshot(page, "iqa-1", "sampling-refused")
    violations = serious_violations(page)
    assert not violations, "axe-core on the page with the refusal:\n" + "\n".join(violations)


def test_others_see_a_cell_without_the_form(signed_in):
    for role in ["admin-1", "eqa-1"]:
        page = signed_in(role)
        goto(page, "/sampling")
        href, text = grid_cells(page)[0]
        assert parse_cell(text)[1] > 0
        response = goto(page, href)
        assert response.status == 200
        assert page.locator("h2#cell").is_visible()
        assert page.locator('form[action="/sampling"]').count() == 0, f"{role} is shown the sampling form"
        screenshot(page, role, "sampling-cell")


# MARK: Accessibility


def pages_of(role, page, admin):
    """The pages the role can see, and a 403 page where they meet one."""
    readable, other = readable_and_not(page, admin, role)
    paths = [path for label, path in SECTIONS.items() if label in ALLOWED[role]]
    paths.append("/learners/L000007" if role == "admin-1" else f"/learners/{readable[0]}")
    if "Sampling grid" in ALLOWED[role]:
        goto(page, "/sampling")
        if role == "iqa-1":
            href = next(iqa_cells_with_form(page))[0]
        else:
            href = grid_cells(page)[0][0]
        paths.append(href)
    if role == "admin-1":
        paths.append("/learners?assessor=assessor-1")
        paths.append("/learners?after=L000049")
    forbidden = [path for label, path in SECTIONS.items() if label not in ALLOWED[role]]
    if other:
        forbidden.append(f"/learners/{other}")
    return paths, forbidden[:1]


@pytest.mark.parametrize("role", list(ALLOWED))
def test_accessibility(signed_in, role):
    page = signed_in(role)
    admin = signed_in("admin-1") if role != "admin-1" else page
    paths, forbidden = pages_of(role, page, admin)
    problems = []
    for path in paths + forbidden:
        response = goto(page, path)
        assert response.status == (403 if path in forbidden else 200), f"{role} {path}: HTTP {response.status}"
        problems += [f"{role} {path}: {line}" for line in serious_violations(page)]
    assert not problems, "axe-core finds serious or critical violations:\n" + "\n".join(problems)


def test_accessibility_signed_out(anonymous):
    page = anonymous
    problems = []
    goto(page, "/sign-in?next=%2Flearners")
    problems += [f"/sign-in: {line}" for line in serious_violations(page)]
    sign_in_through_form(page, "assessor-3", password="still not the password")
    assert page.locator("p.error").is_visible()
    problems += [f"/sign-in refused: {line}" for line in serious_violations(page)]
    assert not problems, "axe-core finds serious or critical violations:\n" + "\n".join(problems)
