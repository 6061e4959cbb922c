"""The roster's writes; nothing changes a cadre's row without a history.

- `results.roster_from_version` runs when a result version comes into force (the signal
  huanjie.results.signals.version_in_force, sent by huanjie.results.services.certify): the
  winners of the version before it leave the roster (ended, reason "选举结果更正") unless they keep
  the same post, and every winner of the new one holds their post from the day of the poll that
  elected them.
- During the term (RULES.md V15, V18): `recall.recall_motion` records a recall motion and
  `recall.recall_vote` its vote, each judged by the engine (huanjie.rules.recall); a recalled
  cadre leaves the roster. `by_election.by_election_record` counts a by-election of a seat left
  open with the engine and puts its winners on the roster for the rest of the term. Each checks
  MANAGE_ROSTER over the village (`common`), locks what it changes and writes its audit event
  ("roster.recall_motion", "roster.recall_vote", "roster.by_election").
"""
