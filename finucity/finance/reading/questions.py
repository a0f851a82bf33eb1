"""What a question asks, as typed inputs: one frozen dataclass per calculator.

Every input is None when the question does not state it, except the few with a
default in law or settled convention; those are filled in and listed in
`assumptions`, so the answer can say what it assumed. `missing()` lists what
must still be asked, each with the plain question to ask, before any figure is
given. All amounts are in rupees; see each class for the period.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from finucity.finance.money import format_inr
from finucity.finance.reading.timing import StatedDate


@dataclasses.dataclass(frozen=True)
class FollowUp:
    """An input still needed, and the question that asks for it."""

    field: str
    question: str


@dataclasses.dataclass(frozen=True)
class Assumption:
    """An input the question did not state, filled with its default, and the sentence that says so."""

    field: str
    text: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Question:
    assumptions: tuple[Assumption, ...] = ()
    # Inputs stated in a way that cannot be read one way only ("₹20,000 or ₹25,000?").
    unclear: tuple[FollowUp, ...] = ()
    # Inputs the question states but that wait on an `unclear` answer (an amount whose period is unknown).
    stated: frozenset[str] = frozenset()

    def _required(self) -> list[FollowUp]:
        return []

    def missing(self) -> list[FollowUp]:
        """What must be asked before calculating; empty when the question is complete."""
        asked = {f.field for f in self.unclear} | self.stated
        return [*self.unclear, *(f for f in self._required() if f.field not in asked)]

    @property
    def complete(self) -> bool:
        return not self.missing()


def _ask(pairs: list[tuple[object, str, str]]) -> list[FollowUp]:
    return [FollowUp(field, question) for value, field, question in pairs if value is None]


class Regime(StrEnum):
    NEW = "new"
    OLD = "old"
    COMPARE = "compare"  # "which regime is better"


class AgeBand(StrEnum):
    BELOW_60 = "below 60"
    SENIOR = "60 to 79"
    SUPER_SENIOR = "80 or over"


@dataclasses.dataclass(frozen=True, kw_only=True)
class IncomeTaxQuestion(Question):
    """Income tax of a resident individual. Amounts are for the whole year.

    `salary` includes pension (both get the standard deduction);
    `unclassified_income` is income whose kind the question did not say.
    `full_claims` names sections claimed "in full" with no amount ("maxed out
    my 80C"): the calculator applies that section's limit.
    Defaults: `regime` NEW, the default regime by law (section 115BAC(1A) of the
    1961 Act; section 202 of the Income-tax Act, 2025), or COMPARE when the
    question lists deductions only the old regime allows; `financial_year` the
    current one on the date the caller passes; `age_band` BELOW_60.
    """

    salary: Decimal | None = None
    business_income: Decimal | None = None
    other_income: Decimal | None = None
    unclassified_income: Decimal | None = None
    regime: Regime = Regime.NEW
    financial_year: str = ""
    age: int | None = None
    age_band: AgeBand = AgeBand.BELOW_60
    section_80c: Decimal | None = None
    section_80d_self: Decimal | None = None
    section_80d_parents: Decimal | None = None
    parents_senior: bool | None = None
    section_80ccd_1b: Decimal | None = None
    section_80ccd_2: Decimal | None = None
    home_loan_interest: Decimal | None = None  # section 24(b)
    hra_exemption: Decimal | None = None
    other_deductions: Decimal | None = None  # "deductions of 2 lakh", no section named
    full_claims: frozenset[str] = frozenset()
    parents_age: int | None = None  # the elder parent's, when stated

    @property
    def income(self) -> Decimal | None:
        parts = [self.salary, self.business_income, self.other_income, self.unclassified_income]
        stated = [p for p in parts if p is not None]
        return sum(stated, Decimal(0)) if stated else None

    def _required(self) -> list[FollowUp]:
        if self.income is None:
            return [FollowUp("income", "What is your annual income, and is it salary (or pension) or business income?")]
        asks = []
        if self.unclassified_income is not None:
            asks.append(
                FollowUp(
                    "income_kind",
                    f"Is your income of {format_inr(self.unclassified_income)} a salary or pension, business "
                    "income, or other income such as interest or rent?",
                )
            )
        if self.section_80d_parents is not None and self.parents_senior is None and self.regime != Regime.NEW:
            asks.append(FollowUp("parents_senior", "Are your parents senior citizens (60 or older)?"))
        return asks


class Asset(StrEnum):
    LISTED_SHARES = "listed shares"
    EQUITY_FUND = "equity mutual fund"
    DEBT_FUND = "debt mutual fund"
    PROPERTY = "property"
    GOLD = "gold"
    UNLISTED_SHARES = "unlisted shares"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CapitalGainsQuestion(Question):
    """Tax on selling an asset. Either both prices or the `gain` (negative for a
    loss); `bought`, `holding_months` or at least the `term` the question names
    ("LTCG", "short-term"). Default: `sold` is today (the date the caller
    passes) when the question does not say when."""

    asset: Asset | None = None
    bought: StatedDate | None = None
    sold: StatedDate | None = None
    holding_months: int | None = None
    buy_price: Decimal | None = None
    sell_price: Decimal | None = None
    gain: Decimal | None = None
    term: Literal["long", "short"] | None = None

    def _required(self) -> list[FollowUp]:
        asks = _ask(
            [
                (
                    self.asset,
                    "asset",
                    "What did you sell: listed shares, an equity mutual fund, a debt fund, property or gold?",
                )
            ]
        )
        if self.gain is None and (self.buy_price is None or self.sell_price is None):
            if self.buy_price is None and self.sell_price is None:
                asks.append(FollowUp("prices", "What did you buy it for, and what did you sell it for?"))
            elif self.buy_price is None:
                asks.append(FollowUp("buy_price", "What did you buy it for?"))
            else:
                asks.append(FollowUp("sell_price", "What did you sell it for (or what is it worth now)?"))
        if self.bought is None and self.holding_months is None and self.term is None:
            asks.append(FollowUp("bought", "When did you buy it (or how long have you held it)?"))
        return asks


@dataclasses.dataclass(frozen=True, kw_only=True)
class GstQuestion(Question):
    """GST on an amount. Default: `inclusive` False (the amount is the price
    before GST) unless the question says it includes GST. `intra_state` None:
    not stated, which changes only the split (CGST + SGST or IGST), not the total."""

    amount: Decimal | None = None
    rate: Decimal | None = None  # per cent
    inclusive: bool = False
    intra_state: bool | None = None

    def _required(self) -> list[FollowUp]:
        return _ask(
            [
                (self.amount, "amount", "What is the amount you want GST worked out on?"),
                (self.rate, "rate", "What is the GST rate on it (for example 5%, 18% or 40%)?"),
            ]
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class GstRegistrationQuestion(Question):
    """Whether GST registration is needed: supply kind and state decide the
    threshold; `turnover` (a year's) is optional, to say yes or no."""

    supply: Literal["goods", "services", "both"] | None = None
    state: str | None = None
    turnover: Decimal | None = None

    def _required(self) -> list[FollowUp]:
        return _ask(
            [
                (self.supply, "supply", "Do you supply goods, services, or both?"),
                (self.state, "state", "In which state or union territory is your business?"),
            ]
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class EmiQuestion(Question):
    principal: Decimal | None = None
    annual_rate: Decimal | None = None  # per cent a year
    months: int | None = None

    def _required(self) -> list[FollowUp]:
        return _ask(
            [
                (self.principal, "principal", "How much is the loan?"),
                (self.annual_rate, "annual_rate", "What is the interest rate a year?"),
                (self.months, "months", "For how many years (or months) is the loan?"),
            ]
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class SipQuestion(Question):
    """A monthly SIP (the convention when no period is stated; said in `assumptions`)."""

    monthly: Decimal | None = None
    months: int | None = None
    annual_return: Decimal | None = None  # expected, per cent a year

    def _required(self) -> list[FollowUp]:
        return _ask(
            [
                (self.monthly, "monthly", "How much do you want to invest each month?"),
                (self.months, "months", "For how many years will you invest?"),
                (self.annual_return, "annual_return", "What yearly return do you expect (for example 12%)?"),
            ]
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class LumpSumQuestion(Question):
    amount: Decimal | None = None
    months: int | None = None
    annual_return: Decimal | None = None  # expected, per cent a year

    def _required(self) -> list[FollowUp]:
        return _ask(
            [
                (self.amount, "amount", "How much do you want to invest at once?"),
                (self.months, "months", "For how many years will you stay invested?"),
                (self.annual_return, "annual_return", "What yearly return do you expect (for example 12%)?"),
            ]
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class PpfQuestion(Question):
    """PPF maturity. Defaults: `years` 15, the scheme's term (PPF Scheme 2019);
    `rate` None means the rate notified for the quarter, which the calculator reads."""

    yearly_deposit: Decimal | None = None
    years: int = 15
    rate: Decimal | None = None

    def _required(self) -> list[FollowUp]:
        return _ask([(self.yearly_deposit, "yearly_deposit", "How much will you deposit in PPF each year?")])


@dataclasses.dataclass(frozen=True, kw_only=True)
class HraQuestion(Question):
    """HRA exemption. Amounts are for the whole year (monthly figures times 12).

    `da` is None when not stated (no DA counted). `city` is the city named,
    spelt as in `reading.salary.CITIES` ("Bengaluru" for "Bangalore"): which
    cities count as metros depends on the year's rules (four under rule 2A of
    the 1962 Rules, eight from tax year 2026-27), so the calculator decides.
    `metro` is set only by the words "metro"/"non-metro". Default:
    `financial_year` the current one on the date the caller passes.
    """

    basic: Decimal | None = None
    da: Decimal | None = None
    hra_received: Decimal | None = None
    rent_paid: Decimal | None = None
    city: str | None = None
    metro: bool | None = None
    financial_year: str = ""

    @property
    def basic_da(self) -> Decimal | None:
        """Salary for HRA: basic plus DA."""
        return None if self.basic is None else self.basic + (self.da or 0)

    def _required(self) -> list[FollowUp]:
        place = self.city if self.city is not None else self.metro
        return _ask(
            [
                (self.basic, "basic", "What is your basic salary (and DA, if any)?"),
                (self.hra_received, "hra_received", "How much HRA does your employer pay you?"),
                (self.rent_paid, "rent_paid", "How much rent do you pay?"),
                (place, "city", "Which city do you live in?"),
            ]
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class GratuityQuestion(Question):
    """Gratuity on leaving. `last_drawn_salary` is a month's basic plus DA.
    Default: `covered` True (the Payment of Gratuity Act covers every
    establishment with 10 or more employees) unless the question says otherwise."""

    last_drawn_salary: Decimal | None = None
    service_months: int | None = None
    covered: bool = True

    @property
    def service(self) -> tuple[int, int] | None:
        """Service as (years, months): 127 months -> (10, 7)."""
        return None if self.service_months is None else divmod(self.service_months, 12)

    def _required(self) -> list[FollowUp]:
        return _ask(
            [
                (self.last_drawn_salary, "last_drawn_salary", "What was your last monthly basic salary plus DA?"),
                (self.service_months, "service_months", "How many years (and months) did you work there?"),
            ]
        )


AnyQuestion = (
    IncomeTaxQuestion
    | CapitalGainsQuestion
    | GstQuestion
    | GstRegistrationQuestion
    | EmiQuestion
    | SipQuestion
    | LumpSumQuestion
    | PpfQuestion
    | HraQuestion
    | GratuityQuestion
)
