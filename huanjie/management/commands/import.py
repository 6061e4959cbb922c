"""`huanjie import KIND FILE --scope CODE [--campaign ID] --user USERNAME [--dry-run]`: the same
pipeline as the upload page (the same checks, all or nothing, the same audit event as that
user), for provinces and counties that load files in batches. An import whose job has fields of
its own (`Importer.job_fields`: the roster's `--term N --reference-date YYYY-MM-DD`) takes them
as options. A province loading its roll in one file may raise the row and size limits the web
keeps (`--max-rows 2000000 --max-mb 400`); a spreadsheet stays within its cell limit. Prints a Chinese summary and every problem by row; exits 0 when the file was
accepted, 2 when it was refused."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from huanjie.accounts.models import User
from huanjie.elections.models import Campaign
from huanjie.lib import workbooks
from huanjie.regions.models import Region
from huanjie.uploads import services
from huanjie.uploads.importers import Importer, importer_of, importers
from huanjie.uploads.models import UploadJob

LEVELS = {"error": "错误", "doubtful": "待核实"}


class Command(BaseCommand):
    help = "导入文件：与网页上传相同的检查、全部成功或全部不导入、相同的审计记录"

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = "，".join(f"{i.kind}（{i.label}）" for i in importers())
        parser.add_argument("kind", help=f"导入类型：{kinds}")
        parser.add_argument("file", help="文件（.xlsx、.xls、.ods 或 .csv）")
        parser.add_argument("--scope", required=True, help="导入范围的区划代码（县、乡镇或村）")
        parser.add_argument("--campaign", type=int, help="换届编号（选民名单、党员名册须填）")
        parser.add_argument("--user", required=True, help="以哪个用户的身份导入（用户名）")
        parser.add_argument("--dry-run", action="store_true", help="只检查、预览，不写入")
        parser.add_argument(
            "--max-rows",
            type=int,
            help=f"数据行数上限（默认 {workbooks.MAX_ROWS}，仅命令行可放宽）",
        )
        parser.add_argument(
            "--max-mb",
            type=int,
            help=f"文件大小上限，MB（默认 {workbooks.MAX_FILE_BYTES // 2**20}，仅命令行可放宽）",
        )
        added: set[str] = set()
        for importer in importers():
            for f in importer.job_fields:
                if f.option not in added:
                    added.add(f.option)
                    parser.add_argument(f.option, dest=f.name, help=f"{f.help}（{importer.kind}）")

    def handle(self, *args: Any, **options: Any) -> None:
        code = self._run(**options)
        if code:
            sys.exit(code)

    def _fail(self, message: str) -> int:
        self.stderr.write(message)
        return 2

    def _run(self, **options: Any) -> int:
        try:
            importer = importer_of(options["kind"])
        except KeyError:
            known = "、".join(i.kind for i in importers())
            return self._fail(f"未知的导入类型“{options['kind']}”，可用：{known}")
        path = Path(options["file"])
        if not path.is_file():
            return self._fail(f"找不到文件：{path}")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            return self._fail(f"找不到用户“{options['user']}”（或已停用）")
        scope = Region.objects.filter(code=options["scope"]).first()
        if scope is None:
            return self._fail(f"找不到区划代码“{options['scope']}”")
        campaign = None
        if options.get("campaign") is not None:
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                return self._fail(f"找不到换届编号 {options['campaign']}")
        elif importer.needs_campaign:
            return self._fail(f"导入{importer.label}须用 --campaign 指定换届编号")
        fields: dict[str, Any] = {}
        for f in importer.job_fields:
            text = options.get(f.name)
            if text is None:
                return self._fail(f"导入{importer.label}须用 {f.option} 指定{f.help}")
            try:
                fields[f.name] = f.parse(text)
            except ValueError:
                return self._fail(f"{f.option}“{text}”不是有效的{f.help}")
        limits = importer.limits
        rows, mb = options.get("max_rows"), options.get("max_mb")
        if rows is not None or mb is not None:
            if (rows is not None and rows < 1) or (mb is not None and mb < 1):
                return self._fail("--max-rows、--max-mb 须为正整数")
            size = mb * 2**20 if mb else limits.max_bytes
            limits = replace(
                limits,
                max_rows=rows or limits.max_rows,
                max_bytes=size,
                max_uncompressed=max(limits.max_uncompressed, 5 * size),
            )
        try:
            job = services.upload_preview(
                importer=importer,
                actor=user,
                scope=scope,
                upload=path,
                campaign=campaign,
                fields=fields,
                limits=limits,
            )
            if job.status == UploadJob.Status.PREVIEW and not options["dry_run"]:
                job = services.upload_confirm(
                    importer=importer, actor=user, job=job, wait=True, limits=limits
                )
        except ValidationError as exc:
            return self._fail("；".join(exc.messages))
        self._report(importer, job, dry_run=options["dry_run"])
        accepted = job.status in (UploadJob.Status.PREVIEW, UploadJob.Status.SUCCEEDED)
        return 0 if accepted else 2

    def _report(self, importer: Importer, job: UploadJob, *, dry_run: bool) -> None:
        ok = job.status in (UploadJob.Status.PREVIEW, UploadJob.Status.SUCCEEDED)
        out = self.stdout if ok else self.stderr
        state = "预览通过（未写入）" if dry_run and ok else job.get_status_display()
        out.write(f"{importer.label}：{job.filename}（{job.region.display_name}）{state}")
        if job.message:
            out.write(job.message)
        counts = [f"数据行 {job.total_rows}"]
        if job.status != UploadJob.Status.REJECTED:
            preview = job.status == UploadJob.Status.PREVIEW
            counts += [
                f"{c.preview if preview else c.done} {getattr(job, c.field)}"
                for c in importer.counts
            ]
            counts.append(f"待核实 {job.doubtful}")
        counts.append(f"错误 {job.rejected}")
        out.write("，".join(counts))
        for p in job.problems:
            level = LEVELS.get(p.get("level", "error"), "")
            value = f"“{p['value']}”" if p.get("value") else ""
            out.write(f"第{p['row']}行 {p['field']}{value}：{p['message']}（{level}）")
