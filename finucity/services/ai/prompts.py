"""What the model is told: the system prompt, and the messages sent with a question.

Dates matter in Indian finance (slabs, due dates and limits change every
financial year, 1 April to 31 March), so the prompt carries today's date and
the current financial and assessment years, computed in India time at each
call: a server in UTC would otherwise start the new year 5.5 hours late.
"""

from __future__ import annotations

from datetime import datetime

from finucity.finance.dates import assessment_year, financial_year, format_date, india_now
from finucity.models import Category, MessageRole
from finucity.services.ai.categories import CATEGORY_LABELS

# Role and framing tokens every chat message costs on top of its text.
_MESSAGE_OVERHEAD_TOKENS = 4


DISCLAIMERS: dict[Category, str] = {
    Category.general: (
        "This is general information, not professional financial advice. "
        "Check the details for your situation with a qualified professional before you decide."
    ),
    Category.income_tax: (
        "Tax rules change with each Union Budget. This is general information, not tax advice: "
        "verify with the Income Tax Department (incometax.gov.in) or a chartered accountant before you file."
    ),
    Category.gst: (
        "GST rates, thresholds and due dates change through GST Council decisions. This is general "
        "information: verify with the GST portal (GSTN) and the latest CBIC notifications, or a GST practitioner."
    ),
    Category.investment: (
        "Market-linked investments carry risk and past returns do not guarantee future returns. "
        "This is general information, not investment advice: consult a SEBI-registered investment adviser."
    ),
    Category.insurance: (
        "Cover, exclusions and waiting periods depend on the policy wording: read your policy document "
        "and check with the insurer. Insurers are regulated by IRDAI (irdai.gov.in)."
    ),
    Category.business: (
        "Compliance depends on your business structure, state and turnover. This is general information: "
        "verify on the MCA portal or with the relevant authority, or consult a company secretary or chartered accountant."
    ),
}

_FOCUS: dict[Category, str] = {
    Category.general: (
        "Everyday money questions: budgeting, saving, loans and EMIs, credit scores, and pointing the user "
        "to the right specialist topic (income tax, GST, investments, business, insurance) when a question needs one."
    ),
    Category.income_tax: (
        "Indian income tax for individuals and HUFs: new vs old regime, slabs, rebate under section 87A, "
        "deductions (80C, 80D, 80CCD), HRA, capital gains, TDS, advance tax, ITR forms and due dates."
    ),
    Category.gst: (
        "GST for Indian businesses: registration thresholds, CGST/SGST/IGST, rates and HSN/SAC, input tax "
        "credit, returns (GSTR-1, GSTR-3B, GSTR-9) and their due dates, QRMP, composition scheme, e-invoicing, e-way bills."
    ),
    Category.investment: (
        "Investing in India: mutual funds and SIPs, ELSS, PPF, EPF, NPS, fixed and recurring deposits, "
        "equity and debt, asset allocation, and how each investment is taxed."
    ),
    Category.business: (
        "Running a business in India: choosing a structure (proprietorship, partnership, LLP, private limited), "
        "registration, ROC and MCA filings, MSME/Udyam, payroll compliance (PF, ESI), working capital and business loans."
    ),
    Category.insurance: (
        "Insurance in India: term life, health (including section 80D), ULIPs and endowment plans, "
        "how much cover to buy, riders, claims and the free-look period."
    ),
}


def system_prompt(category: Category, now: datetime | None = None) -> str:
    today = india_now(now).date()
    fy, ay = financial_year(today), assessment_year(today)
    return f"""You are Finucity's AI assistant for personal and business finance in India.

Today is {today:%A}, {format_date(today)} (India time). The current financial year is FY {fy} and the current assessment year is AY {ay}. Apply the rules in force for FY {fy} unless the user asks about another year, and say which year your figures apply to.

Focus of this conversation ({CATEGORY_LABELS[category]}): {_FOCUS[category]}

Structure every answer like this:
1. **Direct answer**: one or two sentences that answer the question.
2. **Explanation**: the rule, the section of law or the reasoning behind it.
3. **Example**: a worked example with rupee figures in Indian digit grouping (₹12,34,567; ₹1.5 lakh; ₹2 crore).
4. **Next steps**: what the user should do or check next.

Write in Markdown: short headings or bold labels, bulleted lists, and tables where they help (slabs, comparisons, due dates).

Ground rules:
- You are an AI assistant, not a chartered accountant, lawyer, SEBI-registered adviser or any other licensed professional. Never claim or imply that you are one.
- When you are unsure, or the answer depends on facts you do not have, say so plainly and say what would settle it. Never invent sections, rates, limits, dates or figures.
- Do not help anyone evade tax, hide income, create fake invoices or claim credits or deductions they are not entitled to. Explain the legal way instead.
- End every answer with this disclaimer, in italics: "{DISCLAIMERS[category]}"
"""


def estimate_tokens(text: str) -> int:
    """About four characters per token, at least 1. A bound, not a tokenizer.

    Deliberately offline: a real tokenizer would download its tables at run time.
    """
    return max(1, -(-len(text) // 4))


def build_messages(
    question: str,
    history: list[tuple[str, str]],
    category: Category,
    *,
    budget_tokens: int,
    now: datetime | None = None,
) -> list[dict]:
    """[system prompt, the newest earlier turns that fit `budget_tokens`, the question].

    `history` is oldest first. The budget covers the history only; the system
    prompt and the question are always sent. Turns are kept newest first until
    one does not fit, so what is kept is always the end of the conversation.
    """
    kept = _newest_that_fit(history, budget_tokens)
    return [
        {"role": "system", "content": system_prompt(category, now)},
        *({"role": MessageRole(role).value, "content": content} for role, content in kept),
        {"role": MessageRole.user.value, "content": question},
    ]


def _newest_that_fit(history: list[tuple[str, str]], budget_tokens: int) -> list[tuple[str, str]]:
    start, used = len(history), 0
    while start > 0:
        cost = estimate_tokens(history[start - 1][1]) + _MESSAGE_OVERHEAD_TOKENS
        if used + cost > budget_tokens:
            break
        used += cost
        start -= 1
    # An answer whose question was cut off reads as the assistant talking to
    # itself; drop it. (A history that itself opens with an answer keeps it.)
    if 0 < start < len(history) and history[start][0] == MessageRole.assistant.value:
        start += 1
    return history[start:]
