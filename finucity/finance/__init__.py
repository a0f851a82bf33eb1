"""Indian personal and business finance as plain Python: rupee amounts, financial
years, the dated knowledge base and the calculators.

No Reflex, no AI and no database: the offline assistant, the model's tools and
a calculators page all build on the same figures. Only the standard library.

Public API
==========

Every calculator returns one `finucity.finance.result.Calculation` (frozen):

- `kind` ("income_tax", "regime_comparison", "capital_gains", "gst",
  "gst_registration", "emi", "sip", "lump_sum", "ppf", "hra", "gratuity") and `title`;
- `inputs`: label -> value as the user gave it (Decimal rupees, int, text, date);
- `figures`: label -> Decimal, the headline amounts in order; `headline` is the
  first ("Tax payable", "GST", "Monthly EMI", ...), `figure(label)` looks one up;
- `steps`: the working, ordered `Step(label, amount or None, note)` rows, the
  note naming the rule or section ("section 87A", "section 156" from 2026-27);
- `table` (`Table(title, columns, rows)`: an amortisation schedule, year-by-year
  growth, the two regimes side by side) and `chart` (`Chart(title, kind, x_label,
  x, series)`, `records()` gives recharts-ready rows), both optional;
- `rule_set`, `rule_date`, `source`: the name, effective date and law or
  notification of the rules used; `notes`: caveats in plain English;
- `to_dict()`: JSON-ready, every amount also as "₹12,34,567" text.

Calculators (amounts are `Decimal` rupees; rates are per cent):

- `income_tax.income_tax(regime="new"|"old", salary=, other_income=, age=,
  section_80c=, section_80ccd_1b=, health_insurance_self=,
  health_insurance_parents=, parents_age=, home_loan_interest=, year="2025-26"|"2026-27")`
  and `income_tax.compare_regimes(**same fields)`; `tax_rules.tax_on_income`
  is the bare slab/rebate/surcharge/cess arithmetic.
- `capital_gains.capital_gains(asset, bought=, sold=, cost=, sale_price=,
  transfer_expenses=, exemption_used=, slab_rate=, resident_individual=)`,
  asset in "listed_equity", "equity_fund", "property", "debt_fund".
- `gst.gst(amount, rate, inclusive=, inter_state=, on=)`,
  `gst.gst_registration(turnover, "goods"|"services", state=)`, `gst.gst_rates(on)`.
- `loans.emi_schedule(principal, annual_rate_pct, months)` (also `amortisation`,
  `yearly_summary`).
- `savings.sip(monthly, annual_return_pct, years)`, `savings.lump_sum(amount,
  annual_return_pct, years)`, `savings.ppf(yearly_deposit, years=15, rate=, on=)`.
- `salary.hra_exemption(basic_da=, hra_received=, rent_paid=, city=, year=)`,
  `salary.gratuity(last_monthly_salary, years=, months=, covered=)`.

Invalid input raises `ValueError` with a message fit to show a user; a year or
date no rule set covers raises `rules.RuleError`.

Rules are data: `finucity/finance/rules/*.toml`, one file per rule set with a
`[rule_set]` table (family, name, source, effective date); `rules.in_force(family,
on)` picks the one in force on a date. `calculators` keeps the older EMI/SIP/tax
helpers the offline topics use; `knowledge` holds the dated facts they quote;
`money` formats and parses rupees with Indian grouping; `dates` handles
financial years in India time.
"""
