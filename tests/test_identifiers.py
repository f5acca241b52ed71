"""Dutch identifiers and names: validation with a Dutch reason, and one normal form each."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from weerbaar.core import identifiers as ids
from weerbaar.core.identifiers import InvalidIdentifier
from weerbaar.core.names import fold, name_matches, split_full_name


# --------------------------------------------------------------------------------------------
# BSN: the eleven-test, computed here independently of the code under test.
# --------------------------------------------------------------------------------------------
def eleven_test(digits: str) -> bool:
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


@st.composite
def valid_bsns(draw: st.DrawFn) -> str:
    first = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    check = sum(d * w for d, w in zip(first, [9, 8, 7, 6, 5, 4, 3, 2], strict=True)) % 11
    assume(check != 10)  # no single check digit makes these pass
    number = "".join(map(str, first)) + str(check)
    assume(int(number) > 0)
    return number


@given(valid_bsns())
def test_generated_valid_bsns_pass(bsn: str) -> None:
    assert eleven_test(bsn)
    assert ids.bsn(bsn) == bsn


@given(valid_bsns(), st.integers(0, 8), st.integers(1, 9))
def test_any_single_digit_change_fails(bsn: str, position: int, delta: int) -> None:
    changed = bsn[:position] + str((int(bsn[position]) + delta) % 10) + bsn[position + 1:]
    with pytest.raises(InvalidIdentifier) as caught:
        ids.bsn(changed)
    assert (caught.value.code, "elfproef" in caught.value.reason) == ("bsn_ongeldig", True)


@given(valid_bsns())
def test_bsn_tolerates_spaces_dots_and_dashes(bsn: str) -> None:
    assert ids.bsn(f" {bsn[:4]}.{bsn[4:6]}-{bsn[6:]} ") == bsn


@pytest.mark.parametrize("value", ["", "12345", "1234567890", "12345678a", "000000000", "abcdefghi"])
def test_malformed_bsn_is_refused_in_dutch(value: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        ids.bsn(value)
    assert caught.value.code == "bsn_ongeldig" and "BSN" in caught.value.reason


def test_bsn_that_lost_its_leading_zero_in_a_spreadsheet_is_restored() -> None:
    assert eleven_test("012345672")
    assert ids.bsn("12345672") == "012345672"


# --------------------------------------------------------------------------------------------
# Other identifiers: normal forms and refusals.
# --------------------------------------------------------------------------------------------
NORMAL_FORMS = [
    (ids.kvk_nummer, "1234 5678", "12345678"),
    (ids.kvk_nummer, "01234567", "01234567"),
    (ids.vestigingsnummer, "0000-1234-5678", "000012345678"),
    (ids.postcode, "1234 ab", "1234AB"),
    (ids.postcode, " 9991aa ", "9991AA"),
    (ids.bag_id, "0363200000123456", "0363200000123456"),
    (ids.kenteken, "ab-123-c", "AB123C"),
    (ids.kenteken, "12 ABC 3", "12ABC3"),
    (ids.kenteken, "AB123C", "AB123C"),
    (ids.ean, "871 687 120 000 123 456", "871687120000123456"),
    (ids.gemeentecode, "gm0363", "GM0363"),
    (ids.buurtcode, "bu03630000", "BU03630000"),
    (ids.wijkcode, "wk036300", "WK036300"),
]


@pytest.mark.parametrize(("check", "raw", "normal"), NORMAL_FORMS,
                         ids=[f"{c.__name__}:{r}" for c, r, _ in NORMAL_FORMS])
def test_normal_forms(check, raw: str, normal: str) -> None:  # type: ignore[no-untyped-def]
    assert check(raw) == normal


REFUSED = [
    (ids.kvk_nummer, "1234567", "kvk_ongeldig"),
    (ids.kvk_nummer, "123456789", "kvk_ongeldig"),
    (ids.kvk_nummer, "1234567a", "kvk_ongeldig"),
    (ids.postcode, "0123AB", "postcode_ongeldig"),
    (ids.postcode, "1234A", "postcode_ongeldig"),
    (ids.postcode, "1234SA", "postcode_ongeldig"),
    (ids.postcode, "1234SS", "postcode_ongeldig"),
    (ids.postcode, "12345A", "postcode_ongeldig"),
    (ids.bag_id, "036320000012345", "bag_id_ongeldig"),
    (ids.bag_id, "0363-2000-0012-3456", "bag_id_ongeldig"),
    (ids.kenteken, "123456", "kenteken_ongeldig"),
    (ids.kenteken, "ABCDEF", "kenteken_ongeldig"),
    (ids.kenteken, "AB-12", "kenteken_ongeldig"),
    (ids.huisnummer, "0", "huisnummer_ongeldig"),
    (ids.huisnummer, "100000", "huisnummer_ongeldig"),
    (ids.huisnummer, "twaalf", "huisnummer_ongeldig"),
    (ids.gemeentecode, "0363", "gemeentecode_ongeldig"),
    (ids.buurtcode, "BU0363", "buurtcode_ongeldig"),
]


@pytest.mark.parametrize(("check", "raw", "code"), REFUSED, ids=[f"{c.__name__}:{r}" for c, r, _ in REFUSED])
def test_refused_with_code_and_dutch_reason(check, raw: str, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidIdentifier) as caught:
        check(raw)
    assert caught.value.code == code
    assert caught.value.reason.endswith(".") and "should" not in caught.value.reason


@given(st.from_regex(r"[1-9][0-9]{3} ?[A-Ra-rT-Zt-z][A-Za-z]", fullmatch=True))
def test_postcode_normal_form_is_stable(raw: str) -> None:
    normal = ids.postcode(raw)
    assert normal == raw.replace(" ", "").upper() and ids.postcode(normal) == normal


@given(st.text(max_size=30))
def test_identifier_checks_only_raise_invalid_identifier(raw: str) -> None:
    for check in (ids.bsn, ids.kvk_nummer, ids.postcode, ids.bag_id, ids.kenteken, ids.ean, ids.huisnummer,
                  ids.gemeentecode, ids.buurtcode, ids.wijkcode, ids.vestigingsnummer):
        with contextlib.suppress(InvalidIdentifier):
            check(raw)


# --------------------------------------------------------------------------------------------
# Names: particles, initials, case, accents.
# --------------------------------------------------------------------------------------------
SPLITS = [
    ("Jan de Vries", ("Jan", "de", "Vries")),
    ("J. van der Berg", ("J.", "van der", "Berg")),
    ("Vries, Jan de", ("Jan", "de", "Vries")),
    ("Berg, J. van der", ("J.", "van der", "Berg")),
    ("Mohamed El Amrani", ("Mohamed", "El", "Amrani")),
    ("pieter van der wal", ("pieter", "van der", "wal")),
    ("Anna Maria  ten   Brink", ("Anna Maria", "ten", "Brink")),
    ("WAL", ("", "", "WAL")),
    ("Jansen", ("", "", "Jansen")),
    ("Van der Wal", ("", "Van der", "Wal")),
]


@pytest.mark.parametrize(("full", "parts"), SPLITS, ids=[f for f, _ in SPLITS])
def test_split_full_name(full: str, parts: tuple[str, str, str]) -> None:
    assert split_full_name(full) == parts


PIETER = ("Pieter", "van der", "Wal")
MATCHES = [
    ("pieter van der wal", PIETER, True),
    ("P. vd Wal", PIETER, True),
    ("P. v/d Wal", PIETER, True),
    ("P. v.d. Wal", PIETER, True),
    ("WAL", PIETER, True),
    ("Wal, Pieter van der", PIETER, True),
    ("Pieter Vanderwal", PIETER, True),
    ("van der Wal", PIETER, True),
    ("Q. van der Wal", PIETER, False),
    ("Walters", PIETER, False),
    ("Pieter Jansen", PIETER, False),
    ("", PIETER, False),
    ("Jan van der Berg", ("Jan", "van der", "Berg"), True),
    ("J. VAN DER BERG", ("Jan", "van der", "Berg"), True),
    ("Berg, J. van der", ("Jan", "van der", "Berg"), True),
    ("Jan Vanderberg", ("Jan", "van der", "Berg"), True),
    ("Jan Vanderberg", ("Jan", None, "van der Berg"), True),
    ("jose munoz", ("José", None, "Muñoz"), True),
    ("Chloé de Wit", ("Chloe", "de", "Wit"), True),
    ("Mohamed El Amrani", ("Mohamed", "El", "Amrani"), True),
    ("M. Amrani", ("Mohamed", "El", "Amrani"), True),
]


@pytest.mark.parametrize(("query", "stored", "expected"), MATCHES,
                         ids=[f"{q or 'leeg'}~{' '.join(p for p in s if p)}" for q, s, _ in MATCHES])
def test_name_matches(query: str, stored: tuple[str | None, str | None, str], expected: bool) -> None:
    assert name_matches(query, *stored) is expected


def test_fold_lowercases_strips_accents_and_collapses_space() -> None:
    assert fold("  Çağla   ÖZTÜRK-Ørsted ") == "cagla ozturk-orsted"
