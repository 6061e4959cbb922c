"""What an import is: a schema, a row check and a writer (``Importer``), and the one pipeline
that runs any of them over a file (``run_file``): the file's kind and safety checks, the header,
each row's own checks, then the writer inside one transaction that is rolled back unless the
run commits and no row has an error. A preview is the same run rolled back, so its counts are
exactly what the confirmed run does.

Each app declares its importers and registers them (``register``) when Django is ready (the
app's ``AppConfig.ready`` imports the module); the lifecycle (``uploads.services``), the job pages (``uploads.views``) and
``huanjie import KIND FILE`` find them here by kind.
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import pickle
import queue
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Final

from django.conf import settings
from django.db import connections, transaction

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, in_scope
from huanjie.audit.services import audit_record
from huanjie.lib import sheets, workbooks
from huanjie.lib.sheets import FileOutcome, Header, Schema
from huanjie.lib.workbooks import ImportRefused, Limits
from huanjie.regions.models import Region
from huanjie.uploads.models import UploadJob

Progress = Callable[[str, int], None]
PROGRESS_EVERY = 10_000

# Rows per chunk handed to a checking process (a few MB in flight per chunk).
PARALLEL_CHUNK = 2_000
MSG_CHECKER_DIED = "检查文件的后台进程意外退出（退出码 {code}），未导入任何数据，请重试"

MSG_DENIED = "没有导入该文件的权限"
MSG_SCOPE_LEVEL = "{label}只能按{levels}导入"


def no_progress(phase: str, done: int) -> None:
    pass


BLANK: Final = object()  # what `Load.read` answers for an empty row: skipped, not counted


class Load:
    """One run of an import over one file: `check` reads one data row (its own checks; issues
    into `outcome`) and returns what the writer needs, or None; `write` consumes the checked
    rows inside the run's transaction. `close` runs after the transaction, whatever happened."""

    # `read` needs nothing but the load's own state (no database): past the first
    # HUANJIE_IMPORT_PARALLEL_AFTER rows, it runs in HUANJIE_IMPORT_WORKERS processes.
    parallel: ClassVar[bool] = False

    def __init__(self, outcome: FileOutcome) -> None:
        self.outcome = outcome
        # The data rows the file holds, as estimated before reading it (run_file sets it), and
        # whether this is the file's second run, after `write` raised RunAgain.
        self.rows_estimate = 0
        self.again = False

    def read(self, number: int, cells: list[Any]) -> Any:
        """`check` for a row with anything in it, BLANK for an empty one. An import with a
        fast path for its common row tries it first and falls back to this."""
        if sheets.is_blank_row(cells):
            return BLANK
        return self.check(number, cells)

    def check(self, number: int, cells: list[Any]) -> Any:
        raise NotImplementedError

    def write(self, rows: Iterable[Any]) -> None:
        raise NotImplementedError

    def pack(self, items: list[Any]) -> list[Any]:
        """In a checking worker, a chunk's checked rows as they go to `write` (a `parallel`
        load may hand over fewer, bigger items: the roll's ready COPY text)."""
        return items

    def forked(self) -> None:
        """In a checking worker, once, before its first chunk (a `parallel` load may read
        differently there: the roll formats its COPY text as it reads)."""

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Count:
    """A count a job page shows: the job's field, its label before and after the run."""

    field: str
    preview: str
    done: str
    tone: str = ""  # "success", "warning", "danger"


@dataclass(frozen=True)
class JobField:
    """A field of an import's job that the user gives with the file (the roster's 届次 and
    基准日期): the job model's field, the command line's option (`huanjie import KIND FILE
    --term 11`) with its help, and `parse`, which turns the option's text into the value
    (ValueError: refused with the help's words). The upload page's form has a field of the same
    name; the importer's `authorize` checks the values."""

    name: str
    option: str
    help: str
    parse: Callable[[str], Any] = str


# What refuses any import into a campaign, whatever its kind: elections registers that a
# campaign whose personal data was purged is read-only (SECURITY.md P7) in its AppConfig.ready
# (this app sits below elections and may not import it).
campaign_guards: list[Callable[[Any], str | None]] = []


class Importer:
    """One kind of upload. Subclasses set the class attributes and write `prepare` (the Load
    for one file) and `fill` (the outcome's counts onto the job)."""

    kind: ClassVar[str]  # "roll", "changes", "party": `huanjie import KIND`
    label: ClassVar[str]  # 选民名单
    job_model: ClassVar[type[UploadJob]]
    schema: ClassVar[Schema]
    action: ClassVar[Action]
    audit_action: ClassVar[str]
    expire_action: ClassVar[str] = ""  # the audit action of an expired preview
    limits: ClassVar[Limits] = Limits()
    # Region levels a job's scope may have.
    levels: ClassVar[tuple[int, ...]] = (Region.Level.COUNTY, Region.Level.TOWN)
    needs_campaign: ClassVar[bool] = False
    # Fields of the job given with the file, besides the scope and the campaign.
    job_fields: ClassVar[tuple[JobField, ...]] = ()
    # A small file runs in the request that confirms it; a big one in the background worker.
    background: ClassVar[bool] = False
    counts: ClassVar[tuple[Count, ...]] = ()
    job_url_name: ClassVar[str]  # the job page's URL name, e.g. "voters:import_job"
    confirm_label: ClassVar[str] = "确认导入"
    confirm_note: ClassVar[str] = "全部导入或全部不导入。"
    msg_rejected: ClassVar[str] = "文件有 {n} 处错误，未导入任何数据，请修改后重新上传"
    msg_not_preview: ClassVar[str] = "该导入任务不是待确认状态，不能再次执行"
    msg_changed: ClassVar[str] = (
        "数据在预览后发生了变化，出现 {n} 处错误，未导入任何数据，请重新上传"
    )

    def new_outcome(self) -> FileOutcome:
        return FileOutcome()

    def new_job(
        self,
        *,
        actor: User,
        scope: Region,
        filename: str,
        campaign: Any = None,
        fields: Mapping[str, Any] | None = None,
    ) -> UploadJob:
        """An unsaved job for `scope` with the values of `job_fields` given in `fields`;
        ValidationError-free: `authorize` decides."""
        given = fields or {}
        values: dict[str, Any] = {f.name: given.get(f.name) for f in self.job_fields}
        if self.needs_campaign:
            values["campaign"] = campaign
        return self.job_model(
            region=scope, filename=filename[:200], sha256="", created_by=actor, **values
        )

    def authorize(self, actor: User, job: UploadJob) -> str | None:
        """None when `actor` may run this job, else the Chinese reason."""
        scope = job.region
        if not can(actor, self.action) or not in_scope(actor, scope.code):
            audit_denied(actor, self.action, obj=job if job.pk else scope)  # SECURITY.md L1
            return MSG_DENIED
        if scope.level not in self.levels:
            names: dict[int, str] = {
                Region.Level.COUNTY: "县(市、区)",
                Region.Level.TOWN: "乡镇(街道)",
                Region.Level.VILLAGE: "村(社区)",
            }
            return MSG_SCOPE_LEVEL.format(
                label=self.label, levels="或".join(names[lv] for lv in self.levels)
            )
        campaign = getattr(job, "campaign", None)
        if self.needs_campaign and (
            campaign is None or not scope.code.startswith(campaign.region_id)
        ):
            return MSG_DENIED
        if self.needs_campaign:
            for guard in campaign_guards:
                refusal = guard(campaign)
                if refusal:
                    return refusal
        return None

    def prepare(
        self, job: UploadJob, header: Header, outcome: FileOutcome, progress: Progress
    ) -> Load:
        raise NotImplementedError

    def fill(self, job: UploadJob, outcome: FileOutcome) -> None:
        """Copy the outcome's own counts onto the job (the common ones are copied already)."""

    def done_message(self, outcome: FileOutcome) -> str:
        return f"已导入 {outcome.total} 行"

    def audit_changes(self, job: UploadJob, outcome: FileOutcome) -> dict[str, Any]:
        changes: dict[str, Any] = {
            "filename": job.filename,
            "sha256": job.sha256,
            "region": job.region_id,
            "rows": outcome.total,
            "doubtful": outcome.doubtful_rows,
            "rejected": outcome.rejected_rows,
        }
        changes.update({c.field: getattr(job, c.field) for c in self.counts})
        return changes

    def upload_url(self, job: UploadJob) -> str:
        """Where the user uploads the next file (the job page's 重新上传)."""
        raise NotImplementedError


_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    _REGISTRY[importer.kind] = importer
    return importer


def importer_of(kind: str) -> Importer:
    """The importer of a kind; KeyError when unknown."""
    return _REGISTRY[kind]


def importers() -> list[Importer]:
    return list(_REGISTRY.values())


# ---------------------------------------------------------------------------------------------
# The pipeline.


class _Rollback(Exception):
    pass


class RunAgain(Exception):
    """Raised by a Load's `write` to have the whole file read and written once more with its
    `again` set, the run so far rolled back (the roll's bulk path, when a row breaks a unique
    index: the general path then finds the rows and says why)."""


def _checked(
    rows: Iterator[tuple[int, list[Any]]],
    load: Load,
    limits: Limits,
    progress: Progress,
    text: workbooks.CsvText | None = None,
) -> Iterator[Any]:
    """The checked rows the writer consumes, in file order: blank rows skipped, the rest
    counted (the file is refused past the row limit), progress reported every PROGRESS_EVERY
    rows. A `parallel` load's rows past the first HUANJIE_IMPORT_PARALLEL_AFTER are checked in
    worker processes while this one reads on and the writer writes (`text`: a csv's file, whose rest the
    workers then read themselves, handed whole lines)."""
    outcome = load.outcome
    read = load.read
    max_rows = limits.max_rows
    workers = settings.HUANJIE_IMPORT_WORKERS if load.parallel else 0
    after = settings.HUANJIE_IMPORT_PARALLEL_AFTER if workers else float("inf")
    total = number = 0
    for number, cells in rows:
        item = read(number, cells)
        if item is BLANK:
            continue
        total += 1
        if total > max_rows:
            raise ImportRefused(workbooks.MSG_TOO_MANY_ROWS.format(n=max_rows))
        if total % PROGRESS_EVERY == 0:
            outcome.total = total
            progress("checking", total)
        if item is not None:
            yield item
        # (a csv's rows the header search read ahead are checked here first: its text goes on
        # from the last row read from the file)
        if total >= after and (text is None or number >= text.last):
            break
    else:
        outcome.total = total
        return
    with _Checkers(load, workers) as checkers:
        parts = checkers.texts(text, number + 1) if text is not None else checkers.chunks(rows)
        for counted, items in checkers.run(parts):
            before, total = total, total + counted
            if total > max_rows:
                raise ImportRefused(workbooks.MSG_TOO_MANY_ROWS.format(n=max_rows))
            if total // PROGRESS_EVERY != before // PROGRESS_EVERY:
                outcome.total = total
                progress("checking", total)
            yield from items
    outcome.total = total


class _Checkers:
    """Worker processes that run a load's `read` over chunks of rows: this process reads the
    file and hands out chunks of PARALLEL_CHUNK rows; the checked rows (and each chunk's
    issues) come back in file order. At most four chunks per worker are out at once, so memory
    stays bounded whatever the file's size (back-pressure: the reader waits for the checkers,
    the checkers for the writer)."""

    def __init__(self, load: Load, workers: int) -> None:
        # fork: a worker starts with the load as prepared (villages, caches, keys) and never
        # touches the database (its connections are forgotten, never closed: closing would end
        # the parent's session); multiprocessing ends a forked worker with os._exit.
        context = multiprocessing.get_context("fork")
        self.load, self.ahead = load, 4 * workers
        self.tasks: Any = context.Queue()
        self.results: Any = context.Queue()
        self.processes = [
            context.Process(target=_check_chunks, args=(load, self.tasks, self.results))
            for _ in range(workers)
        ]

    def __enter__(self) -> _Checkers:
        for p in self.processes:
            p.daemon = True
            p.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for _ in self.processes:
            self.tasks.put(None)
        for p in self.processes:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
                p.join()
        for q in (self.tasks, self.results):
            q.close()
            q.cancel_join_thread()

    def chunks(self, rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[Any, ...]]:
        """What a worker is handed: PARALLEL_CHUNK rows, (numbers, cells of each)."""
        while chunk := [row for _, row in zip(range(PARALLEL_CHUNK), rows, strict=False)]:
            numbers = [n for n, _ in chunk]
            yield numbers, [cells for _, cells in chunk]

    def texts(self, text: workbooks.CsvText, first: int) -> Iterator[tuple[Any, ...]]:
        """What a worker is handed from a csv: the text of PARALLEL_CHUNK lines of whole rows,
        the first one's number, the delimiter (the worker splits the cells: this process only
        reads)."""
        for body, rows in workbooks.text_chunks(text, PARALLEL_CHUNK):
            yield first, body, text.delimiter
            first += rows

    def run(self, parts: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, list[Any]]]:
        """(rows counted, checked items) per part, in file order."""
        issues = self.load.outcome.issues
        sent = received = 0
        done: dict[int, tuple[int, list[Any], list[Any]]] = {}
        more = True
        while more or received < sent:
            while more and sent - received < self.ahead:
                part = next(parts, None)
                if part is None:
                    more = False
                    break
                self.tasks.put((sent, *part))
                sent += 1
            while received not in done and received < sent:
                seq, counted, items, found = self._next()
                done[seq] = (counted, items, found)
            if received < sent:
                counted, items, found = done.pop(received)
                received += 1
                issues.extend(found)
                yield counted, items

    def _next(self) -> tuple[int, int, list[Any], list[Any]]:
        while True:
            try:
                message = self.results.get(timeout=1)
            except queue.Empty:
                for p in self.processes:
                    if p.exitcode is not None:  # a worker leaves only when told to
                        raise RuntimeError(MSG_CHECKER_DIED.format(code=p.exitcode)) from None
                continue
            if isinstance(message, bytes):  # a pickled exception: the file's, or a bug
                raise pickle.loads(message)
            return message  # type: ignore[no-any-return]


_INHERITED: list[Any] = []


def _check_chunks(load: Load, tasks: Any, results: Any) -> None:
    """A worker: check the chunks it is handed until told to stop (None)."""
    for conn in connections.all(initialized_only=True):
        # The parent's connection: kept referenced, so that nothing here finalises it (closing
        # it would end the parent's PostgreSQL session, or roll back its SQLite transaction in
        # the shared file); any database use here would open a connection of its own.
        _INHERITED.append(conn.connection)
        conn.connection = None
    load.forked()
    issues, read = load.outcome.issues, load.read
    del issues[:]
    while (task := tasks.get()) is not None:
        try:
            counted, items = 0, []
            if len(task) == 4:  # a csv's text: (seq, first row's number, text, delimiter)
                seq, first, body, delimiter = task
                reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
                rows: Iterable[tuple[int, Any]] = enumerate(reader, first)
            else:  # (seq, numbers, cells or joined cells of each row)
                seq, numbers, cells_of = task
                rows = zip(numbers, cells_of, strict=True)
            for number, cells in rows:
                item = read(number, cells)
                if item is BLANK:
                    continue
                counted += 1
                if item is not None:
                    items.append(item)
            results.put((seq, counted, load.pack(items), issues[:]))
            del issues[:]
        except Exception as exc:
            if isinstance(exc, csv.Error):
                exc = workbooks.csv_refusal(exc)
            try:
                results.put(pickle.dumps(exc))
            except Exception:  # an exception that does not pickle
                results.put(pickle.dumps(RuntimeError(repr(exc))))
            return


def run_file(
    importer: Importer,
    job: UploadJob,
    path: Path,
    *,
    commit: bool,
    progress: Progress = no_progress,
    limits: Limits | None = None,
    again: bool = False,
) -> FileOutcome:
    """Read, check and (when `commit` and no row has an error) write one file, in one
    transaction, with the audit event of the write inside it. Raises ImportRefused when the
    file as a whole cannot be used; row problems are in the outcome."""
    limits = limits or importer.limits
    kind = workbooks.file_kind(path, job.filename, limits)
    sheet = workbooks.open_sheet(path, kind, limits)
    header, rows = sheets.read_header(sheet, importer.schema)
    outcome = importer.new_outcome()
    outcome.unknown_columns = header.unknown
    load = importer.prepare(job, header, outcome, progress)
    load.rows_estimate = workbooks.rows_estimate(path, kind)
    load.again = again
    # A file's rows are short-lived and hold no cycles: the cyclic collector would only walk
    # every live object again and again (a fifth of a million-row import). Off for the run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            progress("checking", 0)
            checked = _checked(rows, load, limits, progress, text=sheet.text)
            load.write(checked)
            if outcome.total == 0:
                raise ImportRefused(sheets.MSG_NO_ROWS)
            outcome.issues.sort(key=lambda i: (i.row, i.level != "error"))
            _count(importer, job, outcome)
            if outcome.errors or not commit:
                raise _Rollback
            audit_record(
                actor=job.created_by,
                action=importer.audit_action,
                obj=job,
                changes=importer.audit_changes(job, outcome),
            )
    except _Rollback:
        pass
    except RunAgain:
        if again:
            raise RuntimeError("an import asked to run a second time again") from None
        again = True
    finally:
        load.close()
        if collecting:
            gc.enable()
    if again and not load.again:
        return run_file(
            importer, job, path, commit=commit, progress=progress, limits=limits, again=True
        )
    return outcome


def _count(importer: Importer, job: UploadJob, outcome: FileOutcome) -> None:
    """The outcome's counts and problems onto the job (saved by the caller), the same for a
    preview and a run, and before the audit event that quotes them."""
    job.total_rows = job.done_rows = outcome.total
    job.rejected = outcome.rejected_rows
    job.doubtful = outcome.doubtful_rows
    job.problems = [i.as_dict() for i in outcome.issues]
    importer.fill(job, outcome)
