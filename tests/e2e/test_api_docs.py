"""The API's docs page (Swagger UI) in Chromium: under the site's content security policy, with
nothing loaded from another server, and usable with the session of a signed-in user."""

from __future__ import annotations

from urllib.parse import urlsplit


def test_api_docs__render_under_the_csp_from_local_files_only(browser, server):
    context = browser.new_context(base_url=server)
    page = context.new_page()
    problems: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto("/api/docs")
    page.wait_for_load_state("networkidle")
    assert page.locator(".opblock").count() >= 20
    assert problems == []  # a CSP violation is reported on the console
    assert hosts == {urlsplit(server).netloc}
    context.close()


def test_api_docs__try_it_out_with_the_session(sign_in):
    page = sign_in("fund_manager")
    page.goto("/api/docs")
    page.wait_for_load_state("networkidle")
    page.locator("#operations-fund-fund_ledger").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
