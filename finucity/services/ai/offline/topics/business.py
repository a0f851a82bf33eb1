"""Business: ROC annual filings of companies and LLPs."""

from __future__ import annotations

from datetime import date, timedelta

from finucity.finance import knowledge
from finucity.finance.dates import format_date
from finucity.finance.money import format_inr
from finucity.models import Category
from finucity.services.ai.categories import contains_term
from finucity.services.ai.offline.answers import Answer, markdown_table
from finucity.services.ai.offline.skills import skill


@skill(
    "ROC annual filings",
    category=Category.business,
    example="ROC annual filing for a private limited company",
    order=140,
    triggers=("ROC", "MCA", "AOC 4", "MGT 7", "annual filing", "annual return", "DPT 3", "ADT 1", "AGM", "LLP"),
    boosters=("company", "private limited", "pvt ltd", "due date", "filing", "late fee"),
)
def roc_filings(text: str, today: date) -> Answer:
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
    explanation = markdown_table(("Form", "What", "Due"), [(f["form"], f["what"], f["due"]) for f in fact["filings"]])
    if llp:
        llp_filings = knowledge.fact("llp_filings")["filings"]
        direct += " An LLP instead files " + " and ".join(f"**{f['form']} by {f['due']}**" for f in llp_filings) + "."
        explanation += "\n\n**LLPs file instead:**\n\n" + markdown_table(
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
