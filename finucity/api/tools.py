"""The calculators over HTTP: `POST /api/tools/<kind>` with the form's fields as JSON.

Public: a calculator holds no user data and writes nothing, so no sign-in is
needed; each client IP may run `services.calculators.RATE_LIMIT` a minute.
Amounts may be JSON numbers or text as a person types them ("12,50,000",
"12.5 lakh"); the service reads and checks every field, so a bad one is a 422
naming it, as on the /tools page.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from finucity.api.deps import client_ip
from finucity.services import calculators

router = APIRouter(prefix="/tools", tags=["tools"])

# The service reads each value itself (and names the field when it cannot), so
# the schema documents what is accepted without pydantic refusing first.
_NUMBER_OR_TEXT = {"anyOf": [{"type": "number"}, {"type": "string", "maxLength": calculators.MAX_TEXT}]}
Amount = Annotated[Any, WithJsonSchema({**_NUMBER_OR_TEXT, "description": "Rupees: 1250000, '12,50,000', '12.5 lakh'"})]
Rate = Annotated[Any, WithJsonSchema({**_NUMBER_OR_TEXT, "description": "Per cent: 8.5 or '8.5%'"})]
Count = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 10}]})]
Flag = Annotated[Any, WithJsonSchema({"type": "boolean"})]
Day = Annotated[Any, WithJsonSchema({"type": "string", "format": "date"})]
Year = Annotated[Any, WithJsonSchema({"type": "string", "enum": list(calculators.YEARS)})]


Regime = Annotated[Any, WithJsonSchema({"type": "string", "enum": list(calculators.REGIMES)})]
Asset = Annotated[Any, WithJsonSchema({"type": "string", "enum": list(calculators.ASSETS)})]
Supply = Annotated[Any, WithJsonSchema({"type": "string", "enum": list(calculators.SUPPLIES)})]
Text = Annotated[Any, WithJsonSchema({"type": "string", "maxLength": calculators.MAX_TEXT})]


class _Form(BaseModel):
    # A misspelt field would silently count as zero: refuse it instead.
    model_config = ConfigDict(extra="forbid")


class TaxFields(_Form):
    year: Year = Field(default="2025-26", description="Financial year")
    salary: Amount = Field(default=None, description="Gross salary for the year")
    other_income: Amount = None
    age: Count = 30
    section_80c: Amount = None
    section_80ccd_1b: Amount = None
    health_insurance_self: Amount = None
    health_insurance_parents: Amount = None
    parents_age: Count = None
    home_loan_interest: Amount = None


class IncomeTaxRequest(TaxFields):
    regime: Regime = "new"


class CapitalGainsRequest(_Form):
    asset: Asset = "listed_equity"
    bought: Day
    sold: Day
    cost: Amount
    sale_price: Amount
    transfer_expenses: Amount = None
    exemption_used: Amount = None
    slab_rate: Rate = None
    resident_individual: Flag = True


class GstRequest(_Form):
    amount: Amount
    rate: Rate = 18
    inclusive: Flag = False
    inter_state: Flag = False


class GstRegistrationRequest(_Form):
    turnover: Amount
    supply: Supply = "goods"
    state: Text = None


class EmiRequest(_Form):
    principal: Amount
    rate: Rate
    years: Count = None
    months: Count = None


class SipRequest(_Form):
    monthly: Amount
    rate: Rate
    years: Count


class LumpSumRequest(_Form):
    amount: Amount
    rate: Rate
    years: Count


class PpfRequest(_Form):
    yearly_deposit: Amount
    years: Count = 15
    rate: Rate = None


class HraRequest(_Form):
    basic_da: Amount = Field(description="Basic pay + DA for the year")
    hra_received: Amount
    rent_paid: Amount
    city: Text = ""
    year: Year = "2025-26"


class GratuityRequest(_Form):
    last_monthly_salary: Amount = Field(description="Last drawn basic + DA a month")
    years: Count
    months: Count = 0
    covered: Flag = True


# --- the answer ------------------------------------------------------------------------------

Cell = str | int | bool


class FigureOut(BaseModel):
    label: str
    amount: str = Field(description="The exact amount in rupees, as a decimal string")
    text: str = Field(description="The amount as shown: ₹12,34,567")


class StepOut(BaseModel):
    label: str
    amount: str | None
    text: str
    note: str = Field(description="The rule or section the step applies")


class TableOut(BaseModel):
    title: str
    columns: list[str]
    rows: list[list[Cell]]


class ChartOut(BaseModel):
    title: str
    kind: Literal["bar", "line", "area"]
    x_label: str
    series: list[str]
    data: list[dict[str, str | float]] = Field(description="Rows as recharts takes them: {x, <series>: amount}")


class CalculationOut(BaseModel):
    kind: str
    title: str
    inputs: dict[str, Cell]
    figures: list[FigureOut] = Field(description="The headline amounts; the first is the answer")
    steps: list[StepOut]
    table: TableOut | None
    chart: ChartOut | None
    rule_set: str
    rule_date: str
    rule_date_text: str
    source: str
    notes: list[str]


class ToolResponse(BaseModel):
    success: Literal[True] = True
    result: CalculationOut


async def _run(request: Request, kind: str, body: _Form) -> ToolResponse:
    await calculators.check_rate(client_ip(request))
    calculation = calculators.calculate(kind, body.model_dump())
    return ToolResponse(result=CalculationOut.model_validate(calculation.to_dict()))


@router.post("/income-tax", response_model=ToolResponse)
async def income_tax(request: Request, body: IncomeTaxRequest):
    """Income tax of a resident individual under the new or old regime, FY 2025-26 or 2026-27."""
    return await _run(request, "income_tax", body)


@router.post("/regime-comparison", response_model=ToolResponse)
async def regime_comparison(request: Request, body: TaxFields):
    """Tax under both regimes side by side, and which costs less."""
    return await _run(request, "regime_comparison", body)


@router.post("/capital-gains", response_model=ToolResponse)
async def capital_gains(request: Request, body: CapitalGainsRequest):
    """Tax on a capital gain: listed equity, equity funds, property, debt funds."""
    return await _run(request, "capital_gains", body)


@router.post("/gst", response_model=ToolResponse)
async def gst(request: Request, body: GstRequest):
    """GST on a price, exclusive or inclusive, within the state or inter-state."""
    return await _run(request, "gst", body)


@router.post("/gst-registration", response_model=ToolResponse)
async def gst_registration(request: Request, body: GstRegistrationRequest):
    """Whether a turnover crosses the GST registration threshold."""
    return await _run(request, "gst_registration", body)


@router.post("/emi", response_model=ToolResponse)
async def emi(request: Request, body: EmiRequest):
    """A loan's EMI, total interest and amortisation schedule."""
    return await _run(request, "emi", body)


@router.post("/sip", response_model=ToolResponse)
async def sip(request: Request, body: SipRequest):
    """Future value of a monthly SIP."""
    return await _run(request, "sip", body)


@router.post("/lump-sum", response_model=ToolResponse)
async def lump_sum(request: Request, body: LumpSumRequest):
    """Future value of a one-time investment."""
    return await _run(request, "lump_sum", body)


@router.post("/ppf", response_model=ToolResponse)
async def ppf(request: Request, body: PpfRequest):
    """PPF balance at maturity."""
    return await _run(request, "ppf", body)


@router.post("/hra", response_model=ToolResponse)
async def hra(request: Request, body: HraRequest):
    """The exempt and taxable parts of HRA (old regime)."""
    return await _run(request, "hra", body)


@router.post("/gratuity", response_model=ToolResponse)
async def gratuity(request: Request, body: GratuityRequest):
    """Gratuity on leaving, under the Payment of Gratuity Act or not."""
    return await _run(request, "gratuity", body)
