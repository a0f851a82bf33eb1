"""Business and insurance: ROC annual filings, and term insurance against ULIPs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from finucity.finance import knowledge
from finucity.finance.dates import format_date
from finucity.finance.money import format_inr, format_inr_words
from finucity.models import Category
from finucity.services.ai.categories import contains_term
from finucity.services.ai.offline.answers import Answer, _table
from finucity.services.ai.offline.reading import _amounts


def _roc_filings(text: str, today: date) -> Answer:
    fact = knowledge.fact("roc_company_filings")
    year_end = date(today.year if today.month >= 4 else today.year - 1, 3, 31)
    agm = date(year_end.year, 9, 30)
    aoc4 = agm + timedelta(days=int(fact["aoc4_days_after_agm"]))
    mgt7 = agm + timedelta(days=int(fact["mgt7_days_after_agm"]))
    llp = contains_term(text, "LLP")
    direct = (
        "A private limited company holds its AGM within 6 months of the year end (by 30 September), then files its "
        f"financial statements in **AOC-4 within {fact['aoc4_days_after_agm']} days** and its annual return in "
        f"**MGT-7/MGT-7A within {fact['mgt7_days_after_agm']} days** of the AGM."
    )
    explanation = _table(("Form", "What", "Due"), [(f["form"], f["what"], f["due"]) for f in fact["filings"]])
    if llp:
        llp_filings = knowledge.fact("llp_filings")["filings"]
        direct += " An LLP instead files " + " and ".join(f"**{f['form']} by {f['due']}**" for f in llp_filings) + "."
        explanation += "\n\n**LLPs file instead:**\n\n" + _table(
            ("Form", "What", "Due"), [(f["form"], f["what"], f["due"]) for f in llp_filings]
        )
    return Answer(
        category=Category.business,
        direct=direct,
        explanation=explanation,
        example=(
            f"For the year ended {format_date(year_end)}, with the AGM on the last day, {format_date(agm)}: AOC-4 is "
            f"due by {format_date(aoc4)} and MGT-7 by {format_date(mgt7)}. Each form filed late costs "
            f"{format_inr(fact['late_fee_per_day'])} a day in additional fees, with no upper limit."
        ),
        next_steps=(
            "Get the accounts audited and approved by the board well before the AGM.",
            "Check the company's and directors' status on the MCA portal (mca.gov.in) before filing.",
            "Put the AGM, AOC-4, MGT-7 and DPT-3 dates in your compliance calendar.",
        ),
        facts=(fact, *((knowledge.fact("llp_filings"),) if llp else ())),
    )


def _term_vs_ulip(text: str, today: date) -> Answer:
    fact, rule = knowledge.fact("term_vs_ulip"), knowledge.fact("life_cover_rule_of_thumb")
    amounts = _amounts(text)
    income = max(amounts) if amounts else Decimal(1_200_000)
    low, high = income * rule["income_multiple_low"], income * rule["income_multiple_high"]
    return Answer(
        category=Category.insurance,
        direct=(
            "Term insurance buys the most life cover for each rupee of premium; a ULIP combines a smaller cover with "
            f"a market-linked investment, several charges and a {fact['ulip_lock_in_years']}-year lock-in. Many "
            "planners keep the two apart: a term plan for protection and investments chosen on their own merits."
        ),
        explanation=_table(("", "Term insurance", "ULIP"), [(r["aspect"], r["term"], r["ulip"]) for r in fact["rows"]]),
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
