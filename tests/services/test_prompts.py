"""The system prompt and the messages sent with a question."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from finucity.models import Category, MessageRole
from finucity.services.ai.prompts import DISCLAIMERS, build_messages, estimate_tokens, system_prompt

# 20:00 UTC on 31 March is 01:30 on 1 April in India: a new financial year.
LAST_EVENING_UTC = datetime(2027, 3, 31, 20, 0, tzinfo=UTC)
LAST_NIGHT_IN_INDIA = datetime(2027, 3, 31, 18, 0, tzinfo=UTC)  # 23:30 IST, still 31 March


def test_the_prompt_states_the_date_and_years_in_india_at_each_call():
    after_midnight = system_prompt(Category.income_tax, LAST_EVENING_UTC)
    before_midnight = system_prompt(Category.income_tax, LAST_NIGHT_IN_INDIA)

    assert "1 April 2027" in after_midnight
    assert "FY 2027-28" in after_midnight and "AY 2028-29" in after_midnight
    assert "31 March 2027" in before_midnight
    assert "FY 2026-27" in before_midnight and "AY 2027-28" in before_midnight


@pytest.mark.parametrize("category", list(Category))
def test_the_prompt_sets_the_ground_rules_for_every_category(category):
    prompt = system_prompt(category, LAST_EVENING_UTC)

    assert "not a chartered accountant" in prompt
    assert "Never claim" in prompt
    for part in ("Direct answer", "Explanation", "Example", "Next steps"):
        assert part in prompt
    assert "₹12,34,567" in prompt  # the example shows Indian digit grouping
    assert "Markdown" in prompt and "tables" in prompt
    assert "unsure" in prompt
    assert "evade tax" in prompt
    assert DISCLAIMERS[category] in prompt


def test_each_category_gets_its_own_focus():
    prompts = {category: system_prompt(category, LAST_EVENING_UTC) for category in Category}
    assert len(set(prompts.values())) == len(Category)
    assert "input tax credit" in prompts[Category.gst]
    assert "80C" in prompts[Category.income_tax]


def test_disclaimers_point_to_the_right_authority():
    assert set(DISCLAIMERS) == set(Category)
    assert "Budget" in DISCLAIMERS[Category.income_tax] and "Income Tax Department" in DISCLAIMERS[Category.income_tax]
    assert "chartered accountant" in DISCLAIMERS[Category.income_tax]
    assert "GSTN" in DISCLAIMERS[Category.gst] and "CBIC" in DISCLAIMERS[Category.gst]
    assert "not investment advice" in DISCLAIMERS[Category.investment]
    assert "SEBI-registered" in DISCLAIMERS[Category.investment]
    assert "policy" in DISCLAIMERS[Category.insurance] and "IRDAI" in DISCLAIMERS[Category.insurance]
    assert all(text.strip() for text in DISCLAIMERS.values())


@pytest.mark.parametrize(("text", "tokens"), [("", 1), ("abc", 1), ("abcd", 1), ("abcde", 2), ("x" * 4000, 1000)])
def test_tokens_are_estimated_at_four_characters_each(text, tokens):
    assert estimate_tokens(text) == tokens


# --- history ------------------------------------------------------------------------------------

# About 100 tokens each, so a budget in hundreds decides how many fit.
LONG = "x" * 400


def _turns(count: int) -> list[tuple[str, str]]:
    """Alternating user/assistant turns, oldest first, each about 100 tokens."""
    roles = ("user", "assistant")
    return [(roles[i % 2], f"{i}:{LONG}") for i in range(count)]


def _history_of(messages: list[dict]) -> list[tuple[str, str]]:
    return [(m["role"], m["content"]) for m in messages[1:-1]]


def test_the_messages_are_system_then_history_then_question():
    history = [("user", "What is 80C?"), ("assistant", "A deduction.")]

    messages = build_messages("And 80D?", history, Category.income_tax, budget_tokens=1000, now=LAST_EVENING_UTC)

    assert messages[0] == {"role": "system", "content": system_prompt(Category.income_tax, LAST_EVENING_UTC)}
    assert _history_of(messages) == history
    assert messages[-1] == {"role": "user", "content": "And 80D?"}


def test_the_newest_turns_that_fit_the_budget_are_kept_in_order():
    history = _turns(6)

    messages = build_messages("Next?", history, Category.general, budget_tokens=250)

    assert _history_of(messages) == history[-2:]


def test_an_answer_whose_question_was_cut_off_is_dropped_too():
    history = _turns(4)  # user, assistant, user, assistant

    # Room for three messages: the oldest of them would be an answer without its question.
    messages = build_messages("Next?", history, Category.general, budget_tokens=350)

    assert _history_of(messages) == history[-2:]
    assert messages[1]["role"] == "user"


def test_a_conversation_that_opens_with_an_answer_keeps_it_when_it_fits():
    history = [("assistant", "Welcome to Finucity!"), ("user", "Hi"), ("assistant", "Hello!")]

    messages = build_messages("Next?", history, Category.general, budget_tokens=1000)

    assert _history_of(messages) == history


def test_the_question_is_sent_even_when_nothing_else_fits():
    question = "y" * 8000

    messages = build_messages(question, _turns(4), Category.general, budget_tokens=0)

    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[-1]["content"] == question


def test_history_roles_may_be_enum_members():
    history = [(MessageRole.user, "Hi"), (MessageRole.assistant, "Hello")]

    messages = build_messages("Next?", history, Category.general, budget_tokens=1000)

    assert _history_of(messages) == [("user", "Hi"), ("assistant", "Hello")]
