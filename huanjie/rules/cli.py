"""`huanjie tally FILE|-`: count one poll file and print the result as JSON (TALLY_FORMAT.md).

Exit status 0 with the result on standard output, including for a poll the law declares void
(`"valid": false`); 2 with one Chinese line on standard error, naming the field as written, for
input that cannot be counted. Needs no Django and no database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from huanjie.rules.errors import RulesError
from huanjie.rules.messages import POLL_FILE
from huanjie.rules.poll import poll_from_json
from huanjie.rules.tally import tally


def _read(path: str) -> bytes:
    if path == "-":
        stream: Any = sys.stdin
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            data: bytes = buffer.read()
            return data
        text: str = stream.read()
        return text.encode("utf-8")
    return Path(path).read_bytes()


def _error(message: str) -> int:
    """Print the refusal on one line: a control character a hostile file put in a name or a
    key (quoted in the message) is shown escaped."""
    line = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in message
    )
    print(line, file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    """Run `huanjie tally` with the arguments after `tally`; return the exit status.

    >>> main(["--help"])
    用法：huanjie tally FILE|-（FILE为投票文件，-表示从标准输入读取）
    0
    >>> example = Path(__file__).parent / "tests" / "polls" / "tally_format_example.json"
    >>> main([str(example)])  # doctest: +ELLIPSIS
    {
      "valid": true,
    ...
    0
    """
    if argv in (["-h"], ["--help"]):
        print(POLL_FILE["usage"])
        return 0
    if len(argv) != 1:
        return _error(POLL_FILE["usage"])
    path = argv[0]
    try:
        raw = _read(path)
    except OSError as exc:
        return _error(POLL_FILE["cannot_read"].format(path=path, reason=exc.strerror or exc))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _error(POLL_FILE["not_utf8"])
    if not text.strip():
        return _error(POLL_FILE["empty_file"])
    try:
        data = json.loads(text)
        # A lone surrogate ("\ud800") is valid JSON but no text: it could not be printed back.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except json.JSONDecodeError as exc:
        return _error(POLL_FILE["not_json"].format(line=exc.lineno, column=exc.colno))
    except RecursionError:
        return _error(POLL_FILE["too_deep"])
    except UnicodeEncodeError:
        return _error(POLL_FILE["lone_surrogate"])
    except ValueError:
        # Python refuses to convert an integer of more than 4300 digits (CVE-2020-10735).
        return _error(POLL_FILE["number_too_long"])
    try:
        result = tally(poll_from_json(data))
    except RulesError as exc:
        return _error(str(exc))
    sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    return 0
