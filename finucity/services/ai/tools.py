"""The calculators offered to a model as OpenAI tools, and running the calls it makes.

A model is bad at arithmetic and good at reading a question; the calculators
(services/calculators.py over finance/) are the reverse. Each tool here maps
to one calculator with a JSON schema of its inputs. `run` validates what the
model sent and runs the calculator; anything wrong (bad JSON, an unknown
tool, a missing or impossible input) becomes an error the model reads and
can correct, never an exception. The model gets a compact result (figures,
working, rule set); the full result goes into the answer as a card
(services/calculation_blocks.py).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

from finucity.finance.result import Calculation
from finucity.services import calculators
from finucity.services.errors import ValidationError

log = logging.getLogger(__name__)

# Tool rounds per answer: a question rarely needs more than one; a model that
# keeps calling is cut off and must answer with what it has.
MAX_ROUNDS = 3
# Calls in one round beyond this are refused (a model looping in parallel).
MAX_CALLS_PER_ROUND = 4
MAX_ARGUMENT_CHARS = 4_000

INSTRUCTION = (
    "You have calculator tools for Indian finance (income tax, capital gains, GST, GST registration, EMI, "
    "SIP, lump sum, PPF, HRA, gratuity). Use them for every figure you state instead of doing the arithmetic "
    "yourself, then explain the result in words: the app shows the user the calculator's full working as a "
    "card above your answer, so do not repeat its table. If a tool returns an error, fix the input or ask "
    "the user for what is missing."
)

_RUPEES = {"type": "number", "minimum": 0, "description": "Rupees, a plain number (1250000 for 12.5 lakh)."}
_PERCENT = {"type": "number", "minimum": 0, "maximum": 100, "description": "Per cent a year, e.g. 8.5."}
_YEAR = {"type": "string", "enum": list(calculators.YEARS), "description": "Financial year."}


def _rupees(description: str) -> dict:
    return {**_RUPEES, "description": f"{description}. {_RUPEES['description']}"}


def _tool(name: str, description: str, properties: dict, required: list[str]) -> dict:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            },
        },
    }


_TAX_CASE = {
    "salary": _rupees("Gross salary for the year"),
    "other_income": _rupees("Other income for the year (interest, business, rent after deductions)"),
    "age": {"type": "integer", "minimum": 18, "maximum": 120},
    "year": _YEAR,
    "section_80c": _rupees("80C investments (old regime only)"),
    "section_80ccd_1b": _rupees("NPS contribution under 80CCD(1B) (old regime only)"),
    "health_insurance_self": _rupees("Health insurance premium for self and family, 80D"),
    "health_insurance_parents": _rupees("Health insurance premium for parents, 80D"),
    "parents_age": {"type": "integer", "minimum": 18, "maximum": 130},
    "home_loan_interest": _rupees("Interest on a self-occupied home loan, 24(b)"),
}

TOOLS: list[dict] = [
    _tool(
        "income_tax",
        "Income tax for an individual resident for one financial year, with the working. regime 'compare' "
        "computes both the new and the old regime side by side.",
        {"regime": {"type": "string", "enum": ["new", "old", "compare"]}, **_TAX_CASE},
        ["regime"],
    ),
    _tool(
        "capital_gains",
        "Capital gains tax on selling an asset: holding period, short or long term, exemptions and tax.",
        {
            "asset": {"type": "string", "enum": list(calculators.ASSETS)},
            "bought": {"type": "string", "format": "date", "description": "Purchase date, YYYY-MM-DD."},
            "sold": {"type": "string", "format": "date", "description": "Sale date, YYYY-MM-DD."},
            "cost": _rupees("What was paid"),
            "sale_price": _rupees("What it sold for"),
            "transfer_expenses": _rupees("Brokerage and other transfer expenses"),
            "exemption_used": _rupees("Section 112A exemption already used this year"),
            "slab_rate": {**_PERCENT, "description": "The seller's income-tax slab rate in per cent."},
        },
        ["asset", "bought", "sold", "cost", "sale_price"],
    ),
    _tool(
        "gst",
        "GST on an amount: the tax, CGST and SGST (or IGST between states), and the total.",
        {
            "amount": _rupees("The price"),
            "rate": {**_PERCENT, "description": "GST rate in per cent: 0, 5, 18 or 40 (3 on gold)."},
            "inclusive": {"type": "boolean", "description": "True if the price already includes GST."},
            "inter_state": {"type": "boolean", "description": "True for a supply to another state (IGST)."},
        },
        ["amount", "rate"],
    ),
    _tool(
        "gst_registration",
        "Whether a business must register for GST: the threshold for its supply and state.",
        {
            "turnover": _rupees("Aggregate turnover in the financial year"),
            "supply": {"type": "string", "enum": list(calculators.SUPPLIES)},
            "state": {"type": "string", "maxLength": calculators.MAX_TEXT, "description": "The state, by name."},
        },
        ["turnover", "supply"],
    ),
    _tool(
        "emi",
        "Monthly EMI of a loan, total interest and the repayment schedule.",
        {
            "principal": _rupees("The loan amount"),
            "rate": {**_PERCENT, "maximum": 50},
            "years": {"type": "integer", "minimum": 0, "maximum": 40},
            "months": {"type": "integer", "minimum": 0, "maximum": 480, "description": "Added to years."},
        },
        ["principal", "rate"],
    ),
    _tool(
        "sip",
        "Future value of a monthly SIP at an expected yearly return.",
        {
            "monthly": _rupees("The monthly instalment"),
            "rate": {**_PERCENT, "maximum": 50, "description": "Expected return in per cent a year."},
            "years": {"type": "integer", "minimum": 1, "maximum": 60},
        },
        ["monthly", "rate", "years"],
    ),
    _tool(
        "lump_sum",
        "Future value of a one-time investment at an expected yearly return.",
        {
            "amount": _rupees("The amount invested"),
            "rate": {**_PERCENT, "maximum": 50, "description": "Expected return in per cent a year."},
            "years": {"type": "integer", "minimum": 1, "maximum": 60},
        },
        ["amount", "rate", "years"],
    ),
    _tool(
        "ppf",
        "PPF maturity value for a yearly deposit (the current notified rate unless one is given).",
        {
            "yearly_deposit": _rupees("Deposit each year"),
            "years": {"type": "integer", "minimum": 15, "maximum": 50},
            "rate": {**_PERCENT, "maximum": 20},
        },
        ["yearly_deposit"],
    ),
    _tool(
        "hra",
        "HRA exemption for a salaried person paying rent, for the year (yearly figures).",
        {
            "basic_da": _rupees("Basic pay plus DA for the year"),
            "hra_received": _rupees("HRA received in the year"),
            "rent_paid": _rupees("Rent paid in the year"),
            "city": {"type": "string", "maxLength": calculators.MAX_TEXT, "description": "City of the rented home."},
            "year": _YEAR,
        },
        ["basic_da", "hra_received", "rent_paid", "city"],
    ),
    _tool(
        "gratuity",
        "Gratuity on leaving a job, under the Payment of Gratuity Act or outside it.",
        {
            "last_monthly_salary": _rupees("Last drawn monthly basic pay plus DA"),
            "years": {"type": "integer", "minimum": 0, "maximum": 60},
            "months": {"type": "integer", "minimum": 0, "maximum": 11},
            "covered": {"type": "boolean", "description": "Covered by the Payment of Gratuity Act."},
        },
        ["last_monthly_salary", "years"],
    ),
]
_SCHEMAS = {tool["function"]["name"]: tool["function"]["parameters"] for tool in TOOLS}


@dataclasses.dataclass
class ToolCall:
    """One call as the model streamed it (`arguments` is the JSON text)."""

    id: str
    name: str
    arguments: str = ""


@dataclasses.dataclass(frozen=True)
class ToolResult:
    call: ToolCall
    #: What the model reads back: the compact result, or {"error": ...}.
    content: str
    calculation: Calculation | None = None


def _kind(name: str, arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The calculator and its form values for a tool and its arguments."""
    if name == "income_tax":
        values = dict(arguments)
        regime = values.pop("regime", "new")
        if regime == "compare":
            return "regime_comparison", values
        return "income_tax", {**values, "regime": regime}
    return name, arguments


def _check_shape(name: str, arguments: Any) -> dict[str, Any]:
    """What the schema says and the calculators do not check: an object, known keys, required ones."""
    schema = _SCHEMAS[name]
    if not isinstance(arguments, dict):
        raise ValidationError("The arguments must be a JSON object.", field="arguments")
    unknown = sorted(set(arguments) - set(schema["properties"]))
    if unknown:
        raise ValidationError(f"Unknown argument {unknown[0][:40]!r}.", field=unknown[0][:40])
    missing = [key for key in schema["required"] if arguments.get(key) in (None, "")]
    if missing:
        raise ValidationError(f"{missing[0]} is required.", field=missing[0])
    enums = {key: spec["enum"] for key, spec in schema["properties"].items() if "enum" in spec}
    for key, options in enums.items():
        if key in arguments and arguments[key] not in options:
            raise ValidationError(f"{key} must be one of: {', '.join(options)}.", field=key)
    return arguments


def run(call: ToolCall) -> ToolResult:
    """Run one tool call; never raises (an error is the model's to correct)."""
    if call.name not in _SCHEMAS:
        return _error(call, f"There is no tool called {call.name[:40]!r}.")
    if len(call.arguments) > MAX_ARGUMENT_CHARS:
        return _error(call, "The arguments are too long.")
    try:
        arguments = json.loads(call.arguments or "{}")
    except ValueError:
        return _error(call, "The arguments are not valid JSON.")
    try:
        kind, values = _kind(call.name, _check_shape(call.name, arguments))
        calculation = calculators.calculate(kind, values)
    except ValidationError as exc:
        return _error(call, str(exc), field=exc.field)
    except Exception:  # a calculator's bug must not end the answer
        log.exception("Calculator tool %s failed", call.name)
        return _error(call, "The calculator failed on these inputs.")
    return ToolResult(call, json.dumps(compact(calculation), ensure_ascii=False), calculation)


def refused(call: ToolCall, why: str) -> ToolResult:
    """A call not run (over the limit of calls), answered so the conversation stays well formed."""
    return _error(call, why)


def _error(call: ToolCall, message: str, *, field: str | None = None) -> ToolResult:
    body = {"error": message} | ({"field": field} if field else {})
    return ToolResult(call, json.dumps(body, ensure_ascii=False))


def compact(calculation: Calculation) -> dict[str, Any]:
    """What the model needs to explain a result: figures, inputs as read, working, rules. No tables."""
    data = calculation.to_dict()
    return {
        "title": data["title"],
        "figures": {f["label"]: f["text"] for f in data["figures"]},
        "inputs": data["inputs"],
        "working": [_step(s) for s in data["steps"]],
        "notes": data["notes"],
        "rules": f"{data['rule_set']}, in force from {data['rule_date_text']} ({data['source']})",
    }


def _step(step: dict[str, Any]) -> dict[str, str]:
    shown = {"step": step["label"], "amount": step["text"], "note": step["note"]}
    return {key: value for key, value in shown.items() if value}


def assistant_message(text: str, calls: list[ToolCall]) -> dict:
    """The model's turn that asked for the calls, as it goes back in the conversation."""
    return {
        "role": "assistant",
        "content": text or None,
        "tool_calls": [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments or "{}"}}
            for c in calls
        ],
    }


def tool_message(result: ToolResult) -> dict:
    return {"role": "tool", "tool_call_id": result.call.id, "content": result.content}
