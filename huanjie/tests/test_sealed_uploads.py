"""An upload waiting for its confirmation is never in clear on disk (SECURITY.md D2, R2): the file
under VAR_DIR/uploads is sealed (huanjie.lib.sealedfile) as it arrives and holds no name, no ID
number and no workbook magic; every kind is still read (by its content, after decryption), the
confirmed job still imports, and a stored file that fails authentication fails its job with one
Chinese message — never a 500 — with the file deleted and nothing written."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from huanjie.audit.models import AuditEvent
from huanjie.conftest import VILLAGE
from huanjie.elections.models import CampaignVillage
from huanjie.lib import sealedfile
from huanjie.uploads import services
from huanjie.uploads.services import MSG_STORED_BROKEN, uploads_dir
from huanjie.voters import imports
from huanjie.voters.models import ImportJob, VoterRegistration
from huanjie.voters.tests.test_import import GOOD, IMMEDIATE, csv_bytes, xlsx_bytes

DATA = Path(__file__).resolve().parent.parent / "lib" / "tests" / "data"
NAMES = [row[0] for row in GOOD[1:]]  # 张伟, 李秀英, 马·阿里
IDS = [row[1] for row in GOOD[1:]]


@pytest.fixture(autouse=True)
def _own_uploads_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def _preview(cast, campaign, data: bytes, name: str) -> ImportJob:
    return imports.roll_import_preview(
        actor=cast.county_officer,
        campaign=campaign,
        village=CampaignVillage.objects.get(campaign=campaign, region_id=VILLAGE),
        upload=SimpleUploadedFile(name, data),
    )


def _confirm(cast, job: ImportJob) -> ImportJob:
    with override_settings(TASKS=IMMEDIATE):
        imports.roll_import_run(actor=cast.county_officer, job=job)
    job.refresh_from_db()
    return job


def _in_clear(raw: bytes, needle: str) -> bool:
    return any(needle.encode(enc) in raw for enc in ("utf-8", "gb18030", "utf-16-le"))


def _ods_bytes(rows: list[list[str]]) -> bytes:
    def row(values: list[str]) -> str:
        cells = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in values
        )
        return f"<table:table-row>{cells}</table:table-row>"

    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        '<office:body><office:spreadsheet><table:table table:name="名单">'
        f"{''.join(row(r) for r in rows)}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [("名单.csv", csv_bytes(GOOD)), ("名单.xlsx", xlsx_bytes(GOOD))],
    ids=["csv", "xlsx"],
)
def test_a_waiting_upload_holds_no_name_or_id_number_in_clear_and_confirm_imports(
    cast, campaign, name, data
):
    job = _preview(cast, campaign, data, name)
    assert job.status == ImportJob.Status.PREVIEW, job.message
    assert job.accepted == 3
    stored = Path(job.stored_path)
    assert stored.parent == uploads_dir()
    raw = stored.read_bytes()
    for needle in [*NAMES, *IDS, IDS[0][:17], IDS[0][-8:]]:
        assert not _in_clear(raw, needle), needle
    assert b"PK\x03\x04" not in raw and "姓名".encode() not in raw
    assert raw.startswith(sealedfile.MAGIC)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert job.sha256 == hashlib.sha256(data).hexdigest()  # of the plaintext

    done = _confirm(cast, job)
    assert done.status == ImportJob.Status.SUCCEEDED, done.message
    assert VoterRegistration.objects.filter(village_id=VILLAGE).count() == 3
    assert not stored.exists() and not done.stored_path
    assert list(uploads_dir().iterdir()) == []


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("名单.ods", _ods_bytes(GOOD), ImportJob.Status.PREVIEW, ""),
        # Read as what it is, whatever its name: decided by the decrypted bytes.
        ("名单.xls", xlsx_bytes(GOOD), ImportJob.Status.PREVIEW, ""),
        ("名单.csv", xlsx_bytes(GOOD), ImportJob.Status.PREVIEW, ""),
        # A real .xls (olefile, then calamine): its two rows read, and refused for a problem.
        ("roll.xls", (DATA / "roll.xls").read_bytes(), ImportJob.Status.REJECTED, "文件有"),
    ],
    ids=["ods", "xlsx-named-xls", "xlsx-named-csv", "xls"],
)
@pytest.mark.parametrize("memfd", [True, False], ids=["memfd", "tempfile"])
def test_every_kind_is_read_from_the_sealed_file(
    cast, campaign, monkeypatch, tmp_path, name, data, status, message, memfd
):
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    if not memfd:  # a system without memfd_create: a private temporary file, deleted after
        monkeypatch.delattr(os, "memfd_create")
    job = _preview(cast, campaign, data, name)
    assert job.status == status, job.message
    assert job.message.startswith(message)
    assert job.total_rows == (3 if status == ImportJob.Status.PREVIEW else 2)
    assert list(private.iterdir()) == []  # nothing decrypted was left behind


def _flip(path: Path, at: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[at] ^= 0x01
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    "damage",
    ["flip-body", "flip-last-tag", "flip-key-check", "cut-short", "moved", "key-dropped"],
)
def test_a_stored_file_that_fails_authentication_fails_its_job_cleanly(
    cast, campaign, settings, damage
):
    job = _preview(cast, campaign, csv_bytes(GOOD), "名单.csv")
    assert job.status == ImportJob.Status.PREVIEW, job.message
    stored = Path(job.stored_path)
    size = stored.stat().st_size
    header = len(sealedfile.MAGIC) + 5 + 1 + sealedfile.SALT_BYTES + sealedfile.CHECK_BYTES
    if damage == "flip-body":
        _flip(stored, header + 5)
    elif damage == "flip-last-tag":
        _flip(stored, size - 1)
    elif damage == "flip-key-check":
        _flip(stored, header - 1)
    elif damage == "cut-short":
        stored.write_bytes(stored.read_bytes()[:-1])
    elif damage == "moved":  # another job's sealed file put in its place: the name is sealed in
        other = _preview(cast, campaign, csv_bytes(GOOD[:2]), "名单.csv")
        Path(other.stored_path).replace(stored)
    else:  # the key version that sealed it was dropped from HUANJIE_FIELD_KEYS meanwhile
        settings.HUANJIE_FIELD_KEYS = "2:" + base64.b64encode(b"k" * 32).decode()

    client = cast.client(cast.county_officer)
    with override_settings(TASKS=IMMEDIATE):
        response = client.post(reverse("voters:import_confirm", kwargs={"job_id": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message == MSG_STORED_BROKEN
    assert not job.stored_path and not stored.exists()
    assert not VoterRegistration.objects.exists()
    assert AuditEvent.objects.filter(
        action="voters.import", object_id=str(job.pk), outcome="failure"
    ).exists()
    page = client.get(response["Location"])
    assert page.status_code == 200 and MSG_STORED_BROKEN in page.content.decode()


def test_open_upload_hands_out_nothing_of_a_file_that_fails(tmp_path):
    """The whole file is authenticated before the reader sees a path: a damaged last chunk
    fails before the first chunk's bytes reach anybody."""
    limits = imports.ROLL.limits
    upload = tmp_path / "名单.csv"
    upload.write_bytes(b"x" * (sealedfile.CHUNK_BYTES + 10))
    stored, _ = services.store_upload(upload, limits)
    _flip(stored, stored.stat().st_size - 1)
    with pytest.raises(services.StoredUploadBroken), services.open_upload(stored, limits):
        pytest.fail("a path was handed out")
