"""Which input each amount in a question is: by the nearest word that names one.

A question is cut into clauses at commas, full stops and joining words ("and",
"with", "but"); an amount belongs to the nearest field word in its own clause
("salary 10 lakh, the full 1.5 lakh under 80C": 10 lakh is salary, 1.5 lakh is
80C), a word before the amount winning a tie with one after it. An amount with
no field word in its clause is left unlabelled; the reader decides whether the
question's one default input takes it.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Sequence
from decimal import Decimal

from finucity.finance.money import format_inr
from finucity.finance.reading.amounts import Mention, Period, Scan, decimal_of, per_year

_MARKER_RE = re.compile(r"⟦(\d+)⟧")
_BOUNDARY_RE = re.compile(
    r"[,;!?\n]|\.(?!\d)|\b(?:and|but|plus|also|while|whereas|with|where|which|then|so|after|if)\b|\s-\s"
)


@dataclasses.dataclass(frozen=True)
class Field:
    """An input and the words that name it. `summable` inputs add up when stated
    twice ("PPF 1 lakh and ELSS 50k" are both 80C); others must agree."""

    name: str
    words: str  # a regular expression, matched on the masked question
    summable: bool = False


@dataclasses.dataclass(frozen=True)
class Labelled:
    by_field: dict[str, list[Mention]]
    unlabelled: list[Mention]
    summable: frozenset[str]
    clauses: dict[int, str]  # a mention's start -> the masked text of its clause

    def clause_of(self, mention: Mention) -> str:
        return self.clauses.get(mention.start, "")

    def total(self, name: str, *, yearly: bool = False) -> Decimal | None:
        """The field's amount (summed if summable); None when absent or stated as two different amounts."""
        values = [_value(m, yearly) for m in self.by_field.get(name, [])]
        if not values:
            return None
        if name in self.summable:
            return sum(values, Decimal(0))
        return values[0] if len(set(values)) == 1 else None

    def periods(self, name: str) -> set[Period | None]:
        return {m.period for m in self.by_field.get(name, [])}


def _value(mention: Mention, yearly: bool) -> Decimal:
    return per_year(decimal_of(mention), mention.period) if yearly else decimal_of(mention)


def label(scan: Scan, fields: Sequence[Field], *, kinds: tuple[str, ...] = ("amount",)) -> Labelled:
    """Give each amount (or each mention of `kinds`) the field named nearest to it in its clause."""
    masked = scan.masked
    words: list[tuple[int, int, Field]] = []
    for field in fields:
        for match in re.finditer(field.words, masked):
            words.append((match.start(), match.end(), field))
    # A boundary inside a field's words ("basic and DA") does not cut the clause.
    covered = bytearray(len(masked) + 1)
    for start, end, _ in words:
        covered[start:end] = b"\x01" * (end - start)
    boundaries = [m.start() for m in _BOUNDARY_RE.finditer(masked) if not covered[m.start()]]

    def clause(position: int) -> int:
        return bisect.bisect_left(boundaries, position)

    words_in: dict[int, list[tuple[int, int, Field]]] = {}
    for word in words:
        words_in.setdefault(clause(word[0]), []).append(word)
    by_field: dict[str, list[Mention]] = {}
    unlabelled: list[Mention] = []
    cuts = [0, *boundaries, len(masked)]
    clauses: dict[int, str] = {}
    for marker in _MARKER_RE.finditer(masked):
        mention = scan.mentions[int(marker[1])]
        if mention.kind not in kinds:
            continue
        here = clause(marker.start())
        clauses[mention.start] = masked[cuts[here] : cuts[here + 1]]
        best: tuple[float, Field] | None = None
        for start, end, field in words_in.get(here, []):
            if end <= marker.start():
                distance: float = len(masked[end : marker.start()].split())
            elif start >= marker.end():
                distance = len(masked[marker.end() : start].split()) + 0.5
            else:
                continue
            if best is None or distance < best[0]:
                best = (distance, field)
        if best is None:
            unlabelled.append(mention)
        else:
            by_field.setdefault(best[1].name, []).append(mention)
    return Labelled(by_field, unlabelled, frozenset(f.name for f in fields if f.summable), clauses)


def which_of(values: Sequence[Decimal]) -> str:
    """ "₹20,000 or ₹25,000": the amounts a follow-up question offers."""
    return " or ".join(format_inr(v) for v in values)
