"""The count sheet's form (计票结果报告单 as typed): its inputs in the paper's order and the
posted form read back as the figures JSON (polls.figures). The count's entry screen and a
result correction's box (huanjie.results) share it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from huanjie.polls import figures, keyboard

MSG_WRITE_IN_NAME: Final = "请填写另选人姓名"
MSG_WRITE_IN_PRINTED: Final = "{name}是选票上印制的候选人，票数请填在其名下"

WRITE_IN_ROWS: Final = 3  # blank write-in rows per post on the sheet form


def sheet_fields(
    saved_figures: Mapping[str, Any],
    rekey: Sequence[str],
    layout: keyboard.Layout,
    form: Mapping[str, Any],
    errors: Mapping[str, list[str]],
) -> dict[str, Any]:
    """The inputs of the sheet form in their paper order (flat keys as names), or only the
    fields sent back (`rekey`); `saved_figures` filled in (the entrant's own, never the other
    entry's), what was typed (`form`) over them."""
    saved = figures.flatten(dict(saved_figures)) if not rekey else {}

    def field(key: str) -> dict[str, Any]:
        value = form.get(key, saved.get(key, ""))
        return {
            "key": key,
            "label": figures.field_label(key, layout),
            "value": value,
            "errors": errors.get(key, []),
        }

    if rekey:
        again = [field(k) for k in rekey]
        again[0]["first"] = True
        return {"rekey": again, "keys": {f["key"] for f in again}}
    header = [field(k) for k in figures.HEADER]
    header[0]["first"] = True
    reasons = [field(f"invalid_reasons.{r}") for r in keyboard.INVALID_REASONS.values()]
    posts = []
    keys = {f["key"] for f in header + reasons}
    for post in layout.posts:
        printed = [field(f"votes.{post.post}.{c.name}") for c in post.candidates]
        keys |= {f["key"] for f in printed}
        names = [c.name for c in post.candidates]
        known = [
            (k.split(".", 2)[2], v)
            for k, v in saved.items()
            if k.startswith(f"votes.{post.post}.") and k.split(".", 2)[2] not in names
        ]
        write_ins = []
        for i in range(max(WRITE_IN_ROWS, len(known) + 1)):
            base = f"wi.{post.post}.{i}"
            name, votes = known[i] if i < len(known) else ("", "")
            write_ins.append(
                {
                    "name_key": f"{base}.name",
                    "votes_key": f"{base}.votes",
                    "name": form.get(f"{base}.name", name),
                    "votes": form.get(f"{base}.votes", votes),
                    "errors": errors.get(f"{base}.name", [])
                    + errors.get(f"votes.{post.post}.{form.get(f'{base}.name', name)}", []),
                }
            )
            keys |= {f"{base}.name", f"votes.{post.post}.{form.get(f'{base}.name', name)}"}
        posts.append({"post": post, "printed": printed, "write_ins": write_ins})
    return {"header": header, "reasons": reasons, "posts": posts, "keys": keys}


def number(text: Any) -> Any:
    """A typed count: an int, None when left empty, else the text (the service says why)."""
    value = str(text or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() else value


def figures_from(
    data: Any, layout: keyboard.Layout, rekey: Sequence[str] = ()
) -> tuple[dict, dict]:
    """The posted sheet form as the figures JSON (only the `rekey` fields when some were sent
    back), and the form's own errors (a write-in's votes without a name)."""
    errors: dict[str, list[str]] = {}
    if rekey:
        return figures.unflatten({k: number(data.get(k)) for k in rekey}), errors
    flat: dict[str, Any] = {k: number(data.get(k)) for k in figures.HEADER}
    for reason in keyboard.INVALID_REASONS.values():
        flat[f"invalid_reasons.{reason}"] = number(data.get(f"invalid_reasons.{reason}")) or 0
    for post in layout.posts:
        printed = {c.name for c in post.candidates}
        for c in post.candidates:
            flat[f"votes.{post.post}.{c.name}"] = number(data.get(f"votes.{post.post}.{c.name}"))
        i = 0
        while f"wi.{post.post}.{i}.name" in data or f"wi.{post.post}.{i}.votes" in data:
            base = f"wi.{post.post}.{i}"
            name = str(data.get(f"{base}.name", "")).strip()
            votes = number(data.get(f"{base}.votes"))
            key = f"votes.{post.post}.{name}"
            if name in printed:
                errors[f"{base}.name"] = [MSG_WRITE_IN_PRINTED.format(name=name)]
            elif name and key in flat:
                errors[f"{base}.name"] = [figures.MSG_NAME_TWICE.format(name=name)]
            elif name:
                flat[key] = votes
            elif votes:
                errors[f"{base}.name"] = [MSG_WRITE_IN_NAME]
            i += 1
    out = figures.unflatten(flat)
    for post in layout.posts:
        out["votes"].setdefault(post.post, {})
    return out, errors
