"""The QR code every document prints beside its result code: the public verification page of
that code (verify:code), as an SVG data URI for the PDF (WeasyPrint draws it as vector) and as
a PNG for the Word file (python-docx takes raster pictures only). segno writes both without
Pillow."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from segno import QRCode


def _code(url: str) -> QRCode:
    import segno

    # Error level M: a notice on an outdoor board gets creased and stained.
    return segno.make(url, error="m")


def qr_svg_data_uri(url: str) -> str:
    return str(_code(url).svg_data_uri(scale=4, border=1))


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    _code(url).save(out, kind="png", scale=8, border=2)
    return out.getvalue()
