"""Booking codes people read out, link tokens people click, and how tokens are stored.

A booking code (`K7F-2QD`) is what a caller says on the phone or types at the counter, so it
avoids characters that look alike (0/O, 1/I/L). A code is for finding a booking, not for proving
who you are, so 31**6 (about 8.9e8) codes are plenty; the store's unique index catches the rare
repeat. Proving possession is the link token's job: it is long (256 bits, sent in the e-mailed
or texted link) and only its SHA-256 is stored, so a database leak does not hand out working
links.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = [
    "CODE_ALPHABET",
    "hash_token",
    "new_booking_code",
    "new_link_token",
    "normalize_code",
    "token_matches",
]

# Digits 2-9 and A-Z without I, L and O: nothing that reads as 0 or 1.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
_GROUP = 3
# Longer input is rejected before any work is done on it (codes come from public forms).
_MAX_CODE_INPUT = 32
_SEPARATORS = frozenset(" -\t\u2010\u2011\u2012\u2013\u2014\u2212\u3000")


def new_booking_code() -> str:
    """A fresh random code, formatted `XXX-XXX` (uniqueness is the store's unique index)."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{chars[:_GROUP]}-{chars[_GROUP:]}"


def normalize_code(text: str) -> str | None:
    """The canonical `XXX-XXX` form of what someone typed, or None if it cannot be a code.

    Case, spaces and dashes (also the look-alike dashes phones and Korean keyboards produce) are
    forgiven; a wrong length or a character outside the alphabet is not.
    """
    if len(text) > _MAX_CODE_INPUT:
        return None
    chars = "".join(c for c in text.upper() if c not in _SEPARATORS)
    if len(chars) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in chars):
        return None
    return f"{chars[:_GROUP]}-{chars[_GROUP:]}"


def new_link_token() -> str:
    """A URL-safe token with 256 bits of randomness (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 hex of the token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Whether `token` hashes to `stored_hash`, compared in constant time."""
    return hmac.compare_digest(
        hash_token(token).encode("ascii"), stored_hash.encode("utf-8", "replace")
    )
