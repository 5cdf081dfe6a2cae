"""Contact details as coaches type them: normalised to one stored form, or refused clearly."""
from __future__ import annotations

import pytest

from app.services.contact import (
    InvalidEmail,
    InvalidMobile,
    NotAMobile,
    normalise_email,
    normalise_mobile,
    shown_mobile,
)


@pytest.mark.parametrize("typed", [
    "070-174 06 05", "0701740605", "070 174 06 05", "+46 70 174 06 05", "+46701740605",
    "0046 70-174 06 05", "+46 (0)70 174 06 05", "+46 070 174 06 05", " 070.174.06.05 "])
def test_swedish_mobile_numbers_in_every_common_form_become_e164(typed):
    assert normalise_mobile(typed) == "+46701740605"


@pytest.mark.parametrize(("typed", "stored"), [
    ("+44 7700 900123", "+447700900123"), ("0047 912 34 567", "+4791234567"),
    ("+358 40 1234567", "+358401234567")])
def test_international_numbers_keep_their_country_code(typed, stored):
    assert normalise_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["701740605", "070-174 06", "+46 70 174 06 05 99", "07O-1740605",
                                   "+0 70 174", "phone me", "+1234567", "+1234567890123456"])
def test_what_is_not_a_phone_number_is_refused(typed):
    with pytest.raises(InvalidMobile):
        normalise_mobile(typed)


def test_a_swedish_landline_is_refused_because_it_cannot_get_an_sms():
    with pytest.raises(NotAMobile):
        normalise_mobile("08-123 456 78")


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_nothing_typed_is_no_contact_detail(typed):
    assert normalise_mobile(typed) is None and normalise_email(typed) is None


def test_email_is_checked_for_syntax_and_its_domain_lower_cased():
    assert normalise_email(" Anna.Svensson@Example.ORG ") == "Anna.Svensson@example.org"
    for typed in ("anna", "anna@", "@example.org", "anna svensson@example.org", "anna@@example.org"):
        with pytest.raises(InvalidEmail):
            normalise_email(typed)


def test_stored_numbers_are_shown_the_way_swedes_read_them():
    assert shown_mobile("+46701740605") == "070-174 06 05"
    assert shown_mobile("+447700900123") == "+447700900123"
