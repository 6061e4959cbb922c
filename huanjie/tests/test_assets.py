"""The front-end assets are self-hosted, pinned and present; the base layout renders.

huanjie runs on intranets without internet access: a script, stylesheet or font from a CDN would
simply not load there. So every asset is vendored under huanjie/static/vendor/ by
scripts/vendor_assets.py, at the versions package-lock.json pins.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template import Context, Template
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import include, path

PACKAGE_DIR = Path(settings.BASE_DIR)  # huanjie/
ROOT = PACKAGE_DIR.parent
VENDOR = PACKAGE_DIR / "static" / "vendor"

# --- the names base.html reverses, for the rendering tests below (pytest.mark.urls) ----------
_accounts = (
    [
        path("accounts/login/", lambda r: HttpResponse(), name="login"),
        path("accounts/logout/", lambda r: HttpResponse(), name="logout"),
        path("accounts/password/", lambda r: HttpResponse(), name="password_change"),
        path("accounts/security/", lambda r: HttpResponse(), name="security"),
    ],
    "accounts",
)
urlpatterns = [path("", include(_accounts)), path("", lambda r: HttpResponse(), name="home")]
THIS_URLCONF = __name__


# --- versions -----------------------------------------------------------------------------------
def _lock_versions() -> dict[str, str]:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return {
        key.removeprefix("node_modules/"): entry["version"]
        for key, entry in lock["packages"].items()
        if key.startswith("node_modules/")
    }


def _vendored_versions() -> dict[str, str]:
    return json.loads((VENDOR / "VERSIONS.json").read_text(encoding="utf-8"))


def test_vendored_versions_are_the_locked_versions():
    lock = _lock_versions()
    vendored = _vendored_versions()
    assert vendored, "VERSIONS.json lists no package"
    for package, version in vendored.items():
        assert lock.get(package) == version, (
            f"{package}: vendored {version}, locked {lock.get(package)}"
        )


def test_package_json_pins_exact_versions_of_what_is_vendored():
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    deps = manifest["dependencies"]
    for package, spec in deps.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", spec), f"{package}: {spec!r} is not an exact version"
    assert deps == _vendored_versions()


def test_each_vendored_package_ships_its_licence_and_no_source_map():
    for package in _vendored_versions():
        folder = VENDOR / package
        assert (folder / "LICENSE").is_file(), f"{package} has no LICENSE"
        for file in folder.rglob("*"):
            assert not file.name.endswith(".map"), file
            if file.suffix in {".js", ".css"}:
                # The maps are not shipped; a dangling reference breaks ManifestStaticFilesStorage.
                assert b"sourceMappingURL" not in file.read_bytes()[-300:], file


def test_vendored_stylesheets_only_point_at_files_that_are_there():
    for css in VENDOR.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        for match in re.finditer(r"url\(\s*([\"']?)(.*?)\1\s*\)", text):
            target = match.group(2)
            if target.startswith("data:"):
                continue
            assert not re.match(r"(https?:)?//", target), f"{css.name} loads {target}"
            local = (css.parent / re.split(r"[?#]", target)[0]).resolve()
            assert local.is_file(), f"{css.name} points at missing {target}"


# --- templates ----------------------------------------------------------------------------------
def _template_files() -> list[Path]:
    engines: list[dict[str, Any]] = settings.TEMPLATES
    dirs = [Path(d) for engine in engines for d in engine.get("DIRS", [])]
    dirs += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    own = [d for d in dirs if d.is_dir() and d.resolve().is_relative_to(PACKAGE_DIR.resolve())]
    files = sorted({f for d in own for f in d.rglob("*") if f.suffix in {".html", ".txt", ".xml"}})
    assert files, "no templates found"
    return files


STATIC_TAG = re.compile(r"{%\s*static\s+([\"'])(.+?)\1")


def test_every_static_file_a_template_names_exists():
    missing = []
    for template in _template_files():
        for match in STATIC_TAG.finditer(template.read_text(encoding="utf-8")):
            if not finders.find(match.group(2)):
                missing.append(f"{template.relative_to(ROOT)}: {match.group(2)}")
    assert not missing, "missing static files:\n" + "\n".join(missing)


REMOTE = r"""\s*["']?\s*(?:https?:)?//"""
REMOTE_ASSET = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*="
    + REMOTE
    + r"|<link\b[^>]*\bhref\s*="
    + REMOTE
    + r"|url\("
    + REMOTE
    + r"|@import\s+(?:url\()?"
    + REMOTE,
    re.IGNORECASE,
)


def test_no_template_or_own_asset_loads_anything_from_another_server():
    own_assets = [
        f
        for f in (PACKAGE_DIR / "static").rglob("*")
        if f.suffix in {".css", ".js"} and VENDOR not in f.parents
    ]
    offenders = []
    for file in [*_template_files(), *own_assets]:
        for match in REMOTE_ASSET.finditer(file.read_text(encoding="utf-8")):
            offenders.append(f"{file.relative_to(ROOT)}: {match.group(0)}")
    assert not offenders, "remote assets (no internet on the intranet):\n" + "\n".join(offenders)


def test_the_remote_asset_pattern_catches_cdn_links():
    assert REMOTE_ASSET.search('<script src="https://cdn.example/htmx.js"></script>')
    assert REMOTE_ASSET.search("<link rel=stylesheet href=//cdn.example/b.css>")
    assert REMOTE_ASSET.search("@font-face { src: url('http://fonts.example/x.woff2') }")
    assert not REMOTE_ASSET.search('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    assert not REMOTE_ASSET.search('<a href="https://example.org/">link</a>')


# --- the layout renders -------------------------------------------------------------------------
class _Grants(list):
    def all(self):
        return self


def _user():
    return SimpleNamespace(
        is_authenticated=True,
        username="zhangsan",
        full_name="张三",
        region=SimpleNamespace(display_name="湟中区"),
        role_grants=_Grants(["县级工作人员(组织部/民政局)"]),
    )


def _render(name: str, url: str, **context) -> str:
    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    return get_template(name).render(context, request)


MENU = [
    ("工作台", [SimpleNamespace(label="首页", url="/")]),
    ("基础数据", [SimpleNamespace(label="行政区划", url="/regions/")]),
]


def _active_labels(html: str) -> list[str]:
    return re.findall(r'class="nav-link active"\s+href="[^"]*" aria-current="page">([^<]+)<', html)


@pytest.mark.urls(THIS_URLCONF)
def test_base_shows_the_user_the_menu_and_the_breadcrumbs():
    html = _render(
        "base.html",
        "/regions/630121/",
        user=_user(),
        menu=MENU,
        breadcrumbs=[("行政区划", "/regions/"), ("湟中区", None)],
    )
    assert '<html lang="zh-CN">' in html
    assert "张三" in html and "湟中区" in html and "县级工作人员" in html
    assert 'action="/accounts/logout/"' in html and "csrfmiddlewaretoken" in html
    assert "X-CSRFToken" in html
    assert _active_labels(html) == ["行政区划"]
    assert '<li class="breadcrumb-item active" aria-current="page">湟中区</li>' in html


@pytest.mark.urls(THIS_URLCONF)
def test_the_home_item_is_current_only_on_the_home_page():
    assert _active_labels(_render("base.html", "/", user=_user(), menu=MENU)) == ["首页"]
    assert _active_labels(_render("base.html", "/other/", user=_user(), menu=MENU)) == []


@pytest.mark.urls(THIS_URLCONF)
def test_active_menu_url_picks_one_of_two_nested_items():
    menu = [
        (
            "换届工作",
            [
                SimpleNamespace(label="换届列表", url="/elections/"),
                SimpleNamespace(label="新建换届", url="/elections/new/"),
            ],
        )
    ]
    html = _render("base.html", "/elections/new/", user=_user(), menu=menu)
    assert _active_labels(html) == ["换届列表", "新建换届"]  # by prefix alone
    html = _render(
        "base.html", "/elections/new/", user=_user(), menu=menu, active_menu_url="/elections/new/"
    )
    assert _active_labels(html) == ["新建换届"]


@pytest.mark.urls(THIS_URLCONF)
def test_an_anonymous_page_has_no_menu_and_no_account():
    html = _render("404.html", "/nope/")
    assert "页面不存在" in html
    assert "hj-sidebar" not in html and "accounts/logout" not in html


def test_pagination_keeps_the_other_parameters():
    page = Paginator(list(range(95)), 10).get_page(3)
    html = _render("includes/pagination.html", "/list/?q=东门&kind=village&page=3", page_obj=page)
    assert "第 3 / 10 页，共 95 条" in html
    assert "上一页" in html and "下一页" in html
    assert 'href="?q=%E4%B8%9C%E9%97%A8&amp;kind=village&amp;page=2"' in html
    assert 'href="?q=%E4%B8%9C%E9%97%A8&amp;kind=village&amp;page=4"' in html
    assert '<input type="hidden" name="kind" value="village">' in html
    assert '<input type="hidden" name="page"' not in html


def test_pagination_shows_nothing_for_an_empty_list():
    page = Paginator[int]([], 10).get_page(1)
    assert _render("includes/pagination.html", "/list/", page_obj=page).strip() == ""


def test_sort_header_toggles_the_order_and_goes_back_to_page_one():
    def header(sort: str) -> str:
        return _render(
            "includes/table_sort_header.html",
            "/list/?q=x&sort=" + sort + "&page=4",
            field="name",
            label="名称",
            sort=sort,
        )

    ascending = header("name")
    assert 'aria-sort="ascending"' in ascending and 'href="?q=x&amp;sort=-name"' in ascending
    descending = header("-name")
    assert 'aria-sort="descending"' in descending and 'href="?q=x&amp;sort=name"' in descending
    other = header("code")
    assert "aria-sort" not in other and 'href="?q=x&amp;sort=name"' in other


def test_empty_row_spans_the_table():
    html = get_template("includes/empty_row.html").render({"colspan": 5})
    assert 'colspan="5"' in html and "暂无数据" in html


@pytest.mark.urls(THIS_URLCONF)
def test_login_page_keeps_next_and_labels_in_chinese():
    from django.contrib.auth.forms import AuthenticationForm

    html = _render(
        "registration/login.html", "/accounts/login/?next=/regions/", form=AuthenticationForm()
    )
    assert "村(社区)“两委”换届工作平台" in html
    assert "用户名" in html and "密码" in html
    assert '<input type="hidden" name="next" value="/regions/">' in html
    assert "csrfmiddlewaretoken" in html


def test_500_needs_no_request_and_no_url():
    html = get_template("500.html").render({})
    assert "系统出现错误" in html
    # The engine's own Template too: no context processor, no request.
    assert "系统出现错误" in Template((PACKAGE_DIR / "templates" / "500.html").read_text()).render(
        Context()
    )
