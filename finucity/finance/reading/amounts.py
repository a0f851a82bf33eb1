"""Every number form in a question: amounts, rates, durations, ages and dates.

`scan(text)` finds them all at once, most specific first, so "FY 2026-27" is
never read as two amounts, "I am 62" never as ₹62, "20 years" never as ₹20
and "80C" or "24(b)" never as money. Amounts take every form people type:
"18 lakh", "18 lakhs", "18 lacs", "18L", "1.5 cr", "20k", "Rs 2,000",
"Rs. 2000", "INR 2,000", "₹11,800", "1,20,000", "50,000/-", "one lakh",
"two and a half lakh"; a period written beside an amount ("20k a month",
"monthly rent of 20k", "15 LPA") is kept with it, never applied silently.

A bare number below 100 with no currency mark, unit or grouping ("2 kids",
"at 9") is not taken as money: no calculator here has inputs that small.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Literal

from finucity.finance.reading.timing import StatedDate, find_dates, find_financial_years
from finucity.finance.reading.words import numbers_to_digits

Period = Literal["month", "year"]
Kind = Literal["amount", "percent", "duration", "age", "date", "fy", "number"]


@dataclasses.dataclass(frozen=True)
class Mention:
    """One figure found in a question. `value` is rupees (amount), per cent
    (percent), months (duration), years (age), a `StatedDate` (date) or a
    financial year such as "2026-27" (fy)."""

    kind: Kind
    value: Decimal | int | str | StatedDate
    start: int
    end: int
    period: Period | None = None  # amounts only: "a month", "per annum", "LPA"
    owner: Literal["self", "parents"] | None = None  # ages only


@dataclasses.dataclass(frozen=True)
class Scan:
    """A question made ready to read: `text` lower-cased with number words as
    digits and section names tidied ("80 C" -> "80c", "sec 24" -> "24(b)");
    `masked` is `text` with each mention replaced by a marker such as `⟦3⟧`."""

    text: str
    masked: str
    mentions: tuple[Mention, ...]

    def of(self, kind: Kind) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]


_UNIT_VALUES = {"crore": 10_000_000, "cr": 10_000_000, "lakh": 100_000, "lac": 100_000, "lpa": 100_000}
_UNIT_VALUES |= {"l": 100_000, "thousand": 1_000, "k": 1_000, "million": 1_000_000, "mn": 1_000_000}

_AMOUNT_RE = re.compile(
    r"""
    (?: (?P<cur> ₹ | \b(?:rs|inr|rupees?)(?![a-z])\.? ) \s* | (?<![\w.,]) )
    (?P<number> \d{1,3}(?:,\d{2,3})+(?:\.\d+)? | \d+(?:\.\d+)? )
    (?: \s* (?P<unit> crores? | crs? | lakhs? | lakh's | lacs? | lpa | l | thousand | k | millions? | mn ) (?![a-z]) )?
    (?! (?!(?:rs|inr|rupees)\b)[\w%(] | \.\d )
    (?P<tail> \s*/- | \s*(?:rupees|rs|inr)\b\.? )?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PERCENT_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s*cent\b|pc\b|p\.c\.)", re.IGNORECASE)
_DURATION_RE = re.compile(
    r"(?<![\w.])(?P<years>\d+(?:\.\d+)?)[\s-]*(?:years?|yrs?|yr)\b"
    r"(?:,?\s*(?:and\s+)?(?P<extra>\d+)[\s-]*(?:months?|mths?|mos?)\b)?"
    r"|(?<![\w.])(?P<months>\d+)[\s-]*(?:months?|mths?|mos?)\b",
    re.IGNORECASE,
)
_AGE_RES: tuple[tuple[re.Pattern[str], Literal["self", "parents"]], ...] = (
    (
        re.compile(
            r"\b(?:father|mother|dad|mom|mum|parents?)(?:'s)?\s+(?:is|are|age\s+is|aged?)\s+(\d{2,3})\b(?!\s*(?:lakh|lac|k\b|%|cr|,\d))"
        ),
        "parents",
    ),
    (
        re.compile(
            r"\b(?:i\s+am|i'm|im|aged?|my\s+age\s+is|age\s*:)\s*(\d{2,3})\b(?!\s*(?:lakh|lac|k\b|%|cr|,\d|years?\s+(?:of|in|at)))"
        ),
        "self",
    ),
    (re.compile(r"\b(\d{2,3})[\s-]*(?:years?|yrs?)[\s-]*old\b"), "self"),
)
_SECTION_FIXES = (
    (
        re.compile(r"\b80[\s-]?(ccd|ttb|tta|ddb|dd|gg|c|d|e|g|u)(?:\s*\(\s*(1b|2)\s*\)|[\s-]?(1b)\b|\b)"),
        lambda m: f"80{m[1]}" + (f"({m[2] or m[3]})" if m[2] or m[3] else ""),
    ),
    (re.compile(r"\b(?:section|sec\.?|u/s)\s*24\s*(?:\(\s*b\s*\)|b\b)?|\b24\s*\(\s*b\s*\)|\b24b\b"), "24(b)"),
)
_PERIOD_AFTER_RE = re.compile(
    r"^(?:\s+[a-z]+){0,2}?\s*(?:(?:a|per|/|every|each|in\s+a)\s*(?P<unit>month|year|annum|yr|mo)\b"
    r"|(?P<word>monthly|yearly|annually|annual|p\.?m\b\.?|p\.?a\b\.?))",
)
_PERIOD_BEFORE_RE = re.compile(
    r"\b(?P<word>monthly|annual|yearly|per\s+month|per\s+annum|a\s+month)(?:\s+[a-z()]+){0,3}\s*$"
)


# "1 crore 20 lakh", "1 lakh 50 thousand": one amount written in two parts (never across an
# "and": "12 lakh and 50k" is two amounts).
_COMPOUND_RE = re.compile(
    r"(?<![\w.,])(\d+(?:\.\d+)?)\s*(crores?|cr|lakhs?|lacs?)\s+(\d+(?:\.\d+)?)\s*(lakhs?|lacs?|thousand|k)\b"
)
_PART_VALUES = {"cr": 10_000_000, "la": 100_000, "th": 1_000, "k": 1_000}


def _compound(match: re.Match[str]) -> str:
    big, small = _PART_VALUES[match[2][:2]], _PART_VALUES[match[4][:2] if match[4] != "k" else "k"]
    if small >= big:
        return match[0]
    total = Decimal(match[1]) * big + Decimal(match[3]) * small
    return str(int(total)) if total == total.to_integral_value() else str(total)


def normalize(text: str) -> str:
    """Lower-case, number words as digits, section names in one spelling."""
    text = numbers_to_digits(text.lower().replace("\u2019", "'"))
    text = _COMPOUND_RE.sub(_compound, text)
    for pattern, replacement in _SECTION_FIXES:
        text = pattern.sub(replacement, text)
    return text


def _amount_value(match: re.Match[str]) -> Decimal:
    value = Decimal(match["number"].replace(",", ""))
    unit = (match["unit"] or "").lower().rstrip("s").replace("lakh'", "lakh")
    if unit:
        value *= _UNIT_VALUES["cr" if unit.startswith("cr") else unit]
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _period(text: str, match: re.Match[str]) -> Period | None:
    if (match["unit"] or "").lower() == "lpa":
        return "year"
    after = _PERIOD_AFTER_RE.match(text[match.end() :])
    if after:
        word = (after["unit"] or after["word"]).replace(".", "")
        return "month" if word in {"month", "mo", "monthly", "pm"} else "year"
    before = _PERIOD_BEFORE_RE.search(text[max(0, match.start() - 40) : match.start()])
    if before:
        return "month" if "month" in before["word"] else "year"
    return None


def scan(text: str) -> Scan:
    """Find every figure in `text`; see the module docstring."""
    text = normalize(text)
    found: list[Mention] = []
    taken = bytearray(len(text) + 1)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def add(mention: Mention) -> None:
        found.append(mention)
        taken[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)

    for start, end, fy in find_financial_years(text):
        add(Mention("fy", fy, start, end))
    for start, end, stated in find_dates(text):
        if free(start, end):
            add(Mention("date", stated, start, end))
    for pattern, owner in _AGE_RES:
        for match in pattern.finditer(text):
            age = int(match[1])
            if 18 <= age <= 120 and free(match.start(1), match.end()):
                add(Mention("age", age, match.start(1), match.end(), owner=owner))
    for match in _DURATION_RE.finditer(text):
        if free(match.start(), match.end()):
            if match["months"]:
                months = Decimal(match["months"])
            else:
                months = Decimal(match["years"]) * 12 + Decimal(match["extra"] or 0)
            add(Mention("duration", int(months), match.start(), match.end()))
    for match in _PERCENT_RE.finditer(text):
        if free(match.start(), match.end()):
            add(Mention("percent", Decimal(match[1]), match.start(), match.end()))
    for match in _AMOUNT_RE.finditer(text):
        if not free(match.start(), match.end()):
            continue
        value = _amount_value(match)
        plain = not (match["cur"] or match["unit"] or match["tail"] or "," in match["number"])
        kind: Kind = "number" if plain and value < 100 else "amount"
        add(Mention(kind, value, match.start(), match.end(), period=_period(text, match)))
    found.sort(key=lambda m: m.start)
    masked, cursor = [], 0
    for index, mention in enumerate(found):
        masked.append(text[cursor : mention.start])
        masked.append(f" ⟦{index}⟧ ")
        cursor = mention.end
    masked.append(text[cursor:])
    return Scan(text, "".join(masked), tuple(found))


def find_amounts(text: str) -> list[Decimal]:
    """Every money amount in `text`, in order (rates, durations, ages, dates and years left out)."""
    return [m.value for m in scan(text).of("amount") if isinstance(m.value, Decimal)]


def parse_amount(text: str) -> Decimal | None:
    """`text` read as one amount ("18 lakh", "₹11,800", "two and a half lakh"), or None.

    None also when `text` holds more than one amount, or anything but the amount
    and an optional period ("20k a month").
    """
    mentions = scan(text).mentions
    if len(mentions) != 1 or mentions[0].kind not in {"amount", "number"}:
        return None
    value = mentions[0].value
    return value if isinstance(value, Decimal) else None


def parse_percent(text: str) -> Decimal | None:
    """The first rate in `text` ("8.5%", "8.5 percent", "8.5 pc"), in per cent, or None."""
    rates = scan(text).of("percent")
    return rates[0].value if rates and isinstance(rates[0].value, Decimal) else None


def parse_months(text: str) -> int | None:
    """The first duration in `text` ("20 years", "240 months", "10 years 7 months"), in months."""
    durations = scan(text).of("duration")
    return durations[0].value if durations and isinstance(durations[0].value, int) else None


def decimal_of(mention: Mention) -> Decimal:
    """An amount's rupees or a rate's per cent."""
    if not isinstance(mention.value, Decimal):
        raise TypeError(f"a {mention.kind} mention has no decimal value")
    return mention.value


def months_of(mention: Mention) -> int:
    """A duration's months."""
    if not isinstance(mention.value, int):
        raise TypeError(f"a {mention.kind} mention is not a duration")
    return mention.value


def per_year(value: Decimal, period: Period | None) -> Decimal:
    """An amount stated for `period`, for a whole year (a monthly figure times 12)."""
    return value * 12 if period == "month" else value
