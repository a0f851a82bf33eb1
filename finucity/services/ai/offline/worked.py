"""Worked answers: a question that needs arithmetic, read, computed and shown with its working.

`finance.reading` turns the question into typed inputs (or says what is
missing); `finance`'s calculators compute with dated rules; this module joins
the two and writes the answer: the figure, what the user told us, each step
with the rule it applies, the assumptions made, and the rule set's name and
date. A question missing an input gets a request for it, and an input no
calculator takes gets an honest "not offline", never a figure that ignores it.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from finucity.finance import capital_gains, gst, income_tax, loans, salary, savings
from finucity.finance.dates import financial_year
from finucity.finance.reading import questions as q
from finucity.finance.reading import read_question
from finucity.finance.result import Calculation, money
from finucity.finance.rules import RuleError
from finucity.models import Category
from finucity.services import calculation_blocks
from finucity.services.ai.offline.answers import bullet_list
from finucity.services.ai.prompts import DISCLAIMERS

ZERO = Decimal(0)
_ASSETS = {
    q.Asset.LISTED_SHARES: "listed_equity",
    q.Asset.EQUITY_FUND: "equity_fund",
    q.Asset.DEBT_FUND: "debt_fund",
    q.Asset.PROPERTY: "property",
}
_CATEGORY = {
    q.IncomeTaxQuestion: Category.income_tax,
    q.CapitalGainsQuestion: Category.income_tax,
    q.HraQuestion: Category.income_tax,
    q.GratuityQuestion: Category.income_tax,
    q.GstQuestion: Category.gst,
    q.GstRegistrationQuestion: Category.gst,
    q.EmiQuestion: Category.general,
    q.SipQuestion: Category.investment,
    q.LumpSumQuestion: Category.investment,
    q.PpfQuestion: Category.investment,
}


class NotOffline(Exception):
    """The question states something no calculator here takes into account."""


@dataclasses.dataclass(frozen=True)
class WorkedAnswer:
    category: Category
    text: str

    def render(self) -> str:
        return self.text


def answer(text: str, today: date) -> WorkedAnswer | None:
    """The worked answer to `text`, a request for what is missing, or None if it is no calculation."""
    question = read_question(text, today)
    if question is None:
        return None
    category = _CATEGORY.get(type(question), Category.general)
    if not question.complete:
        return WorkedAnswer(category, _ask(question))
    try:
        calculation = calculate(question, today)
    except NotOffline as exc:
        return WorkedAnswer(category, _not_offline(str(exc)))
    except (ValueError, RuleError) as exc:
        return WorkedAnswer(category, f"### I can't work that out as asked\n\n{_sentence(str(exc))}")
    return WorkedAnswer(category, render(calculation, question.assumptions, category))


# --- from a question to a calculator --------------------------------------------------------


def calculate(question: q.Question, today: date) -> Calculation:
    """Run the calculator the question asks for, with its inputs."""
    match question:
        case q.IncomeTaxQuestion():
            return _income_tax(question, today)
        case q.CapitalGainsQuestion():
            return _capital_gains(question, today)
        case q.GstQuestion():
            return gst.gst(
                question.amount, question.rate, inclusive=question.inclusive, inter_state=question.intra_state is False
            )
        case q.GstRegistrationQuestion():
            supply = "services" if question.supply in ("services", "both") else "goods"
            return gst.gst_registration(question.turnover, supply, state=question.state)
        case q.EmiQuestion():
            return loans.emi_schedule(question.principal, question.annual_rate, question.months)
        case q.SipQuestion():
            return savings.sip(question.monthly, question.annual_return, _whole_years(question.months))
        case q.LumpSumQuestion():
            return savings.lump_sum(question.amount, question.annual_return, _whole_years(question.months))
        case q.PpfQuestion():
            return savings.ppf(question.yearly_deposit, question.years, rate=question.rate)
        case q.HraQuestion():
            city = question.city or ("Mumbai" if question.metro else "a non-metro city")
            return salary.hra_exemption(
                basic_da=question.basic_da,
                hra_received=question.hra_received,
                rent_paid=question.rent_paid,
                city=city,
                year=question.financial_year or financial_year(today),
            )
        case q.GratuityQuestion():
            years, months = divmod(question.service_months, 12)
            return salary.gratuity(question.last_drawn_salary, years=years, months=months, covered=question.covered)
    raise NotOffline("that kind of calculation")


def _income_tax(question: q.IncomeTaxQuestion, today: date) -> Calculation:
    if question.section_80ccd_2:
        raise NotOffline("the employer's NPS contribution (section 80CCD(2))")
    if question.hra_exemption:
        raise NotOffline("an HRA exemption inside an income-tax figure (ask me for the HRA exemption on its own)")
    if question.other_deductions:
        raise NotOffline("deductions without their section (tell me which: 80C, 80D, 80CCD(1B) or 24(b))")
    age = question.age
    if age is None:
        age = {q.AgeBand.SENIOR: 65, q.AgeBand.SUPER_SENIOR: 85}.get(question.age_band, 30)
    parents_age = question.parents_age or (65 if question.parents_senior else None)
    fields = {
        "salary": question.salary or ZERO,
        "other_income": sum(
            (x or ZERO for x in (question.business_income, question.other_income, question.unclassified_income)), ZERO
        ),
        "age": age,
        "section_80c": Decimal(150_000) if "80c" in question.full_claims else (question.section_80c or ZERO),
        "section_80ccd_1b": question.section_80ccd_1b or ZERO,
        "health_insurance_self": question.section_80d_self or ZERO,
        "health_insurance_parents": question.section_80d_parents or ZERO,
        "parents_age": parents_age,
        "home_loan_interest": question.home_loan_interest or ZERO,
        "year": question.financial_year or financial_year(today),
    }
    if question.regime == q.Regime.COMPARE:
        return income_tax.compare_regimes(**fields)
    return income_tax.income_tax("old" if question.regime == q.Regime.OLD else "new", **fields)


def _capital_gains(question: q.CapitalGainsQuestion, today: date) -> Calculation:
    asset = _ASSETS.get(question.asset)
    if asset is None:
        raise NotOffline(f"capital gains on {question.asset}")
    sold = (question.sold.exact or question.sold.latest) if question.sold else today
    if question.bought is not None:
        if question.bought.exact is None:
            raise NotOffline("a purchase date without its day (tell me the exact date you bought it)")
        bought = question.bought.exact
    elif question.holding_months is not None:
        bought = capital_gains.add_months(sold, -question.holding_months)
    else:
        raise NotOffline("a gain without when you bought (tell me the purchase date)")
    if question.buy_price is not None and question.sell_price is not None:
        cost, sale_price = question.buy_price, question.sell_price
    elif asset == "property":
        raise NotOffline("property gains without the prices (indexation needs what you paid)")
    else:
        cost, sale_price = ZERO, question.gain
    return capital_gains.capital_gains(asset, bought=bought, sold=sold, cost=cost, sale_price=sale_price)


def _whole_years(months: int) -> int:
    if months % 12:
        raise NotOffline("a period that is not a whole number of years (tell me the years)")
    return months // 12


# --- the answer ---------------------------------------------------------------------------------


def render(calculation: Calculation, assumptions, category: Category) -> str:
    """The calculation as a card (inputs, working, table, rules: services/calculation_blocks.py)
    followed by the figure in words, what was assumed and the disclaimer."""
    label, amount = calculation.headline
    parts = [f"**{label}: {money(amount)}**"]
    if assumptions:
        parts.append("#### Good to know\n\n" + bullet_list([a.text for a in assumptions]))
    parts.append(f"*{DISCLAIMERS[category]}*")
    return calculation_blocks.encode(calculation) + "\n\n".join(parts)


def calculation_for(text: str, today: date) -> Calculation | None:
    """The calculation a question asks for, when it is one this reader understands in full
    (for a model that cannot call the calculators itself)."""
    question = read_question(text, today)
    if question is None or not question.complete:
        return None
    try:
        return calculate(question, today)
    except (NotOffline, ValueError, RuleError):
        return None


def _ask(question: q.Question) -> str:
    asks = [follow_up.question for follow_up in question.missing()]
    return (
        "### I need a little more to work this out\n\n"
        + bullet_list(asks)
        + "\n\nTell me and I'll show the figure with each step and the rule it comes from."
    )


def _not_offline(what: str) -> str:
    return (
        "### I can't include that offline\n\n"
        f"Your question includes {what}, which my offline calculators do not take into account, and a figure "
        "without it would be wrong. Ask without it, or connect an AI model for a fuller answer."
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."
