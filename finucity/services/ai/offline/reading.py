"""Reading numbers out of a question: rates, durations and money amounts."""

from __future__ import annotations

import re
from decimal import Decimal

from finucity.finance.calculators import MONTHS_PER_YEAR
from finucity.finance.money import as_decimal, find_amounts

_RATE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per\s*cent\b|percent\b)", re.IGNORECASE)
_TENURE_RE = re.compile(r"(\d+(?:\.\d+)?)[\s-]*(years?|yrs?|months?|mths?)\b", re.IGNORECASE)
# "FY 2025-26", "2025-26", "AY 2026": years, not amounts.
_YEAR_RE = re.compile(r"\b(?:FY|AY)\s*\d{2,4}(?:\s*[-–/]\s*\d{2,4})?\b|\b\d{4}\s*[-–/]\s*\d{2,4}\b", re.IGNORECASE)
# Longer than any loan or SIP; also keeps the arithmetic small.
_MAX_MONTHS = 100 * MONTHS_PER_YEAR
# "section 24(b)", "u/s 139(1)": section numbers, not amounts.
_SECTION_RE = re.compile(r"\b(?:section|sec|u/s)\.?\s*\d+\w*(?:\(\w+\))*", re.IGNORECASE)


def rate_in(text: str) -> Decimal | None:
    match = _RATE_RE.search(text)
    return as_decimal(match[1]) if match else None


def months_in(text: str) -> int | None:
    """The duration in the question, in whole months; None if absent or beyond a lifetime."""
    match = _TENURE_RE.search(text)
    if not match:
        return None
    count = as_decimal(match[1])
    months = count if match[2].lower().startswith("m") else count * MONTHS_PER_YEAR
    return int(months) if 1 <= months <= _MAX_MONTHS else None


def amounts_in(text: str) -> list[Decimal]:
    """Money amounts in the question, after removing rates, durations, years and sections."""
    for pattern in (_RATE_RE, _TENURE_RE, _YEAR_RE, _SECTION_RE):
        text = pattern.sub(" ", text)
    return find_amounts(text)
