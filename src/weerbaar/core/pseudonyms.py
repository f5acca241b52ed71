"""Keyed pseudonyms of identifiers (BSN, names, plates) for the logboek.

The key is a per-installation secret kept outside the database (`Settings.log_key`),
configured by `Runtime.start`. Until configured, a random per-process key is used:
pseudonyms then still correlate within one process but can never be reversed with a
key read from the source code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_key: bytes = secrets.token_bytes(32)


def configure_key(key: bytes) -> None:
    global _key
    if len(key) < 16:
        raise ValueError("De sleutel voor pseudonimisering is te kort (minstens 16 bytes).")
    _key = key


def pseudonymise(value: str) -> str:
    """A keyed hash of an identifier, so the log can prove a search without holding it."""
    return hmac.new(_key, value.encode(), hashlib.sha256).hexdigest()[:16]


def match_key(value: str) -> str:
    """A full keyed hash (64 hex) of a normalised identifier for the hit/no-hit check: equal
    identifiers meet, the table reveals none. Domain-separated from the log's pseudonyms, so a
    logged pseudonym is not a prefix of a stored match key."""
    return hmac.new(_key, b"bekendheid\x00" + value.encode(), hashlib.sha256).hexdigest()
