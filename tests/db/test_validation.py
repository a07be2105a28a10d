"""Cleaning and formatting of identifiers, beside the services that use them."""

from __future__ import annotations

import phonenumbers
import pytest

from db import validation

NBSP = "\u00a0"


@pytest.mark.parametrize("e164", [
    "+33612345678", "+33712345678", "+33144556677", "+33298765432", "+33312345678",
    "+33412345678", "+33512345678", "+33912345678", "+33800123456", "+33899123456",
    "+590690123456", "+596596123456", "+262262123456", "+262639123456", "+508411234",
])
def test_phone_numbers_are_shown_as_phonenumbers_writes_them(e164):
    # Metropolitan numbers take a shortcut (pairs of digits): it must agree with the library.
    national = phonenumbers.format_number(phonenumbers.parse(e164, None),
                                          phonenumbers.PhoneNumberFormat.NATIONAL)
    assert validation.format_phone(e164) == national.replace(" ", NBSP)


def test_mobile_numbers_read_in_pairs_that_never_break_across_lines():
    assert validation.format_phone("+33612345678") == "06\u00a012\u00a034\u00a056\u00a078"
    assert validation.format_phone("+33800123456") == "0\u00a0800\u00a012\u00a034\u00a056"
    assert validation.format_phone(None) == ""


@pytest.mark.parametrize("e164", ["+33612345678", "+33800123456", "+590690123456"])
def test_a_number_shown_reads_back_as_itself(e164):
    # A form shows the stored number formatted and saves what it shows.
    shown = validation.format_phone(e164)
    assert validation.clean_phone(shown) == e164
    assert validation.phone_digits(e164) == shown.replace(NBSP, "")
