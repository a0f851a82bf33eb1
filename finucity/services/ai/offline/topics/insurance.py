"""Insurance: term insurance against ULIPs, and how much life cover to buy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from finucity.finance import knowledge
from finucity.finance.money import format_inr, format_inr_words
from finucity.models import Category
from finucity.services.ai.offline.answers import Answer, markdown_table
from finucity.services.ai.offline.reading import amounts_in
from finucity.services.ai.offline.skills import skill


@skill(
    "Term insurance vs ULIP",
    category=Category.insurance,
    example="Term insurance vs ULIP",
    order=150,
    triggers=("ULIP", "term insurance", "term plan", "term life", "life cover"),
    boosters=("insurance", "vs", "versus", "better", "compare", "endowment", "LIC", "how much"),
)
def term_vs_ulip(text: str, today: date) -> Answer:
    fact, rule = knowledge.fact("term_vs_ulip"), knowledge.fact("life_cover_rule_of_thumb")
    amounts = amounts_in(text)
    income = max(amounts) if amounts else Decimal(1_200_000)
    low, high = income * rule["income_multiple_low"], income * rule["income_multiple_high"]
    return Answer(
        category=Category.insurance,
        direct=(
            "Term insurance buys the most life cover for each rupee of premium; a ULIP combines a smaller cover with "
            f"a market-linked investment, several charges and a {fact['ulip_lock_in_years']}-year lock-in. Many "
            "planners keep the two apart: a term plan for protection and investments chosen on their own merits."
        ),
        explanation=markdown_table(
            ("", "Term insurance", "ULIP"), [(r["aspect"], r["term"], r["ulip"]) for r in fact["rows"]]
        ),
        example=(
            f"With an annual income of {format_inr(income)}, the common rule of {rule['income_multiple_low']} to "
            f"{rule['income_multiple_high']} times income suggests life cover of {format_inr_words(low)} to "
            f"{format_inr_words(high)} (add your loans, subtract your savings)."
        ),
        next_steps=(
            (
                "Get term quotes from several insurers for cover up to age 60 to 65, and disclose your health and "
                "habits truthfully."
            ),
            (
                f"Every new policy has a free-look period of {fact['free_look_days']} days to return it if it is not "
                "what you expected."
            ),
            (
                "If you hold a ULIP, check its charges and whether yearly premiums above "
                f"{format_inr(fact['ulip_tax_free_premium_limit'])} make the maturity taxable."
            ),
        ),
        facts=(fact, rule),
    )
