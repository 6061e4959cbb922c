"""The election committee's worlds (huanjie/committees/tests/conftest.py), for the tests of the
committee rule in nominee_propose (test_committee_rule.py)."""

from huanjie.committees.tests.conftest import world, world_2018  # noqa: F401
