"""`POST /api/tools/<kind>`: public calculators with their working, field-named 422s,
and a per-IP limit.

Expected figures come from tests/finance (each checked there against its
source): ₹12,85,000 salary, new regime -> ₹10,400 (87A marginal relief),
₹50 lakh at 8.5% for 20 years -> EMI ₹43,391, ₹11,800 including 18% GST ->
₹1,800 split ₹900 + ₹900.
"""

from __future__ import annotations

import pytest

from finucity.services import calculators


@pytest.fixture
async def client(sqlite_database, api):
    # Signed out: calculators need no account.
    return api.client()


async def test_income_tax_needs_no_sign_in_and_shows_the_working(client):
    response = await client.post("/api/tools/income-tax", json={"salary": "12,85,000", "regime": "new"})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["figures"][0] == {"label": "Tax payable", "amount": "10400", "text": "₹10,400"}
    notes = " ".join(step["note"] for step in result["steps"])
    assert "section 87A" in notes and "marginal relief" in notes
    assert result["rule_set"] == "Income tax, FY 2025-26"
    assert result["rule_date"] == "2025-04-01"


async def test_emi_gives_the_instalment_schedule_and_chart_rows(client):
    response = await client.post("/api/tools/emi", json={"principal": 5_000_000, "rate": 8.5, "years": 20})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["figures"][0]["text"] == "₹43,391"
    assert len(result["table"]["rows"]) == 240
    assert result["chart"]["data"][0]["x"] == "Year 1"
    assert {"Principal", "Interest"} <= set(result["chart"]["series"])


async def test_regime_comparison_and_gst(client):
    both = (await client.post("/api/tools/regime-comparison", json={"salary": "18 lakh", "section_80c": 150000})).json()
    assert [f["text"] for f in both["result"]["figures"][:2]] == ["₹1,50,800", "₹3,04,200"]
    gst = (await client.post("/api/tools/gst", json={"amount": "₹11,800", "rate": 18, "inclusive": True})).json()
    assert gst["result"]["figures"][0]["text"] == "₹1,800"
    assert [s["text"] for s in gst["result"]["steps"] if s["label"].startswith(("CGST", "SGST"))] == ["₹900", "₹900"]


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/api/tools/emi", {"principal": "fifty", "rate": 8.5, "years": 20}, "principal"),
        ("/api/tools/emi", {"principal": 100000, "rate": 8.5, "years": 99}, "years"),
        ("/api/tools/emi", {"rate": 8.5, "years": 20}, "principal"),
        ("/api/tools/emi", {"principal": 100000, "rate": 8.5, "years": 20, "yeras": 5}, "yeras"),
        ("/api/tools/income-tax", {"salary": "10 lakh", "year": "2019-20"}, "year"),
        ("/api/tools/income-tax", {"salary": True}, "salary"),
        ("/api/tools/gst", {"amount": 1000, "rate": 150}, "rate"),
        ("/api/tools/ppf", {"yearly_deposit": "5 lakh"}, "yearly_deposit"),
        ("/api/tools/capital-gains", {"bought": "2025-01-01", "sold": "soon", "cost": 1, "sale_price": 2}, "sold"),
        ("/api/tools/sip", {"monthly": {"a": 1}, "rate": 12, "years": 10}, "monthly"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field(client, path, body, field):
    response = await client.post(path, json=body)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["success"] is False and error["field"] == field and error["error"]


async def test_each_client_ip_is_limited(client, monkeypatch):
    monkeypatch.setattr(calculators, "RATE_LIMIT", "2/minute")
    body = {"monthly": 10_000, "rate": 12, "years": 10}
    assert [(await client.post("/api/tools/sip", json=body)).status_code for _ in range(2)] == [200, 200]
    limited = await client.post("/api/tools/sip", json=body)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1


async def test_every_calculator_is_in_the_schema(client):
    paths = (await client.get("/openapi.json")).json()["paths"]
    tools = {p.removeprefix("/api/tools/") for p in paths if p.startswith("/api/tools/")}
    assert tools == {k.replace("_", "-") for k in calculators.CALCULATORS}
