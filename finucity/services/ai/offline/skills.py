"""The offline assistant's skills, and the registry each topic module adds its own to.

A topic module declares a skill by decorating the function that builds its
answer:

    @skill(
        "PPF rate and rules",
        category=Category.investment,
        example="What is the PPF interest rate?",
        order=50,
        triggers=("PPF", "public provident fund"),
        boosters=("interest", "rate", "maturity"),
    )
    def ppf(text: str, today: date) -> Answer: ...

and the engine reads the registry; nothing else lists the skills. The
example is shown to users as something to ask, and a test checks that the
skill answers its own example.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

from finucity.models import Category
from finucity.services.ai.categories import contains_any, contains_term
from finucity.services.ai.offline.answers import Answer

Build = Callable[[str, date], Answer | None]


@dataclasses.dataclass(frozen=True)
class Skill:
    """One kind of question the offline assistant answers.

    A calculator takes the question only when it holds the numbers it needs:
    its `build` returns None otherwise, and calculators are tried in `order`.
    A topic applies when one of its `triggers` is in the question (and, when
    given, one of `requires`); among those, the most `boosters` present wins,
    and a tie goes to the lower `order`.
    """

    label: str
    category: Category
    example: str
    build: Build
    order: int
    calculator: bool = False
    triggers: tuple[str, ...] = ()
    boosters: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()

    def score(self, text: str) -> int:
        triggered = sum(contains_term(text, term) for term in self.triggers)
        if not triggered or (self.requires and not contains_any(text, self.requires)):
            return 0
        return 3 * triggered + sum(contains_term(text, term) for term in self.boosters)


_REGISTERED: list[Skill] = []


def skill(
    label: str,
    *,
    category: Category,
    example: str,
    order: int,
    calculator: bool = False,
    triggers: tuple[str, ...] = (),
    boosters: tuple[str, ...] = (),
    requires: tuple[str, ...] = (),
) -> Callable[[Build], Build]:
    """Register the decorated function as a skill; the function itself is unchanged.

    `order` is unique among calculators and among topics, so which skill wins
    never depends on the order modules happen to be imported in.
    """
    if calculator == bool(triggers):
        raise ValueError(f"{label!r}: a topic needs triggers; a calculator has none (its build decides)")

    def register(build: Build) -> Build:
        new = Skill(label, category, example, build, order, calculator, triggers, boosters, requires)
        for known in _REGISTERED:
            if known.calculator == calculator and known.order == order:
                raise ValueError(f"{label!r} has the order {order} of {known.label!r}")
        _REGISTERED.append(new)
        return build

    return register


def registered() -> tuple[Skill, ...]:
    """Every skill: the calculators in their order, then the topics in theirs."""
    return tuple(sorted(_REGISTERED, key=lambda s: (not s.calculator, s.order)))
