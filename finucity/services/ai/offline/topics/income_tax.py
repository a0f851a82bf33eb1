"""Income tax: the tax calculator, the slabs, 80C, 80D and ITR due dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from finucity.finance import knowledge
from finucity.finance.calculators import (
    Regime,
    Slab,
    TaxBreakdown,
    income_tax,
    new_regime,
    old_regime,
    tax_saved,
)
from finucity.finance.dates import financial_year
from finucity.finance.money import as_decimal, format_inr, format_inr_words
from finucity.models import Category
from finucity.services.ai.categories import contains_any
from finucity.services.ai.offline.answers import Answer, bullet_list, markdown_table, percent, rate_label, year_note
from finucity.services.ai.offline.reading import amounts_in
from finucity.services.ai.offline.skills import skill

_TAX_TERMS = ("tax", "income tax", "regime", "tax liability", "tax payable")
_INCOME_TERMS = ("salary", "salaried", "income", "earn", "earning", "CTC", "package", "LPA", "per annum", "pension")
_SALARY_TERMS = ("salary", "salaried", "CTC", "package", "LPA", "pension")
_TAX_ON_RE = re.compile(r"\btax(?:es)?\s+(?:on|for)\b", re.IGNORECASE)


def _slab_label(slab: Slab) -> str:
    if slab.upper is None:
        return f"Above {format_inr(slab.lower)}"
    if slab.lower == 0:
        return f"Up to {format_inr(slab.upper)}"
    return f"{format_inr(slab.lower + 1)} to {format_inr(slab.upper)}"


def _slab_table(regime: Regime) -> str:
    rows = [(_slab_label(slab), rate_label(slab.rate)) for slab in regime.slabs]
    return markdown_table(("Taxable income", "Rate"), rows)


def _working_table(tax: TaxBreakdown) -> str:
    rows = [
        (_slab_label(line.slab), rate_label(line.slab.rate), format_inr(line.taxed), format_inr(line.tax))
        for line in tax.lines
    ]
    rows.append(("**Tax on slabs**", "", "", format_inr(tax.slab_tax)))
    if tax.rebate:
        rows.append(("Rebate under section 87A", "", "", format_inr(-tax.rebate)))
    if tax.surcharge:
        rows.append(("Surcharge", "", "", format_inr(tax.surcharge)))
    cess_rate = percent(knowledge.fact("cess")["rate"])
    rows.append((f"Health and education cess ({cess_rate})", "", "", format_inr(tax.cess)))
    rows.append(("**Total tax**", "", "", f"**{format_inr(tax.total)}**"))
    return markdown_table(("Slab", "Rate", "Income in slab", "Tax"), rows)


def _working(tax: TaxBreakdown) -> str:
    if tax.deduction:
        taxable = (
            f"{format_inr(tax.gross)} − {format_inr(tax.deduction)} standard deduction"
            f" = {format_inr(tax.taxable)} taxable"
        )
    else:
        taxable = f"{format_inr(tax.taxable)} taxable"
    return f"**{tax.regime.name}**: {taxable}\n\n{_working_table(tax)}"


def _comparison(new: TaxBreakdown, old: TaxBreakdown) -> str:
    gap = new.total - old.total
    if gap < 0:
        return f"The new regime saves you {format_inr(-gap)} unless your old-regime deductions close that gap."
    if gap > 0:
        return f"The old regime saves you {format_inr(gap)}."
    return "Both regimes come to the same tax."


@skill(
    "Income tax on your income, both regimes",
    category=Category.income_tax,
    example="Tax on 15 lakh salary",
    order=30,
    calculator=True,
)
def tax_calculation(text: str, today: date) -> Answer | None:
    if not (contains_any(text, _TAX_TERMS) and (contains_any(text, _INCOME_TERMS) or _TAX_ON_RE.search(text))):
        return None
    amounts = amounts_in(text)
    if not amounts:
        return None
    gross = max(amounts)
    salaried = contains_any(text, _SALARY_TERMS)
    new, old = income_tax(gross, new_regime(), salaried=salaried), income_tax(gross, old_regime(), salaried=salaried)
    fy = new.regime.fact["financial_year"]
    what = "a salary" if salaried else "a taxable income"
    assumptions = [
        f"FY {fy} rules for a resident individual below 60.",
        (
            f"Salary: the standard deduction of {format_inr(new.regime.standard_deduction)} (new regime) or "
            f"{format_inr(old.regime.standard_deduction)} (old regime) comes off first."
            if salaried
            else 'No standard deduction, as you did not mention salary; say "salary" if it is salary income.'
        ),
        (
            "Old regime: only the standard deduction is counted here; every deduction you can claim (80C, 80D, HRA, "
            "home loan interest) lowers its figure."
        ),
        (
            f"Section 87A makes tax nil up to {format_inr(new.regime.rebate_limit)} of taxable income in the new "
            f"regime and {format_inr(old.regime.rebate_limit)} in the old, for residents."
        ),
        *year_note(new.regime.fact, today),
    ]
    return Answer(
        category=Category.income_tax,
        direct=(
            f"On {what} of {format_inr(gross)}, income tax for FY {fy} is **{format_inr(new.total)}** under the new "
            f"regime and **{format_inr(old.total)}** under the old regime. {_comparison(new, old)}"
        ),
        explanation=bullet_list(assumptions),
        example_heading="Your numbers, slab by slab",
        example=f"{_working(new)}\n\n{_working(old)}",
        next_steps=(
            (
                "Add up the deductions you would claim in the old regime (80C up to ₹1,50,000, 80D, HRA, home loan "
                "interest) and compare again."
            ),
            (
                "Tell your employer which regime you choose so the TDS on your salary matches; the final choice is "
                "made when you file your ITR."
            ),
            "Check Form 26AS and the AIS for TDS and other income before you file.",
        ),
        facts=(
            new.regime.fact,
            old.regime.fact,
            knowledge.fact("cess"),
            *((knowledge.fact("surcharge"),) if new.surcharge or old.surcharge else ()),
        ),
    )


@skill(
    "Income tax slabs, new vs old regime",
    category=Category.income_tax,
    example="What are the tax slabs in the new regime?",
    order=10,
    triggers=("slab", "tax rate", "new regime", "old regime", "tax regime", "87A", "rebate", "standard deduction"),
    boosters=("income tax", "tax", "FY", "salary", "cess", "regime", "which", "better"),
)
def tax_slabs(text: str, today: date) -> Answer:
    new, old = new_regime(), old_regime()
    fy = new.fact["financial_year"]
    example_salary = Decimal(1_500_000)
    new_tax = income_tax(example_salary, new, salaried=True)
    old_tax = income_tax(example_salary, old, salaried=True)
    return Answer(
        category=Category.income_tax,
        direct=(
            f"For FY {fy}, the new regime (the default) leaves income up to **{format_inr_words(new.rebate_limit)}** "
            "tax-free after the section 87A rebate, or "
            f"**{format_inr_words(new.rebate_limit + new.standard_deduction)}** for salaried people with the "
            f"{format_inr(new.standard_deduction)} standard deduction. The old regime has steeper slabs but allows "
            "deductions such as 80C and 80D."
        ),
        explanation=(
            f"**New regime (section 115BAC)**\n\n{_slab_table(new)}\n\n**Old regime** (below "
            f"60)\n\n{_slab_table(old)}\n\n"
            + bullet_list(
                [
                    *new.fact["notes"],
                    *old.fact["notes"],
                    (
                        f"Both regimes add {percent(knowledge.fact('cess')['rate'])} health and education cess on "
                        "the tax, and a surcharge above ₹50 lakh of income."
                    ),
                    *year_note(new.fact, today),
                ]
            )
        ),
        example=markdown_table(
            ("Salary " + format_inr(example_salary), "New regime", "Old regime"),
            [
                ("Standard deduction", format_inr(new_tax.deduction), format_inr(old_tax.deduction)),
                ("Taxable income", format_inr(new_tax.taxable), format_inr(old_tax.taxable)),
                ("Tax including cess", format_inr(new_tax.total), format_inr(old_tax.total)),
            ],
        ),
        next_steps=(
            (
                'Ask me for your own figure, e.g. "tax on 18 lakh salary", to see the slab-by-slab working for both '
                "regimes."
            ),
            (
                "List your old-regime deductions (80C, 80D, HRA, home loan interest) to see whether the old regime "
                "can win."
            ),
            "Choose your regime with your employer for TDS; you confirm it when you file your ITR.",
        ),
        facts=(new.fact, old.fact, knowledge.fact("cess"), knowledge.fact("surcharge")),
    )


def _slab_savings_table(amount: Decimal) -> str:
    rates = [slab.rate for slab in old_regime().slabs if slab.rate > 0]
    return markdown_table(
        ("Your old-regime slab", f"Tax saved on {format_inr(amount)} (with cess)"),
        [(percent(rate), format_inr(tax_saved(amount, rate))) for rate in rates],
    )


@skill(
    "Section 80C deductions",
    category=Category.income_tax,
    example="Is my LIC premium deductible under 80C?",
    order=20,
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
)
def section_80c(text: str, today: date) -> Answer:
    fact = knowledge.fact("section_80c")
    limit = as_decimal(fact["limit"])
    asked = [item for item in fact["items"] if contains_any(text, item["terms"])]
    if asked:
        direct = " ".join(
            f"Yes, in the old regime: **{item['name']}** counts under section 80C, within the overall "
            f"{format_inr(limit)} a year limit. {item['note']}"
            for item in asked
        )
    else:
        direct = (
            f"Section 80C lets you deduct up to **{format_inr(limit)} a year** for specified investments and "
            "expenses, in the old regime only."
        )
    top_rate = max(slab.rate for slab in old_regime().slabs)
    return Answer(
        category=Category.income_tax,
        direct=direct,
        explanation=(
            markdown_table(("What counts", "Good to know"), [(item["name"], item["note"]) for item in fact["items"]])
            + f"\n\nThe limit is {format_inr(limit)} for all of these together ({fact['regime']}); "
            "the new regime does not allow 80C."
        ),
        example=(
            f"Using the full {format_inr(limit)} at the {percent(top_rate)} slab saves "
            f"{format_inr(tax_saved(limit, top_rate))}:\n\n{_slab_savings_table(limit)}"
        ),
        next_steps=(
            (
                "Add up what already counts (your EPF contribution, life insurance premiums, children's tuition "
                "fees, home loan principal) before investing more."
            ),
            "NPS gives ₹50,000 more under 80CCD(1B), and health insurance counts separately under 80D.",
            'Compare both regimes with your deductions: ask me "tax on <your salary>".',
        ),
        facts=(fact, old_regime().fact, knowledge.fact("cess")),
    )


@skill(
    "Section 80D health insurance",
    category=Category.income_tax,
    example="How much health insurance premium can I deduct under 80D?",
    order=30,
    triggers=("80D", "health insurance", "mediclaim", "medical insurance", "preventive health check"),
    boosters=("deduction", "deductible", "parents", "senior citizen", "premium", "tax"),
)
def section_80d(text: str, today: date) -> Answer:
    fact = knowledge.fact("section_80d")
    own, own_senior = as_decimal(fact["self_family"]), as_decimal(fact["self_family_senior"])
    parents, parents_senior = as_decimal(fact["parents"]), as_decimal(fact["parents_senior"])
    top_rate = max(slab.rate for slab in old_regime().slabs)
    scenarios = [
        ("You and your parents below 60", own, parents),
        ("You below 60, parents senior citizens", own, parents_senior),
        ("You and your parents senior citizens", own_senior, parents_senior),
    ]
    return Answer(
        category=Category.income_tax,
        direct=(
            f"Under section 80D ({fact['regime']}) you can deduct health insurance premiums of up to "
            f"**{format_inr(own)}** a year for yourself, your spouse and children ({format_inr(own_senior)} if you "
            f"are a senior citizen), plus up to **{format_inr(parents)}** more for your parents "
            f"({format_inr(parents_senior)} if they are senior citizens): at most "
            f"{format_inr(own_senior + parents_senior)} in all."
        ),
        explanation=bullet_list(fact["notes"]),
        example=(
            markdown_table(
                ("Family", "Self and family", "Parents", "Total deduction"),
                [(who, format_inr(a), format_inr(b), format_inr(a + b)) for who, a, b in scenarios],
            )
            + f"\n\nAt the {percent(top_rate)} slab, a {format_inr(own + parents_senior)} deduction saves "
            f"{format_inr(tax_saved(own + parents_senior, top_rate))} including cess."
        ),
        next_steps=(
            "Keep the premium receipts and pay by card, UPI, cheque or bank transfer, not cash.",
            "If your parents pay their own premium, they claim it, not you.",
            "80D is not available in the new regime: compare both regimes before you choose.",
        ),
        facts=(fact, knowledge.fact("cess")),
    )


@skill(
    "ITR due dates",
    category=Category.income_tax,
    example="What is the last date to file ITR?",
    order=90,
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
)
def itr_due_dates(text: str, today: date) -> Answer:
    fact = knowledge.fact("itr_due_dates")
    rows = {row["key"]: row for row in fact["returns"]}
    fy = financial_year(today)
    filing_year = int(fy[:4]) + 1
    return Answer(
        category=Category.income_tax,
        direct=(
            f"Most individuals (no audit) must file their ITR by **{rows['non_audit']['due']}** after the financial "
            f"year ends; a belated or revised return can be filed until **{rows['belated']['due']}**."
        ),
        explanation=markdown_table(("Who", "Due date"), [(row["who"], row["due"]) for row in fact["returns"]])
        + "\n\n"
        + bullet_list(fact["notes"]),
        example=(
            f"For FY {fy}, a salaried person files by {rows['non_audit']['due']} {filing_year}. Filing later, until "
            f"{rows['belated']['due']} {filing_year}, costs a late fee of {format_inr(fact['late_fee'])} under "
            f"section 234F, or {format_inr(fact['late_fee_small_income'])} if total income is up to "
            f"{format_inr(fact['small_income_limit'])}."
        ),
        next_steps=(
            "Download Form 16, Form 26AS and the AIS, and check that TDS and income match.",
            "Pay any tax due (self-assessment tax) before filing, to limit interest.",
            "E-verify the return within 30 days of filing, or it is treated as not filed.",
        ),
        facts=(fact,),
    )
