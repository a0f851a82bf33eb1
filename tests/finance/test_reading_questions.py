"""Questions as users type them: which calculator, and every input they state."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finucity.finance.money import format_inr
from finucity.finance.reading import (
    AgeBand,
    Asset,
    CapitalGainsQuestion,
    EmiQuestion,
    GratuityQuestion,
    GstQuestion,
    GstRegistrationQuestion,
    HraQuestion,
    IncomeTaxQuestion,
    LumpSumQuestion,
    PpfQuestion,
    Regime,
    SipQuestion,
    StatedDate,
    read_question,
)

TODAY = date(2026, 12, 2)  # FY 2026-27
L = 100_000  # a lakh


def day(y, m, d):
    return StatedDate(date(y, m, d), date(y, m, d))


TAX = IncomeTaxQuestion
# (question, kind, the inputs it states); every case must also be complete (nothing to ask).
COMPLETE = [
    ("wat is the tax on 6 lacs salery", TAX, {"salary": 6 * L}),
    ("income tax calculation for 10,50,000 salary fy 26-27", TAX, {"salary": 1_050_000, "financial_year": "2026-27"}),
    (
        "Tax liability on gross salary Rs 22 lakh; 80C: 1.5 lakh; 80D: 25,000; NPS: 50,000; old regime",
        TAX,
        {"salary": 22 * L, "section_80c": 150_000, "section_80d_self": 25_000, "section_80ccd_1b": 50_000},
    ),
    (
        "salary 10 lakh, the full 1.5 lakh under 80C, 80D 25k for self and 50k for senior citizen parents, "
        "which regime?",
        TAX,
        {"section_80c": 150_000, "section_80d_self": 25_000, "section_80d_parents": 50_000, "parents_senior": True},
    ),
    ("Is 12 lakh salary tax free in new regime?", TAX, {"salary": 12 * L, "regime": Regime.NEW}),
    ("I'm 65 with interest income of 9 lakh, tax?", TAX, {"other_income": 9 * L, "age_band": AgeBand.SENIOR}),
    ("my dad is 75 and gets a pension of 8 lakh, what tax does he pay", TAX, {"age": 75, "salary": 8 * L}),
    (
        "I earn Rs.1,50,000 monthly salary. calculate tax for FY 2026-27 under both regimes",
        TAX,
        {"salary": 18 * L, "regime": Regime.COMPARE},
    ),
    (
        "I bought Infosys shares in Jan 2023 for 2 lakh and sold them in Feb 2025 for 3.5 lakh. Capital gains tax?",
        CapitalGainsQuestion,
        {
            "bought": StatedDate(date(2023, 1, 1), date(2023, 1, 31)),
            "sold": StatedDate(date(2025, 2, 1), date(2025, 2, 28)),
        },
    ),
    ("I redeemed my ELSS after 4 years with a gain of 2.5 lakh", CapitalGainsQuestion, {"holding_months": 48}),
    ("LTCG on 3 lakh gain on equity shares", CapitalGainsQuestion, {"term": "long", "holding_months": None}),
    ("Selling shares after 11 months with 1 lakh profit, tax?", CapitalGainsQuestion, {"holding_months": 11}),
    ("what is 5% gst of 1050 inclusive", GstQuestion, {"amount": 1_050, "rate": 5, "inclusive": True}),
    ("ppf 5000 monthly", PpfQuestion, {"yearly_deposit": 60_000}),
    (
        "salary 15 lakh, 80D: self 25k, parents 50k (senior citizens), old regime",
        TAX,
        {"section_80d_self": 25_000, "section_80d_parents": 50_000, "parents_senior": True},
    ),
    (
        "salary 15 lakh, old regime, parents' health insurance 20k, my parents are below 60",
        TAX,
        {"section_80d_parents": 20_000, "parents_senior": False},
    ),
    (
        "tax on 15 lakh salary with mediclaim premium of 18,000 for me and my wife, old regime",
        TAX,
        {"section_80d_self": 18_000, "section_80d_parents": None},
    ),
    (
        "I pay 2 lakh interest on my home loan and earn 20 lakh salary; old or new?",
        TAX,
        {"salary": 20 * L, "home_loan_interest": 2 * L, "regime": Regime.COMPARE},
    ),
    (
        "tax calculation: salary 18L, HRA exemption 1.8L, 80C 1.5L, 80D 25k, NPS 50k, home loan interest 2L",
        TAX,
        {"hra_exemption": 180_000, "section_80d_self": 25_000, "section_80ccd_1b": 50_000, "home_loan_interest": 2 * L},
    ),
    ("my total deductions are 3.5 lakh and salary is 16 lakh, which regime", TAX, {"other_deductions": 350_000}),
    ("Tax on 10 lakh for a 70 year old pensioner", TAX, {"salary": 10 * L, "age": 70}),
    ("I am a doctor with professional income of 40 lakh. What's my tax?", TAX, {"business_income": 40 * L}),
    ("How much tax will I save if I invest 1.5 lakh in ELSS? My salary is 15 lakh.", TAX, {"section_80c": 150_000}),
    (
        "I took a loan of 10 lakh at 11% for 4 years. How much interest will I pay in total?",
        EmiQuestion,
        {"principal": 10 * L, "annual_rate": 11, "months": 48},
    ),
    (
        "flat bought 2015 for 40 lakh, sold 2024 for 90 lakh, capital gains?",
        CapitalGainsQuestion,
        {"bought": StatedDate(date(2015, 1, 1), date(2015, 12, 31)), "buy_price": 40 * L, "sell_price": 90 * L},
    ),
    ("GST on 2000 at 5%", GstQuestion, {"amount": 2_000}),  # outside capital gains, 2000 is money
    ("tax on 12 lakh salary, EPF 12,500 a month, old regime", TAX, {"section_80c": 150_000}),
    (
        "do I need GST registration for my services business in Goa with sales of 2 lakh a month",
        GstRegistrationQuestion,
        {"turnover": 24 * L, "state": "Goa", "supply": "services"},
    ),
    ("tax on 18 lakh salary under the new regime", TAX, {"salary": 18 * L, "regime": Regime.NEW}),
    ("Tax on 18 lakhs salary, new regime", TAX, {"salary": 18 * L, "regime": Regime.NEW}),
    ("TAX ON 18L SALARY (NEW REGIME)", TAX, {"salary": 18 * L, "regime": Regime.NEW}),
    ("income tax on 18 lacs salary in old regime", TAX, {"salary": 18 * L, "regime": Regime.OLD}),
    ("how much tax on a salary of Rs 18,00,000?", TAX, {"salary": 18 * L, "financial_year": "2026-27"}),
    ("tax on ₹12,75,000 salary for FY 2025-26", TAX, {"salary": 1_275_000, "financial_year": "2025-26"}),
    ("tax for AY 2026-27 on salary 10 lakh", TAX, {"salary": 10 * L, "financial_year": "2025-26"}),
    ("My CTC is 15 LPA, what is my tax?", TAX, {"salary": 15 * L}),
    ("What will be my tax on 1 lakh per month salary?", TAX, {"salary": 12 * L}),
    (
        "salary 10 lakh, the full 1.5 lakh under 80C",
        TAX,
        {"salary": 10 * L, "section_80c": 150_000, "regime": Regime.COMPARE},
    ),
    (
        "salary 10 lakh and 1.5 lakh in 80C, old regime tax",
        TAX,
        {"salary": 10 * L, "section_80c": 150_000, "regime": Regime.OLD},
    ),
    (
        "tax on 12 lakh salary with 80C 1.5L and 80D 25k old regime",
        TAX,
        {"salary": 12 * L, "section_80c": 150_000, "section_80d_self": 25_000},
    ),
    ("Salary 14 lakh. PPF 1 lakh, ELSS 50k. Tax under old regime?", TAX, {"salary": 14 * L, "section_80c": 150_000}),
    (
        "tax on 20 lakh salary, NPS 50,000 under 80CCD(1B), old regime",
        TAX,
        {"salary": 20 * L, "section_80ccd_1b": 50_000},
    ),
    ("tax on 20 lakh salary with 80ccd 1b of 50k", TAX, {"salary": 20 * L, "section_80ccd_1b": 50_000}),
    (
        "my salary is 25 lakh and employer NPS contribution 1 lakh, tax in new regime",
        TAX,
        {"salary": 25 * L, "section_80ccd_2": L},
    ),
    (
        "Which regime is better for 15 LPA with 80C 1.5L, NPS 50k and home loan interest 2 lakh?",
        TAX,
        {
            "salary": 15 * L,
            "regime": Regime.COMPARE,
            "section_80c": 150_000,
            "section_80ccd_1b": 50_000,
            "home_loan_interest": 2 * L,
        },
    ),
    (
        "salary 18 lakh, section 24(b) interest 2 lakh, which regime is better",
        TAX,
        {"salary": 18 * L, "home_loan_interest": 2 * L},
    ),
    (
        "tax on 16 lakh salary with interest on home loan of 1.8 lakh, old vs new",
        TAX,
        {"home_loan_interest": 180_000, "regime": Regime.COMPARE},
    ),
    ("new or old regime for salary 9 lakh?", TAX, {"salary": 9 * L, "regime": Regime.COMPARE}),
    (
        "I am 62 and my pension is 9 lakh, tax under old regime",
        TAX,
        {"salary": 9 * L, "age": 62, "age_band": AgeBand.SENIOR},
    ),
    (
        "I'm a senior citizen with pension of 7 lakh, old regime tax?",
        TAX,
        {"salary": 7 * L, "age_band": AgeBand.SENIOR},
    ),
    ("super senior citizen, pension 12 lakh, old regime tax", TAX, {"age_band": AgeBand.SUPER_SENIOR}),
    ("aged 81, pension 6 lakh, tax in old regime", TAX, {"age": 81, "age_band": AgeBand.SUPER_SENIOR}),
    ("I am 45 years old with salary 30 lakh, tax?", TAX, {"age": 45, "age_band": AgeBand.BELOW_60}),
    (
        "salary 20 lakh, health insurance of 25k for myself and 50k for my parents who are senior citizens, "
        "old regime tax",
        TAX,
        {"section_80d_self": 25_000, "section_80d_parents": 50_000, "parents_senior": True},
    ),
    (
        "tax on 20 lakh salary, mediclaim 30k for parents, my father is 70, old regime",
        TAX,
        {"section_80d_parents": 30_000, "parents_senior": True, "parents_age": 70, "age_band": AgeBand.BELOW_60},
    ),
    ("my income is 12 lakh from business, how much tax", TAX, {"business_income": 12 * L, "salary": None}),
    ("tax on 8 lakh freelancing income", TAX, {"business_income": 8 * L}),
    ("salary 12 lakh and FD interest 50,000 - tax?", TAX, {"salary": 12 * L, "other_income": 50_000}),
    ("tax on salary 15 lakh with HRA exemption of 1.2 lakh, old regime", TAX, {"hra_exemption": 120_000}),
    (
        "tax on 12 lakh salary, maxed out my 80C, old regime",
        TAX,
        {"full_claims": frozenset({"80c"}), "section_80c": None},
    ),
    ("tax on 10 lakh salary this year", TAX, {"financial_year": "2026-27"}),
    ("tax on 10 lakh salary for last year", TAX, {"financial_year": "2025-26"}),
    ("tax on twelve lakh salary", TAX, {"salary": 12 * L}),
    ("tax on two and a half lakh salary a year", TAX, {"salary": 250_000}),
    ("tax on 1.2 cr salary new regime", TAX, {"salary": 12_000_000}),
    (
        "EMI for 50 lakh at 8.5% for 20 years",
        EmiQuestion,
        {"principal": 50 * L, "annual_rate": Decimal("8.5"), "months": 240},
    ),
    (
        "emi on a home loan of Rs 40,00,000 @ 9 % for 15 yrs",
        EmiQuestion,
        {"principal": 40 * L, "annual_rate": 9, "months": 180},
    ),
    (
        "What is the EMI for a 10L car loan at 9.5 percent for 60 months?",
        EmiQuestion,
        {"principal": 10 * L, "months": 60},
    ),
    ("Calculate EMI: loan 25 lakhs, rate 8.75 pc, tenure 240 months", EmiQuestion, {"annual_rate": Decimal("8.75")}),
    ("home loan of 1.5 cr at 8.4% for 30 years, what's my monthly payment", EmiQuestion, {"principal": 15_000_000}),
    ("personal loan 5 lakh 14% 3 years emi?", EmiQuestion, {"principal": 5 * L, "annual_rate": 14, "months": 36}),
    ("emi for one crore at 9% for twenty years", EmiQuestion, {"principal": 10_000_000, "months": 240}),
    ("GST on 11,800 inclusive at 18%", GstQuestion, {"amount": 11_800, "rate": 18, "inclusive": True}),
    (
        "What is the GST on Rs 2,000 at 5% within the state?",
        GstQuestion,
        {"amount": 2_000, "rate": 5, "intra_state": True, "inclusive": False},
    ),
    ("gst on ₹50,000 at 18% inter-state", GstQuestion, {"amount": 50_000, "intra_state": False}),
    ("Remove 18% GST from 1180", GstQuestion, {"amount": 1_180, "inclusive": True}),
    ("price including GST is 1,12,000 at 12%, how much is gst", GstQuestion, {"amount": 112_000, "inclusive": True}),
    ("add 5% gst to 10k, same state", GstQuestion, {"amount": 10_000, "inclusive": False, "intra_state": True}),
    (
        "GST @40% on Rs. 5,00,000 excluding GST, selling to another state",
        GstQuestion,
        {"rate": 40, "intra_state": False},
    ),
    ("igst on 25000 at 18 percent", GstQuestion, {"amount": 25_000, "intra_state": False}),
    (
        "Do I need GST registration? I sell goods in Maharashtra with turnover of 30 lakh",
        GstRegistrationQuestion,
        {"supply": "goods", "state": "Maharashtra", "turnover": 30 * L},
    ),
    (
        "Should I register for GST? I am a freelancer in Bangalore earning 25 lakh a year",
        GstRegistrationQuestion,
        {"supply": "services", "state": "Karnataka", "turnover": 25 * L},
    ),
    (
        "gst registration threshold for services in Manipur, turnover 12 lakh",
        GstRegistrationQuestion,
        {"state": "Manipur"},
    ),
    (
        "Do I need goods and services tax registration for my shop in Kerala?",
        GstRegistrationQuestion,
        {"supply": "goods", "state": "Kerala"},  # GST's own name says nothing of what is supplied
    ),
    (
        "What is the GST registration threshold for goods in Telangana?",
        GstRegistrationQuestion,
        {"supply": "goods", "state": "Telangana", "turnover": None},
    ),
    (
        "I sold shares for 5 lakh which I bought for 3 lakh in March 2022",
        CapitalGainsQuestion,
        {
            "asset": Asset.LISTED_SHARES,
            "buy_price": 3 * L,
            "sell_price": 5 * L,
            "bought": StatedDate(date(2022, 3, 1), date(2022, 3, 31)),
        },
    ),
    (
        "I sold my flat for 80 lakh, bought it for 50 lakh on 15 March 2015. capital gains tax?",
        CapitalGainsQuestion,
        {"asset": Asset.PROPERTY, "bought": day(2015, 3, 15), "sold": day(2026, 12, 2)},
    ),
    (
        "LTCG on equity mutual fund, gain of 2 lakh, held for 3 years",
        CapitalGainsQuestion,
        {"asset": Asset.EQUITY_FUND, "gain": 2 * L, "holding_months": 36},
    ),
    (
        "capital gains on land bought 2019-04-10 for 20L and sold 2025-01-15 for 45L",
        CapitalGainsQuestion,
        {
            "asset": Asset.PROPERTY,
            "bought": day(2019, 4, 10),
            "sold": day(2025, 1, 15),
            "buy_price": 20 * L,
            "sell_price": 45 * L,
        },
    ),
    ("stcg on stocks: profit 80k, held 6 months", CapitalGainsQuestion, {"gain": 80_000, "holding_months": 6}),
    (
        "sold gold jewellery for 6 lakh, bought for 2 lakh in 2012",
        CapitalGainsQuestion,
        {"asset": Asset.GOLD, "buy_price": 2 * L},
    ),
    (
        "tax on selling debt fund units, gain 1 lakh, bought in June 2023",
        CapitalGainsQuestion,
        {"asset": Asset.DEBT_FUND, "gain": L},
    ),
    ("capital loss of 50k on shares sold in Jan 2025, held 2 years", CapitalGainsQuestion, {"gain": -50_000}),
    (
        "HRA exemption: basic 50,000 per month, HRA 20,000, rent 25,000, I live in Mumbai",
        HraQuestion,
        {
            "basic": 600_000,
            "hra_received": 240_000,
            "rent_paid": 300_000,
            "city": "Mumbai",
            "metro": None,
            "financial_year": "2026-27",
        },
    ),
    (
        "hra exemption for basic 6 lakh a year, hra 2.4 lakh a year, rent 2 lakh a year in Pune",
        HraQuestion,
        {"basic": 6 * L, "rent_paid": 2 * L, "city": "Pune", "metro": None},
    ),
    (
        "How much HRA is exempt? Basic + DA 40k/month, HRA 16k, rent 15k, Delhi",
        HraQuestion,
        {"basic": 480_000, "basic_da": 480_000, "city": "Delhi"},
    ),
    (
        "hra calc: basic 30k pm, da 5k, hra 12k, rent 10k, non-metro",
        HraQuestion,
        {"basic": 360_000, "da": 60_000, "basic_da": 420_000, "city": None, "metro": False},
    ),
    (
        "HRA exemption, basic 45000 monthly, HRA 18000, I pay rent 20000 in Bengaluru",
        HraQuestion,
        {"city": "Bengaluru", "metro": None},
    ),
    (
        "gratuity for 10 years 7 months with last drawn basic 60k",
        GratuityQuestion,
        {"last_drawn_salary": 60_000, "service_months": 127, "service": (10, 7), "covered": True},
    ),
    ("Gratuity: worked 15 years, last salary (basic + DA) Rs 80,000", GratuityQuestion, {"service_months": 180}),
    (
        "gratuity on basic 40k and DA 10k after 8 years, not covered under the gratuity act",
        GratuityQuestion,
        {"last_drawn_salary": 50_000, "covered": False},
    ),
    (
        "how much gratuity will I get after 20 years with last drawn salary of 1 lakh",
        GratuityQuestion,
        {"last_drawn_salary": L},
    ),
    ("PPF maturity if I deposit 1.5 lakh every year", PpfQuestion, {"yearly_deposit": 150_000, "years": 15}),
    ("ppf: 1,00,000 a year for 20 years", PpfQuestion, {"yearly_deposit": L, "years": 20}),
    ("If I put 12,500 a month in PPF, how much will I get?", PpfQuestion, {"yearly_deposit": 150_000}),
    ("PPF calculator 50k yearly for 15 years at 7.1%", PpfQuestion, {"rate": Decimal("7.1")}),
    ("SIP of 5000 per month for 20 years at 12%", SipQuestion, {"monthly": 5_000, "months": 240, "annual_return": 12}),
    ("sip 10k monthly 15 yrs 11 percent", SipQuestion, {"monthly": 10_000, "months": 180, "annual_return": 11}),
    ("What will a ₹2,500 SIP become in 10 years at 12%?", SipQuestion, {"monthly": 2_500}),
    (
        "If I invest 20k a month for 25 years at 12%, how much will I have?",
        SipQuestion,
        {"monthly": 20_000, "months": 300},
    ),
    ("monthly SIP of two thousand for 5 years at 10%", SipQuestion, {"monthly": 2_000}),
    ("lump sum of 2 lakh for 10 years at 11%", LumpSumQuestion, {"amount": 2 * L, "months": 120, "annual_return": 11}),
    ("one-time investment of Rs 5,00,000 for 15 years at 12 percent", LumpSumQuestion, {"amount": 5 * L}),
    (
        "If I invest 1 lakh today for 10 years at 12%, what will it become?",
        LumpSumQuestion,
        {"amount": L, "months": 120},
    ),
]


@pytest.mark.parametrize(("question", "kind", "expected"), COMPLETE, ids=[q for q, _, _ in COMPLETE])
def test_the_question_is_read_with_every_input_it_states(question, kind, expected):
    read = read_question(question, TODAY)
    assert isinstance(read, kind)
    for field, value in expected.items():
        assert getattr(read, field) == value, field
    assert read.missing() == []


# (question, kind, the fields asked for); the missing inputs are None, never guessed.
INCOMPLETE = [
    ("how much tax do I pay", TAX, ["income"]),
    ("calculate my income tax", TAX, ["income"]),
    ("tax on 15 lakh income", TAX, ["income_kind"]),
    ("I earn 20k a month, what is my tax", TAX, ["income_kind"]),
    ("tax on 50000 salary", TAX, ["income_period"]),
    ("my salary is 1.5 lakh, how much tax?", TAX, ["income_period"]),
    ("hra exemption: basic 6 lakh a year, hra 20k a month, rent 2.4 lakh, Chennai", HraQuestion, ["period"]),
    ("tax on 12 lakh salary, 80D 40k for parents, old regime", TAX, ["parents_senior"]),
    ("tax on 12 lakh salary, I pay rent 20k a month, old regime", TAX, ["hra_exemption"]),
    ("tax on 15 lakh salary with HRA 2 lakh old regime", TAX, ["hra_exemption"]),
    ("EMI for 50 lakh at 8.5%", EmiQuestion, ["months"]),
    ("EMI for 50 lakh for 20 years", EmiQuestion, ["annual_rate"]),
    ("emi at 9% for 15 years", EmiQuestion, ["principal"]),
    ("calculate my EMI", EmiQuestion, ["principal", "annual_rate", "months"]),
    ("GST on 11,800", GstQuestion, ["rate"]),
    ("gst at 18% on how much?", GstQuestion, ["amount"]),
    ("Do I need to register for GST? I run a shop", GstRegistrationQuestion, ["state"]),
    ("gst registration limit for my business in Kerala with turnover 35 lakh", GstRegistrationQuestion, ["supply"]),
    ("capital gains on shares sold for 5 lakh", CapitalGainsQuestion, ["buy_price", "bought"]),
    ("capital gains on 3 lakh profit held 2 years", CapitalGainsQuestion, ["asset"]),
    ("I sold mutual fund units for a gain of 1 lakh after 2 years, tax?", CapitalGainsQuestion, ["asset"]),
    ("hra exemption with basic 50k, hra 20k and rent 25k in Chennai", HraQuestion, ["period"]),
    ("HRA exemption: basic 50k a month, rent 20k", HraQuestion, ["hra_received", "city"]),
    ("gratuity for 10 years of service", GratuityQuestion, ["last_drawn_salary"]),
    ("gratuity on last drawn basic of 50,000", GratuityQuestion, ["service_months"]),
    ("PPF maturity calculator", PpfQuestion, ["yearly_deposit"]),
    ("SIP of 5000 for 10 years", SipQuestion, ["annual_return"]),
    ("sip 5000 per month at 12%", SipQuestion, ["months"]),
    ("lump sum 1 lakh at 12%", LumpSumQuestion, ["months"]),
    ("emi for 50 lakh at 8.5% for 20 years or 25 years", EmiQuestion, ["months"]),
    ("invest 1 lakh every year for 10 years at 12%", SipQuestion, ["monthly"]),  # recurring, so not a lump sum
    ("EMI of 25k a month at 9% for 20 years", EmiQuestion, ["principal"]),  # an instalment is not the loan
    ("tax on 18 lakh salary with 80C, old regime", TAX, ["section_80c"]),
    ("tax on 18 lakh salary with home loan interest", TAX, ["home_loan_interest"]),
    ("tax on 18 lakh salary with 80C 1.5 lakh and health insurance, which regime?", TAX, ["section_80d"]),
    ("what is the rebate under 87a for income of 12 lakh", TAX, ["income_kind"]),
    ("Tax on 10 lakh for someone aged 85, old regime", TAX, ["income_kind"]),
    ("tax on ltcg of 2 lakh from mutual funds", CapitalGainsQuestion, ["asset"]),
    ("I want a loan of 30 lakh. What EMI can I expect at 9%?", EmiQuestion, ["months"]),
    ("SIP returns on 5000", SipQuestion, ["months", "annual_return"]),
]


@pytest.mark.parametrize(("question", "kind", "asked"), INCOMPLETE, ids=[q for q, _, _ in INCOMPLETE])
def test_a_missing_input_is_asked_for_never_guessed(question, kind, asked):
    read = read_question(question, TODAY)
    assert isinstance(read, kind)
    missing = read.missing()
    assert sorted({f.field for f in missing} & set(asked)) == sorted(asked)
    assert all(f.question.endswith("?") for f in missing)
    for field in asked:
        if field in {f.name for f in dataclasses.fields(read)}:
            assert getattr(read, field) is None, field


NOT_CALCULATIONS = [
    "how to calculate EMI?",
    "What is the EMI formula?",
    "What is capital gains tax on selling a house?",
    "I'm 30, how much should I invest monthly to reach 1 crore in 20 years?",  # a goal, which no reader takes
    "What is 80CCD(1B)?",
    "Can I claim both HRA and home loan interest?",
    "what is 80C?",
    "What is section 80D?",
    "What are the tax slabs in the new regime?",
    "What is the PPF interest rate?",
    "What is SIP?",
    "What is GST?",
    "What is the GST registration threshold?",
    "When is the last date to file ITR?",
    "Is ELSS better than PPF?",
    "Is my LIC premium deductible under 80C?",
    "What is HRA?",
    "which one is better, new or old regime?",
    "how to save tax",
    "Is gratuity taxable?",
    "hello",
    "I can pay an EMI of 20k a month at 9% for 20 years, how much loan can I get?",  # eligibility
    "Can I invest ₹1,50,000 in PPF?",  # the limit, not a projection
    "What is the GST registration limit for services?",  # the topic lists every state's
    "What is the rebate under 87A?",
    "What is the 80C limit for FY 2026-27?",
    "how much is 18% of 5000",
    "What is the interest rate on home loans?",
]


@pytest.mark.parametrize("question", NOT_CALCULATIONS)
def test_a_question_that_is_not_a_calculation_is_not_read_as_one(question):
    assert read_question(question, TODAY) is None


def test_defaults_are_said_not_hidden():
    read = read_question("tax on 18 lakh salary", TODAY)
    assert read.regime == Regime.NEW and read.financial_year == "2026-27" and read.age_band == AgeBand.BELOW_60
    assert {a.field for a in read.assumptions} == {"regime", "financial_year", "age_band"}
    assert "default" in next(a.text for a in read.assumptions if a.field == "regime")


def test_the_default_regime_cites_the_act_of_its_year():
    texts = {
        year: next(a.text for a in read_question(f"tax on 18 lakh salary FY {year}", TODAY).assumptions)
        for year in ("2025-26", "2026-27")
    }
    assert "115BAC" in texts["2025-26"]
    assert "section 202 of the Income-tax Act, 2025" in texts["2026-27"]


def test_a_deduction_named_in_the_new_regime_is_not_asked_about():
    read = read_question("tax on 18 lakh salary, is 80C allowed in the new regime?", TODAY)
    assert read.regime == Regime.NEW and read.missing() == []


def test_a_stated_regime_year_and_age_are_not_assumptions():
    read = read_question("I am 40, tax on 18 lakh salary, new regime, FY 2025-26", TODAY)
    assert read.assumptions == ()


def test_the_current_year_comes_from_the_date_passed_in():
    assert read_question("tax on 18 lakh salary", date(2026, 3, 31)).financial_year == "2025-26"


def test_two_different_loan_amounts_are_asked_about_not_picked():
    read = read_question("EMI for 40 lakh or 50 lakh at 9% for 20 years", TODAY)
    assert read.principal is None
    assert "₹40,00,000 or ₹50,00,000" in read.missing()[0].question


def test_an_unexplained_amount_in_a_tax_question_is_asked_about():
    read = read_question("tax on 12 lakh salary, 3 lakh, old regime", TODAY)
    assert any("₹3,00,000" in f.question for f in read.missing())


def test_gst_sold_date_default_and_gains_assumption():
    read = read_question("capital gains on shares: bought for 1 lakh in 2020, sold for 3 lakh", TODAY)
    assert read.sold == day(2026, 12, 2)
    assert [a.field for a in read.assumptions] == ["sold"]


_PIECES = [
    "tax", "salary", "on", "18 lakh", "1.5 cr", "20k a month", "Rs 2,000", "₹11,800", "80C", "80D", "for parents",
    "new regime", "old", "which regime", "I am 62", "senior citizen", "FY 2026-27", "AY 2026-27", "EMI", "loan",
    "8.5%", "20 years", "6 months", "GST", "inclusive", "within the state", "registration", "goods", "Kerala",
    "sold", "bought", "shares", "flat", "15 March 2022", "March 2022", "2019-04-10", "gain", "loss", "SIP",
    "lump sum", "PPF", "HRA", "basic", "rent", "Mumbai", "gratuity", "DA", "and", ",", ".", "?", "two and a half lakh",
    "half", "a", "lakh", "crore", "24(b)", "80CCD(1B)", "maxed out", "per annum", "monthly", "-", "/-", "(", ")",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14), st.dates(min_value=date(2000, 1, 1)))
def test_any_mix_of_finance_words_reads_without_error_and_never_invents_a_negative_input(pieces, today):
    read = read_question(" ".join(pieces), today)
    if read is None:
        return
    for field in dataclasses.fields(read):
        value = getattr(read, field.name)
        if isinstance(value, Decimal) and field.name != "gain":
            assert value >= 0, field.name
    for follow_up in read.missing():
        assert follow_up.question.endswith("?")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=300_000, max_value=10**10), st.booleans())
def test_a_salary_written_with_indian_grouping_is_read_exactly(value, symbol):
    read = read_question(f"tax on {format_inr(value, symbol=symbol)} salary", TODAY)
    assert read.salary == value
    assert read.missing() == []


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**9),
    st.sampled_from(["5", "18", "40", "0.25", "3"]),
    st.booleans(),
)
def test_gst_inputs_are_read_exactly_whatever_the_amount(value, rate, inclusive):
    text = f"GST on {format_inr(value)} at {rate}%" + (" inclusive" if inclusive else "")
    read = read_question(text, TODAY)
    assert (read.amount, read.rate, read.inclusive) == (value, Decimal(rate), inclusive)
