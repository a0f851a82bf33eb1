"""Investments: SIPs (projection and basics), PPF, ELSS and NPS."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from finucity.finance import knowledge
from finucity.finance.calculators import (
    HUNDRED,
    MONTHS_PER_YEAR,
    future_value_annuity_due,
    new_regime,
    old_regime,
    sip_future_value,
    tax_saved,
)
from finucity.finance.dates import format_date
from finucity.finance.money import as_decimal, format_inr
from finucity.models import Category
from finucity.services.ai.categories import contains_any
from finucity.services.ai.offline.answers import Answer, bullet_list, markdown_table, percent, tenure_text
from finucity.services.ai.offline.reading import amounts_in, months_in, rate_in
from finucity.services.ai.offline.skills import skill

_SIP_TERMS = ("SIP", "systematic investment plan")
_MONTHLY_TERMS = ("per month", "monthly", "every month", "a month")
_INVEST_TERMS = ("invest", "investing", "investment")
# Smaller numbers in a SIP question are ages or counts, not the instalment.
_MIN_SIP = Decimal(100)


def _sip_answer(monthly: Decimal, rate: Decimal, months: int, *, asked: bool, assumed_rate: bool) -> Answer:
    value = sip_future_value(monthly, rate, months)
    invested = monthly * months
    ltcg = knowledge.fact("equity_ltcg")
    scenarios = [rate + delta for delta in (-2, 0, 2) if rate + delta >= 0]
    table = markdown_table(
        ("Expected return", "Invested", "Estimated value", "Estimated gain"),
        [_sip_row(monthly, r, months) for r in scenarios],
    )
    assumption = (
        [f"You did not give a return, so this assumes {percent(rate)} a year; ask again with a rate to change it."]
        if assumed_rate
        else []
    )
    return Answer(
        category=Category.investment,
        direct=(
            f"{'Investing' if asked else 'For example, investing'} {format_inr(monthly)} a month for "
            f"{tenure_text(months)} at an expected {percent(rate)} a year could grow to about **{format_inr(value)}**: "
            f"{format_inr(invested)} invested and {format_inr(value - invested)} of estimated gains."
        ),
        explanation=bullet_list(
            [
                f"{knowledge.fact('sip_formula')['formula']}.",
                (
                    "It assumes the same return every year; real equity returns go up and down, so treat the figure "
                    "as a range, not a promise."
                ),
                (
                    f"Equity fund gains held over {ltcg['long_term_after_months']} months are taxed at "
                    f"{percent(ltcg['ltcg_rate'])} above {format_inr(ltcg['ltcg_exemption'])} a year; gains within "
                    f"{ltcg['long_term_after_months']} months at {percent(ltcg['stcg_rate'])}."
                ),
                *assumption,
            ]
        ),
        example_heading="Your numbers" if asked else "Example",
        example=table,
        next_steps=tuple(
            ([] if asked else ['Ask me with your numbers, e.g. "SIP of 5000 per month for 20 years at 11%".'])
            + [
                "Match the fund to the goal: equity funds for goals 7 or more years away, debt funds for short ones.",
                (
                    "Raising the SIP each year with your income (a step-up SIP) makes a large difference over long "
                    "periods."
                ),
                "Prefer direct plans (lower expense ratio) and review once a year rather than stopping during a fall.",
            ]
        ),
        facts=(knowledge.fact("sip_formula"), ltcg),
    )


def _sip_row(monthly: Decimal, rate: Decimal, months: int) -> tuple[str, ...]:
    invested = monthly * months
    value = sip_future_value(monthly, rate, months)
    return (percent(rate), format_inr(invested), format_inr(value), format_inr(value - invested))


def _is_sip_question(text: str) -> bool:
    return contains_any(text, _SIP_TERMS) or (contains_any(text, _INVEST_TERMS) and contains_any(text, _MONTHLY_TERMS))


@skill(
    "SIP calculator",
    category=Category.investment,
    example="SIP of 10000 per month for 15 years at 12%",
    order=20,
    calculator=True,
)
def sip_calculation(text: str, today: date) -> Answer | None:
    if not _is_sip_question(text):
        return None
    months = months_in(text)
    amounts = [amount for amount in amounts_in(text) if amount >= _MIN_SIP]
    if months is None or not amounts:
        return None
    rate = rate_in(text)
    default = as_decimal(knowledge.fact("sip_formula")["default_return"])
    return _sip_answer(amounts[0], rate if rate is not None else default, months, asked=True, assumed_rate=rate is None)


@skill(
    "How SIPs grow",
    category=Category.investment,
    example="How does a SIP work?",
    order=70,
    triggers=_SIP_TERMS,
    boosters=("lump sum", "mutual fund", "returns", "compounding"),
)
def sip_basics(text: str, today: date) -> Answer:
    default = as_decimal(knowledge.fact("sip_formula")["default_return"])
    return _sip_answer(Decimal(10_000), default, 180, asked=False, assumed_rate=False)


@skill(
    "PPF rate and rules",
    category=Category.investment,
    example="What is the PPF interest rate?",
    order=50,
    triggers=("PPF", "public provident fund"),
    boosters=("interest", "rate", "maturity", "lock in", "withdrawal", "extension"),
)
def ppf(text: str, today: date) -> Answer:
    fact = knowledge.fact("ppf")
    rate, years, top = as_decimal(fact["rate"]), int(fact["term_years"]), as_decimal(fact["max_deposit"])
    maturity = future_value_annuity_due(top, rate / HUNDRED, years)
    invested = top * years
    return Answer(
        category=Category.investment,
        direct=(
            f"PPF earns **{percent(rate)} a year** (tax-free, compounded yearly), runs for {years} years, and takes "
            f"{format_inr(fact['min_deposit'])} to {format_inr(top)} a year."
        ),
        explanation=bullet_list(fact["points"]),
        example=(
            f"Depositing {format_inr(top)} at the start of every year for {years} years, at {percent(rate)} "
            f"throughout, gives about **{format_inr(maturity)}** at maturity: {format_inr(invested)} deposited and "
            f"{format_inr(maturity - invested)} of tax-free interest."
        ),
        next_steps=(
            "Deposit by 5 April (or by the 5th of a month) to earn interest for the whole period.",
            "The rate is reset every quarter; check the current rate with your bank or post office.",
            f"At maturity, decide whether to extend in blocks of {fact['extension_years']} years.",
        ),
        facts=(fact,),
    )


@skill(
    "ELSS funds",
    category=Category.investment,
    example="SIP vs lump sum in ELSS",
    order=60,
    triggers=("ELSS", "tax saving mutual fund", "tax saver fund", "tax saver mutual fund"),
    boosters=("lock in", "SIP", "lump sum", "80C", "mutual fund"),
)
def elss(text: str, today: date) -> Answer:
    fact, ltcg = knowledge.fact("elss"), knowledge.fact("equity_ltcg")
    limit = as_decimal(knowledge.fact("section_80c")["limit"])
    years = int(fact["lock_in_years"])
    top_rate = max(slab.rate for slab in old_regime().slabs)
    unlocks = _years_later(today, years)
    return Answer(
        category=Category.investment,
        direct=(
            f"ELSS funds are equity mutual funds with a **{years}-year lock-in** whose investments qualify for the "
            f"section 80C deduction, up to {format_inr(limit)} a year (old regime only)."
        ),
        explanation=bullet_list(
            [
                *fact["points"],
                (
                    "SIP or lump sum: a lump sum is invested (and locked) at one price; a SIP spreads your buying "
                    "over the year, and each instalment unlocks on its own date."
                ),
                (
                    f"Gains are taxed like other equity funds: {percent(ltcg['ltcg_rate'])} on long-term gains above "
                    f"{format_inr(ltcg['ltcg_exemption'])} a year."
                ),
            ]
        ),
        example=(
            f"A SIP of {format_inr(limit / MONTHS_PER_YEAR)} a month adds up to {format_inr(limit)} a year, the full "
            f"80C limit; at the {percent(top_rate)} slab that saves {format_inr(tax_saved(limit, top_rate))} of tax. "
            f"An instalment made on {format_date(today)} can be redeemed from {format_date(unlocks)}."
        ),
        next_steps=(
            (
                "Count your other 80C items first (EPF, insurance premiums, tuition fees) so you invest only what is "
                "needed."
            ),
            "Compare funds on long-term performance and expense ratio; prefer direct plans.",
            "ELSS saves tax only in the old regime; in the new regime it is an ordinary equity fund with a lock-in.",
        ),
        facts=(fact, knowledge.fact("section_80c"), ltcg, knowledge.fact("cess")),
    )


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@skill(
    "NPS tax benefits",
    category=Category.investment,
    example="What is the extra NPS deduction under 80CCD(1B)?",
    order=40,
    triggers=("NPS", "national pension system", "80CCD"),
    boosters=("pension", "tax", "deduction", "employer", "retirement"),
)
def nps(text: str, today: date) -> Answer:
    fact = knowledge.fact("nps")
    extra = as_decimal(fact["extra_deduction_1b"])
    employer_pct = as_decimal(fact["employer_cap_new_regime"])
    top_rate = max(slab.rate for slab in new_regime().slabs)
    basic = Decimal(100_000)
    employer_yearly = basic * employer_pct / HUNDRED * MONTHS_PER_YEAR
    return Answer(
        category=Category.investment,
        direct=(
            "Beyond the ₹1.5 lakh 80C limit, your own NPS contribution gets an extra deduction of up to "
            f"**{format_inr(extra)}** under section 80CCD(1B) (old regime only), and your employer's contribution is "
            f"deductible under 80CCD(2) up to **{percent(employer_pct)} of basic pay plus DA** in the new regime "
            f"({percent(fact['employer_cap_old_regime'])} in the old)."
        ),
        explanation=bullet_list(fact["points"]),
        example=(
            f"- Old regime: {format_inr(extra)} under 80CCD(1B) at the {percent(top_rate)} slab saves "
            f"{format_inr(tax_saved(extra, top_rate))}.\n- New regime: with basic pay of {format_inr(basic)} a "
            f"month, an employer contribution of {percent(employer_pct)} is {format_inr(employer_yearly)} a year, all "
            f"deductible; at the {percent(top_rate)} slab that saves "
            f"{format_inr(tax_saved(employer_yearly, top_rate))}."
        ),
        next_steps=(
            (
                "Ask your employer whether it offers corporate NPS; restructuring part of your salary as employer "
                "NPS helps in both regimes."
            ),
            "Choose your equity share (active or auto choice) to suit your age; you can change it later.",
            "Remember the money is mostly locked in until 60.",
        ),
        facts=(fact, knowledge.fact("cess")),
    )
