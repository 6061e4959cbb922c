"""The `huanjie` console command: Django's management commands, plus `tally`, which needs no
database and so runs without setting Django up."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "tally":
        from huanjie.rules.cli import main as tally_main

        return tally_main(args[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huanjie.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
