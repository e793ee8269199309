"""Phone numbers as practice writes them: mobiles, landlines, +86, full-width digits."""

from __future__ import annotations

import pytest

from liaison_app.domain.contact import normalise_phone, phone_error, phone_kind


@pytest.mark.parametrize(
    "number",
    ["13800138000", "14512345678", "15012345678", "16612345678", "17712345678", "19912345678"],
)
def test_mobiles_1_3_to_9_and_nine_digits(number: str) -> None:
    assert phone_kind(number) == "mobile"
    assert phone_error(number) is None


@pytest.mark.parametrize(
    "number",
    [
        "024-23456789",  # 3-digit area code, 8 digits
        "02423456789",  # no hyphen
        "010-12345678",  # Beijing
        "0411-8888123",  # 4-digit area code (0 + 3), 7 digits
        "0411-88881234",
        "041188881234",
        "024-23456789-123",  # extension with a hyphen
        "024-23456789转123",  # extension as written in Chinese
        "024-23456789ext12",
        "024-23456789x12",
    ],
)
def test_landlines_with_area_code_optional_hyphen_and_extension(number: str) -> None:
    assert phone_kind(number) == "landline"
    assert phone_error(number) is None


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("+8613800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+86-13800138000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("+86-024-23456789", "024-23456789"),
    ],
)
def test_country_prefix_86_is_dropped(raw: str, normalised: str) -> None:
    assert normalise_phone(raw) == normalised
    assert phone_error(raw) is None


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("１３８００１３８０００", "13800138000"),
        ("０２４－２３４５６７８９", "024-23456789"),
        ("＋８６　１３８　００１３　８０００", "13800138000"),
        (" 0411 8888 1234 ", "041188881234"),
    ],
)
def test_full_width_digits_and_spaces_are_folded(raw: str, normalised: str) -> None:
    assert normalise_phone(raw) == normalised
    assert phone_error(raw) is None


@pytest.mark.parametrize("raw", ["+86 24 2345 6789", "+86-24-23456789", "0086 411 8888 1234"])
def test_landline_in_international_form_is_accepted(raw: str) -> None:
    assert phone_error(raw) is None


@pytest.mark.parametrize(
    "number",
    [
        "12345678901",  # second digit 2
        "11012345678",  # second digit 1
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
    ],
)
def test_invalid_mobiles_are_explained_as_mobiles(number: str) -> None:
    assert phone_kind(number) is None
    message = phone_error(number)
    assert message is not None
    assert number in message
    assert "mobile" in message
    assert "11 digits" in message
    assert "13-19" in message


@pytest.mark.parametrize(
    "number",
    [
        "24-23456789",  # no leading 0
        "024-123456",  # 6 digits
        "024-123456789",  # 9 digits after the hyphen
        "0-23456789",  # area code too short
        "024-2345678a",
        "abc",
    ],
)
def test_invalid_numbers_are_explained_with_the_accepted_forms(number: str) -> None:
    assert phone_kind(normalise_phone(number)) is None
    message = phone_error(number)
    assert message is not None
    assert "mobile" in message
    assert "landline" in message
    assert "area code" in message
    assert "extension" in message


def test_prefix_is_kept_when_too_short_to_be_a_country_code() -> None:
    # "+86" followed by fewer than ten characters is not treated as a country prefix.
    assert normalise_phone("+86123") == "+86123"
    assert phone_error("+86123") is not None


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("138-4001-2345", "13840012345"),
        ("138 4001-2345", "13840012345"),
        ("+86 138-4001-2345", "13840012345"),
        ("１３８－４００１－２３４５", "13840012345"),
        ("024-2345-6789", "024-2345-6789"),  # not a mobile: its dashes are not folded away
    ],
)
def test_a_mobile_written_with_dashes_is_accepted_like_one_with_spaces(
    raw: str, normalised: str
) -> None:
    assert normalise_phone(raw) == normalised
    assert (phone_error(raw) is None) == normalised.isdigit()
