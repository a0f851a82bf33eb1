"""Choosing what to answer: the best registered skill, greetings and thanks, and the reply when nothing fits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from finucity.finance.dates import india_now
from finucity.models import Category
from finucity.services.ai.categories import contains_any, detect_category

# Imported for what importing it does: each topic module registers its skills.
from finucity.services.ai.offline import topics, worked  # noqa: F401
from finucity.services.ai.offline.answers import Answer, bullet_list
from finucity.services.ai.offline.skills import Skill, registered

_GREETINGS = (
    "hi",
    "hello",
    "hey",
    "hii",
    "namaste",
    "namaskar",
    "good morning",
    "good afternoon",
    "good evening",
    "who are you",
    "what can you do",
    "help",
)
_THANKS = ("thanks", "thank you", "thx", "dhanyavad", "shukriya")
# Small talk is short: a greeting with a real question attached is a question.
_SMALL_TALK_MAX_WORDS = 8


def choose(text: str, today: date) -> tuple[Skill, Answer] | None:
    """The skill that answers `text`, and its answer: the first calculator that
    finds its numbers in it, else the topic that scores highest."""
    skills = registered()
    for calculator in (skill for skill in skills if skill.calculator):
        if (answer := calculator.build(text, today)) is not None:
            return calculator, answer
    # Ties go to the lower order.
    best = max((skill for skill in skills if not skill.calculator), key=lambda skill: (skill.score(text), -skill.order))
    if best.score(text) > 0 and (answer := best.build(text, today)) is not None:
        return best, answer
    return None


def _is_small_talk(text: str, terms: Iterable[str]) -> bool:
    return len(text.split()) <= _SMALL_TALK_MAX_WORDS and contains_any(text, terms)


def _capabilities() -> str:
    return bullet_list(f'**{skill.label}**: "{skill.example}"' for skill in registered())


def _greeting() -> str:
    return (
        "Hello! I'm Finucity's assistant for Indian personal and business finance. Right now I'm running "
        "**offline**, so I answer common questions from a dated knowledge base and can work out EMIs, SIPs and "
        f"income tax for you. Try one of these:\n\n{_capabilities()}"
    )


def _thanks() -> str:
    return "You're welcome! Ask me anything else about tax, GST, investments, loans, business filings or insurance."


def _unknown(text: str) -> str:
    topic = detect_category(text)
    area = "" if topic == Category.general else f" about {topic.value.replace('_', ' ')}"
    return (
        "### I can't answer that one offline\n\nI'm Finucity's **offline assistant**. I answer a fixed set of common "
        f"questions from a dated knowledge base, and I can't answer this question{area} reliably, so I won't "
        "guess.\n\n**To get full answers, connect an AI model:** set `AI_API_KEY` (or `GITHUB_TOKEN` / "
        "`OPENAI_API_KEY`) in the `.env` file, optionally with `AI_BASE_URL` and `AI_MODEL`, then restart "
        f"Finucity.\n\n**What I can answer offline:**\n\n{_capabilities()}"
    )


def answer_question(question: str, *, now: datetime | None = None) -> str:
    """The offline assistant's full answer to one question, in Markdown."""
    text = question.strip()
    if not text:
        return _greeting()
    today = india_now(now).date()
    # Arithmetic first: a question that needs a figure gets it worked, or is asked for what is missing.
    if (worked_answer := worked.answer(text, today)) is not None:
        return worked_answer.render()
    if (chosen := choose(text, today)) is not None:
        return chosen[1].render()
    if _is_small_talk(text, _GREETINGS):
        return _greeting()
    return _thanks() if _is_small_talk(text, _THANKS) else _unknown(text)
