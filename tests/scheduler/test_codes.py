"""Booking codes, link tokens and how tokens are stored."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from scheduler.codes import (
    CODE_ALPHABET,
    hash_token,
    new_booking_code,
    new_link_token,
    normalize_code,
    token_matches,
)

CODE = re.compile(rf"^[{CODE_ALPHABET}]{{3}}-[{CODE_ALPHABET}]{{3}}$")


def test_alphabet_has_no_ambiguous_characters() -> None:
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 31
    assert CODE_ALPHABET.isupper() or CODE_ALPHABET.isdigit()


def test_codes_look_like_k7f_2qd() -> None:
    for _ in range(500):
        assert CODE.match(new_booking_code())


def test_codes_are_spread_over_the_alphabet_and_rarely_repeat() -> None:
    codes = [new_booking_code() for _ in range(5000)]
    # 31**6 codes: two repeats in 5000 draws happen about once in 10,000 runs; three, never.
    assert len(set(codes)) >= len(codes) - 2
    used = {c for code in codes for c in code if c != "-"}
    assert used == set(CODE_ALPHABET)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("K7F-2QD", "K7F-2QD"),
        ("k7f-2qd", "K7F-2QD"),
        ("K7F2QD", "K7F-2QD"),
        ("k7f 2qd", "K7F-2QD"),
        ("  K7F - 2QD \t", "K7F-2QD"),
        ("K 7 F 2 Q D", "K7F-2QD"),
        ("K7F\u20132QD", "K7F-2QD"),  # en dash from a phone keyboard
    ],
)
def test_normalize_accepts_what_people_type(typed: str, expected: str) -> None:
    assert normalize_code(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "-",
        "K7F-2Q",  # too short
        "K7F-2QDD",  # too long
        "K0F-2QD",  # zero is not in the alphabet
        "KOF-2QD",  # nor O
        "K1F-2QD",
        "KIF-2QD",
        "KLF-2QD",
        "K7F_2QD",
        "K7F.2QD",
        "\uff2b7F-2QD",  # full-width K
        "K7F-2QD" + " " * 40,  # absurdly long input is refused before any work
    ],
)
def test_normalize_refuses_what_cannot_be_a_code(typed: str) -> None:
    assert normalize_code(typed) is None


def test_every_new_code_normalizes_to_itself() -> None:
    for _ in range(200):
        code = new_booking_code()
        assert normalize_code(code) == code
        assert normalize_code(code.lower().replace("-", "")) == code


def test_link_tokens_carry_at_least_128_bits() -> None:
    token = new_link_token()
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128
    assert len(raw) == 32
    assert len({new_link_token() for _ in range(1000)}) == 1000


def test_hash_is_sha256_hex() -> None:
    token = new_link_token()
    digest = hash_token(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert hash_token(token) == digest
    assert hash_token(token + "x") != digest


def test_token_matches_only_its_own_hash() -> None:
    token, other = new_link_token(), new_link_token()
    stored = hash_token(token)
    assert token_matches(token, stored)
    assert not token_matches(other, stored)
    assert not token_matches(token, stored.upper())
    assert not token_matches(token, "")
    assert not token_matches(token, "é" * 64)  # garbage in the column does not raise
    assert not token_matches("", stored)
