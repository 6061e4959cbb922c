"""The engine's exceptions: one base class, so a caller can catch everything the engine raises.

>>> issubclass(PollFileError, RulesError) and issubclass(ProfileError, RulesError)
True
>>> str(PollFileError("ballots[3].member", "本次投票没有“member”职位"))
'ballots[3].member：本次投票没有“member”职位'
"""

from __future__ import annotations


class RulesError(ValueError):
    """Anything the election-law engine refuses."""


class ProfileError(RulesError):
    """No rule profile for this body, province or mode.

    `field` names the poll-file field that chose it (`body`, `province`, `mode`).
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}：{message}")
        self.field = field
        self.message = message


class PollFileError(RulesError):
    """A poll that cannot be counted as given: a missing or mistyped field, a name on a ballot for
    a post that is not voted on, a set-up the law forbids.

    `field` is the field as written in the poll file (`ballots[3].member`, `posts[0].seats`);
    `message` says in Chinese what is wrong with it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}：{message}" if field else message)
        self.field = field
        self.message = message
