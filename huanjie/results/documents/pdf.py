"""A version's documents as A4 PDFs (WeasyPrint, WenQuanYi Micro Hei only: a Noto CJK face costs
seconds of subsetting a file, ECOSYSTEM.md §2.6). The notice and the Party report follow GB/T
9704-2012 (margins 37/28/35/26 mm, 2号 title, 3号 body of 22 lines, 成文日期 right-indented four
characters, 页码 "— 1 —"); the certificates and the record sheet are forms of their own.
"""

from __future__ import annotations

from typing import Any

from huanjie.lib.pdf import render_pdf
from huanjie.results.documents import texts
from huanjie.results.documents.data import Facts
from huanjie.results.documents.qr import qr_svg_data_uri


def _common(f: Facts) -> dict[str, Any]:
    return {
        "f": f,
        "qr": qr_svg_data_uri(f.verify_url),
        "code_line": texts.CODE_LINE.format(code=f.code),
        "code_help": texts.CODE_HELP,
    }


def _signed(doc: texts.Notice | texts.Report) -> dict[str, Any]:
    sign_em, date_em = texts.sign_indents(doc.signature, doc.dated)
    return {
        "doc": doc,
        "title_lines": texts.title_lines(doc.title, max_em=20),  # 156 mm of 2号 (22 pt)
        "sign_em": sign_em,
        "date_em": date_em,
    }


def notice_pdf(f: Facts) -> bytes:
    return render_pdf("results/documents/notice.html", {**_common(f), **_signed(texts.notice(f))})


def certificates_pdf(f: Facts) -> bytes:
    return render_pdf(
        "results/documents/certificates.html",
        {
            **_common(f),
            "certificates": [
                (c, *texts.sign_indents(c.issuer, c.dated)) for c in texts.certificates(f)
            ],
            "cert_title": ["当选证书"],
        },
    )


def party_report_pdf(f: Facts) -> bytes:
    return render_pdf(
        "results/documents/party_report.html", {**_common(f), **_signed(texts.party_report(f))}
    )


def record_pdf(f: Facts) -> bytes:
    doc = texts.record(f)
    return render_pdf(
        "results/documents/record.html",
        {**_common(f), "doc": doc, "title_lines": texts.title_lines(doc.title, max_em=29)},
    )
