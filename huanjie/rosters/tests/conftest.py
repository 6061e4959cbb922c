"""The roster's tests work on the results' worlds: `closed` (an election of 红河限村 whose first
poll is closed, every seat filled) and `certified` (its result in force: the roster)."""

from huanjie.results.tests.conftest import certified, closed

__all__ = ["certified", "closed"]
