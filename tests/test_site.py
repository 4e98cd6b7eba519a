"""The static site: Markdown and HTML from the models, checked as files and in a real browser.

The browser tests run headless Chromium (Debian's `chromium`) through Playwright for Python.
When either is missing they FAIL with the install command; they never skip.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pytest
import yaml

from aftaler.load.sets import load_set
from aftaler.findings import has_errors
from aftaler.project import Project
from aftaler.render.site import SiteDocument, escape_md, render_site, site_documents
from aftaler.check.validate import validate_set
from conftest import ROOT, SETS, edit
from docx_reader import normalise
from test_build import shown_texts

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
INSTALL_HINT = (
    "Browser-testene kræver Chromium og Playwright for Python; installér dem med scripts/browser-deps.sh "
    "(apt-get install -y chromium && python3 -m pip install playwright). "
    "The browser tests need Chromium and Playwright for Python: run scripts/browser-deps.sh. "
)
SCRIPT = "<script>window.pwned=1</script>"
BAD_LINK = "[x](javascript:alert(1))"
EMAIL, CONTACT = "xxxx@xx.xx", "Xxxx Xxxx"


# ------------------------------------------------------------------ building sites


def documents(folder: Path) -> list[SiteDocument]:
    """The models of a valid set, as the build gives them to the site."""
    project = Project()
    aset, findings = load_set(folder)
    findings += validate_set(aset, project)
    assert not has_errors(findings), [str(f) for f in findings]
    return site_documents(aset, project)


def amager_documents() -> list[SiteDocument]:
    """The example set, when it validates (it is being written alongside)."""
    project = Project()
    aset, findings = load_set(ROOT / "agreements" / "amager")
    findings += validate_set(aset, project)
    return [] if has_errors(findings) else site_documents(aset, project)


def write(files: dict[str, bytes], folder: Path) -> Path:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def copy_small_set(folder: Path) -> Path:
    shutil.copytree(SETS / "lille", folder)
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("$schema=../../../schemas/", f"$schema={ROOT}/schemas/"), encoding="utf-8")
    return folder


def hostile_set(folder: Path) -> Path:
    """The small set with script, raw HTML and unsafe links in plain and Markdown values."""
    copy_small_set(folder)
    agreement, delaftale = folder / "samarbejdsaftale.yaml", folder / "delaftale-beskaeftigelse.yaml"
    edit(agreement, "navn: Testby Kommune", f'navn: "Testby Kommune {SCRIPT}"')
    edit(agreement, "  tekst: Alle børn skal have {{ gode }} chancer.",
         "  tekst: |\n"
         f"    Alle børn {SCRIPT} skal have chancer. {BAD_LINK} [y](JaVaScRiPt:alert(2))\n"
         "    [z](data:text/html,hi) <img src=x onerror=\"window.pwned=3\"> [ok](https://example.org/a)\n"
         "    [w](//evil.example/x) [v](/etc/passwd) [u](\\\\evil.example)\n"
         "    <a id=\"falsk\"></a>\n\n"
         "    ```\n    en kodeblok, der aldrig lukkes")
    edit(delaftale, "navn: Jobcafé", f'navn: "Jobcafé {SCRIPT}"')
    edit(delaftale, "formaal: Hjælpe unge i job.", 'formaal: "Hjælpe unge i job.<script>window.pwned=4</script>"')
    edit(delaftale, "email: xxxx@xx.xx", 'email: "xxxx@xx.xx) [y](javascript:alert(5)"')
    return folder


@pytest.fixture(scope="module")
def small_docs() -> list[SiteDocument]:
    return documents(SETS / "lille")


@pytest.fixture(scope="module")
def small_files(small_docs) -> dict[str, bytes]:
    return render_site(small_docs)


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, bytes]:
    return render_site(documents(hostile_set(tmp_path_factory.mktemp("fjendtlig") / "lille")))


@pytest.fixture(scope="module")
def site(tmp_path_factory, small_docs) -> Path:
    """The small set and, if it validates, the Amager example, written as the build would."""
    return write(render_site(small_docs + amager_documents()), tmp_path_factory.mktemp("site"))


def text_of(page: bytes) -> str:
    """The visible text of an HTML page, whitespace normalised."""
    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts = []

        def handle_data(self, data):
            self.parts.append(data)

    parser = Text()
    parser.feed(page.decode("utf-8"))
    return normalise(re.sub(r"\s+", " ", " ".join(parser.parts)))


# ------------------------------------------------------------------ files


def test_every_page_and_asset_is_there(small_files):
    stems = ["index", *(p.stem for p in (SETS / "lille").glob("*.yaml"))]  # a page per source file
    figures = {name for name in small_files if name.startswith("lille/grafer/") and name.endswith(".svg")}
    assert "lille/grafer/organisationsdiagram.svg" in figures
    assert set(small_files) - figures == {
        "index.html", "index.md", "assets/site.css", "assets/search.js", "assets/search-index.js",
        *(f"lille/{stem}.{ext}" for stem in stems for ext in ("md", "html")),
    }


def test_rendering_is_deterministic(small_docs, small_files):
    assert render_site(small_docs) == small_files
    assert list(small_files) == sorted(small_files)


def test_every_text_value_is_on_the_web_pages(small_files):
    """The same check as for the Word files: nothing an author wrote is lost."""
    pages = {name: text_of(data) for name, data in small_files.items() if name.endswith(".html")}
    for source in sorted((SETS / "lille").glob("*.yaml")):
        page = pages[f"lille/{source.stem}.html"]
        for key, text in shown_texts(yaml.safe_load(source.read_text(encoding="utf-8"))):
            assert normalise(text) in page, f"{source.name}: {key} = {text!r} is not on the page"


def test_pages_mirror_the_word_sections(small_files):
    agreement = small_files["lille/samarbejdsaftale.md"].decode()
    for heading in ("1. Kort om boligområdet", "2. Vision for boligområdet", "3. Organisering",
                    "4. Samspil med centrale tiltag", "5. Overordnede mål og indikatorer", "6. Indsatsområder",
                    "7. Lokal evaluering", "8. Revision af samarbejdsaftalen"):
        assert re.search(rf"^## .*{re.escape(heading)}", agreement, re.M), heading
    delaftale = small_files["lille/delaftale-beskaeftigelse.md"].decode()
    for heading in ("Delaftalens parter", "Delmål og indikatorer for indsatsområdet", "Medarbejderressourcer",
                    "Sammenhæng med den kommunale indsats", "Revision af delaftalen", "Formål",
                    "Indhold og praksis", "Ansvars- og rollefordeling"):
        assert re.search(rf"^#+ .*{re.escape(heading)}", delaftale, re.M), heading


def test_sections_and_rows_carry_the_models_ids(small_files):
    agreement = small_files["lille/samarbejdsaftale.html"].decode()
    for ident in ("afd-nord", "afd-syd", "zone-1", "medarbejder-1", "dagtilbud-1-5", "bo-a"):
        assert f'<tr id="{ident}">' in agreement
    for ident in ("kort-om-boligomraadet", "organisering", "bestyrelsen", "unge", "beskaeftigelse"):
        assert re.search(rf'<h\d id="{ident}">', agreement), ident
    delaftale = small_files["lille/delaftale-beskaeftigelse.html"].decode()
    assert '<tr id="unge-i-job">' in delaftale and '<h3 id="jobcafe">' in delaftale
    budget = small_files["lille/budget.html"].decode()
    assert '<tr id="medarbejder-1-loen">' in budget and '<tr id="note-1">' in budget
    for name, data in small_files.items():
        if name.endswith(".html"):
            ids = re.findall(r' id="([^"]+)"', data.decode())
            assert len(ids) == len(set(ids)), f"{name}: duplicate ids"
            for body in re.findall(r"<tbody>(.*?)</tbody>", data.decode(), re.S):
                assert "<tr>" not in body, f"{name}: a table row without an anchor"


def test_numbers_and_dates_in_danish_style(small_files):
    agreement = text_of(small_files["lille/samarbejdsaftale.html"])
    assert "1.056" in agreement and "19,3 % (75 unge)" in agreement
    assert "1. januar 2024 – 31. december 2027" in agreement
    budget = text_of(small_files["lille/budget.html"])
    assert "2.464" in budget and "32 %" in budget
    landing = text_of(small_files["lille/index.html"])
    assert "1.300 lejemål" in landing and "2.464" in landing


def test_footnotes_of_each_field_stay_apart(small_set):
    agreement = small_set / "samarbejdsaftale.yaml"  # the same label as another field's footnote
    edit(agreement, "      - 29,2 % er uden tilknytning[^bd]", "      - 29,2 % er uden tilknytning[^kilde]")
    edit(agreement, "      [^bd]: Boligsociale data, 2020.", "      [^kilde]: Egen optælling, 2020.")
    page = render_site(documents(small_set))["lille/samarbejdsaftale.html"].decode()
    notes = page.split('<section class="footnotes"', 1)[1]
    assert "Boligsociale data, 2023." in notes and "Egen optælling, 2020." in notes
    assert page.count('class="footnote-ref"') == 2


def test_plain_values_cannot_become_markup():
    assert escape_md("*fed* _x_ [a](b) <b> `k` | #") == r"\*fed\* \_x\_ \[a\](b) \<b\> \`k\` \| \#"
    assert escape_md("1. januar") == r"1\. januar"
    assert escape_md("- ikke en liste") == r"\- ikke en liste"
    assert escape_md("to\nlinjer") == "to; linjer"
    assert escape_md(None) == ""


def test_author_html_and_unsafe_links_are_text(hostile_files):
    for name, data in hostile_files.items():
        page = data.decode()
        if not name.endswith(".html"):
            continue
        assert "<script>window" not in page and not re.search(r'<img(?! class="figur" src="grafer/[a-z0-9-]+\.svg")', page), name
        for href in re.findall(r'href="([^"]*)"', page):
            scheme = urlsplit(href).scheme
            assert scheme in ("http", "https", "mailto") or (not scheme and not href.startswith("/")), (name, href)
        assert '<span class="anchor" id="falsk">' not in page  # authors cannot forge our anchors
    agreement = hostile_files["lille/samarbejdsaftale.html"].decode()
    assert html.escape(SCRIPT, quote=False) in agreement
    assert "[x](javascript:alert(1))" in text_of(hostile_files["lille/samarbejdsaftale.html"])
    assert '<a href="https://example.org/a">ok</a>' in agreement
    # The unclosed code fence ends with its field; the next section is still a heading.
    assert re.search(r'<h2 id="organisering">', agreement)
    index = hostile_files["assets/search-index.js"].decode()
    assert "<script" not in index and "\\u003cscript>window.pwned=1" in index


def test_author_headings_stay_below_ours_and_other_kinds_render():
    from aftaler.model.text import AuthorMarkdown  # a Markdown field, as the model marks it from the schema
    doc = SiteDocument("nyt", "beretning", "index", "Årsberetning",
                       {"tekst": AuthorMarkdown("# Stor overskrift\n\nTekst med <b>html</b>."), "antal": 3})
    files = render_site([doc])
    page = files["nyt/index-2.html"].decode()  # "index" is the set's landing page
    assert re.findall(r"<(h\d)", page) == ["h1", "h2", "h3"]
    assert "&lt;b&gt;html&lt;/b&gt;" in page and "nyt/index.html" in files


def test_public_mode_leaves_out_contact_details(small_docs, small_files):
    everything = b"".join(small_files.values()).decode()
    assert EMAIL in everything and CONTACT in everything  # the default keeps them
    public = render_site(small_docs, public=True)
    everything = b"".join(public.values()).decode()
    assert EMAIL not in everything and CONTACT not in everything
    assert "leder" in text_of(public["lille/delaftale-beskaeftigelse.html"])  # the role stays
    assert "udeladt i den offentlige udgave" in text_of(public["lille/delaftale-beskaeftigelse.html"])


def test_public_mode_leaves_out_signers_and_emails_in_text(small_set):
    edit(small_set / "samarbejdsaftale.yaml", "    forkortelse: BoA\n",
         "    forkortelse: BoA\n    underskriver: {navn: Yyyy Yyyy, titel: direktør}\n")
    edit(small_set / "samarbejdsaftale.yaml", "lokal_evaluering: Vi formidler resultaterne hvert år.",
         "lokal_evaluering: Skriv til evaluering@example.org.")
    docs = documents(small_set)
    assert "Yyyy Yyyy, direktør" in text_of(render_site(docs)["lille/samarbejdsaftale.html"])
    page = text_of(render_site(docs, public=True)["lille/samarbejdsaftale.html"])
    assert "Yyyy" not in page and "direktør" in page and "evaluering@example.org" not in page


def test_search_index_is_a_script(small_files):
    source = small_files["assets/search-index.js"].decode()
    assert source.startswith("window.AFTALER_INDEX = ") and source.endswith(";\n")
    entries = json.loads(source.removeprefix("window.AFTALER_INDEX = ").removesuffix(";\n"))
    hit = next(e for e in entries if e["u"] == "lille/delaftale-beskaeftigelse.html#jobcafe-indhold")
    assert "Jobsøgning" in hit["x"] and hit["t"] == "Aktiviteter › Jobcafé › Indhold og praksis"


def test_amager_renders_when_it_validates():
    docs = amager_documents()
    if not docs:
        pytest.xfail("agreements/amager validerer ikke endnu")
    files = render_site(docs)
    assert "amager/index.html" in files and "amager/budget.html" in files
    assert sum(name.startswith("amager/delaftale-") for name in files) >= 2


# ------------------------------------------------------------------ in a real browser


def chromium_path() -> str | None:
    found = os.environ.get("AFTALER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).is_file() else None


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(INSTALL_HINT + "(Playwright mangler / is missing)", pytrace=False)
    executable = chromium_path()
    if executable is None:
        pytest.fail(INSTALL_HINT + "(Chromium mangler / is missing)", pytrace=False)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh tab that collects script errors and CSP violations."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.problems = []
    tab.on("pageerror", lambda exc: tab.problems.append(str(exc)))
    tab.on("console", lambda msg: msg.type == "error" and tab.problems.append(msg.text))
    yield tab
    context.close()


def html_pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def test_every_link_and_anchor_resolves(page, site):
    """Start at index.html, follow every link: each file exists, each #anchor is on its page."""
    start = (site / "index.html").as_uri()
    queue, visited, ids, anchors = [start], set(), {}, []
    while queue:
        url = queue.pop()
        if url in visited:
            continue
        visited.add(url)
        page.goto(url)
        ids[url] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        targets = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        targets += page.eval_on_selector_all("link[href], script[src]", "els => els.map(e => e.href || e.src)")
        for target in targets:
            parts = urlsplit(target)
            if parts.scheme in ("http", "https", "mailto"):
                continue  # an author's external link: not ours to check offline
            assert parts.scheme == "file", f"{url}: link with scheme {parts.scheme}: {target}"
            path = Path(url2pathname(parts.path))
            assert path.is_file(), f"{url}: broken link {target}"
            resolved = path.as_uri()
            if path.suffix == ".html":
                queue.append(resolved)
            if parts.fragment:
                anchors.append((url, resolved, unquote(parts.fragment)))
    assert {Path(url2pathname(urlsplit(u).path)) for u in visited} == set(html_pages(site)), "pages nobody links to"
    for source, target, fragment in anchors:
        assert fragment in ids[target], f"{source}: #{fragment} is not on {target}"
    assert len(anchors) > 50
    assert not page.problems, page.problems


def test_search_finds_an_activity_by_a_word_in_its_text(page, site):
    page.goto((site / "index.html").as_uri())
    for query in ("jobsøgning", "JOBSOEGNING", "jobsøgningen", "ugentlig café"):
        page.fill("#soegefelt", query)
        hits = page.locator("#soegeresultater a[href*='lille/delaftale-beskaeftigelse.html#jobcafe']")
        assert hits.count() >= 1, f"no hit for {query!r}"
    hits.first.click()
    page.wait_for_load_state()
    assert page.url.endswith("lille/delaftale-beskaeftigelse.html#jobcafe-indhold")
    assert page.locator("#jobcafe-indhold").is_visible()
    assert "Jobsøgning" in page.inner_text("main")
    page.fill("#soegefelt", "zxqv ingenting")
    assert "Ingen resultater" in page.inner_text("#soegestatus")
    assert not page.problems, page.problems


def test_injected_script_does_not_run_and_shows_as_text(page, tmp_path):
    site = write(render_site(documents(hostile_set(tmp_path / "lille"))), tmp_path / "site")
    for path in html_pages(site):
        page.goto(path.as_uri())
        assert page.evaluate("window.pwned") is None, path
        assert page.eval_on_selector_all("script", "els => els.map(s => s.getAttribute('src'))") == [
            f"{'../' if path.parent != site else ''}assets/{name}" for name in ("search-index.js", "search.js")]
        assert page.locator("a[href^='javascript:' i], a[href^='data:' i], [onerror]").count() == 0
    page.goto((site / "lille" / "samarbejdsaftale.html").as_uri())
    text = page.inner_text("main")
    assert SCRIPT in text and BAD_LINK in text
    page.fill("#soegefelt", "pwned")  # search results show the hostile text as text, too
    assert SCRIPT in page.inner_text("#soegeresultater")
    assert page.evaluate("window.pwned") is None


def test_public_site_hides_the_contact_email(page, small_docs, tmp_path):
    site = write(render_site(small_docs, public=True), tmp_path)
    page.goto((site / "lille" / "delaftale-beskaeftigelse.html").as_uri())
    text = page.inner_text("body")
    assert EMAIL not in text and CONTACT not in text and "Jobcenter Testby" in text
    page.fill("#soegefelt", "xxxx")
    assert EMAIL not in page.inner_text("body")


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth, outside = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-scroll')) continue;
    const box = el.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1)) outside.push(el.tagName + '.' + el.className);
  }
  const scrollers = [...document.querySelectorAll('.table-scroll')].filter(s => s.scrollWidth > s.clientWidth);
  return {page: document.documentElement.scrollWidth, width, outside: outside.slice(0, 5), scrollers: scrollers.length};
}"""


def test_narrow_screen_scrolls_only_inside_tables(browser, site, tmp_path_factory):
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2, is_mobile=True)
    tab = context.new_page()
    try:
        for path in html_pages(site):
            tab.goto(path.as_uri())
            result = tab.evaluate(OVERFLOW)
            assert result["page"] <= result["width"], f"{path.name} scrolls sideways: {result}"
            assert not result["outside"], f"{path.name}: {result['outside']}"
            # the wide budget is a card per line on a phone (tests/test_site_layout.py)
    finally:
        context.close()


def test_screenshots(browser, site, tmp_path_factory):
    """Saved for a human to judge the design (path printed; AFTALER_SKAERMBILLEDER copies them)."""
    folder = tmp_path_factory.mktemp("skaermbilleder")
    shots = [("forside", "index.html", 1280, None),
             ("samarbejdsaftale", "lille/samarbejdsaftale.html", 1280, None),
             ("budget", "lille/budget.html", 1280, None),
             ("mobil-delaftale", "lille/delaftale-beskaeftigelse.html", 375, None),
             ("soegning", "index.html", 1280, "jobcafé")]
    for name, target, width, query in shots:
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = context.new_page()
        tab.goto((site / target).as_uri())
        if query:
            tab.fill("#soegefelt", query)
        tab.screenshot(path=str(folder / f"{name}.png"), full_page=query is None)
        context.close()
        assert (folder / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("AFTALER_SKAERMBILLEDER"):
        shutil.copytree(folder, os.environ["AFTALER_SKAERMBILLEDER"], dirs_exist_ok=True)
    print(f"skærmbilleder: {folder}")


def test_print_layout_hides_navigation(page, site):
    page.goto((site / "lille" / "budget.html").as_uri())
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".set-nav").is_visible()
    assert page.locator("table").first.is_visible()
    page.emulate_media(media="screen")



def test_author_images_are_never_loaded():
    """Only our own figures are images; an author's image (a tracking pixel) shows as its alt text."""
    doc = SiteDocument("nyt", "beretning", "side", "Side",
                       {"tekst": "![spor](https://example.org/pixel.png) og ![lokal](grafer/x.svg.png)"})
    page = render_site([doc])["nyt/side.html"].decode()
    assert "<img" not in page and "spor" in page and "lokal" in page


def test_a_long_plain_value_on_the_generic_page_is_shown_as_typed(small_set, tmp_path):
    """The page of a kind without its own template (maalinger) cannot guess Markdown from a
    value's length: a long plain field keeps "&amp;" and "*x*" (found by test_properties)."""
    from aftaler.cli import main
    typed = "Tryghedssurvey fra VIVE &amp; kommunen, *ikke* vægtet, " + "med svar fra alle afdelinger " * 3
    edit(small_set / "maalinger.yaml", "    datakilde: Tryghedssurvey, VIVE\n", f"    datakilde: \"{typed.strip()}\"\n")
    assert main(["build", str(small_set), "-o", str(tmp_path / "ud")]) == 0
    page = (tmp_path / "ud" / "site" / small_set.name / "maalinger.html").read_text(encoding="utf-8")
    assert html.escape(typed.strip(), quote=False) in page


def test_the_generic_page_renders_a_markdown_field_and_escapes_a_plain_one():
    from aftaler.model.text import AuthorMarkdown
    from aftaler.render.site.generic import generic_markdown
    from aftaler.render.site.markdown import _anchor, _rich, escape_md
    text = "Et *vigtigt* afsnit om [VIVE](https://vive.dk) &amp; kommunen, langt nok til at stå for sig selv."
    markdown = generic_markdown({"noter": AuthorMarkdown(text), "kilde": text}, escape=escape_md, rich=_rich, anchor=_anchor)
    _, rich, plain = markdown.split("## ")
    assert "Et *vigtigt* afsnit om [VIVE](https://vive.dk) &amp; kommunen" in rich
    assert "Et \\*vigtigt\\* afsnit om \\[VIVE\\](https://vive.dk) \\&amp; kommunen" in plain
