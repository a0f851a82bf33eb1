"""The offline assistant's skills: each topic module registers its own, and each answers its example."""

from __future__ import annotations

from datetime import date

import pytest

from finucity.models import Category
from finucity.services.ai.offline.engine import choose
from finucity.services.ai.offline.skills import registered, skill

# A day in FY 2025-26, the year the knowledge base describes.
TODAY = date(2025, 11, 25)
SKILLS = registered()


@pytest.mark.parametrize("registered_skill", SKILLS, ids=[s.label for s in SKILLS])
def test_each_skill_answers_its_own_example_question(registered_skill):
    chosen = choose(registered_skill.example, TODAY)

    assert chosen is not None, f"nothing answers {registered_skill.example!r}"
    answering, answer = chosen
    assert answering is registered_skill, f"{registered_skill.example!r} is answered by {answering.label!r}"
    assert answer.category == registered_skill.category


def test_skills_live_in_the_topic_module_of_their_category():
    for registered_skill in SKILLS:
        assert registered_skill.build.__module__ == (
            f"finucity.services.ai.offline.topics.{registered_skill.category.value}"
        ), registered_skill.label


def test_every_category_has_a_skill_and_calculators_come_first():
    assert {s.category for s in SKILLS} == set(Category)
    kinds = [s.calculator for s in SKILLS]
    assert kinds == sorted(kinds, reverse=True) and kinds[0]


def _build(text: str, today: date):
    return None


def test_two_topics_cannot_share_an_order():
    taken = next(s for s in SKILLS if not s.calculator)
    with pytest.raises(ValueError, match="order"):
        skill("Twin", category=Category.general, example="Twin?", order=taken.order, triggers=("twin",))(_build)
    assert len(registered()) == len(SKILLS)


@pytest.mark.parametrize(
    "rule",
    [{"triggers": ()}, {"calculator": True, "triggers": ("loan",)}],
    ids=["topic without triggers", "calculator with triggers"],
)
def test_a_skill_needs_exactly_one_kind_of_matching_rule(rule):
    with pytest.raises(ValueError, match="triggers"):
        skill("Odd", category=Category.general, example="Odd?", order=999, **rule)(_build)
    assert len(registered()) == len(SKILLS)
