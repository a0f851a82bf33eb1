from finucity.finance.reading.amounts import find_amounts, parse_amount, parse_months, parse_percent, scan
from finucity.finance.reading.extract import read_question
from finucity.finance.reading.timing import parse_date, parse_financial_year
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
from finucity.finance.reading.timing import StatedDate
