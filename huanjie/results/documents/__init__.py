"""The documents of a result version (issue 12 item 2): the result notice (选举结果公告), the
certificates of election (当选证书), the record sheet (纪实表) and, for a Party election, the
report to the town Party committee (选举结果报告), each as an A4 PDF and as a Word file, each
printing the version's result code and a QR code of its public verification page.

Which version gives what:
- certified (in force) and superseded versions: every document of the body; a superseded one's
  pages all carry "已被更正 · 以第N版为准" (N the version in force);
- a town-certified version (the county has not certified it yet): the notice, the record and the
  Party report, headed "乡镇已确认 · 待县级确认" — the town announces on the spot — but never the
  certificates, which only a result the county approved may give;
- a draft, a proposed or a rejected correction: nothing (a Chinese refusal).

    data.py   the facts of a version (its canonical document + the elected people's profiles)
    texts.py  the wording of each document, shared by both writers
    pdf.py    WeasyPrint, templates in results/templates/results/documents/
    word.py   python-docx
    qr.py     the QR code (segno)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import ValidationError

from huanjie.elections.models import Body
from huanjie.results.documents import pdf, word
from huanjie.results.documents.data import Facts, facts_of
from huanjie.results.models import ResultVersion, VersionStatus

NOTICE: Final = "notice"
CERTIFICATES: Final = "certificates"
RECORD: Final = "record"
PARTY_REPORT: Final = "party_report"

KIND_LABELS: Final = {
    NOTICE: "选举结果公告",
    CERTIFICATES: "当选证书",
    RECORD: "换届选举纪实表",
    PARTY_REPORT: "选举结果报告",
}
FORMATS: Final = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
}
FORMAT_LABELS: Final = {"pdf": "PDF", "docx": "Word"}

# The versions that give documents, and those that give certificates.
DOCUMENT_STATUSES: Final = (
    VersionStatus.TOWN_CERTIFIED,
    VersionStatus.CERTIFIED,
    VersionStatus.SUPERSEDED,
)
CERTIFICATE_STATUSES: Final = (VersionStatus.CERTIFIED, VersionStatus.SUPERSEDED)

MSG_STATUS: Final = "第{number}版为“{status}”，没有可出具的文书"
MSG_NOT_APPROVED: Final = "第{number}版尚待县级确认，不得发放当选证书"
MSG_NO_WINNERS: Final = "第{number}版没有当选人，没有当选证书"
MSG_PARTY_CERTIFICATES: Final = "村党组织委员会的选举结果由上级党组织批复，不发当选证书"
MSG_NOT_PARTY: Final = "只有村党组织的选举有向乡镇党委的选举结果报告"

_WRITERS: Final[dict[tuple[str, str], Callable[[Facts], bytes]]] = {
    (NOTICE, "pdf"): pdf.notice_pdf,
    (NOTICE, "docx"): word.notice_docx,
    (CERTIFICATES, "pdf"): pdf.certificates_pdf,
    (CERTIFICATES, "docx"): word.certificates_docx,
    (RECORD, "pdf"): pdf.record_pdf,
    (RECORD, "docx"): word.record_docx,
    (PARTY_REPORT, "pdf"): pdf.party_report_pdf,
    (PARTY_REPORT, "docx"): word.party_report_docx,
}


def kinds_for(version: ResultVersion) -> list[str]:
    """The documents of the version's body, in the order the list page shows them."""
    if version.result.election.body == Body.PARTY:
        return [NOTICE, RECORD, PARTY_REPORT]
    return [NOTICE, CERTIFICATES, RECORD]


def refusal(version: ResultVersion, kind: str) -> str:
    """Why `kind` cannot be made from `version` now ("" when it can)."""
    status = VersionStatus(version.status)
    if status not in DOCUMENT_STATUSES:
        return MSG_STATUS.format(number=version.number, status=status.label)
    body = version.result.election.body
    if kind == PARTY_REPORT and body != Body.PARTY:
        return MSG_NOT_PARTY
    if kind == CERTIFICATES:
        if body == Body.PARTY:
            return MSG_PARTY_CERTIFICATES
        if status not in CERTIFICATE_STATUSES:
            return MSG_NOT_APPROVED.format(number=version.number)
        if not version.document["outcome"]["elected"]:
            return MSG_NO_WINNERS.format(number=version.number)
    return ""


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str
    content_type: str


def filename(version: ResultVersion, kind: str, fmt: str) -> str:
    """红河限村第13届村民委员会选举结果公告（第1版）.pdf; a superseded one says so."""
    doc = version.document
    village, term, body = doc["village"]["name"], doc["term"], doc["body_label"]
    stale = "（已被更正）" if version.status == VersionStatus.SUPERSEDED else ""
    return (
        f"{village}第{term}届{body}{KIND_LABELS[kind]}（第{version.number}版）{stale}"
        + (FORMATS[fmt][1])
    )


def render(version: ResultVersion, kind: str, fmt: str, verify_url: str) -> Rendered:
    """The document `kind` of `version` in `fmt`; refused (ValidationError) as `refusal` says.
    `verify_url` is the absolute address of the code's public page (the QR code's content)."""
    if (kind, fmt) not in _WRITERS:
        raise ValueError(f"{kind}.{fmt}")
    problem = refusal(version, kind)
    if problem:
        raise ValidationError(problem)
    facts = facts_of(version, verify_url)
    return Rendered(
        content=_WRITERS[(kind, fmt)](facts),
        filename=filename(version, kind, fmt),
        content_type=FORMATS[fmt][0],
    )
