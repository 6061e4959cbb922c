"""HTTP hardening (SECURITY.md D1, H1, H2, S3): the Content-Security-Policy, no inline script in
any template, unusual methods refused, and the transport settings a production environment gets
from its variables, checked by `huanjie check --deploy`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PACKAGE_DIR = Path(settings.BASE_DIR)

# The environment docs/operations.md documents for production (behind an HTTPS proxy).
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k7#Qz9!vR2@pL5$wX8^nB3&mT6*yH1(dF4)gJ0_cV-eS+aU=oI",
    "HUANJIE_FIELD_KEYS": "2:qkI0s6i2ZcDWm7m9Pp5C8T0t5yqz0nQ6Gm9i4Y3e2bE=",
    "HUANJIE_LOOKUP_KEY": "b1f0e5c5d2a84e0f9e7b3c6a1d8f2e4b",
    "HUANJIE_HTTPS": "1",
    "HUANJIE_ALLOWED_HOSTS": "huanjie.mz.qh.gov.cn",
    "HUANJIE_CSRF_TRUSTED_ORIGINS": "https://huanjie.mz.qh.gov.cn",
    "HUANJIE_TRUSTED_PROXY": "1",
}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUANJIE_", "DJANGO_"))}
    env.pop("ALLOWED_HOSTS", None)
    env.pop("SESSION_COOKIE_SECURE", None)
    env["DJANGO_SETTINGS_MODULE"] = "huanjie.settings"
    env["HUANJIE_VAR_DIR"] = os.environ.get("HUANJIE_VAR_DIR", str(PACKAGE_DIR.parent / "var"))
    return env | extra


def _settings_under(env: dict[str, str], *names: str) -> dict[str, str]:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        f"print('\\n'.join(repr(getattr(s, n, None)) for n in {list(names)!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    return dict(zip(names, out.splitlines(), strict=True))


# --- Content-Security-Policy --------------------------------------------------------------------
def test_every_page_sends_the_content_security_policy(client, cast):
    for response in (
        client.get("/accounts/login/"),
        cast.client(cast.county_officer).get("/"),
    ):
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'none'"
        assert "unsafe" not in directives["script-src"]


# An executable script element: <script> without src, unless it is a JSON data block
# (json_script), which the browser never runs.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=[\"']application/(?:ld\+)?json[\"'])[^>]*>",
    re.IGNORECASE,
)
# onclick=, onload=, ... and javascript: URLs, which a CSP without 'unsafe-inline' blocks too;
# hx-on* attributes would need 'unsafe-eval'.
INLINE_HANDLER = re.compile(r"\s(?:on[a-z]+|hx-on[:\w-]*)\s*=|javascript:", re.IGNORECASE)


def _templates() -> list[Path]:
    return [p for p in PACKAGE_DIR.rglob("templates/**/*.html") if "browser_tests" not in p.parts]


def test_no_template_has_an_inline_script_or_handler():
    offenders = []
    for template in _templates():
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            offenders += [f"{template}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not offenders, "\n".join(offenders)


def test_the_inline_patterns_catch_what_the_csp_would_block():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/huanjie.js"></script>')
    assert not INLINE_SCRIPT.search('<script id="c" type="application/json">{}</script>')
    assert INLINE_HANDLER.search('<button onclick="print()">')
    assert INLINE_HANDLER.search('<a href="javascript:void(0)">')
    assert INLINE_HANDLER.search('<div hx-on:click="x()">')
    assert not INLINE_HANDLER.search('<button data-hj-print class="btn">')


# --- methods --------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["TRACE", "TRACK", "CONNECT", "PROPFIND", "DEBUG"])
def test_unusual_methods_are_refused_with_405(client, cast, method):
    for c in (client, cast.client(cast.county_officer)):
        response = c.generic(method, "/")
        assert response.status_code == 405
        assert "TRACE" not in response["Allow"]
        assert b"sessionid" not in response.content


def test_ordinary_methods_still_reach_the_views(client, db):
    assert client.get("/healthz").status_code == 200
    assert client.head("/healthz").status_code == 200


# --- transport --------------------------------------------------------------------------------------
def test_the_development_defaults_serve_plain_http():
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SECURE_HSTS_SECONDS == 0
    assert settings.SESSION_COOKIE_SECURE is False
    assert settings.SESSION_COOKIE_NAME == "sessionid"
    assert settings.SECURE_PROXY_SSL_HEADER is None
    assert "127.0.0.1" in settings.ALLOWED_HOSTS


def test_https_turns_on_redirect_hsts_and_host_only_secure_cookies():
    got = _settings_under(
        _env(**PRODUCTION_ENV),
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SECURE_PROXY_SSL_HEADER",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
    )
    assert got == {
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SESSION_COOKIE_NAME": "'__Host-sessionid'",
        "CSRF_COOKIE_NAME": "'__Host-csrftoken'",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "ALLOWED_HOSTS": "['huanjie.mz.qh.gov.cn']",
        "CSRF_TRUSTED_ORIGINS": "['https://huanjie.mz.qh.gov.cn']",
    }


def test_the_proxy_header_is_trusted_only_when_a_proxy_is_declared():
    env = _env(**PRODUCTION_ENV)
    del env["HUANJIE_TRUSTED_PROXY"]
    assert _settings_under(env, "SECURE_PROXY_SSL_HEADER") == {"SECURE_PROXY_SSL_HEADER": "None"}


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "huanjie", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_deploy_check_passes_under_the_production_environment():
    result = _deploy_check(_env(**PRODUCTION_ENV))
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_fails_without_https():
    env = _env(**PRODUCTION_ENV)
    del env["HUANJIE_HTTPS"]
    result = _deploy_check(env)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr
