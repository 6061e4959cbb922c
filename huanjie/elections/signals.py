"""What the campaign tells the apps above it without knowing them (huanjie.progress connects to
both in its AppConfig.ready)."""

from django.dispatch import Signal

# Sent inside the transaction that creates a campaign, after its villages are written (in bulk,
# so no row's post_save is sent), with `campaign`: the board's per-village rows are made.
campaign_created = Signal()

# Sent inside the transaction that fixes or moves a village's election day, with `actor`,
# `entry` (the new day set), `old` (None the first time) and `reason`: the schedule records the
# change and counts the village's stages again.
election_day_set = Signal()
