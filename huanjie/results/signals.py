"""What the results tell the apps above them (huanjie.rosters) without knowing them."""

from django.dispatch import Signal

# Sent inside the transaction that puts a result version in force (certified by the county or
# an approved correction), with `actor` and `version`: the roster follows its winners.
version_in_force = Signal()
