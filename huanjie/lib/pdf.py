"""PDF from HTML with WeasyPrint, for notices posted on a village board (ECOSYSTEM.md §1).

The CJK font is Debian's fonts-wqy-microhei ("WenQuanYi Micro Hei"): small and fast. Templates
set it on `html` and on every `@page` margin box, which do not inherit the body's font (the
footer would fall back to a font without Chinese glyphs). WeasyPrint is slow on long tables;
use it for notices, not for mass rolls.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

FONT_FAMILY = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif'


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: cairo/pango load takes ~0.3 s

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to PDF bytes; the template gets `font_family` too."""
    return html_to_pdf(render_to_string(template, {"font_family": FONT_FAMILY, **context}))
