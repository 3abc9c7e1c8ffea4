"""`kgtool report`: the dossier in a real browser (headless Chromium) matches `check`, and fetches nothing.

The expected numbers come from `kgtool check --state CHN --format json` and from the same query files the report
reads, run here through the CLI: nothing is hard-coded.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import chromium, record_requests, save_artifact
from conftest import BASE_WORLD, forced_return, participation, run, run_json

from kgtool.compliance.rules import derive_bindings
from kgtool.data.loading import store_with_files
from kgtool.web.dossier import DataQualityError
from kgtool.web.report import anchor, build_report

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
ID = "https://w3id.org/kgtool/id/"
CHN = ID + "state/CHN"
INCIDENT_KINDS = {"forced-return", "treatment-of-returnees", "detention"}
UN_KINDS = {"finding", "recommendation", "resolution"}


# -- helpers -----------------------------------------------------------------------------------------------
def rows(name_or_file: str, **params: str) -> list[dict[str, str]]:
    """Run a query through `kgtool query --format json`; return rows of lexical values."""
    args = ["query", name_or_file, "--format", "json"]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]


def expected_marks(check: dict) -> dict[str, int]:
    """The timeline's marks per lane, from the check JSON and the query files the report reads."""
    evidence = {e["iri"]: e["kind"] for f in check["findings"] for e in f["evidence"]}
    items: dict[str, dict[str, str | None]] = {}
    for row in rows(str(QUERIES / "check" / "evidence.rq")):
        entry = items.setdefault(row["item"], {"date": row.get("start"), "lane": "recommendation"})
        if row["class"].endswith("#Finding"):
            entry["lane"] = "finding"
    bound = {(r["obligation"], r["since"]) for r in rows("obligations-binding-state", state=CHN) if "since" in r}
    incidents = {r["incident"] for r in rows(str(QUERIES / "report" / "incidents.rq")) if r["state"] == CHN}
    incidents |= {iri for iri, kind in evidence.items() if kind in INCIDENT_KINDS}
    statements = {r["item"] for r in rows(str(QUERIES / "report" / "un-statements.rq")) if r["state"] == CHN}
    statements |= {iri for iri, kind in evidence.items() if kind in UN_KINDS}
    positions = {r["position"]: r.get("date") for r in rows("state-positions-contesting-findings", state=CHN)}
    return {
        "obligation": len(bound),
        "incident": sum(1 for i in incidents if items[i]["date"]),
        "finding": sum(1 for s in statements if items[s]["date"] and items[s]["lane"] == "finding"),
        "recommendation": sum(1 for s in statements if items[s]["date"] and items[s]["lane"] == "recommendation"),
        "position": sum(1 for date in positions.values() if date),
    }


class _Resources(HTMLParser):
    """Collect every address the document would load by itself (src, link href, CSS url(), xlink:href)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.external_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "srcset", "data", "poster", "xlink:href", "background"):
            if values.get(name):
                self.loads.append(f"{tag}[{name}]={values[name]}")
        if tag == "link" and values.get("href"):
            self.loads.append(f"link[href]={values['href']}")
        href = values.get("href") or ""
        if tag == "a" and not href.startswith("#"):
            self.external_links.append(href)


# -- fixtures ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def check_chn() -> dict:
    code, document = run_json("check", "--state", "CHN")
    assert code == 0
    return document


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "chn.html"
    result = run("report", "--state", "CHN", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "wrote" in result.stderr
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@pytest.fixture(scope="module")
def opened(browser, report_file):
    """The report opened in Chromium (file://), with every request it made recorded."""
    page = browser.new_page()
    requests = record_requests(browser, page)
    page.goto(report_file.as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # anything the page would fetch after load
    yield page, requests
    page.close()


# -- the report in the browser -----------------------------------------------------------------------------
def test_no_request_leaves_the_page(opened, report_file):
    _, requests = opened
    assert set(requests) == {report_file.as_uri()}, requests
    parser = _Resources()
    parser.feed(report_file.read_text(encoding="utf-8"))
    assert parser.loads == []
    assert "url(" not in report_file.read_text(encoding="utf-8")
    # The only external addresses are links a reader clicks, to sources (URLs, or UN documents by symbol).
    assert parser.external_links and all(h.startswith(("http://", "https://")) for h in parser.external_links)


def test_summary_rows_are_the_findings_of_check(opened, check_chn):
    page, _ = opened
    findings = check_chn["findings"]
    table_rows = page.locator("table.findings tbody tr.finding")
    assert table_rows.count() == len(findings) > 0
    for i, finding in enumerate(findings):
        row = table_rows.nth(i)
        assert row.get_attribute("data-obligation") == finding["obligation"]["iri"]
        assert row.locator("th.obligation").inner_text().strip() == finding["obligation"]["label"]
        assert row.locator(".bound-since time").inner_text() == finding["bound_since"]
        assert row.locator(".evidence-count").inner_text().strip() == str(len(finding["evidence"]))
        first = finding["first_breach"]
        breach = row.locator(".first-breach")
        if first is None:
            assert breach.inner_text().strip() == "none dated"
        else:
            dates = first["date"] + (f"..{first['end_date']}" if first["end_date"] else "")
            assert breach.locator(".date").inner_text().strip() == dates
            assert breach.locator(".label").inner_text().strip() == first["label"]


def test_timeline_has_one_mark_per_dated_item(opened, check_chn):
    page, _ = opened
    expected = expected_marks(check_chn)
    marks = page.locator("#CHN-timeline svg .mark")
    assert marks.count() == sum(expected.values())
    for lane, count in expected.items():
        assert page.locator(f"#CHN-timeline svg .mark-{lane}").count() == count, lane
    # Every mark can be reached with the keyboard, and the table equivalent lists the same marks.
    assert page.locator("#CHN-timeline svg .mark[tabindex='0']").count() == marks.count()
    assert page.locator("#CHN-timeline table.timeline-table tbody tr.dated").count() == marks.count()
    # The obligations' marks sit on the dates they bind since.
    bound = {r["since"] for r in rows("obligations-binding-state", state=CHN) if "since" in r}
    obligation_marks = page.locator("#CHN-timeline svg .mark-obligation")
    dates = {obligation_marks.nth(i).get_attribute("data-date") for i in range(obligation_marks.count())}
    assert dates == bound
    assert {f["bound_since"] for f in check_chn["findings"]} <= dates


def test_incident_counts_are_those_of_check(opened, check_chn):
    page, _ = opened
    incidents = {e["iri"]: e for f in check_chn["findings"] for e in f["evidence"] if e["kind"] in INCIDENT_KINDS}
    assert incidents
    for iri, incident in incidents.items():
        cells = page.locator(f"#{anchor('CHN', iri)} table.counts tbody td")
        assert cells.count() == len(incident["counts"]), iri
        for k, claim in enumerate(incident["counts"]):
            text = cells.nth(k).inner_text()
            assert (str(claim["people"]) if claim["people"] is not None else claim["text"]) in text, (iri, text)
    # Disagreements are flagged on the incident (the 9 October 2023 return: D10 on the count).
    mass_return = page.locator(f"#{anchor('CHN', ID + 'inc/2023-10-09')}")
    assert mass_return.locator(".flag", has_text="sources disagree").count() == 1
    assert "D10" in mass_return.locator(".disagreement").first.inner_text()


def test_mark_details_show_on_hover_and_on_keyboard_focus(opened):
    page, _ = opened
    tooltip = page.locator("#tooltip")
    incident = page.locator("#CHN-timeline svg .mark-incident").first
    incident.focus()
    assert tooltip.is_visible()
    label = incident.get_attribute("aria-label")
    assert label.split(": ", 1)[1] in tooltip.inner_text()
    assert tooltip.locator("a.src").count() >= 1  # its sources, as links
    page.keyboard.press("Escape")
    assert not tooltip.is_visible()
    position = page.locator("#CHN-timeline svg .mark-position").first
    position.hover()
    assert tooltip.is_visible()
    assert position.get_attribute("aria-label").split(": ", 1)[1] in tooltip.inner_text()


def test_page_is_accessible_and_prints(opened, tmp_path):
    page, _ = opened
    assert page.locator("h1").count() == 1
    assert page.locator("svg.timeline > title").text_content().startswith("Timeline of China")
    assert "dated marks" in page.locator("svg.timeline > desc").text_content()
    headers = page.locator("th")
    assert all(headers.nth(i).get_attribute("scope") in ("col", "row") for i in range(headers.count()))
    save_artifact(page, "report-chn.png", tmp_path)
    assert (tmp_path / "report-chn.png").stat().st_size > 10_000
    page.emulate_media(media="print")
    try:
        assert not page.locator("nav").is_visible()
        assert page.locator("table.findings").is_visible()
    finally:
        page.emulate_media(media="screen")


# -- the command and the service ---------------------------------------------------------------------------
def test_report_of_every_state_with_findings(tmp_path, bundled_check):
    path = tmp_path / "all.html"
    assert run("report", "-o", str(path)).exit_code == 0
    html = path.read_text(encoding="utf-8")
    for state in {f["state"] for f in bundled_check["findings"]}:
        assert f'<section class="dossier" id="{state}"' in html
    assert html.count('class="finding"') == len(bundled_check["findings"])


def test_unknown_state_and_unwritable_output_are_input_errors(tmp_path):
    result = run("report", "--state", "XXX", "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 2 and "unknown State code 'XXX'" in result.stderr
    result = run("report", "--state", "CHN", "-o", str(tmp_path / "missing" / "x.html"))
    assert result.exit_code == 2 and "cannot write the report" in result.stderr
    assert "Traceback" not in result.stderr


def test_report_on_a_fixture_graph_escapes_what_the_data_says(write_graph):
    hostile = forced_return("r1", "2005-03-01").replace('"Return r1"@en', '"Return <script>alert(1)</script>"@en')
    path = write_graph(BASE_WORLD, participation("2000-01-01", "2000-02-01"), hostile)
    store = store_with_files([path])
    derive_bindings(store)
    html = build_report(store, "AAA")
    assert "<script>alert(1)</script>" not in html
    assert "Return &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('<tr class="finding"') == 1
    assert html.count('class="mark mark-') == 3  # the obligation, the return, the UN finding


def test_no_report_is_built_from_bad_data(write_graph):
    unsourced = forced_return("r1", "2005-03-01").replace("; prov:wasDerivedFrom ex:source", "")
    store = store_with_files([write_graph(BASE_WORLD, participation("2000-01-01", "2000-02-01"), unsourced)])
    derive_bindings(store)
    with pytest.raises(DataQualityError) as raised:
        build_report(store, "AAA")
    assert raised.value.exit_code == 1
