"""Reading a finance question in plain English: which calculator, and its inputs.

Standard library only, like the rest of `finucity.finance`. Nothing here
computes a result: it turns what a user typed into typed calculator inputs,
says which defaults it filled in, and says what is still missing.

The entry point
---------------
`read_question(text, today) -> AnyQuestion | None`
    `today` is the date in India (`finance.dates.india_now().date()`), passed
    in so "this year", the default financial year and "sold today" never read
    the clock here. Returns None when the question is not a calculation ("what
    is 80C?", "what is the PPF rate?"): a question is read as one when it names
    a calculator and states at least one of its inputs, or plainly asks for
    the figure ("calculate my EMI"). Otherwise one of:

    =========================  =====================================================
    `IncomeTaxQuestion`        salary (incl. pension) / business_income /
                               other_income / unclassified_income (a year's),
                               regime (NEW, OLD, COMPARE), financial_year ("2026-27"),
                               age, age_band, section_80c, section_80d_self,
                               section_80d_parents, parents_senior, section_80ccd_1b,
                               section_80ccd_2, home_loan_interest (24(b)),
                               hra_exemption, other_deductions, full_claims
                               ({"80c"} for "maxed out my 80C": apply the limit),
                               parents_age
    `CapitalGainsQuestion`     asset (`Asset`), bought / sold (`StatedDate`),
                               holding_months, buy_price, sell_price, gain (< 0: loss),
                               term ("long"/"short" when it says LTCG/STCG)
    `GstQuestion`              amount, rate (per cent), inclusive, intra_state
    `GstRegistrationQuestion`  supply ("goods", "services", "both"), state, turnover
    `EmiQuestion`              principal, annual_rate, months
    `SipQuestion`              monthly, months, annual_return
    `LumpSumQuestion`          amount, months, annual_return
    `PpfQuestion`              yearly_deposit, years, rate (None: the notified rate)
    `HraQuestion`              basic, da, basic_da, hra_received, rent_paid (a year's),
                               city (the calculator's rules say if it is a metro),
                               metro (only from "metro"/"non-metro"), financial_year
    `GratuityQuestion`         last_drawn_salary (a month's basic + DA),
                               service_months, service ((years, months)), covered
    =========================  =====================================================

    Every input is None when not stated, except these defaults, each listed in
    `question.assumptions` (`Assumption(field, text)`, `text` a sentence for the
    answer): income tax regime NEW, the default by law (COMPARE when the
    question lists deductions only the old regime allows), the current
    financial year, age below 60; capital gains sold today; GST amount before
    GST (exclusive); SIP monthly; PPF 15 years; HRA the current financial
    year, and its amounts all per month (or year) when the question writes the
    period beside one of them; gratuity covered by the Act.
    Amounts are `Decimal` rupees; a monthly figure is turned into a year's
    (times 12) only where the field says "a year's", and that is never done
    to an amount whose period is unknown: the question asks instead.

    Income stated without a period and below ₹3 lakh ("my salary is 50k") is
    asked about, not read as a year's. A goal question ("how much to invest
    to reach 1 crore") and FD maturity are not read: no calculator takes them.

`question.missing() -> list[FollowUp]`
    What to ask before giving any figure, each `FollowUp(field, question)` with
    a plain question ("What is your annual income, and is it salary (or
    pension) or business income?"). It includes `question.unclear`: inputs
    stated in more than one way ("EMI for 40 lakh or 50 lakh"), amounts with no
    label ("What is ₹3,00,000 in your question for?"), or a period that
    decides the figure ("Is ₹50,000 your income for a month or for the whole
    year?"). `question.complete` is `not missing()`. Answer only when complete.

Pieces, for forms and tests
---------------------------
`parse_amount(text)`   one amount in any form: "18 lakh", "18 lakhs", "18 lacs",
                       "18L", "15 LPA", "1.5 cr", "20k", "Rs 2,000", "Rs. 2000",
                       "INR 2,000", "₹11,800", "1,20,000", "50,000/-", "one lakh",
                       "two and a half lakh"; None if none or several.
`find_amounts(text)`   every money amount, leaving out rates, durations, ages,
                       dates, years and section numbers ("80C", "24(b)").
`parse_percent(text)`  "8.5%", "8.5 percent", "8.5 pc" -> Decimal("8.5").
`parse_months(text)`   "20 years" -> 240, "10 years 7 months" -> 127.
`parse_date(text)`     "15 March 2022", "March 2022", "2019-04-10", "10/04/2019"
                       (day first) -> `StatedDate(earliest, latest)`; `.exact`
                       is the day when one day was named, else None.
`parse_financial_year(text, today)`  "FY 2026-27", "AY 2027-28" (-> "2026-27"),
                       "this year", "last year".
`scan(text)`           all of the above at once, as `Mention`s with positions and,
                       for amounts, the period written beside them.

Modules: `amounts` (and `words` for numbers in words, `timing` for dates and
years) read figures; `context` ties each amount to the input named nearest to
it in its clause; `tax`, `gains`, `gst`, `growth` (EMI, SIP, lump sum, PPF) and
`salary` (HRA, gratuity) read one kind each; `extract` picks the kind.
"""

from finucity.finance.reading.amounts import (
    Mention,
    Scan,
    find_amounts,
    parse_amount,
    parse_months,
    parse_percent,
    scan,
)
from finucity.finance.reading.extract import read_question
from finucity.finance.reading.questions import (
    AgeBand,
    AnyQuestion,
    Asset,
    Assumption,
    CapitalGainsQuestion,
    EmiQuestion,
    FollowUp,
    GratuityQuestion,
    GstQuestion,
    GstRegistrationQuestion,
    HraQuestion,
    IncomeTaxQuestion,
    LumpSumQuestion,
    PpfQuestion,
    Regime,
    SipQuestion,
)
from finucity.finance.reading.timing import StatedDate, parse_date, parse_financial_year

__all__ = [
    "AgeBand",
    "AnyQuestion",
    "Asset",
    "Assumption",
    "CapitalGainsQuestion",
    "EmiQuestion",
    "FollowUp",
    "GratuityQuestion",
    "GstQuestion",
    "GstRegistrationQuestion",
    "HraQuestion",
    "IncomeTaxQuestion",
    "LumpSumQuestion",
    "Mention",
    "PpfQuestion",
    "Regime",
    "Scan",
    "SipQuestion",
    "StatedDate",
    "find_amounts",
    "parse_amount",
    "parse_date",
    "parse_financial_year",
    "parse_months",
    "parse_percent",
    "read_question",
    "scan",
]
