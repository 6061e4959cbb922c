from datetime import date

from django import forms
from django.utils import translation

from huanjie.lib.forms import DateInput


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput)


def test_a_date_field_prefilled_under_the_chinese_locale_shows_in_the_date_picker():
    # <input type="date"> takes only ISO dates; zh-hans formats would leave the picker empty.
    with translation.override("zh-hans"):
        html = str(_Form(initial={"day": date(2027, 1, 10)})["day"])
    assert 'type="date"' in html
    assert 'value="2027-01-10"' in html
