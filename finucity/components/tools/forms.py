"""The /tools page's calculator picker and the form of each calculator.

Forms are uncontrolled (the browser keeps what is typed) and submit their
fields by name; the server reads and checks them (states/tools.py). A field the
server refused shows its message under it.
"""

from __future__ import annotations

import reflex as rx

from finucity.states.tools import CALCULATORS, Calculator, Input, ToolsState

PREFIX = {"amount": "₹", "percent": "", "count": "", "text": ""}
SUFFIX = {"percent": "%"}
INPUT_MODE = {"amount": "decimal", "percent": "decimal", "count": "numeric", "text": "text"}


def picker() -> rx.Component:
    return rx.el.nav(
        *[
            rx.el.button(
                rx.icon(c.icon, size=16),
                rx.el.span(c.label),
                type="button",
                role="tab",
                aria_selected=ToolsState.calculator == c.key,
                class_name=rx.cond(ToolsState.calculator == c.key, "fc-tool-tab is-active", "fc-tool-tab"),
                on_click=ToolsState.pick(c.key),
                data_testid=f"tool-{c.key}",
            )
            for c in CALCULATORS
        ],
        class_name="fc-tool-tabs",
        role="tablist",
        aria_label="Calculators",
    )


def _error_under(name: str) -> rx.Component:
    return rx.cond(
        ToolsState.error_field == name,
        rx.el.span(ToolsState.error, class_name="fc-tool-field-error", role="alert", data_testid="field-error"),
    )


def _choice(field: Input) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(field.label, class_name="fc-tool-label"),
        rx.el.div(
            *[
                rx.el.label(
                    rx.el.input(
                        type="radio",
                        name=field.name,
                        value=value,
                        default_checked=value == field.default,
                        class_name="fc-tool-radio",
                    ),
                    rx.el.span(label),
                    class_name="fc-tool-option",
                )
                for value, label in field.options
            ],
            class_name="fc-tool-segments",
        ),
        _error_under(field.name),
        class_name="fc-tool-field",
    )


def _control(field: Input) -> rx.Component:
    invalid = ToolsState.error_field == field.name
    if field.kind == "list":  # too many options for segments: a native select, easy on a phone
        return rx.el.select(
            *[rx.el.option(label, value=value) for value, label in field.options],
            name=field.name,
            id=f"tool-{field.name}",
            default_value=field.default,
            aria_invalid=invalid,
            class_name=rx.cond(invalid, "fc-input fc-tool-input is-invalid", "fc-input fc-tool-input"),
        )
    box = rx.el.input(
        name=field.name,
        id=f"tool-{field.name}",
        type="date" if field.kind == "date" else "text",
        input_mode=INPUT_MODE.get(field.kind),
        default_value=field.default,
        autocomplete="off",
        aria_invalid=invalid,
        class_name=rx.cond(invalid, "fc-input fc-tool-input is-invalid", "fc-input fc-tool-input"),
    )
    if PREFIX.get(field.kind) or SUFFIX.get(field.kind):
        return rx.el.div(
            rx.el.span(PREFIX.get(field.kind, ""), class_name="fc-tool-affix")
            if PREFIX.get(field.kind)
            else rx.fragment(),
            box,
            rx.el.span(SUFFIX[field.kind], class_name="fc-tool-affix") if SUFFIX.get(field.kind) else rx.fragment(),
            class_name="fc-tool-affixed",
        )
    return box


def _field(field: Input) -> rx.Component:
    if field.kind == "choice":
        return _choice(field)
    return rx.el.div(
        rx.el.label(field.label, html_for=f"tool-{field.name}", class_name="fc-tool-label"),
        _control(field),
        rx.el.span(field.hint, class_name="fc-help") if field.hint else rx.fragment(),
        _error_under(field.name),
        class_name="fc-tool-field",
    )


def _fields(calculator: Calculator) -> rx.Component:
    plain = [_field(f) for f in calculator.inputs if not f.group]
    groups: dict[str, list[Input]] = {}
    for f in calculator.inputs:
        if f.group:
            groups.setdefault(f.group, []).append(f)
    folded = [
        rx.el.details(
            rx.el.summary(title),
            rx.el.div(*[_field(f) for f in fields], class_name="fc-tool-fields"),
            # Open when the server refused one of its fields.
            open=rx.Var.create([f.name for f in fields]).contains(ToolsState.error_field),
            class_name="fc-tool-group",
        )
        for title, fields in groups.items()
    ]
    return rx.el.div(*plain, *folded, class_name="fc-tool-fields")


def calculator_form(calculator: Calculator) -> rx.Component:
    return rx.el.form(
        rx.el.div(
            rx.el.h2(calculator.label, class_name="fc-tool-form-title"),
            rx.el.p(calculator.blurb, class_name="fc-tool-form-blurb"),
        ),
        rx.cond(
            (ToolsState.error != "") & (ToolsState.error_field == ""),
            rx.el.div(
                rx.icon("circle-alert", size=18),
                rx.el.span(ToolsState.error),
                class_name="fc-alert fc-alert-error",
                role="alert",
            ),
        ),
        _fields(calculator),
        rx.el.button(
            rx.icon("calculator", size=17),
            "Calculate",
            type="submit",
            class_name="fc-btn fc-btn-primary fc-btn-block",
            data_testid="calculate",
        ),
        rx.el.p("Amounts accept 12,50,000, 12.5 lakh or 1.2 cr.", class_name="fc-tool-tip"),
        on_submit=ToolsState.calculate,
        key=ToolsState.form_key.to_string() + "-" + calculator.key,
        class_name="fc-tool-form",
        data_testid=f"form-{calculator.key}",
        no_validate=True,
    )


def calculator_forms() -> rx.Component:
    return rx.match(
        ToolsState.calculator,
        *[(c.key, calculator_form(c)) for c in CALCULATORS],
        calculator_form(CALCULATORS[0]),
    )
