"""Playwright in Debian's chromium (/usr/bin/chromium), never a downloaded browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HUANJIE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("HUANJIE_SCREENSHOTS", "var/screenshots"))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"未找到 chromium（{CHROMIUM}）：请运行 sudo apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = context.new_page()
    # A script, handler or style the Content-Security-Policy blocks is a broken page (H2).
    blocked: list[str] = []
    pg.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield pg
    context.close()
    assert not blocked, "CSP violations:\n" + "\n".join(blocked)


@pytest.fixture
def sessions(browser, live_server) -> Iterator[Callable[[str], object]]:  # type: ignore[no-untyped-def]
    """A page per user, each in its own browser context, signed in (or not, for ""): a
    confirmation the page asks is accepted, as the user would; a CSP violation in any of them
    fails the test, as in the `page` fixture."""
    from huanjie.browser_tests.test_town_officer import login

    contexts: list[object] = []
    blocked: list[str] = []

    def open_as(username: str):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        contexts.append(context)
        pg = context.new_page()
        pg.on("dialog", lambda d: d.accept())
        pg.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        if username:
            login(pg, live_server, username)
        return pg

    yield open_as
    for context in contexts:
        context.close()  # type: ignore[attr-defined]
    assert not blocked, "CSP violations:\n" + "\n".join(blocked)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _flushable_audit_log(transactional_db: None) -> None:
    """A live-server test ends by emptying every table, which the audit log's append-only
    triggers refuse; in the throwaway test database they are dropped first."""
    from django.db import connection

    from huanjie.conftest import disable_audit_guard

    disable_audit_guard()
    # Likewise the SQLite trigger standing in for voters' composite reference (voters migration
    # 0007): the flush empties tables in hash order, and emptying the campaign's village list
    # before the registrations would be refused. PostgreSQL truncates all tables at once.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS registration_in_campaign_village_delete")
