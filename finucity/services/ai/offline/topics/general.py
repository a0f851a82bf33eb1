"""General money questions: loans and their EMIs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from finucity.finance import knowledge
from finucity.finance.calculators import HUNDRED, MONTHS_PER_YEAR, emi
from finucity.finance.money import format_inr
from finucity.models import Category
from finucity.services.ai.categories import contains_any
from finucity.services.ai.offline.answers import Answer, markdown_table, percent, tenure_text
from finucity.services.ai.offline.reading import amounts_in, months_in, rate_in
from finucity.services.ai.offline.skills import skill

_EMI_TERMS = ("EMI", "equated monthly instalment", "loan", "instalment", "installment")
_HOME_LOAN_TERMS = ("home loan", "housing loan")


def _emi_table(principal: Decimal, rate: Decimal, months: int) -> tuple[Decimal, str]:
    monthly = emi(principal, rate, months)
    total = monthly * months
    table = markdown_table(
        ("Loan amount", "Interest rate", "Tenure", "Monthly EMI", "Total interest", "Total repaid"),
        [
            (
                format_inr(principal),
                f"{percent(rate)} a year",
                tenure_text(months),
                f"**{format_inr(monthly)}**",
                format_inr(total - principal),
                format_inr(total),
            )
        ],
    )
    return monthly, table


def _emi_answer(principal: Decimal, rate: Decimal, months: int, text: str, *, asked: bool) -> Answer:
    monthly, table = _emi_table(principal, rate, months)
    first_interest = principal * rate / HUNDRED / MONTHS_PER_YEAR
    home_loan = contains_any(text, _HOME_LOAN_TERMS)
    steps = [
        "Compare the rate and processing fees across lenders; a lower rate changes the EMI more than you might expect.",
        (
            "Part-prepayments early in the loan cut total interest the most; ask whether your lender charges for "
            "them (floating-rate home loans to individuals may not)."
        ),
    ]
    if home_loan:
        steps += knowledge.fact("home_loan_tax")["notes"]
    if not asked:
        steps.insert(0, 'Ask me with your numbers, e.g. "EMI for 30 lakh at 9% for 15 years".')
    subject = (
        "Your EMI"
        if asked
        else "An EMI is the fixed monthly payment that repays a loan with interest. For example, the EMI"
    )
    return Answer(
        category=Category.general,
        direct=(
            f"{subject} is **{format_inr(monthly)} a month** for a loan of {format_inr(principal)} at "
            f"{percent(rate)} a year over {tenure_text(months)}."
        ),
        explanation=(
            f"{knowledge.fact('emi_formula')['formula']}.\n\nEarly EMIs are mostly interest: the interest part is "
            "charged on the balance still owed, so it falls every month and the principal part grows."
        ),
        example_heading="Your numbers" if asked else "Example",
        example=(
            f"{table}\n\nOf the first EMI, {format_inr(first_interest)} is interest and "
            f"{format_inr(monthly - first_interest)} repays principal."
        ),
        next_steps=tuple(steps),
        facts=(knowledge.fact("emi_formula"), *((knowledge.fact("home_loan_tax"),) if home_loan else ())),
    )


@skill(
    "EMI calculator",
    category=Category.general,
    example="EMI for 50 lakh at 8.5% for 20 years",
    order=10,
    calculator=True,
)
def emi_calculation(text: str, today: date) -> Answer | None:
    if not contains_any(text, _EMI_TERMS):
        return None
    rate, months, amounts = rate_in(text), months_in(text), amounts_in(text)
    if rate is None or months is None or not amounts:
        return None
    return _emi_answer(max(amounts), rate, months, text, asked=True)


@skill(
    "How EMIs are worked out",
    category=Category.general,
    example="How is EMI calculated?",
    order=80,
    triggers=("EMI", "equated monthly instalment"),
    boosters=("loan", "home loan", "interest", "tenure", "calculate"),
)
def emi_basics(text: str, today: date) -> Answer:
    return _emi_answer(Decimal(5_000_000), Decimal("8.5"), 240, text, asked=False)
