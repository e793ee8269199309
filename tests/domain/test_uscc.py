"""The unified social credit code (GB 32100-2015): check character, normalisation, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison_app.domain import uscc

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALID = [
    "91210102MAPJ96WP38",
    "91210211MANQ8H7L9P",
    "91211302MAFBDGPK1U",
    "91210100MA00004960",
]

first17 = st.text(alphabet=CHARSET, min_size=17, max_size=17)


def weighted_sum(first: str) -> int:
    """Σ value·weight over the first 17 characters, computed independently of the module."""
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    return sum(CHARSET.index(c) * w for c, w in zip(first, weights, strict=True))


@pytest.mark.parametrize("code", VALID)
def test_published_valid_codes_are_accepted(code: str) -> None:
    result = uscc.check(code)
    assert result.ok, result.error
    assert result.code == code
    assert result.error is None and result.error_code is None
    assert uscc.is_valid(code)
    assert uscc.with_check_character(code[:17]) == code


def test_check_character_zero_when_sum_divisible_by_31() -> None:
    code = "91210100MA00004960"
    assert weighted_sum(code[:17]) % 31 == 0
    assert uscc.check_character(code[:17]) == "0"
    assert uscc.check(code).ok


def test_often_quoted_example_is_invalid_and_names_the_right_check_character() -> None:
    result = uscc.check("91310115MA1H8R7C6D")
    assert not result.ok
    assert result.error_code == "uscc_check"
    assert "'D'" in result.error
    assert "'7'" in result.error
    assert uscc.check_character("91310115MA1H8R7C6") == "7"
    assert not uscc.is_valid("91310115MA1H8R7C6D")
    assert uscc.is_valid("91310115MA1H8R7C67")


@pytest.mark.parametrize(
    "raw",
    [
        "９１２１０１０２ＭＡＰＪ９６ＷＰ３８",  # full-width
        "91210102mapj96wp38",  # lower case
        "９１２１０１０２ｍａｐｊ９６ｗｐ３８",  # full-width lower case
        "  91210102MAPJ96WP38\t",  # surrounding white space
        "\u300091210102MAPJ96WP38\u3000",  # ideographic spaces around it
    ],
)
def test_full_width_lower_case_and_spaces_are_normalised(raw: str) -> None:
    result = uscc.check(raw)
    assert result.ok, result.error
    assert result.code == "91210102MAPJ96WP38"
    assert uscc.normalise(raw) == "91210102MAPJ96WP38"


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters_are_rejected_with_their_position(letter: str) -> None:
    code = "91210102" + letter + "APJ96WP38"  # position 9
    result = uscc.check(code)
    assert not result.ok
    assert result.error_code == "uscc_charset"
    assert "character 9" in result.error
    assert repr(letter) in result.error
    assert "I, O, S, V and Z" in result.error


def test_forbidden_lower_case_letter_is_named_upper_case() -> None:
    result = uscc.check("91210102MAPJ96Wp3s")
    assert not result.ok
    assert "character 18" in result.error
    assert "'S'" in result.error


def test_punctuation_is_rejected_with_its_position() -> None:
    result = uscc.check("91210102-MAPJ96WP3")
    assert not result.ok
    assert result.error_code == "uscc_charset"
    assert "character 9" in result.error


@pytest.mark.parametrize(
    ("raw", "length"),
    [("", 0), ("91210102MAPJ96WP3", 17), ("91210102MAPJ96WP380", 19), ("9121", 4)],
)
def test_wrong_length_is_rejected_with_the_length(raw: str, length: int) -> None:
    result = uscc.check(raw)
    assert not result.ok
    assert result.error_code == "uscc_length"
    assert "18 characters" in result.error
    assert f"got {length}" in result.error


@pytest.mark.parametrize("o", ["O", "o", "Ｏ"])
def test_letter_o_is_never_guessed_to_be_zero(o: str) -> None:
    # The valid code 91210100MA00004960 with its 12th character (a zero) typed as the letter O.
    typed = "91210100MA0" + o + "004960"
    result = uscc.check(typed)
    assert not result.ok
    assert result.error_code == "uscc_charset"
    assert "character 12" in result.error
    assert result.code == "91210100MA0O004960"  # kept as typed, not "corrected"
    assert uscc.normalise(typed) == "91210100MA0O004960"


def test_inner_organisation_code_failure_warns_but_does_not_block() -> None:
    code = uscc.with_check_character("91210102MAPJ96WP4")  # org-code check char should be 3
    result = uscc.check(code)
    assert result.ok
    assert any("GB 11714" in w for w in result.warnings)


def test_published_valid_codes_pass_the_inner_check_without_warnings() -> None:
    for code in VALID:
        assert uscc.check(code).warnings == ()


def test_check_character_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        uscc.check_character("91210102MAPJ96WP")  # 16 characters
    with pytest.raises(ValueError):
        uscc.check_character("91210102MAPJ96WPI")  # I is not in the charset


def test_entity_kinds() -> None:
    assert uscc.KINDS["91"] == "enterprise"
    assert uscc.KINDS["92"] == "individual_trader"
    assert uscc.KINDS["93"] == "farmers_cooperative"


def test_weights_are_the_published_table() -> None:
    assert uscc.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert uscc.CHARSET == CHARSET


@given(st.integers(min_value=1, max_value=17))
def test_weight_i_is_3_to_the_i_minus_1_mod_31(i: int) -> None:
    assert uscc.WEIGHTS[i - 1] == 3 ** (i - 1) % 31


@given(first17)
def test_completing_any_17_characters_gives_a_valid_code(first: str) -> None:
    code = uscc.with_check_character(first)
    assert len(code) == 18
    assert code[:17] == first
    assert code[17] in CHARSET
    assert (weighted_sum(first) + CHARSET.index(code[17])) % 31 == 0
    assert uscc.check(code).ok
    assert uscc.check(code.lower()).ok


@given(first17, st.integers(min_value=0, max_value=17), st.sampled_from(CHARSET))
def test_any_single_substitution_is_detected(first: str, position: int, replacement: str) -> None:
    code = uscc.with_check_character(first)
    if code[position] == replacement:
        replacement = CHARSET[(CHARSET.index(replacement) + 1) % len(CHARSET)]
    changed = code[:position] + replacement + code[position + 1 :]
    assert changed != code
    result = uscc.check(changed)
    assert not result.ok
    assert result.error_code == "uscc_check"
