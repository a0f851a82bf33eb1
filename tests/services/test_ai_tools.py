"""The calculators as a model's tools: what a call may say, and what the model reads back.

Expected figures: EMI on ₹50 lakh at 8.5% for 20 years is
P·r·(1+r)^n / ((1+r)^n − 1) with r = 0.085/12, n = 240: ₹43,391 (rounded).
"""

from __future__ import annotations

import json

import pytest

from finucity.services.ai import tools
from finucity.services.ai.openai_provider import ToolCalls

EMI_ARGS = {"principal": 5_000_000, "rate": 8.5, "years": 20}


def call(name: str, arguments: object) -> tools.ToolResult:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return tools.run(tools.ToolCall(id="call_1", name=name, arguments=text))


def test_a_good_call_runs_the_calculator_and_the_model_reads_the_figures_in_rupees():
    result = call("emi", EMI_ARGS)

    assert result.calculation is not None and result.calculation.headline[1] == 43_391
    sent = json.loads(result.content)
    assert sent["figures"]["Monthly EMI"] == "₹43,391"
    assert "rules" in sent and sent["working"]
    # Compact: no 240-row schedule goes back to the model.
    assert "table" not in sent and len(result.content) < 2_000


def test_income_tax_compares_the_regimes_when_asked():
    result = call("income_tax", {"regime": "compare", "salary": 1_500_000, "year": "2025-26"})

    assert result.calculation is not None and result.calculation.kind == "regime_comparison"
    figures = json.loads(result.content)["figures"]
    assert figures["Tax under the new regime"] == "₹97,500"


@pytest.mark.parametrize(
    "name, arguments, says",
    [
        ("emi", "{not json", "not valid JSON"),
        ("emi", "[1, 2]", "JSON object"),
        ("tax_evasion", EMI_ARGS, "no tool called"),
        ("emi", {"rate": 8.5, "years": 20}, "principal is required"),
        ("emi", {**EMI_ARGS, "principal": -5}, "cannot be negative"),
        ("emi", {**EMI_ARGS, "principal": "lots"}, "enter rupees"),
        ("emi", {**EMI_ARGS, "rate": 900}, "between 0 and 50"),
        ("emi", {**EMI_ARGS, "colour": "red"}, "Unknown argument 'colour'"),
        ("income_tax", {"regime": "both", "salary": 100}, "regime must be one of"),
        (
            "capital_gains",
            {"asset": "listed_equity", "bought": "2025-13-01", "sold": "2025-01-01", "cost": 1, "sale_price": 2},
            "must be a date",
        ),
        ("emi", "x" * (tools.MAX_ARGUMENT_CHARS + 1), "too long"),
    ],
)
def test_a_bad_call_is_an_error_the_model_can_read_never_a_crash(name, arguments, says):
    result = call(name, arguments)

    assert result.calculation is None
    error = json.loads(result.content)["error"]
    assert says.lower() in error.lower(), error


def test_every_tool_is_a_strict_json_schema_the_calculators_accept():
    names = [t["function"]["name"] for t in tools.TOOLS]
    assert len(names) == len(set(names))
    assert {
        "emi",
        "sip",
        "lump_sum",
        "income_tax",
        "capital_gains",
        "gst",
        "gst_registration",
        "ppf",
        "hra",
        "gratuity",
    } <= set(names)
    for tool in tools.TOOLS:
        parameters = tool["function"]["parameters"]
        assert parameters["additionalProperties"] is False
        assert set(parameters["required"]) <= set(parameters["properties"])


# --- tool calls streamed as deltas ---------------------------------------------------------------


def test_tool_call_deltas_are_joined_by_index_in_order():
    calls = ToolCalls()
    for delta in [
        {"index": 0, "id": "call_a", "type": "function", "function": {"name": "emi", "arguments": ""}},
        {"index": 1, "id": "call_b", "type": "function", "function": {"name": "sip", "arguments": '{"mon'}},
        {"index": 0, "function": {"arguments": '{"principal": 50'}},
        {"index": 0, "function": {"arguments": "00000}"}},
        {"index": 1, "function": {"arguments": 'thly": 1}'}},
        "garbage",
    ]:
        calls.add(delta)

    first, second = calls.finished()
    assert (first.id, first.name, json.loads(first.arguments)) == ("call_a", "emi", {"principal": 5_000_000})
    assert (second.id, second.name, json.loads(second.arguments)) == ("call_b", "sip", {"monthly": 1})


def test_calls_without_ids_or_all_numbered_zero_stay_apart():
    calls = ToolCalls()
    calls.add({"index": 0, "function": {"name": "emi", "arguments": "{}"}})
    calls.add({"index": 0, "id": "x2", "function": {"name": "sip", "arguments": "{}"}})
    calls.add({"index": 0, "id": "x3", "function": {"name": "ppf", "arguments": "{}"}})

    finished = calls.finished()
    assert [c.name for c in finished] == ["emi", "sip", "ppf"]
    assert finished[0].id and len({c.id for c in finished}) == 3
