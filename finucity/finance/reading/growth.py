"""Reading loan and investment questions: EMI, SIP, lump sum and PPF."""

from __future__ import annotations

from decimal import Decimal

from finucity.finance.money import format_inr
from finucity.finance.reading.amounts import Mention, Scan
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


def _one(mentions: list[Mention], field: str, what: str) -> tuple[Decimal | int | None, list[FollowUp]]:
    """The single value stated, or a follow-up when two different ones were."""
    values = sorted({m.value for m in mentions}, key=str)
    if not values:
        return None, []
    if len(values) == 1:
        value = values[0]
        return (value if isinstance(value, Decimal | int) else None), []
    if all(isinstance(v, Decimal) for v in values) and field in {"principal", "monthly", "amount", "yearly_deposit"}:
        return None, [FollowUp(field, f"Which is the {what}: {which_of(list(values))}?")]  # type: ignore[arg-type]
    return None, [FollowUp(field, f"Your question gives more than one {what}; which one should I use?")]


def _amounts(scan: Scan, words: str) -> tuple[list[Mention], list[Mention]]:
    """(amounts named by `words` or unlabelled, amounts labelled as something else)."""
    labelled = label(scan, (_IGNORED, Field("main", words)))
    return [*labelled.by_field.get("main", []), *labelled.unlabelled], labelled.by_field.get("ignored", [])


def _rates(scan: Scan) -> list[Mention]:
    return scan.of("percent")


def _durations(scan: Scan) -> list[Mention]:
    return scan.of("duration")


def read_emi(scan: Scan) -> EmiQuestion:
    amounts, _ = _amounts(scan, r"loan|borrow\w*|principal|emi")
    principal, unclear = _one(amounts, "principal", "loan amount")
    rate, more = _one(_rates(scan), "annual_rate", "interest rate")
    months, most = _one(_durations(scan), "months", "loan tenure")
    return EmiQuestion(
        principal=principal,  # type: ignore[arg-type]
        annual_rate=rate,  # type: ignore[arg-type]
        months=months,  # type: ignore[arg-type]
        unclear=(*unclear, *more, *most),
    )


def _growth_inputs(
    scan: Scan, words: str, field: str, what: str
) -> tuple[Mention | None, int | None, Decimal | None, list[FollowUp]]:
    amounts, _ = _amounts(scan, words)
    amount, unclear = _one(amounts, field, what)
    chosen = next((m for m in amounts if m.value == amount), None) if amount is not None else None
    rate, more = _one(_rates(scan), "annual_return", "expected return")
    months, most = _one(_durations(scan), "months", "investment period")
    return chosen, months, rate, [*unclear, *more, *most]  # type: ignore[return-value]


def read_sip(scan: Scan) -> SipQuestion:
    amount, months, rate, unclear = _growth_inputs(
        scan, r"\bsips?\b|invest\w*|monthly|per month|a month", "monthly", "monthly SIP amount"
    )
    assumptions = []
    monthly = amount.value if amount is not None else None
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
        monthly=monthly,  # type: ignore[arg-type]
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
        amount=amount.value if amount is not None else None,  # type: ignore[arg-type]
        months=months,
        annual_return=rate,
        unclear=tuple(unclear),
    )


def read_ppf(scan: Scan) -> PpfQuestion:
    amounts, _ = _amounts(scan, r"\bppf\b|deposit\w*|invest\w*|put|contribut\w*")
    amount, unclear = _one(amounts, "yearly_deposit", "yearly deposit")
    chosen = next((m for m in amounts if m.value == amount), None)
    assumptions: list[Assumption] = []
    yearly: Decimal | None = None
    if chosen is not None and isinstance(chosen.value, Decimal):
        yearly = chosen.value * 12 if chosen.period == "month" else chosen.value
        if chosen.period == "month":
            assumptions.append(
                Assumption("yearly_deposit", f"{format_inr(chosen.value)} a month is {format_inr(yearly)} a year.")
            )
    months, more = _one(_durations(scan), "years", "number of years")
    years = 15
    if months is None and not more:
        assumptions.append(Assumption("years", "PPF matures after 15 full financial years, so this is for 15 years."))
    elif isinstance(months, int):
        if months % 12:
            more.append(FollowUp("years", "PPF runs in whole years: for how many years?"))
        years = months // 12 or 15
    rate, most = _one(_rates(scan), "rate", "interest rate")
    return PpfQuestion(
        yearly_deposit=yearly,
        years=years,
        rate=rate,  # type: ignore[arg-type]
        assumptions=tuple(assumptions),
        unclear=(*unclear, *more, *most),
    )
