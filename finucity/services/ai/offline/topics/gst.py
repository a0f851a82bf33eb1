"""GST: the basics, registration limits, return due dates and input tax credit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from finucity.finance import knowledge
from finucity.finance.calculators import HUNDRED
from finucity.finance.dates import format_date
from finucity.finance.money import as_decimal, format_inr, format_inr_words
from finucity.models import Category
from finucity.services.ai.offline.answers import Answer, bullet_list, markdown_table, percent
from finucity.services.ai.offline.skills import skill


@skill(
    "GST basics",
    category=Category.gst,
    example="What is GST?",
    order=100,
    triggers=(
        "what is GST",
        "how does GST work",
        "how GST works",
        "explain GST",
        "GST meaning",
        "GST rate",
        "CGST",
        "SGST",
        "IGST",
        "goods and services tax",
    ),
    boosters=("GST", "rate", "slab"),
)
def gst_basics(text: str, today: date) -> Answer:
    fact = knowledge.fact("gst_basics")
    rate = as_decimal(fact["example_rate"])
    value = Decimal(10_000)
    gst = value * rate / HUNDRED
    rates = " or ".join(percent(r) for r in fact["main_rates"])
    return Answer(
        category=Category.gst,
        direct=(
            "GST is India's tax on the supply of goods and services. Each business in the chain collects it and "
            "deducts the GST it paid on its purchases, so the final consumer bears it. Most items are taxed at "
            f"{rates}, a few at {percent(fact['special_rate'])}."
        ),
        explanation=bullet_list(fact["points"]),
        example=markdown_table(
            ("Sale of " + format_inr(value) + f" at {percent(rate)}", "CGST", "SGST", "IGST", "Invoice total"),
            [
                ("Within the same state", format_inr(gst / 2), format_inr(gst / 2), "–", format_inr(value + gst)),
                ("To another state", "–", "–", format_inr(gst), format_inr(value + gst)),
            ],
        ),
        next_steps=(
            'Check whether you need to register: ask me "GST registration limit".',
            "Find the rate for your goods (HSN code) or services (SAC code) on the CBIC website.",
            'Once registered, file GSTR-1 and GSTR-3B on time: ask me "GST return due dates".',
        ),
        facts=(fact,),
    )


@skill(
    "GST registration limits",
    category=Category.gst,
    example="When is GST registration compulsory?",
    order=110,
    triggers=(
        "GST registration",
        "register for GST",
        "register under GST",
        "GSTIN",
        "GST threshold",
        "GST limit",
        "registration threshold",
        "registration limit",
    ),
    boosters=("turnover", "limit", "threshold", "register", "registration", "compulsory", "mandatory", "GST"),
)
def gst_registration(text: str, today: date) -> Answer:
    fact = knowledge.fact("gst_registration")
    rows = fact["thresholds"]
    goods, services = rows[0], rows[1]
    below = as_decimal(services["normal"]) * Decimal("0.9")
    above = as_decimal(services["normal"]) * Decimal("1.1")
    return Answer(
        category=Category.gst,
        direct=(
            "You must register for GST once your aggregate turnover in a financial year crosses "
            f"**{format_inr_words(goods['normal'])}** if you supply only goods, or "
            f"**{format_inr_words(services['normal'])}** for services (lower in special category states: "
            f"{format_inr_words(goods['special'])} and {format_inr_words(services['special'])}). Some businesses must "
            "register whatever their turnover."
        ),
        explanation=(
            markdown_table(
                ("Supplier", "Most states", "Special category states"),
                [(row["supplier"], format_inr(row["normal"]), format_inr(row["special"])) for row in rows],
            )
            + f"\n\n{fact['special_states_note']}\n\n**Registration is compulsory, whatever the turnover, for:**\n\n"
            + bullet_list(fact["compulsory"])
            + "\n\nAggregate turnover counts all your taxable, exempt and export supplies across India under the same "
            "PAN."
        ),
        example=(
            f"A freelance designer in Karnataka billing {format_inr(below)} a year is below the "
            f"{format_inr(services['normal'])} limit and need not register. Once billing crosses "
            f"{format_inr(services['normal'])} (say, {format_inr(above)}), registration is due within "
            f"{fact['register_within_days']} days."
        ),
        next_steps=(
            "Keep a running total of turnover each month so you know when you near the limit.",
            "Apply on the GST portal (gst.gov.in) with PAN, Aadhaar, proof of business address and bank details.",
            (
                "Registering voluntarily below the limit lets you claim input tax credit, but brings monthly or "
                "quarterly returns."
            ),
        ),
        facts=(fact,),
    )


@skill(
    "GST return due dates",
    category=Category.gst,
    example="GST return due dates",
    order=120,
    triggers=("GSTR", "GST return", "GST annual return", "QRMP", "CMP 08", "IFF"),
    boosters=("due date", "deadline", "last date", "late fee", "monthly", "quarterly", "file", "filing", "GST"),
)
def gst_due_dates(text: str, today: date) -> Answer:
    fact = knowledge.fact("gst_return_due_dates")
    month_start = today.replace(day=1)
    last_month = month_start - timedelta(days=1)
    monthly = [row for row in fact["returns"] if "day_of_next_month" in row]
    example = "; ".join(
        f"{row['form']} by {format_date(month_start.replace(day=row['day_of_next_month']))}" for row in monthly
    )
    return Answer(
        category=Category.gst,
        direct=(
            "Monthly filers file **GSTR-1 by the 11th** and **GSTR-3B by the 20th** of the next month. Quarterly "
            "(QRMP) filers file GSTR-1 by the 13th and GSTR-3B by the 22nd or 24th of the month after the quarter, "
            "and the annual return GSTR-9 is due by **31 December**."
        ),
        explanation=markdown_table(
            ("Return", "Who files", "Due date"), [(r["form"], r["filer"], r["due"]) for r in fact["returns"]]
        )
        + "\n\n"
        + bullet_list(fact["notes"]),
        example=f"For {last_month:%B %Y}, a monthly filer files {example}.",
        next_steps=(
            (
                "Reconcile your purchase register with GSTR-2B before filing GSTR-3B, so you claim only credit that "
                "is available."
            ),
            "Businesses with turnover up to ₹5 crore can choose QRMP (quarterly returns, monthly tax payment).",
            "Check the GST portal for extensions: CBIC sometimes extends due dates by notification.",
        ),
        facts=(fact,),
    )


@skill(
    "GST input tax credit",
    category=Category.gst,
    example="What is ITC in GST?",
    order=130,
    triggers=("ITC", "input tax credit", "input credit"),
    boosters=("GST", "claim", "blocked", "eligible", "GSTR 2B", "conditions"),
)
def gst_itc(text: str, today: date) -> Answer:
    fact = knowledge.fact("gst_itc")
    rate = as_decimal(fact["example_rate"])
    bought, sold = Decimal(100_000), Decimal(150_000)
    paid, collected = bought * rate / HUNDRED, sold * rate / HUNDRED
    return Answer(
        category=Category.gst,
        direct=(
            "Input tax credit (ITC) is the GST you paid on business purchases, which you deduct from the GST you "
            "collect on sales, so you pay tax only on the value you add."
        ),
        explanation=(
            "**You can claim ITC only if all of these hold:**\n\n"
            + bullet_list(fact["conditions"])
            + f"\n\nClaim it by {fact['time_limit']}. If you do not pay the supplier within {fact['payment_days']} "
            "days of the invoice, the credit must be reversed until you pay.\n\n**Blocked credits (no ITC):**\n\n"
            + bullet_list(fact["blocked"])
        ),
        example=markdown_table(
            ("", "Value", f"GST at {percent(rate)}"),
            [
                ("You buy goods", format_inr(bought), format_inr(paid)),
                ("You sell them", format_inr(sold), format_inr(collected)),
                ("**GST you pay in cash**", "", f"**{format_inr(collected - paid)}**"),
            ],
        ),
        next_steps=(
            (
                "Match every purchase invoice with GSTR-2B each month and follow up with suppliers whose invoices "
                "are missing."
            ),
            "Keep the tax invoices and proof of receipt of goods or services.",
            "Check the blocked-credit list before claiming on vehicles, food, or anything used personally.",
        ),
        facts=(fact,),
    )
