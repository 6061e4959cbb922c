"""A town officer logs in, sees the villages of their town, and gets 404 for another town's."""

from __future__ import annotations

import pytest

from huanjie.accounts.models import User
from huanjie.browser_tests.conftest import shot
from huanjie.conftest import OTHER_TOWN_VILLAGE, PASSWORD, TOWN, otp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    """The password, then the authenticator's code (SECURITY.md A5): at the first login the
    page shows a QR code to bind the authenticator, then the recovery codes, once."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if not page.url.endswith("/accounts/login/code/"):
        return
    binding = page.get_by_role("img", name="绑定手机验证器的二维码").count() > 0
    shot(page, "second-factor-bind" if binding else "second-factor-code")
    page.get_by_label("动态口令").fill(otp_code(User.objects.get(username=username)))
    page.get_by_role("button", name="绑定并登录" if binding else "验证并登录").click()
    page.wait_for_load_state()
    if binding:
        assert page.locator(".hj-recovery-codes li").count() == 10
        shot(page, "second-factor-recovery-codes")
        page.get_by_role("link", name="我已妥善保存，继续").click()
        page.wait_for_load_state()


def test_a_town_officer_sees_their_villages_and_not_another_towns(page, live_server, cast):
    login(page, live_server, "town")
    assert page.url == f"{live_server.url}/"
    shot(page, "town-home")

    page.goto(f"{live_server.url}/regions/{TOWN}/")
    table = page.get_by_test_id("children")
    assert table.get_by_role("link", name="红河限村").is_visible()
    assert table.get_by_role("link", name="毛家寨村").is_visible()
    assert table.get_by_role("link", name="人民路南社区").is_visible()
    assert page.get_by_text("东门村").count() == 0
    shot(page, "town-villages")

    response = page.goto(f"{live_server.url}/regions/{OTHER_TOWN_VILLAGE}/")
    assert response is not None and response.status == 404
    assert page.get_by_text("页面不存在").count() >= 1 or page.get_by_text("未找到").count() >= 1
    shot(page, "town-404")


def test_the_layout_fits_a_phone(browser, live_server, cast):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
    )
    page = context.new_page()
    login(page, live_server, "county")
    page.goto(f"{live_server.url}/regions/630121/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways on a phone: {width}px"
    shot(page, "county-phone")
    context.close()
