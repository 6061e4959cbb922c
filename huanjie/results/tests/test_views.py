"""The results' pages: the list, one election's result, the two certifications as buttons."""

from __future__ import annotations

from django.urls import reverse

from huanjie.results.models import ResultVersion, VersionStatus


def test_the_town_and_then_the_county_certify_from_the_page(closed):
    url = reverse("results:election", args=[closed.election.pk])
    town = closed.cast.client(closed.cast.town_officer)
    page = town.get(url).content.decode()
    assert "待乡镇确认" in page and "张伟" in page and 'data-testid="certify-town"' in page
    town.post(reverse("results:certify_town", args=[closed.election.pk]))
    version = ResultVersion.objects.get()
    assert version.status == VersionStatus.TOWN_CERTIFIED
    county = closed.cast.client(closed.cast.county_officer)
    page = county.get(url).content.decode()
    assert version.code in page and 'data-testid="certify-county"' in page
    county.post(reverse("results:certify_county", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == VersionStatus.CERTIFIED
    page = county.get(url).content.decode()
    assert "已确认（现行）" in page and 'data-testid="certify-county"' not in page
    listing = county.get(reverse("results:index") + "?state=certified").content.decode()
    assert version.code in listing


def test_a_refusal_is_a_message_not_an_error(closed):
    from huanjie.results.services.certify import result_certify_town

    version = result_certify_town(actor=closed.cast.town_officer, election=closed.election)
    # The town officer has no county rights: refused with the reason, nothing changes.
    town = closed.cast.client(closed.cast.town_officer)
    response = town.post(reverse("results:certify_county", args=[version.pk]), follow=True)
    assert "县级确认须由县级工作人员进行" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.TOWN_CERTIFIED
    county = closed.cast.client(closed.cast.county_officer)
    response = county.post(reverse("results:version_return", args=[version.pk]), follow=True)
    assert "请填写原因" in response.content.decode()


def test_another_countys_officer_finds_nothing(closed):
    other = closed.cast.client(closed.cast.other_county_officer)
    assert other.get(reverse("results:election", args=[closed.election.pk])).status_code == 404
    assert (
        closed.election.village.region.name
        not in other.get(reverse("results:index")).content.decode()
    )
