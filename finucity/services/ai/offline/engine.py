"""Choosing what to answer: the skills, greetings and thanks, and the reply when nothing fits."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date, datetime

from finucity.finance.dates import india_now
from finucity.models import Category
from finucity.services.ai.categories import contains_any, contains_term, detect_category
from finucity.services.ai.offline.answers import Answer, _bullets
from finucity.services.ai.offline.topics.business import _roc_filings, _term_vs_ulip
from finucity.services.ai.offline.topics.gst import _gst_basics, _gst_due_dates, _gst_itc, _gst_registration
from finucity.services.ai.offline.topics.income_tax import (
    _itr_due_dates,
    _section_80c,
    _section_80d,
    _tax_calculation,
    _tax_slabs,
)
from finucity.services.ai.offline.topics.investment import (
    _SIP_TERMS,
    _elss,
    _emi_basics,
    _emi_calculation,
    _nps,
    _ppf,
    _sip_basics,
    _sip_calculation,
)


@dataclasses.dataclass(frozen=True)
class Skill:
    """One kind of question the offline assistant answers.

    A skill applies when one of its `triggers` is in the question (and, when
    given, one of `requires`); among those, the most `boosters` present wins.
    """

    label: str
    example: str
    build: Callable[[str, date], Answer | None]
    triggers: tuple[str, ...] = ()
    boosters: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()

    def score(self, text: str) -> int:
        triggered = sum(contains_term(text, term) for term in self.triggers)
        if not triggered or (self.requires and not contains_any(text, self.requires)):
            return 0
        return 3 * triggered + sum(contains_term(text, term) for term in self.boosters)


# Calculators take the question only when it holds the numbers they need.
_CALCULATORS = (
    Skill("EMI calculator", "EMI for 50 lakh at 8.5% for 20 years", _emi_calculation),
    Skill("SIP calculator", "SIP of 10000 per month for 15 years at 12%", _sip_calculation),
    Skill("Income tax on your income, both regimes", "Tax on 15 lakh salary", _tax_calculation),
)

# Ties go to the skill listed first.
_TOPICS = (
    Skill(
        "Income tax slabs, new vs old regime",
        "What are the tax slabs in the new regime?",
        _tax_slabs,
        triggers=("slab", "tax rate", "new regime", "old regime", "tax regime", "87A", "rebate", "standard deduction"),
        boosters=("income tax", "tax", "FY", "salary", "cess", "regime", "which", "better"),
    ),
    Skill(
        "Section 80C deductions",
        "Is my LIC premium deductible under 80C?",
        _section_80c,
        triggers=("80C", "tax saving investment", "tax saving option", "save tax"),
        boosters=(
            "deduction",
            "deductible",
            "claim",
            "PPF",
            "ELSS",
            "LIC",
            "premium",
            "tuition",
            "home loan",
            "NSC",
            "SSY",
        ),
    ),
    Skill(
        "Section 80D health insurance",
        "How much health insurance premium can I deduct under 80D?",
        _section_80d,
        triggers=("80D", "health insurance", "mediclaim", "medical insurance", "preventive health check"),
        boosters=("deduction", "deductible", "parents", "senior citizen", "premium", "tax"),
    ),
    Skill(
        "NPS tax benefits",
        "What is the extra NPS deduction under 80CCD(1B)?",
        _nps,
        triggers=("NPS", "national pension system", "80CCD"),
        boosters=("pension", "tax", "deduction", "employer", "retirement"),
    ),
    Skill(
        "PPF rate and rules",
        "What is the PPF interest rate?",
        _ppf,
        triggers=("PPF", "public provident fund"),
        boosters=("interest", "rate", "maturity", "lock in", "withdrawal", "extension"),
    ),
    Skill(
        "ELSS funds",
        "SIP vs lump sum in ELSS",
        _elss,
        triggers=("ELSS", "tax saving mutual fund", "tax saver fund", "tax saver mutual fund"),
        boosters=("lock in", "SIP", "lump sum", "80C", "mutual fund"),
    ),
    Skill(
        "How SIPs grow",
        "How does a SIP work?",
        _sip_basics,
        triggers=_SIP_TERMS,
        boosters=("lump sum", "mutual fund", "returns", "compounding"),
    ),
    Skill(
        "How EMIs are worked out",
        "How is EMI calculated?",
        _emi_basics,
        triggers=("EMI", "equated monthly instalment"),
        boosters=("loan", "home loan", "interest", "tenure", "calculate"),
    ),
    Skill(
        "ITR due dates",
        "What is the last date to file ITR?",
        _itr_due_dates,
        triggers=(
            "ITR",
            "income tax return",
            "return of income",
            "belated return",
            "revised return",
            "updated return",
            "234F",
        ),
        boosters=("file", "filing", "late fee", "penalty"),
        requires=(
            "due date",
            "deadline",
            "last date",
            "late",
            "belated",
            "revised",
            "updated",
            "extended",
            "extension",
            "when",
            "234F",
        ),
    ),
    Skill(
        "GST basics",
        "What is GST?",
        _gst_basics,
        triggers=(
            "what is GST",
            "how does GST work",
            "how GST works",
            "explain GST",
            "GST meaning",
            "GST rate",
            "CGST",
            "SGST",
            "IGST",
            "goods and services tax",
        ),
        boosters=("GST", "rate", "slab"),
    ),
    Skill(
        "GST registration limits",
        "When is GST registration compulsory?",
        _gst_registration,
        triggers=(
            "GST registration",
            "register for GST",
            "register under GST",
            "GSTIN",
            "GST threshold",
            "GST limit",
            "registration threshold",
            "registration limit",
        ),
        boosters=("turnover", "limit", "threshold", "register", "registration", "compulsory", "mandatory", "GST"),
    ),
    Skill(
        "GST return due dates",
        "GST return due dates",
        _gst_due_dates,
        triggers=("GSTR", "GST return", "GST annual return", "QRMP", "CMP 08", "IFF"),
        boosters=("due date", "deadline", "last date", "late fee", "monthly", "quarterly", "file", "filing", "GST"),
    ),
    Skill(
        "GST input tax credit",
        "What is ITC in GST?",
        _gst_itc,
        triggers=("ITC", "input tax credit", "input credit"),
        boosters=("GST", "claim", "blocked", "eligible", "GSTR 2B", "conditions"),
    ),
    Skill(
        "ROC annual filings",
        "ROC annual filing for a private limited company",
        _roc_filings,
        triggers=("ROC", "MCA", "AOC 4", "MGT 7", "annual filing", "annual return", "DPT 3", "ADT 1", "AGM", "LLP"),
        boosters=("company", "private limited", "pvt ltd", "due date", "filing", "late fee"),
    ),
    Skill(
        "Term insurance vs ULIP",
        "Term insurance vs ULIP",
        _term_vs_ulip,
        triggers=("ULIP", "term insurance", "term plan", "term life", "life cover"),
        boosters=("insurance", "vs", "versus", "better", "compare", "endowment", "LIC", "how much"),
    ),
)

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


def _best_topic(text: str, today: date) -> Answer | None:
    scored = [(skill.score(text), index, skill) for index, skill in enumerate(_TOPICS)]
    best = max(scored, key=lambda entry: (entry[0], -entry[1]))
    return best[2].build(text, today) if best[0] > 0 else None


def _is_small_talk(text: str, terms: Iterable[str]) -> bool:
    return len(text.split()) <= _SMALL_TALK_MAX_WORDS and contains_any(text, terms)


def _capabilities() -> str:
    skills = (*_CALCULATORS, *_TOPICS)
    return _bullets(f'**{skill.label}**: "{skill.example}"' for skill in skills)


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
    for calculator in _CALCULATORS:
        if (answer := calculator.build(text, today)) is not None:
            return answer.render()
    if (answer := _best_topic(text, today)) is not None:
        return answer.render()
    if _is_small_talk(text, _GREETINGS):
        return _greeting()
    return _thanks() if _is_small_talk(text, _THANKS) else _unknown(text)
