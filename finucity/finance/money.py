"""Rupee amounts the way Indian readers write them, both ways.

`format_inr` groups digits the Indian way (₹12,34,567: thousands, then pairs
for lakhs and crores), `format_inr_words` gives the short prose form
("₹1.5 crore"), and `find_amounts` / `parse_amount` read the forms people
type ("50 lakh", "Rs 5000", "10L", "1.2 cr", "15 LPA").

Amounts are `Decimal` end to end so rupee arithmetic never picks up binary
floating-point noise; floats are converted through their shortest repr, so
`2.675` rounds like the 2.675 a person typed.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

Amount = Decimal | int | float

RUPEE = "₹"
LAKH = Decimal(100_000)
CRORE = Decimal(10_000_000)


def format_inr(amount: Amount, *, decimals: int = 0, symbol: bool = True) -> str:
    """`1234567` -> `"₹12,34,567"`; `-5000` -> `"-₹5,000"`; rounds half-up."""
    if decimals < 0:
        raise ValueError("decimals must be 0 or more")
    value = _to_decimal(amount).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    # Compare after rounding, so -0.4 prints as "₹0", not "-₹0".
    sign = "-" if value < 0 else ""
    integer, _, fraction = f"{abs(value):f}".partition(".")
    digits = _group_indian(integer) + (f".{fraction}" if fraction else "")
    return f"{sign}{RUPEE if symbol else ''}{digits}"


def format_inr_words(amount: Amount) -> str:
    """Short prose form: `15000000` -> `"₹1.5 crore"`, `250000` -> `"₹2.5 lakh"`.

    Below one lakh there is no shorter form, so it is `format_inr`.
    """
    value = _to_decimal(amount)
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if magnitude < LAKH:
        return format_inr(value)
    # Decide on the rounded figure, so 99,99,999 reads "₹1 crore", not "₹100 lakh".
    if _two_places(magnitude / LAKH) >= 100:
        return f"{sign}{_short(magnitude / CRORE)} crore"
    return f"{sign}{_short(magnitude / LAKH)} lakh"


# An amount starts after a currency mark, or where no letter, digit, comma or
# point comes right before it, so no amount starts inside "v2.5" or "A1".
_AMOUNT_RE = re.compile(
    r"""
    (?: (?:₹|\b(?:rs|inr)\.?) \s* | (?<![\w.,]) )
    (?P<number> \d+ (?:,\d{2,3})* (?:\.\d+)? )
    (?: \s* (?P<unit> crores? | crs? | lakhs? | lacs? | lpa | l | thousand | k | millions? | mn ) (?![a-z]) )?
    # Not part of a longer token ("80C"), not a percentage, not "1.5.2".
    (?! [\w%] | \.\d )
    """,
    re.IGNORECASE | re.VERBOSE,
)

_UNIT_VALUES: dict[str, int] = {
    "crore": 10_000_000,
    "crores": 10_000_000,
    "cr": 10_000_000,
    "crs": 10_000_000,
    "lakh": 100_000,
    "lakhs": 100_000,
    "lac": 100_000,
    "lacs": 100_000,
    "lpa": 100_000,  # "15 LPA": lakh per annum, how salaries are quoted
    "l": 100_000,
    "thousand": 1_000,
    "k": 1_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "mn": 1_000_000,
}


def find_amounts(text: str) -> list[Decimal]:
    """Every amount in `text`, in order of appearance.

    Numbers that belong to other tokens ("80C", "GSTR3B") and percentages
    ("8.5%") are not amounts; plain numbers such as "20" in "20 years" are,
    and callers that care remove those phrases first.
    """
    return [_match_value(match) for match in _AMOUNT_RE.finditer(text)]


def parse_amount(text: str) -> Decimal | None:
    """The first amount in `text` ("₹12,34,567", "50 lakh", "5k", "2 cr"), or None."""
    amounts = find_amounts(text)
    return amounts[0] if amounts else None


def _match_value(match: re.Match[str]) -> Decimal:
    value = Decimal(match["number"].replace(",", ""))
    unit = match["unit"]
    if unit:
        value *= _UNIT_VALUES[unit.lower()]
    # "1.2 crore" is exactly 1,20,00,000: drop the ".0" the multiplication leaves.
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def as_decimal(value: Decimal | float | str) -> Decimal:
    """A figure from a knowledge file or a question, exactly: `8.5` -> `Decimal("8.5")`."""
    return Decimal(str(value))


def _to_decimal(amount: Amount) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int | float):
        raise TypeError(f"expected a number, got {type(amount).__name__}")
    if isinstance(amount, float):
        if not math.isfinite(amount):
            raise ValueError("amount must be a finite number")
        return Decimal(repr(amount))
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError("amount must be a finite number")
    return value


def _group_indian(digits: str) -> str:
    """ "1234567" -> "12,34,567": the last three digits, then groups of two."""
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while head:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([*groups, tail])


def _two_places(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _short(value: Decimal) -> str:
    """1.50 -> "₹1.5", 12.00 -> "₹12", 1234.57 -> "₹1,234.57"."""
    text = format_inr(_two_places(value), decimals=2)
    return text.rstrip("0").rstrip(".")
