"""Numbers written in words, turned into digits before anything else is read.

"two and a half lakh" -> "250000", "fifty thousand" -> "50000", "a lakh" ->
"100000", "one crore" -> "10000000", "twenty five years" -> "25 years".

A run of words without a multiplier (hundred, thousand, lakh, crore, million)
becomes digits only when a unit follows it ("six months", "ten percent"), so
"which one is better" keeps its "one".
"""

from __future__ import annotations

import re
from decimal import Decimal

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_MULTIPLIERS = {
    "thousand": 1_000,
    "lakh": 100_000,
    "lakhs": 100_000,
    "lac": 100_000,
    "lacs": 100_000,
    "lakh's": 100_000,
    "crore": 10_000_000,
    "crores": 10_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
}
_FILLERS = {"and", "a", "an", "half", "hundred", "quarter"}
_VOCAB = set(_UNITS) | set(_MULTIPLIERS) | _FILLERS
_MAX_RUN_WORDS = 12

_UNIT_AFTER_RE = re.compile(r"^\s*(?:years?|yrs?|months?|mths?|percent|per\s*cent|%|pc\b|days?)", re.IGNORECASE)


def numbers_to_digits(text: str) -> str:
    """`text` with every number written in words replaced by its digits."""
    words = list(re.finditer(r"[A-Za-z']+|[^A-Za-z']+", text))
    out: list[str] = []
    i = 0
    while i < len(words):
        starts = words[i][0][0].isalpha() and words[i][0].lower() not in {"and", "hundred", *_MULTIPLIERS}
        run_end = _first_number_end(words, i, _longest_number_run(words, i)) if starts else i
        if run_end > i:
            value, has_multiplier = _value_of([w[0].lower() for w in words[i:run_end] if w[0].strip()])
            rest = text[words[run_end - 1].end() :]
            if value is not None and (has_multiplier or _UNIT_AFTER_RE.match(rest)):
                out.append(_digits(value))
                i = run_end
                continue
        out.append(words[i][0])
        i += 1
    return "".join(out)


def _longest_number_run(words: list[re.Match[str]], start: int) -> int:
    """End (exclusive) of the longest run of number words from `start`, or `start`."""
    best = start
    i = start
    # No number in words needs more than a dozen tokens; the cap keeps long texts linear.
    last = min(len(words), start + 2 * _MAX_RUN_WORDS)
    seen_number = False
    while i < last:
        token = words[i][0]
        if not token.strip() or token.strip() == "-":
            i += 1
            continue
        lowered = token.lower()
        if lowered not in _VOCAB:
            break
        seen_number = seen_number or lowered in _UNITS or lowered in _MULTIPLIERS or lowered in {"half", "hundred"}
        i += 1
        # A run never ends on a filler ("fifty thousand and" keeps its "and").
        if seen_number and lowered not in {"and", "a", "an"}:
            best = i
    return best


def _first_number_end(words: list[re.Match[str]], start: int, end: int) -> int:
    """Where the first number of a run ends: "twelve lakh and one lakh" is two numbers, since each
    part of one number uses a smaller multiplier than the part before it."""
    last_multiplier: int | None = None
    after_last = end
    for k in range(start, end):
        token = words[k][0].lower()
        if token in _MULTIPLIERS:
            if last_multiplier is not None and _MULTIPLIERS[token] >= last_multiplier:
                return after_last
            last_multiplier, after_last = _MULTIPLIERS[token], k + 1
    return end


def _value_of(tokens: list[str]) -> tuple[Decimal | None, bool]:
    """The number a run of words spells, and whether it had a multiplier."""
    total = Decimal(0)
    current: Decimal | None = None
    has_multiplier = False
    pending_fraction = Decimal(0)
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token in _UNITS:
            current = (current or Decimal(0)) + _UNITS[token]
        elif token in {"a", "an"}:
            if following in _MULTIPLIERS or following == "hundred":
                current = current if current is not None else Decimal(1)
            elif following not in {"half", "quarter"}:
                return None, False
        elif token == "half":
            if current is None:
                current = Decimal("0.5")  # "half a lakh"
            else:
                pending_fraction = Decimal("0.5")
        elif token == "quarter":
            pending_fraction = Decimal("0.25") if current is not None else Decimal(0)
            if current is None:
                current = Decimal("0.25")
        elif token == "hundred":
            if current is None:
                return None, False  # "hundreds of", or "5 hundred" (digits are read later)
            current *= 100
            has_multiplier = True
        elif token in _MULTIPLIERS:
            if current is None:
                return None, False  # "in lakhs", or "5 lakh" (digits are read later)
            base = current + pending_fraction
            total += base * _MULTIPLIERS[token]
            current, pending_fraction = None, Decimal(0)
            has_multiplier = True
        # "and" only joins.
    if current is not None:
        total += current + pending_fraction
    elif pending_fraction:
        return None, False
    return total, has_multiplier


def _digits(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
