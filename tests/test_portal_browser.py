"""A real browser on the portal: headless Chromium from the system's packages, driven by
Playwright, opens a member's link, uploads through the form, reads the findings on the page,
and opens the secretariat's page (intake-portal.md §5). In CI (`CI=true`) a missing browser
fails the run; elsewhere the test is skipped and says why."""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.portal_server import SAMPLES, Server, running

CHROMIUM = os.environ.get("IPSTAT_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (pip install playwright)"
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    why = _missing()
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test cannot run in CI: {why}")
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("portal-browser")
    inbox = root / "2016"
    inbox.mkdir()
    with running(inbox, root) as started:
        yield started


def test_a_member_uploads_in_a_browser_and_reads_its_findings(
    browser: Any, server: Server, make_workbook: Callable[..., Path]
) -> None:
    broken = make_workbook("bieu-ha-nam.xlsx", values={"fdi_new_projects": -3})
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        opened = page.goto(server.members["Hà Nam"])
        assert opened is not None
        assert opened.status == 200
        assert page.locator("h1").inner_text() == "Hà Nam"
        assert "Chưa nộp" in page.locator("#trang-thai").inner_text()
        page.set_input_files("input#tep", str(broken))
        page.click("button[type=submit]")
        page.wait_for_selector("#ket-qua")
        answer = page.locator("#ket-qua").inner_text()
        assert "Biểu còn" in answer
        assert "lỗi" in answer
        assert page.locator("table.findings tr.error").count() >= 1
        assert "Cần sửa" in page.locator("#trang-thai").inner_text()
        # Fixed in Excel and sent again: accepted.
        page.goto(server.members["Hà Nam"])
        page.set_input_files("input#tep", str(SAMPLES / "bieu-ha-nam-2016.xlsx"))
        page.click("button[type=submit]")
        page.wait_for_selector("#ket-qua")
        assert "Biểu hợp lệ: đã tiếp nhận" in page.locator("#ket-qua").inner_text()
        # The stylesheet was allowed by the Content Security Policy, and applied.
        color = page.eval_on_selector("header", "e => getComputedStyle(e).backgroundColor")
        assert color == "rgb(11, 61, 107)"

        secretariat = page.goto(server.secretariat)
        assert secretariat is not None
        assert secretariat.status == 200
        summary = page.locator("#tom-tat").inner_text()
        assert summary.startswith("Đã tiếp nhận 1/11")
        assert page.locator("table.status-table tbody tr").count() == 11
        assert not [e for e in errors if "Content Security Policy" in e]
    finally:
        page.close()
