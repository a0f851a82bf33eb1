"""/tools: pick a calculator, fill its form, see the result card.

No sign-in is needed (a calculator holds no one's data), so every handler is
`tab_only`; the form's values are read and checked on the server by the
service adapter, the same one behind `POST /api/tools/...`. What a person
typed (a salary) is still theirs: the state forgets it when the tab's user
changes.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from finucity.services import calculators
from finucity.services.errors import RateLimited, ServiceError
from finucity.states.calculation_view import CalculationView, calculation_view
from finucity.states.session import PER_USER_STATES, SessionState, tab_only


@dataclasses.dataclass(frozen=True)
class Input:
    """One field of a calculator's form: its name (the service's), label and default text."""

    name: str
    label: str
    default: str = ""
    kind: str = "amount"  # amount | percent | count | date | text | choice (segments) | list (a select)
    options: tuple[tuple[str, str], ...] = ()  # (value, label) for a choice or a list
    hint: str = ""
    # Fields with a group are shown folded under that heading (the old regime's deductions).
    group: str = ""


@dataclasses.dataclass(frozen=True)
class Calculator:
    key: str
    label: str
    icon: str
    blurb: str
    inputs: tuple[Input, ...]


YEAR = Input("year", "Financial year", "2025-26", "choice", (("2025-26", "FY 2025-26"), ("2026-27", "FY 2026-27")))
YES_NO = (("true", "Yes"), ("false", "No"))
DEDUCTIONS = "Deductions (old regime only)"

CALCULATORS: tuple[Calculator, ...] = (
    Calculator(
        "income_tax",
        "Income tax",
        "receipt-indian-rupee",
        "Your tax under either regime, or both side by side.",
        (
            Input("regime", "Regime", "compare", "choice", (("new", "New"), ("old", "Old"), ("compare", "Compare"))),
            YEAR,
            Input("salary", "Gross salary a year", "12,85,000", hint="Before the standard deduction"),
            Input("other_income", "Other income a year", "0", hint="Interest, rent, freelance"),
            Input("age", "Your age", "30", "count"),
            Input("section_80c", "80C investments", "0", hint="PPF, ELSS, EPF, life cover", group=DEDUCTIONS),
            Input("health_insurance_self", "Health insurance, 80D", "0", hint="Self and family", group=DEDUCTIONS),
            Input("home_loan_interest", "Home-loan interest, 24(b)", "0", hint="Self-occupied", group=DEDUCTIONS),
            Input("section_80ccd_1b", "NPS, 80CCD(1B)", "0", hint="Your own NPS contribution", group=DEDUCTIONS),
        ),
    ),
    Calculator(
        "capital_gains",
        "Capital gains",
        "chart-candlestick",
        "Tax on selling shares, funds or property, with the July 2024 rates.",
        (
            Input(
                "asset",
                "Asset",
                "listed_equity",
                "choice",
                (
                    ("listed_equity", "Shares"),
                    ("equity_fund", "Equity fund"),
                    ("property", "Property"),
                    ("debt_fund", "Debt fund"),
                ),
            ),
            Input("bought", "Bought on", "2023-04-10", "date"),
            Input("sold", "Sold on", "2025-08-20", "date"),
            Input("cost", "Cost", "5,00,000"),
            Input("sale_price", "Sale price", "8,00,000"),
            Input("transfer_expenses", "Transfer expenses", "0", hint="Brokerage, stamp duty you paid"),
        ),
    ),
    Calculator(
        "gst",
        "GST",
        "file-spreadsheet",
        "GST on a price, added or taken out, split into CGST and SGST or IGST.",
        (
            Input("amount", "Amount", "10,000"),
            Input("rate", "GST rate", "18", "choice", (("5", "5%"), ("18", "18%"), ("40", "40%"), ("3", "3%"))),
            Input("inclusive", "The amount", "false", "choice", (("false", "Excludes GST"), ("true", "Includes GST"))),
            Input(
                "inter_state",
                "Supply",
                "false",
                "choice",
                (("false", "Within the state"), ("true", "Inter-state")),
            ),
        ),
    ),
    Calculator(
        "gst_registration",
        "GST registration",
        "clipboard-check",
        "Whether your turnover needs GST registration, for what you supply and where.",
        (
            Input("turnover", "Turnover this year", "30,00,000", hint="All-India, excluding GST"),
            Input("supply", "You supply", "goods", "choice", tuple(calculators.SUPPLY_LABELS.items())),
            Input(
                "state",
                "State",
                "",
                "list",
                (("", "Any other state"), *((name, name.title()) for name in calculators.registration_states())),
                hint="Some states kept a lower limit",
            ),
        ),
    ),
    Calculator(
        "emi",
        "Loan EMI",
        "landmark",
        "Monthly instalment, total interest and the schedule of a loan.",
        (
            Input("principal", "Loan amount", "50,00,000"),
            Input("rate", "Interest rate, % a year", "8.5", "percent"),
            Input("years", "Tenure in years", "20", "count"),
        ),
    ),
    Calculator(
        "sip",
        "SIP",
        "trending-up",
        "What a monthly SIP or a one-time investment may grow to.",
        (
            Input("mode", "Invest", "sip", "choice", (("sip", "Monthly SIP"), ("lump_sum", "Lump sum"))),
            Input("amount", "Amount", "10,000", hint="A month for a SIP"),
            Input("rate", "Expected return, % a year", "12", "percent"),
            Input("years", "Years", "15", "count"),
        ),
    ),
    Calculator(
        "ppf",
        "PPF",
        "piggy-bank",
        "Public Provident Fund balance at maturity, at the current rate.",
        (
            Input("yearly_deposit", "Deposit a year", "1,50,000", hint="₹500 to ₹1,50,000"),
            Input("years", "Years", "15", "count", hint="15, or extended in blocks of 5"),
        ),
    ),
    Calculator(
        "hra",
        "HRA",
        "house",
        "How much of your house rent allowance is exempt (old regime).",
        (
            Input("basic_da", "Basic pay + DA a year", "6,00,000"),
            Input("hra_received", "HRA received a year", "2,40,000"),
            Input("rent_paid", "Rent paid a year", "2,40,000"),
            Input("city", "City", "Bengaluru", "text"),
            YEAR,
        ),
    ),
    Calculator(
        "gratuity",
        "Gratuity",
        "briefcase-business",
        "Gratuity on leaving a job after five or more years.",
        (
            Input("last_monthly_salary", "Last basic + DA a month", "60,000"),
            Input("years", "Years of service", "8", "count"),
            Input("months", "And months", "0", "count"),
            Input("covered", "Employer covered by the Gratuity Act", "true", "choice", YES_NO),
        ),
    ),
)
BY_KEY = {c.key: c for c in CALCULATORS}
SHOW_RESULT = (
    "window.innerWidth < 900 && document.getElementById('tools-result')"
    "?.scrollIntoView({behavior: 'smooth', block: 'start'})"
)


def defaults(key: str) -> dict[str, str]:
    return {i.name: i.default for i in BY_KEY[key].inputs}


def run(key: str, form: dict) -> CalculationView:
    """The calculator behind tab `key` on the form's values (a ValidationError names the field)."""
    values = {i.name: form.get(i.name, i.default) for i in BY_KEY[key].inputs}
    if key == "income_tax":
        kind = "regime_comparison" if values.pop("regime") == "compare" else "income_tax"
        if kind == "income_tax":
            values["regime"] = form.get("regime")
    elif key == "sip":
        kind = "lump_sum" if values.pop("mode") == "lump_sum" else "sip"
        values["monthly" if kind == "sip" else "amount"] = values.pop("amount")
    else:
        kind = key
    return calculation_view(calculators.calculate(kind, values))


class ToolsState(SessionState):
    calculator: str = "income_tax"
    card: CalculationView = CalculationView()
    error: str = ""
    error_field: str = ""
    # Bumped when the form must show its defaults again (a new calculator).
    form_key: int = 0

    def _forget_user_data(self) -> None:
        self.calculator, self.card, self.error, self.error_field = "income_tax", CalculationView(), "", ""
        self.form_key += 1

    def _show(self, key: str, form: dict) -> None:
        try:
            self.card = run(key, form)
            self.error = self.error_field = ""
        except ServiceError as exc:
            # The SIP tab's one amount field is the service's `monthly` or `amount`.
            field = "amount" if key == "sip" and exc.field == "monthly" else exc.field
            names = {i.name for i in BY_KEY[key].inputs}
            self.error, self.error_field = exc.message, field if field in names else ""

    @rx.event
    @tab_only
    async def load(self):
        # Signed in or not, the page works; the header only says where the chat is.
        await self._current_actor()
        key = self.router.page.params.get("calc", "")
        if key in BY_KEY:
            self.calculator = key
        if self.card.kind == "" or key in BY_KEY:
            self._show(self.calculator, defaults(self.calculator))

    @rx.event
    @tab_only
    def pick(self, key: str):
        if key not in BY_KEY or key == self.calculator:
            return
        self.calculator = key
        self.form_key += 1
        self._show(key, defaults(key))

    @rx.event
    @tab_only
    async def calculate(self, form: dict):
        if self.calculator not in BY_KEY or not isinstance(form, dict):
            return
        try:
            await calculators.check_rate(self.router.session.client_ip or None)
        except RateLimited as exc:
            self.error, self.error_field = exc.message, ""
            return
        self._show(self.calculator, {str(k): v for k, v in form.items()})
        if not self.error:
            # On a phone the card is below the form: bring it into view.
            return rx.call_script(SHOW_RESULT)
        return None


PER_USER_STATES.append(ToolsState)
