"""A ledger (台账) is a declaration, never a copy.

A ``LedgerKind`` names a model (with a ``campaign`` and a ``region`` foreign key: the item's
campaign and its owner, a village or a town or the county), its columns, its one save service
and, when its items move through states, the guarded service of each transition. Registered
with ``register_kind`` (in the declaring app's ``AppConfig.ready``), it gets:

- the list page (``ledgers:list``): paginated, searchable, filtered by town, status and the
  kind's own filters, with town subtotals for a county; the xlsx export (``ledgers:export``);
- an item's page (``ledgers:item``: its values, the edit form, the transition buttons, the
  history) and the add form (``ledgers:add``);
- the import through the one spreadsheet pipeline: an ``Importer`` registered as
  ``ledger-<key>`` (so ``huanjie import ledger-<key> FILE --scope CODE --campaign ID --user U``
  works), one job model for every kind (``LedgerImport``), the upload page (``ledgers:import``),
  the template (``ledgers:template``) and the job pages (``ledgers:import_job`` …).

The export's first column is the item's 编号 (``prefix`` + the row's id); importing the export
back matches each row by it and changes nothing. A row without 编号 is new (or, for a kind with
``unique_by``, the item with the same owner and key values); a changed row goes through the save
service; a changed status goes through the transition services, step by step (history rows).

The contract of the services a kind names (each checks the permission and the scope itself and
writes its audit event, huanjie-brief):

    save(*, actor, campaign, region, item, values) -> item   # item None: create
    transition service(*, actor, item, **{field: values[field] for field in Transition.fields})
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from huanjie.accounts.models import User
from huanjie.accounts.permissions import Action, audit_denied, can, not_found, scope_code, scoped
from huanjie.elections.models import Campaign
from huanjie.lib import sheets
from huanjie.lib.forms import DateInput, StyledFormMixin
from huanjie.lib.sheets import Column, FileOutcome, Header, Issue, RowReader, Schema, clean_label
from huanjie.lib.workbooks import ImportRefused, Limits
from huanjie.lib.xlsx import table_xlsx
from huanjie.regions.models import Region
from huanjie.regions.subtotals import Column as SubtotalColumn
from huanjie.uploads.exports import template_xlsx
from huanjie.uploads.importers import Count as JobCount
from huanjie.uploads.importers import Importer, Load, Progress, register
from huanjie.uploads.models import UploadJob

TEXT, LONG, DATE, INT, CHOICE, BOOL = "text", "long", "date", "int", "choice", "bool"
YES, NO = "是", "否"
NUMBER_LABEL: Final = "编号"
REGION_CODE_LABEL: Final = "区划代码"
REGION_NAME_LABEL: Final = "单位"
ALL_LEVELS: Final = (2, 4, 6, 9, 12)
MAX_ROWS: Final = 5_000
PAGE_SIZE: Final = 50

MSG_REQUIRED = "“{label}”必须填写"
MSG_DATE = "“{value}”不是日期，请填写如 2026-12-04 的日期"
MSG_INT = "“{value}”不是整数"
MSG_CHOICE = "“{value}”不是可选的{label}，可填：{options}"
MSG_BOOL = "请填写“是”或“否”"
MSG_NUMBER = "编号“{value}”不是本台账的编号（应为 {prefix} 加数字，如 {prefix}000012）"
MSG_NUMBER_UNKNOWN = "编号“{value}”在{area}的本台账中不存在"
MSG_NUMBER_TWICE = "编号“{value}”与第{row}行重复"
MSG_KEY_TWICE = "与第{row}行是同一{what}，请合并为一行"
MSG_NO_REGION = "请填写“区划代码”或“单位”"
MSG_REGION_UNKNOWN = "“{value}”不是{area}的{levels}"
MSG_REGION_AMBIGUOUS = "“{value}”对应{area}的多个单位，请填写区划代码"
MSG_REGION_DIFFERS = "单位“{name}”与区划代码{code}（{found}）不符，请核对"
MSG_REGION_MOVED = "编号{number}属于{owner}，不能改到其他单位；请新增一行"
MSG_NO_PATH = "状态不能从“{source}”改为“{target}”"
MSG_ONLY_BY_STATUS = "“{label}”只在状态变更时填写，不能单独修改"
MSG_NO_REGION_COLUMN = "缺少“区划代码”或“单位”列，请至少保留其中一列"
MSG_DONE = "已导入{label}：新增 {created} 条，修改 {changed} 条，未变化 {unchanged} 条"

LEVEL_NAMES: Final[dict[int, str]] = {
    Region.Level.COUNTY: "县(市、区)",
    Region.Level.TOWN: "乡镇(街道)",
    Region.Level.VILLAGE: "村(社区)",
}


# ---------------------------------------------------------------------------------------------
# The declaration.


@dataclass(frozen=True)
class LedgerColumn:
    """One column of a ledger: the model attribute `key` (also the key the save service gets
    in `values`), the Chinese label, how the cell is read (`kind`: text, long, date, int,
    choice, bool), `choices` as (value, label) pairs (a TextChoices' `.choices`), whether a row
    must fill it. `editable`: changed by the save service (False: only by a transition, such
    as the closing day, or read-only); `imported`: read from a file (False: export only, a
    computed figure; `attr` then names what is shown, a property or a "__"-path)."""

    key: str
    label: str
    kind: str = TEXT
    required: bool = False
    choices: Sequence[tuple[str, str]] = ()
    width: int = 14
    max_length: int = 200
    synonyms: tuple[str, ...] = ()
    note: str = ""
    editable: bool = True
    imported: bool = True
    attr: str = ""


@dataclass(frozen=True)
class Transition:
    """A move of an item's status from `source` (one status, or several that move alike) to
    `target` through `service`, which gets the values of `fields` (column keys) and of `extra`
    as keyword arguments: `rectification_close(actor=, item=, closed_on=, close_note=)`.
    `label` is its button (销号)."""

    source: str | tuple[str, ...]
    target: str
    label: str
    service: Callable[..., Any]
    fields: tuple[str, ...] = ()
    tone: str = "primary"
    # Values the service takes that are no column of the ledger (the reason of a reopening):
    # asked on the item's page; a file gives none.
    extra: tuple[LedgerColumn, ...] = ()
    # What this move needs when it is not the kind's own `action` (an inspection problem is
    # recorded and reopened by the inspection group, followed up and closed by the town).
    action: Action | None = None

    def starts_at(self, status: str) -> bool:
        return status == self.source if isinstance(self.source, str) else status in self.source


@dataclass(frozen=True)
class HistoryRow:
    """One line of an item's history as its page shows it."""

    at: Any
    actor: str
    what: str
    note: str = ""


@dataclass(frozen=True, eq=False)
class LedgerKind:
    """One ledger. `prefix`: the 编号's letters (ZD → ZD000012), unique among kinds.
    `owner_levels`: the region levels an item may belong to. `action`: what writing needs
    (the services check it themselves; the pages show their forms only to its holders);
    `reader_levels`: region code lengths of users who may read it (a village clerk reads no
    assessment of his own village). `status`: the status column's key when the kind has
    transitions. `unique_by`: column keys ("region" included) naming at most one item of a
    campaign: a file row without 编号 updates that item. `search`: ORM paths searched by the
    list's 关键词. `filters`: choice or bool column keys offered as filters. `history`: an
    item's history rows. `links`: (label, URL name taking the campaign's pk) shown above the
    list."""

    key: str
    label: str
    prefix: str
    model: type[Model]
    columns: tuple[LedgerColumn, ...]
    save: Callable[..., Any]
    owner_levels: tuple[int, ...] = (Region.Level.VILLAGE,)
    transitions: tuple[Transition, ...] = ()
    status: str = ""
    action: Action = Action.MANAGE_LEDGERS
    view_action: Action = Action.VIEW_PROGRESS
    # What importing a file needs when it is not `action`: the town imports its follow-up of
    # the inspection problems (the rows' transitions), which the group records; each row is
    # still written by the services, which refuse what the user may not do.
    import_action: Action | None = None
    reader_levels: tuple[int, ...] = ALL_LEVELS
    unique_by: tuple[str, ...] = ()
    search: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    history: Callable[[Any], Iterable[HistoryRow]] | None = None
    links: tuple[tuple[str, str], ...] = ()
    description: str = ""
    ordering: tuple[str, ...] = ("region_id", "pk")

    @property
    def importer_kind(self) -> str:
        return f"ledger-{self.key}"

    @property
    def by_key(self) -> dict[str, LedgerColumn]:
        return {c.key: c for c in self.columns}

    @property
    def status_column(self) -> LedgerColumn | None:
        return self.by_key.get(self.status) if self.status else None

    def number(self, item: Model) -> str:
        return f"{self.prefix}{item.pk:06d}"

    def parse_number(self, text: str) -> int | None:
        """The id a 编号 names, or None when it is not one of this kind."""
        text = text.strip().upper()
        if text.startswith(self.prefix.upper()):
            text = text[len(self.prefix) :]
        return int(text) if text.isdigit() else None

    def owner_label(self) -> str:
        return "或".join(LEVEL_NAMES[lv] for lv in self.owner_levels)

    def readable_by(self, user: Any) -> bool:
        return can(user, self.view_action) and len(scope_code(user) or "") in self.reader_levels

    def writable_by(self, user: Any) -> bool:
        return self.readable_by(user) and can(user, self.action)

    def require_read(self, user: Any) -> None:
        """404 for a user who may not read this ledger, audited as a refused access (SECURITY.md
        L1), as `accounts.permissions.require` does for an action."""
        if not self.readable_by(user):
            audit_denied(user, self.view_action)
            raise Http404("未找到")

    def importable_by(self, user: Any) -> bool:
        return self.readable_by(user) and can(user, self.import_action or self.action)

    def require_import(self, user: Any) -> None:
        """404 for a user who may not import this ledger's files, audited (SECURITY.md L1)."""
        if not self.importable_by(user):
            audit_denied(user, self.import_action or self.action)
            raise Http404("未找到")

    def may_move(self, user: Any, move: Transition) -> bool:
        return self.readable_by(user) and can(user, move.action or self.action)

    def require_move(self, user: Any, move: Transition) -> None:
        """404 for a user who may not make this move, audited (SECURITY.md L1)."""
        if not self.may_move(user, move):
            audit_denied(user, move.action or self.action)
            raise Http404("未找到")

    def require_write(self, user: Any) -> None:
        """404 for a user who may not write this ledger, audited (SECURITY.md L1)."""
        if not self.writable_by(user):
            audit_denied(user, self.action)
            raise Http404("未找到")


_KINDS: dict[str, LedgerKind] = {}


def register_kind(kind: LedgerKind) -> LedgerKind:
    """Register a ledger and its importer ("ledger-<key>"); call from AppConfig.ready."""
    prefixes = {k.prefix: k.key for k in _KINDS.values() if k.key != kind.key}
    if kind.prefix in prefixes:
        raise ValueError(f"ledger prefix {kind.prefix} is taken by {prefixes[kind.prefix]}")
    _KINDS[kind.key] = kind
    register(importer_for(kind))
    return kind


def kind_of(key: str) -> LedgerKind:
    """The registered kind of `key`; Http404 when there is none."""
    try:
        return _KINDS[key]
    except KeyError:
        raise Http404("未找到") from None


def kinds() -> list[LedgerKind]:
    return list(_KINDS.values())


# ---------------------------------------------------------------------------------------------
# Reading items.


def items_visible_to(user: Any, kind: LedgerKind, campaign: Campaign) -> QuerySet[Any]:
    """The items of `kind` in `campaign` the user may read (none without the kind's reading
    permission or level), owner selected."""
    items = kind.model._default_manager.filter(campaign=campaign).select_related(  # type: ignore[misc]
        "region", "region__parent"
    )
    if not kind.readable_by(user):
        return items.none()
    return scoped(user, items, kind.view_action).order_by(*kind.ordering)


def access_item(user: Any, kind: LedgerKind, campaign: Campaign, pk: int) -> Any:
    """One item the user may read, or the same 404 as for one that does not exist."""
    try:
        return items_visible_to(user, kind, campaign).get(pk=pk)
    except (kind.model.DoesNotExist, ValueError) as exc:  # type: ignore[attr-defined]
        raise not_found(user, kind.view_action, kind.model._default_manager.all(), pk=pk) from exc


def raw_value(item: Any, column: LedgerColumn) -> Any:
    value: Any = item
    for part in (column.attr or column.key).split("__"):
        value = getattr(value, part, None)
    return value() if callable(value) else value


def shown(column: LedgerColumn, value: Any) -> str | int:
    """A value as the export and the pages show it (and as the import reads it back)."""
    if value is None or value == "":
        return ""
    if column.kind == DATE and isinstance(value, date):
        return value.isoformat()
    if column.kind == BOOL:
        return YES if value else NO
    if column.kind == CHOICE:
        return dict(column.choices).get(value, str(value))
    if column.kind == INT and isinstance(value, int):
        return value
    return str(value)


def values_of(kind: LedgerKind, item: Any) -> dict[str, Any]:
    """The item's values of every imported column, as a file row's would be."""
    return {c.key: _normal(c, raw_value(item, c)) for c in kind.columns if c.imported}


def _normal(column: LedgerColumn, value: Any) -> Any:
    if column.kind in (TEXT, LONG, CHOICE):
        return value or ""
    if column.kind == BOOL:
        return bool(value)
    return value


def export_header(kind: LedgerKind) -> list[str]:
    return [NUMBER_LABEL, REGION_CODE_LABEL, REGION_NAME_LABEL, *(c.label for c in kind.columns)]


def export_row(kind: LedgerKind, item: Any) -> list[Any]:
    region = item.region
    return [
        kind.number(item),
        region.code,
        region.full_label,
        *(shown(c, raw_value(item, c)) for c in kind.columns),
    ]


def ledger_xlsx(kind: LedgerKind, items: Iterable[Any]) -> bytes:
    """The export: 编号, 区划代码, 单位, then the kind's columns; importing it back changes
    nothing."""
    widths = [12, 14, 18, *(c.width for c in kind.columns)]
    rows = (export_row(kind, item) for item in items)
    return table_xlsx(kind.label, export_header(kind), rows, widths)


def subtotal_columns(kind: LedgerKind) -> list[SubtotalColumn]:
    """The town subtotals' counts of a kind: all its items, then one per status."""
    columns = [SubtotalColumn("合计")]
    status = kind.status_column
    if status is not None:
        columns += [
            SubtotalColumn(label, Q(**{kind.status: value})) for value, label in status.choices
        ]
    return columns


def filter_items(
    kind: LedgerKind, items: QuerySet[Any], params: Mapping[str, str]
) -> tuple[QuerySet[Any], dict[str, str]]:
    """The list's own filters beyond the search and the town (regions.subtotals.filter_villages):
    the status, the kind's choice and bool columns (`filters`), and the words of `q` in the
    kind's `search` fields. Returns the items and the filters applied (for the form)."""
    applied: dict[str, str] = {}
    keys = [kind.status] if kind.status else []
    for key in [*keys, *kind.filters]:
        column = kind.by_key[key]
        value = params.get(key, "")
        if column.kind == BOOL and value in ("1", "0"):
            items = items.filter(**{key: value == "1"})
            applied[key] = value
        elif value and value in dict(column.choices):
            items = items.filter(**{key: value})
            applied[key] = value
    return items, applied


def search_q(kind: LedgerKind, q: str) -> Q:
    """The kind's own fields holding the words (the region's name and code are searched by
    filter_villages)."""
    found = Q(pk__in=[])
    for path in kind.search:
        found |= Q(**{f"{path}__contains": q})
    return found


# ---------------------------------------------------------------------------------------------
# Forms.


def form_field(column: LedgerColumn) -> forms.Field:
    required = column.required and column.kind != BOOL
    label = column.label
    if column.kind == DATE:
        return forms.DateField(label=label, required=required, widget=DateInput)
    if column.kind == INT:
        return forms.IntegerField(label=label, required=required, min_value=0)
    if column.kind == BOOL:
        return forms.BooleanField(label=label, required=False)
    if column.kind == CHOICE:
        options = [("", "—")] if not column.required else []
        return forms.ChoiceField(
            label=label, required=required, choices=[*options, *column.choices]
        )
    widget = forms.Textarea(attrs={"rows": 3}) if column.kind == LONG else None
    return forms.CharField(
        label=label, required=required, max_length=column.max_length, widget=widget
    )


class ItemForm(StyledFormMixin, forms.Form):
    """The base of the forms built from a kind's columns (`item_form`, `transition_form`)."""


def _form(fields: dict[str, forms.Field], data: Any, prefix: str | None = None) -> ItemForm:
    cls = type("LedgerItemForm", (ItemForm,), fields)
    return cls(data, prefix=prefix)  # type: ignore[no-any-return]


def item_form(
    kind: LedgerKind,
    data: Any = None,
    *,
    item: Any = None,
    owners: Sequence[Region] = (),
) -> ItemForm:
    """The add form (with the owner to choose among `owners`) or the edit form of `item`:
    the editable columns (not the status: a transition moves it)."""
    fields: dict[str, forms.Field] = {}
    if item is None:
        fields["region"] = forms.ChoiceField(
            label=kind.owner_label(), choices=[(r.code, r.full_label) for r in owners]
        )
    for column in kind.columns:
        if column.editable and column.imported and column.key != kind.status:
            fields[column.key] = form_field(column)
            if item is not None:
                fields[column.key].initial = raw_value(item, column)
    return _form(fields, data)


def transition_form(kind: LedgerKind, transition: Transition, data: Any = None) -> ItemForm:
    fields = {key: form_field(kind.by_key[key]) for key in transition.fields}
    fields |= {c.key: form_field(c) for c in transition.extra}
    return _form(fields, data, prefix=transition.target)


def form_values(kind: LedgerKind, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    return {
        c.key: _normal(c, cleaned.get(c.key))
        for c in kind.columns
        if c.editable and c.imported and c.key != kind.status
    }


def transitions_from(kind: LedgerKind, status: str) -> list[Transition]:
    return [t for t in kind.transitions if t.starts_at(status)]


def path_between(kind: LedgerKind, source: str, target: str) -> list[Transition] | None:
    """The transitions that lead from `source` to `target` (fewest steps), None if none do."""
    queue: deque[tuple[str, list[Transition]]] = deque([(source, [])])
    seen = {source}
    while queue:
        status, steps = queue.popleft()
        if status == target:
            return steps
        for t in transitions_from(kind, status):
            if t.target not in seen:
                seen.add(t.target)
                queue.append((t.target, [*steps, t]))
    return None


def run_transition(
    actor: User, kind: LedgerKind, item: Any, t: Transition, values: Mapping[str, Any]
) -> Any:
    """Call the transition's guarded service with its fields' values."""
    keys = [*t.fields, *(c.key for c in t.extra)]
    return t.service(
        actor=actor, item=item, **{k: _normal_of(kind, t, k, values.get(k)) for k in keys}
    )


def _normal_of(kind: LedgerKind, t: Transition, key: str, value: Any) -> Any:
    column = kind.by_key.get(key) or next(c for c in t.extra if c.key == key)
    return _normal(column, value)


def save_item(
    actor: User,
    kind: LedgerKind,
    campaign: Campaign,
    region: Region,
    item: Any,
    values: Mapping[str, Any],
) -> Any:
    """Call the kind's save service (it checks the actor and writes the audit event)."""
    return kind.save(actor=actor, campaign=campaign, region=region, item=item, values=values)


def error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "没有权限"


# ---------------------------------------------------------------------------------------------
# The import.


def schema_of(kind: LedgerKind) -> Schema:
    """The import's columns: 编号, 区划代码, 单位, then the kind's imported columns (choices as
    drop-downs by their labels)."""
    own = tuple(
        Column(
            c.key,
            c.label,
            c.synonyms,
            required=c.required and c.kind != BOOL,
            width=c.width,
            note=c.note,
            choices=tuple(label for _, label in c.choices)
            if c.kind == CHOICE
            else ((YES, NO) if c.kind == BOOL else ()),
            text=c.kind in (TEXT, LONG),
        )
        for c in kind.columns
        if c.imported
    )
    return Schema(
        (
            Column(
                "number",
                NUMBER_LABEL,
                ("序号编号", "台账编号"),
                note="修改已有记录时保留；新增的行不填",
                width=12,
                text=True,
            ),
            Column(
                "region_code",
                REGION_CODE_LABEL,
                ("村代码", "乡镇代码", "村(社区)代码", "代码"),
                note="12位村(社区)代码或9位乡镇代码；与单位至少填一项",
                width=14,
                text=True,
            ),
            Column(
                "region_name",
                REGION_NAME_LABEL,
                ("村名", "村(社区)", "乡镇", "单位名称", "村(社区)名称"),
                width=18,
            ),
            *own,
        ),
        no_header=f"找不到表头：{kind.label}的表头须包含“编号”“区划代码”“单位”及各列名称，请使用导出的表格或下载的模板",
    )


@dataclass
class LedgerOutcome(FileOutcome):
    created: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass
class LedgerRow:
    row: int
    item_id: int | None
    number: str
    region_code: str
    region_name: str
    values: dict[str, Any] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)


def _read_cell(reader: RowReader, column: LedgerColumn) -> Any:
    raw = reader.get(column.key)
    label = column.label
    if sheets.blank(raw):
        if column.required and column.kind != BOOL:
            reader.problem(column.key, "", MSG_REQUIRED.format(label=label))
        return _normal(column, None)
    if column.kind == DATE:
        day = sheets.parse_date(raw)
        if not isinstance(day, date):
            reader.problem(
                column.key,
                sheets.cell_text(raw)[:20],
                MSG_DATE.format(value=sheets.cell_text(raw)[:20]),
            )
            return None
        return day
    text = sheets.cell_text(raw)
    if column.kind == INT:
        if not text.isdigit():
            reader.problem(column.key, text[:20], MSG_INT.format(value=text[:20]))
            return None
        return int(text)
    if column.kind == BOOL:
        if text not in (YES, NO):
            reader.problem(column.key, text[:20], MSG_BOOL)
        return text == YES
    if column.kind == CHOICE:
        for value, choice_label in column.choices:
            if clean_label(text) in (clean_label(choice_label), clean_label(value)):
                return value
        options = "、".join(lbl for _, lbl in column.choices)
        reader.problem(
            column.key, text[:20], MSG_CHOICE.format(value=text[:20], label=label, options=options)
        )
        return ""
    if text.startswith("'") and text[1:2] in _QUOTED:
        text = text[1:]  # the quote the export puts before a formula-like text (lib.xlsx)
    if len(text) > column.max_length:
        reader.problem(
            column.key, text[:20], sheets.MSG_TOO_LONG.format(label=label, n=column.max_length)
        )
    return text


_QUOTED: Final = ("=", "+", "-", "@")


class LedgerLoad(Load):
    """Reads each row (its cells by the kind's columns), then writes the file: each row found
    by its 编号 (or the kind's unique key), compared with the item, and saved or moved through
    the kind's services only when it differs."""

    outcome: LedgerOutcome

    def __init__(
        self, outcome: LedgerOutcome, *, kind: LedgerKind, job: Any, header: Header
    ) -> None:
        super().__init__(outcome)
        self.kind, self.job, self.columns = kind, job, header.columns
        # (row, item, values, current values, already counted) of the status moves to make.
        self.pending: list[tuple[LedgerRow, Any, dict[str, Any], dict[str, Any], bool]] = []
        self.schema = schema_of(kind)
        self.area: Region = job.region
        owners = Region.objects.filter(
            code__startswith=self.area.code, level__in=kind.owner_levels
        ).select_related("parent")
        self.by_code = {r.code: r for r in owners}
        self.by_name: dict[str, list[Region]] = {}
        for r in owners:
            for text in {r.name, r.short_name, r.full_label}:
                if text:
                    self.by_name.setdefault(clean_label(text), []).append(r)

    def check(self, number: int, cells: list[Any]) -> LedgerRow | None:
        reader = RowReader(self.schema, self.columns, number, cells)
        row = LedgerRow(
            row=number,
            item_id=None,
            number=reader.text("number", 30),
            region_code=reader.text("region_code", 12),
            region_name=reader.text("region_name", 100),
        )
        if row.number:
            row.item_id = self.kind.parse_number(row.number)
            if row.item_id is None:
                reader.problem(
                    "number",
                    row.number,
                    MSG_NUMBER.format(value=row.number, prefix=self.kind.prefix),
                )
        for column in self.kind.columns:
            if column.imported and column.key in self.columns:
                row.values[column.key] = _read_cell(reader, column)
                row.given.add(column.key)
        self.outcome.issues.extend(reader.issues)
        return None if reader.issues and any(i.level == "error" for i in reader.issues) else row

    def _issue(self, row: LedgerRow, field_label: str, value: str, message: str) -> None:
        self.outcome.issues.append(Issue(row.row, field_label, value, message))

    def _owner(self, row: LedgerRow) -> Region | None:
        area, levels = self.area.display_name, self.kind.owner_label()
        if row.region_code:
            owner = self.by_code.get(row.region_code)
            if owner is None:
                self._issue(
                    row,
                    REGION_CODE_LABEL,
                    row.region_code,
                    MSG_REGION_UNKNOWN.format(value=row.region_code, area=area, levels=levels),
                )
                return None
            if row.region_name and owner not in self.by_name.get(clean_label(row.region_name), []):
                self._issue(
                    row,
                    REGION_NAME_LABEL,
                    row.region_name[:30],
                    MSG_REGION_DIFFERS.format(
                        name=row.region_name, code=owner.code, found=owner.full_label
                    ),
                )
                return None
            return owner
        if not row.region_name:
            self._issue(row, REGION_CODE_LABEL, "", MSG_NO_REGION)
            return None
        found = self.by_name.get(clean_label(row.region_name), [])
        if len(found) != 1:
            message = MSG_REGION_AMBIGUOUS if found else MSG_REGION_UNKNOWN
            self._issue(
                row,
                REGION_NAME_LABEL,
                row.region_name[:30],
                message.format(value=row.region_name, area=area, levels=levels),
            )
            return None
        return found[0]

    def _existing(self, rows: list[LedgerRow]) -> dict[int, Any]:
        ids = [r.item_id for r in rows if r.item_id is not None]
        items = self.kind.model._default_manager.filter(  # type: ignore[misc]
            campaign=self.job.campaign, region__code__startswith=self.area.code
        ).select_related("region")
        if self.kind.unique_by:
            return {i.pk: i for i in items}
        return {i.pk: i for i in items.filter(pk__in=ids)} if ids else {}

    def _key(self, owner: Region, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(owner.code if k == "region" else values.get(k) for k in self.kind.unique_by)

    def write(self, rows: Iterable[LedgerRow]) -> None:
        rows = list(rows)
        existing = self._existing(rows)
        by_key = (
            {self._key(i.region, values_of(self.kind, i)): i for i in existing.values()}
            if self.kind.unique_by
            else {}
        )
        seen_numbers: dict[int, int] = {}
        seen_keys: dict[tuple[Any, ...], int] = {}
        for row in rows:
            owner = self._owner(row)
            if owner is None:
                continue
            item = None
            if row.item_id is not None:
                first = seen_numbers.setdefault(row.item_id, row.row)
                if first != row.row:
                    self._issue(
                        row,
                        NUMBER_LABEL,
                        row.number,
                        MSG_NUMBER_TWICE.format(value=row.number, row=first),
                    )
                    continue
                item = existing.get(row.item_id)
                if item is None:
                    self._issue(
                        row,
                        NUMBER_LABEL,
                        row.number,
                        MSG_NUMBER_UNKNOWN.format(value=row.number, area=self.area.display_name),
                    )
                    continue
                if item.region_id != owner.code:
                    self._issue(
                        row,
                        REGION_CODE_LABEL,
                        owner.code,
                        MSG_REGION_MOVED.format(number=row.number, owner=item.region.full_label),
                    )
                    continue
            if self.kind.unique_by:
                key = self._key(
                    owner, {**(values_of(self.kind, item) if item else {}), **row.values}
                )
                first = seen_keys.setdefault(key, row.row)
                if first != row.row:
                    self._issue(
                        row,
                        NUMBER_LABEL,
                        row.number,
                        MSG_KEY_TWICE.format(row=first, what=self.kind.label + "记录"),
                    )
                    continue
                item = item or by_key.get(key)
            self._save(row, owner, item)
        # The status moves after every row is saved: a file closing a village's last item and
        # adding a new one for it adds the item first (the village stays a complex village).
        for row, item, values, current, counted in self.pending:
            try:
                moved = self._move(row, item, values, current)
            except (ValidationError, PermissionDenied) as exc:
                self._issue(row, "", row.number or item.region.full_label, error_text(exc))
                continue
            if counted:
                continue
            if moved:
                self.outcome.changed += 1
            else:
                self.outcome.unchanged += 1

    def _save(self, row: LedgerRow, owner: Region, item: Any) -> None:
        """Create or save the row's item (the kind's save service) when it differs; its status
        move is left pending."""
        kind, actor, outcome = self.kind, self.job.created_by, self.outcome
        current = values_of(kind, item) if item is not None else {}
        values = {**current, **{k: row.values[k] for k in row.given}}
        editable = {
            c.key for c in kind.columns if c.editable and c.imported and c.key != kind.status
        }
        saved = {k: values.get(k, _normal(kind.by_key[k], None)) for k in editable}
        try:
            if item is None:
                item = save_item(actor, kind, self.job.campaign, owner, None, saved)
                outcome.created += 1
                self.pending.append((row, item, values, {}, True))
                return
            changed = any(saved[k] != current.get(k) for k in editable)
            if changed:
                item = save_item(actor, kind, self.job.campaign, owner, item, saved)
                outcome.changed += 1
        except (ValidationError, PermissionDenied) as exc:
            self._issue(row, "", row.number or owner.full_label, error_text(exc))
            return
        self.pending.append((row, item, values, current, changed))

    def _move(
        self, row: LedgerRow, item: Any, values: Mapping[str, Any], current: Mapping[str, Any]
    ) -> bool:
        """Move the item to the row's status through the transitions; the columns only a
        transition writes must otherwise be as they are. True when it moved."""
        kind = self.kind
        if not kind.status or kind.status not in row.given:
            return False
        column = kind.by_key[kind.status]
        source, target = (
            getattr(item, kind.status),
            values.get(kind.status) or getattr(item, kind.status),
        )
        if source == target:
            for c in kind.columns:
                if (
                    c.imported
                    and not c.editable
                    and c.key in row.given
                    and current
                    and values.get(c.key) != current.get(c.key)
                ):
                    raise ValidationError(MSG_ONLY_BY_STATUS.format(label=c.label))
            return False
        steps = path_between(kind, source, target)
        if steps is None:
            labels = dict(column.choices)
            raise ValidationError(
                MSG_NO_PATH.format(
                    source=labels.get(source, source), target=labels.get(target, target)
                )
            )
        for t in steps:
            item = run_transition(self.job.created_by, kind, item, t, values)
        return True


class LedgerImporter(Importer):
    """The importer of one ledger kind (made by `importer_for`)."""

    ledger: LedgerKind
    job_model = UploadJob  # replaced by LedgerImport in importer_for
    audit_action = "ledgers.import"
    expire_action = "ledgers.import_expire"
    needs_campaign = True
    levels = (Region.Level.COUNTY, Region.Level.TOWN)
    limits = Limits(max_rows=MAX_ROWS)
    counts = (
        JobCount("created", "将新增", "新增", "success"),
        JobCount("changed", "将修改", "修改", "warning"),
        JobCount("unchanged", "未变化", "未变化"),
    )
    job_url_name = "ledgers:import_job"
    confirm_note = "全部导入或全部不导入；有编号的行修改该条记录，没有编号的行新增。"

    def new_outcome(self) -> LedgerOutcome:
        return LedgerOutcome()

    def new_job(
        self,
        *,
        actor: User,
        scope: Region,
        filename: str,
        campaign: Any = None,
        fields: Mapping[str, Any] | None = None,
    ) -> UploadJob:
        job = super().new_job(
            actor=actor, scope=scope, filename=filename, campaign=campaign, fields=fields
        )
        job.kind = self.kind  # type: ignore[attr-defined]
        return job

    def authorize(self, actor: User, job: UploadJob) -> str | None:
        refusal = super().authorize(actor, job)
        if refusal is None and not self.ledger.importable_by(actor):
            return "没有导入该文件的权限"
        return refusal

    def prepare(
        self, job: UploadJob, header: Header, outcome: FileOutcome, progress: Progress
    ) -> LedgerLoad:
        assert isinstance(outcome, LedgerOutcome)
        if "region_code" not in header.columns and "region_name" not in header.columns:
            raise ImportRefused(MSG_NO_REGION_COLUMN)
        return LedgerLoad(outcome, kind=self.ledger, job=job, header=header)

    def fill(self, job: UploadJob, outcome: FileOutcome) -> None:
        assert isinstance(outcome, LedgerOutcome)
        for name in ("created", "changed", "unchanged"):
            setattr(job, name, getattr(outcome, name))

    def done_message(self, outcome: FileOutcome) -> str:
        assert isinstance(outcome, LedgerOutcome)
        return MSG_DONE.format(
            label=self.label,
            created=outcome.created,
            changed=outcome.changed,
            unchanged=outcome.unchanged,
        )

    def audit_changes(self, job: UploadJob, outcome: FileOutcome) -> dict[str, Any]:
        changes = super().audit_changes(job, outcome)
        changes["kind"] = self.ledger.key
        changes["campaign"] = job.campaign_id  # type: ignore[attr-defined]
        return changes

    def upload_url(self, job: UploadJob) -> str:
        return reverse("ledgers:import", args=[job.campaign_id, self.ledger.key])  # type: ignore[attr-defined]


def importer_for(kind: LedgerKind) -> LedgerImporter:
    from huanjie.ledgers.models import LedgerImport

    cls = type(
        f"{kind.key.title().replace('_', '')}LedgerImporter",
        (LedgerImporter,),
        {
            "ledger": kind,
            "kind": kind.importer_kind,
            "label": kind.label,
            "job_model": LedgerImport,
            "schema": schema_of(kind),
            "action": kind.import_action or kind.action,
        },
    )
    return cls()  # type: ignore[no-any-return]


def ledger_template(kind: LedgerKind, area: Region) -> bytes:
    """The import template of `kind` for an area: its units' names as a drop-down."""
    owners = Region.objects.filter(
        code__startswith=area.code, level__in=kind.owner_levels
    ).select_related("parent")
    return template_xlsx(
        schema_of(kind),
        sheet_name=kind.label,
        title=(
            f"{area.display_name}{kind.label}（第1、2行为说明和表头，从第3行起每条记录一行；"
            "修改已有记录请在导出的表格上修改，保留编号列）"
        ),
        rows=200,
        choices={"region_name": [r.full_label for r in owners]},
    )


__all__ = [
    "BOOL",
    "CHOICE",
    "DATE",
    "INT",
    "LONG",
    "TEXT",
    "HistoryRow",
    "LedgerColumn",
    "LedgerKind",
    "Transition",
    "access_item",
    "items_visible_to",
    "kind_of",
    "kinds",
    "ledger_xlsx",
    "register_kind",
]
