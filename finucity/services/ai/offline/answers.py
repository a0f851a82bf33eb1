"""Answers: their structure, and the Markdown pieces they are built from (tables, bullets, sources)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from finucity.finance.calculators import MONTHS_PER_YEAR
from finucity.finance.dates import financial_year
from finucity.finance.knowledge import Fact
from finucity.finance.money import as_decimal
from finucity.models import Category
from finucity.services.ai.prompts import DISCLAIMERS


@dataclasses.dataclass(frozen=True)
class Answer:
    """An answer in the structure the system prompt asks of a model."""

    category: Category
    direct: str
    explanation: str
    example: str
    next_steps: tuple[str, ...]
    facts: tuple[Fact, ...]
    example_heading: str = "Example"

    def render(self) -> str:
        return "\n\n".join(
            [
                f"### Short answer\n\n{self.direct}",
                f"### How it works\n\n{self.explanation}",
                f"### {self.example_heading}\n\n{self.example}",
                f"### Next steps\n\n{bullet_list(self.next_steps)}",
                _sources_line(self.facts),
                f"*{DISCLAIMERS[self.category]}*",
            ]
        )


def _sources_line(facts: Iterable[Fact]) -> str:
    citations = list(dict.fromkeys(fact.citation for fact in facts))
    if len(citations) == 1:
        return f"Source: {citations[0]}"
    # A list, not a joined line: the sources themselves contain semicolons.
    return f"Sources:\n\n{bullet_list(citations)}"


def bullet_list(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def percent(value: Decimal | float) -> str:
    return f"{as_decimal(value).normalize():f}%"


def rate_label(rate: Decimal) -> str:
    return "Nil" if rate == 0 else percent(rate)


def tenure_text(months: int) -> str:
    if months % MONTHS_PER_YEAR:
        return f"{months} months"
    years = months // MONTHS_PER_YEAR
    return f"{years} year{'s' if years != 1 else ''} ({months} months)"


def year_note(fact: Fact, today: date) -> list[str]:
    """A warning when the offline notes are for another financial year than today's."""
    current = financial_year(today)
    if fact["financial_year"] == current:
        return []
    return [
        (
            f"These are the FY {fact['financial_year']} rules, the latest in my offline notes; check whether the "
            f"Budget changed them for FY {current}."
        )
    ]
