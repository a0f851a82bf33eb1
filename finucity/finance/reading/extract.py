"""Which calculator a question asks for, and the inputs it states.

`read_question(text, today)` returns one of the question dataclasses, or None
when the question is not a calculation ("what is 80C?", "what is the PPF
rate?"): a question is a calculation when it names a calculator and states at
least one of its inputs, or plainly asks for the figure ("calculate my EMI").
"""

from __future__ import annotations

import re
from datetime import date

from finucity.finance.reading.amounts import Scan, scan
from finucity.finance.reading.gains import read_capital_gains
from finucity.finance.reading.growth import read_emi, read_lump_sum, read_ppf, read_sip
from finucity.finance.reading.gst import read_gst, read_gst_registration
from finucity.finance.reading.questions import AnyQuestion
from finucity.finance.reading.salary import read_gratuity, read_hra
from finucity.finance.reading.tax import read_income_tax

_ASKS_FIGURE_RE = re.compile(
    r"\b(?:calculat\w*|comput\w*|work out|estimate|how much|what will|what would|how many rupees|tell me my)\b"
)
# "How to calculate EMI?" asks for the method, not for a figure.
_ASKS_METHOD_RE = re.compile(r"\bhow (?:to|do (?:i|you|we)|does one|is|are)\b[^?]*\bcalculat\w*|\bformula\b")
_GRATUITY_RE = re.compile(r"\bgratuity\b")
_GST_RE = re.compile(r"\bgst\b|\bigst\b|\bcgst\b|\bsgst\b|goods and services tax")
_GST_REGISTRATION_RE = re.compile(
    r"\bregist\w*|\bthreshold\b|turnover limit|exemption limit|\bneed (?:a )?gst\b|\bgstin\b|\bget gst\b"
)
_GST_PERSONAL_RE = re.compile(r"\b(?:i|my|we|our|me)\b")
_GAINS_RE = re.compile(
    r"capital gains?|\bltcg\b|\bstcg\b|\bindexation\b"
    r"|\b(?:sold|sell\w*|sale of|redeem\w*)\b[^.?!]{0,60}\b(?:shares?|stocks?|equit\w+|funds?|mfs?|elss|units"
    r"|property|house|flat|land|plot|apartment|gold|jewell?ery|sgbs?|real estate|home)\b"
    r"|\b(?:shares?|stocks?|funds?|property|house|flat|land|plot|gold)\b[^.?!]{0,60}\b(?:sold|sell\w*|redeem\w*)\b"
)
_HRA_RE = re.compile(r"\bhra\b|house rent allowance")
_HRA_CALC_RE = re.compile(r"\brent\b|\bbasic\b|\bexempt\w*")
_EMI_RE = re.compile(r"\bemi\b|\bemis\b|equated monthly")
_LOAN_SIZE_RE = re.compile(
    r"how much (?:loan|(?:can|could|should) i (?:borrow|get))|loan eligibility|eligible for (?:a )?loan|afford"
)
_LOAN_RE = re.compile(r"\bloans?\b|\bborrow\w*|\bmortgage\b")
_TAX_RE = re.compile(
    r"\btax(?:es)?\b|\btax liability\b|\bregimes?\b|\btds\b|\brebate\b|\b87a\b"
    r"|\b(?:old|new) (?:or|vs\.?|versus) (?:old|new)\b"
)
_INCOME_RE = re.compile(
    r"salar\w*|sall?[ae]r?y|\bincome\b|\bearn\w*|\bctc\b|\blpa\b|package|pension|business|freelanc\w*|profession\w*|\bregime\b"
    r"|tax (?:on|for)\b|\bmy tax\b|\bi (?:pay|owe)\b"
)
_DEDUCTION_RE = re.compile(
    r"\b80c\b|\b80d\b|80ccd|24\(b\)|deductions?\b|\bhra exemption|(?:home|housing) loan interest"
    r"|interest (?:on|for) (?:my |the )?(?:home|housing) loan|health insurance|mediclaim"
)
_PPF_RE = re.compile(r"\bppf\b|public provident fund")
_SIP_RE = re.compile(r"\bsips?\b|systematic investment")
_LUMP_RE = re.compile(r"lump ?sum|one[- ]time (?:investment|invest)|\bonetime\b")
_INVEST_RE = re.compile(r"\binvest\w*|\bdeposit\w*|\bput\b|\bgrow\w*|\bbecome\b|\bmaturity\b|\bcorpus\b")
_GOAL_RE = re.compile(
    r"\bto (?:reach|accumulate|build|create|have|get|achieve|save up)\b|\btarget\b|\bgoal\b|\bcorpus of\b"
    r"|\bhow much (?:should|must|do|would) i (?:invest|save|put)"
)
_MONTHLY_RE = re.compile(r"\bmonthly\b|per month|a month|every month|each month|/month|\bp\.?m\.?\b")


def _states_any(found: Scan, *kinds: str) -> bool:
    return any(m.kind in kinds for m in found.mentions)


def read_question(text: str, today: date) -> AnyQuestion | None:
    """The calculation `text` asks for, with the inputs it states, or None if it asks for none.

    `today` is the date in India (`finance.dates.india_now().date()`); "this
    year", the current financial year and "sold today" are counted from it.
    """
    found = scan(text)
    words = found.text
    asks_figure = bool(_ASKS_FIGURE_RE.search(words)) and not _ASKS_METHOD_RE.search(words)
    money = _states_any(found, "amount")
    numbers = _states_any(found, "amount", "percent", "duration", "date")

    if _GRATUITY_RE.search(words) and (money or _states_any(found, "duration") or asks_figure):
        return read_gratuity(found)
    if _GST_RE.search(words):
        if _GST_REGISTRATION_RE.search(words):
            registration = read_gst_registration(found)
            personal = _GST_PERSONAL_RE.search(words) and re.search(r"\b(?:do|should|must|need)\b", words)
            # "What is the GST registration threshold?" alone is for the topic, which lists them all.
            specific = money or personal or registration.state
            return registration if specific else None
        if money:
            return read_gst(found)
        if asks_figure and _states_any(found, "percent") and not _TAX_RE.search(words.replace("gst", "")):
            return read_gst(found)
        return None
    if _GAINS_RE.search(words) and (money or asks_figure or _states_any(found, "date", "duration")):
        return read_capital_gains(found, today)
    # "tax on 15 lakh salary with HRA exemption of 1.2 lakh" is a tax question; with a basic, an HRA one.
    tax_with_hra = (
        _TAX_RE.search(words)
        and re.search(r"salar\w*|\bctc\b|\bincome\b", words)
        and not re.search(r"\bbasic\b", words)
    )
    if _HRA_RE.search(words) and _HRA_CALC_RE.search(words) and (money or asks_figure) and not tax_with_hra:
        return read_hra(found, today)
    if _LOAN_SIZE_RE.search(words):
        return None  # "how much loan can I get?": eligibility, which no calculator here reads
    if _EMI_RE.search(words) and (numbers or asks_figure):
        return read_emi(found)
    is_tax = _TAX_RE.search(words) and _INCOME_RE.search(words)
    if is_tax and (
        money
        or re.search(
            r"\b(?:calculat\w*|comput\w*|work out|estimate)\b|how much tax (?:do|will|would|should|must) i", words
        )
    ):
        return read_income_tax(found, today)
    if money and _INCOME_RE.search(words) and (_DEDUCTION_RE.search(words) or _TAX_RE.search(words)):
        return read_income_tax(found, today)  # "salary 10 lakh, the full 1.5 lakh under 80C"
    if _LOAN_RE.search(words) and _states_any(found, "percent", "duration") and (money or asks_figure):
        return read_emi(found)
    # "Can I invest 1.5 lakh in PPF?" asks about the limit; a deposit with a period or a term is a projection.
    deposits = any(m.period for m in found.of("amount")) or _states_any(found, "duration")
    if _PPF_RE.search(words) and (deposits or asks_figure or re.search(r"maturity|matur\w+|\bcorpus\b", words)):
        return read_ppf(found)
    if _GOAL_RE.search(words):
        return None  # "how much to invest to reach 1 crore": a goal, which no calculator here reads
    if _SIP_RE.search(words) and (numbers or asks_figure):
        return read_sip(found)
    if _LUMP_RE.search(words) and (numbers or asks_figure):
        return read_lump_sum(found)
    if _INVEST_RE.search(words) and money and _states_any(found, "duration"):
        # "1 lakh every year" recurs: the SIP reader asks about a yearly instalment rather than take it as a lump sum.
        recurring = _MONTHLY_RE.search(words) or any(m.period for m in found.of("amount"))
        return read_sip(found) if recurring else read_lump_sum(found)
    return None
