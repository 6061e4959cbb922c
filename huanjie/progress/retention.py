"""The schedule's part of the retention purge (SECURITY.md P7; the purge itself is
huanjie.retention): the stages, their history and the election-day moves stay with their days
(the board still counts them); the notes and the reasons, free text that may name a person, go.
Runs inside the purge's transaction."""

from __future__ import annotations

from huanjie.elections.models import Campaign
from huanjie.lib.purge import blank_fields
from huanjie.progress.models import ElectionDayChange, ScheduleStage, ScheduleStageHistory
from huanjie.voters.services.retention import PURGED_TEXT


def schedule_personal_data_purge(campaign: Campaign) -> dict[str, int]:
    """Blank the campaign's stage notes, history notes and election-day reasons; the rows
    touched, for the audit event."""
    stages = ScheduleStage.objects.filter(village__campaign=campaign)
    blank_fields(stages, ["note"], PURGED_TEXT)
    history = ScheduleStageHistory.objects.filter(stage__village__campaign=campaign)
    blank_fields(history, ["note"], PURGED_TEXT)
    moves = ElectionDayChange.objects.filter(village__campaign=campaign)
    return {"schedule_day_changes": blank_fields(moves, ["reason"], PURGED_TEXT)}
