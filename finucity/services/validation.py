"""Checks on short text fields (names, titles, token names, searches).

One place for the rule every single-line field follows: text only, spaces
collapsed, not empty, not too long, no control characters (PostgreSQL refuses
NUL outright, and invisible format characters only ever hide something).
"""

from __future__ import annotations

import unicodedata

from finucity.services.errors import ValidationError

_FORBIDDEN_CATEGORIES = ("Cc", "Cf")


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in text)


def is_encodable(text: str) -> bool:
    """False for text with lone surrogates (JSON can carry them; UTF-8 and the
    database cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def require_encodable(text: str, *, field: str, label: str) -> None:
    if not is_encodable(text):
        raise ValidationError(f"{label[0].upper()}{label[1:]} contains an invalid character.", field=field)


def single_line(value: object, *, field: str, label: str, max_length: int, missing: str | None = None) -> str:
    """`value` as one tidy line, or a ValidationError that names `field`.

    `label` reads in a sentence ("the title"); `missing` overrides the message
    for an empty or absent value.
    """
    if not isinstance(value, str):
        raise ValidationError(missing or f"Enter {label}.", field=field)
    text = " ".join(value.split())
    if not text:
        raise ValidationError(missing or f"Enter {label}.", field=field)
    if len(text) > max_length:
        raise ValidationError(f"Keep {label} under {max_length} characters.", field=field)
    require_encodable(text, field=field, label=label)
    if has_control_characters(text):
        raise ValidationError(f"{label[0].upper()}{label[1:]} contains a character that is not allowed.", field=field)
    return text


def optional_line(value: object, *, field: str, label: str, max_length: int) -> str | None:
    """Like `single_line`, for a field that may be left out: None, or blank, is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{label[0].upper()}{label[1:]} must be text.", field=field)
    return single_line(value, field=field, label=label, max_length=max_length)
