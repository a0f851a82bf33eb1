"""Reading loan and investment questions: EMI, SIP, lump sum and PPF."""

from __future__ import annotations

from decimal import Decimal

from finucity.finance.money import format_inr
from finucity.finance.reading.amounts import Mention, Scan, decimal_of, months_of, per_year
from finucity.finance.reading.context import Field, label, which_of
from finucity.finance.reading.questions import (
    Assumption,
    EmiQuestion,
    FollowUp,
    LumpSumQuestion,
    PpfQuestion,
    SipQuestion,
)

_IGNORED = Field("ignored", r"salary|income|earn\w*|\bage\b|down ?payment|processing fee|prepay\w*|already paid")


def _one_amount(mentions: list[Mention], field: str, what: str) -> tuple[Mention | None, list[FollowUp]]:
    """The one amount stated for `field`, or a follow-up when two different ones were."""
    distinct = sorted({decimal_of(m) for m in mentions})
    if len(distinct) > 1:
        return None, [FollowUp(field, f"Which is the {what}: {which_of(distinct)}?")]
    return (mentions[0] if mentions else None), []


def _one_rate(scan: Scan, field: str, what: str) -> tuple[Decimal | None, list[FollowUp]]:
    distinct = sorted({decimal_of(m) for m in scan.of("percent")})
    if len(distinct) > 1:
        return None, [FollowUp(field, f"Your question gives more than one {what}; which one should I use?")]
    return (distinct[0] if distinct else None), []


def _one_duration(scan: Scan, field: str, what: str) -> tuple[int | None, list[FollowUp]]:
    distinct = sorted({months_of(m) for m in scan.of("duration")})
    if len(distinct) > 1:
        return None, [FollowUp(field, f"Your question gives more than one {what}; which one should I use?")]
    return (distinct[0] if distinct else None), []


def _amounts(scan: Scan, words: str) -> list[Mention]:
    """Amounts named by `words`, or by nothing (salaries, down payments and the like are left out)."""
    labelled = label(scan, (_IGNORED, Field("main", words)))
    return [*labelled.by_field.get("main", []), *labelled.unlabelled]


def read_emi(scan: Scan) -> EmiQuestion:
    amounts = _amounts(scan, r"loan|borrow\w*|principal|emi")
    # "an EMI of 20k a month" is an instalment, never the loan.
    instalments = [m for m in amounts if m.period == "month"]
    principal, unclear = _one_amount([m for m in amounts if m.period != "month"], "principal", "loan amount")
    if instalments and principal is None:
        unclear.append(
            FollowUp(
                "principal",
                f"{which_of([decimal_of(m) for m in instalments])} a month is an instalment: how much is the loan?",
            )
        )
    rate, more = _one_rate(scan, "annual_rate", "interest rate")
    months, most = _one_duration(scan, "months", "loan tenure")
    return EmiQuestion(
        principal=decimal_of(principal) if principal else None,
        annual_rate=rate,
        months=months,
        unclear=(*unclear, *more, *most),
    )


def _growth_inputs(
    scan: Scan, words: str, field: str, what: str
) -> tuple[Mention | None, int | None, Decimal | None, list[FollowUp]]:
    amount, unclear = _one_amount(_amounts(scan, words), field, what)
    rate, more = _one_rate(scan, "annual_return", "expected return")
    months, most = _one_duration(scan, "months", "investment period")
    return amount, months, rate, [*unclear, *more, *most]


def read_sip(scan: Scan) -> SipQuestion:
    amount, months, rate, unclear = _growth_inputs(
        scan, r"\bsips?\b|invest\w*|monthly|per month|a month", "monthly", "monthly SIP amount"
    )
    assumptions = []
    monthly = decimal_of(amount) if amount is not None else None
    if amount is not None and amount.period == "year":
        monthly = None
        unclear.append(
            FollowUp(
                "monthly",
                f"I work investments like this out month by month: instead of {format_inr(amount.value)} a year, "
                "how much would you invest each month?",
            )
        )
    elif amount is not None and amount.period is None:
        assumptions.append(Assumption("monthly", f"{format_inr(amount.value)} is taken as a monthly SIP."))
    return SipQuestion(
        monthly=monthly,
        months=months,
        annual_return=rate,
        assumptions=tuple(assumptions),
        unclear=tuple(unclear),
    )


def read_lump_sum(scan: Scan) -> LumpSumQuestion:
    amount, months, rate, unclear = _growth_inputs(
        scan, r"lump ?sum|one[- ]time|invest\w*|deposit\w*|put", "amount", "amount to invest"
    )
    return LumpSumQuestion(
        amount=decimal_of(amount) if amount is not None else None,
        months=months,
        annual_return=rate,
        unclear=tuple(unclear),
    )


def read_ppf(scan: Scan) -> PpfQuestion:
    amounts = _amounts(scan, r"\bppf\b|deposit\w*|invest\w*|put|contribut\w*")
    chosen, unclear = _one_amount(amounts, "yearly_deposit", "yearly deposit")
    assumptions: list[Assumption] = []
    yearly: Decimal | None = None
    if chosen is not None:
        yearly = per_year(decimal_of(chosen), chosen.period)
        if chosen.period == "month":
            assumptions.append(
                Assumption("yearly_deposit", f"{format_inr(chosen.value)} a month is {format_inr(yearly)} a year.")
            )
    months, more = _one_duration(scan, "years", "number of years")
    years = 15
    if months is None and not more:
        assumptions.append(Assumption("years", "PPF matures after 15 full financial years, so this is for 15 years."))
    elif months is not None:
        if months % 12:
            more.append(FollowUp("years", "PPF runs in whole years: for how many years?"))
        years = months // 12 or 15
    rate, most = _one_rate(scan, "rate", "interest rate")
    return PpfQuestion(
        yearly_deposit=yearly,
        years=years,
        rate=rate,
        assumptions=tuple(assumptions),
        unclear=(*unclear, *more, *most),
    )
