"""A calculator's result as a card: the answer, the working, the chart and the rules used.

Every piece takes a `CalculationView` var (states/calculation_view.py), so the
/tools page and any other holder of one draw the same card. Amounts arrive as
rupee text with Indian grouping; the chart formats its axis in lakh and crore
and its tooltip in full rupees in the browser.
"""

from __future__ import annotations

import reflex as rx

from finucity.components.theme import CHART_TOOLTIP_STYLE
from finucity.states.calculation_view import CHART_KEYS, Pair, StepView

# Axis ticks short enough for a 390 px screen: ₹4.2L, ₹1.1Cr, ₹40K.
TICK_FORMAT = (
    "(v) => v >= 1e7 ? '₹' + +(v / 1e7).toFixed(1) + 'Cr' : v >= 1e5 ? '₹' + +(v / 1e5).toFixed(1) + 'L'"
    " : v >= 1e3 ? '₹' + +(v / 1e3).toFixed(0) + 'K' : '₹' + v"
)
# The tooltip in whole rupees with Indian grouping (12,34,567).
TOOLTIP_FORMAT = "(v) => '₹' + Math.round(v).toLocaleString('en-IN')"
SERIES_COLOURS = ("var(--fc-primary)", "var(--fc-gold-bright)")


def _headline(card) -> rx.Component:
    return rx.el.div(
        rx.el.div(card.title, class_name="fc-calc-title", data_testid="calc-title"),
        rx.el.div(card.headline_label, class_name="fc-calc-headline-label"),
        rx.el.div(card.headline_text, class_name="fc-calc-headline", data_testid="calc-headline"),
        class_name="fc-calc-head",
    )


def _figure(pair: Pair) -> rx.Component:
    return rx.el.div(
        rx.el.div(pair.label, class_name="fc-calc-figure-label"),
        rx.el.div(pair.text, class_name="fc-calc-figure-value"),
        class_name="fc-calc-figure",
        data_testid="calc-figure",
    )


def _figures(card) -> rx.Component:
    return rx.cond(
        card.figures.length() > 0,
        rx.el.div(rx.foreach(card.figures, _figure), class_name="fc-calc-figures"),
    )


def _input(pair: Pair) -> rx.Component:
    return rx.el.div(
        rx.el.dt(pair.label),
        rx.el.dd(pair.text),
        class_name="fc-calc-input",
    )


def _inputs(card) -> rx.Component:
    return rx.el.section(
        rx.el.h3("Your inputs", class_name="fc-calc-section-title"),
        rx.el.dl(rx.foreach(card.inputs, _input), class_name="fc-calc-inputs"),
    )


def _step(step: StepView) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.el.div(step.label, class_name="fc-calc-step-label"),
            rx.cond(step.note != "", rx.el.div(step.note, class_name="fc-calc-step-note")),
        ),
        rx.el.td(step.text, class_name="fc-calc-amount"),
        class_name=rx.cond(
            step.total, "fc-calc-step is-total", rx.cond(step.negative, "fc-calc-step is-less", "fc-calc-step")
        ),
        data_testid="calc-step",
    )


def _steps(card) -> rx.Component:
    return rx.el.section(
        rx.el.h3("How it is worked out", class_name="fc-calc-section-title"),
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    rx.el.th("Step", scope="col"),
                    rx.el.th("Amount", scope="col", class_name="fc-calc-amount"),
                ),
                class_name="fc-sr-only",
            ),
            rx.el.tbody(rx.foreach(card.steps, _step)),
            class_name="fc-calc-steps",
        ),
    )


def chart(card) -> rx.Component:
    """Bars (a loan year by year, the two regimes) or areas (growth), two series at most."""
    common = [
        rx.recharts.cartesian_grid(vertical=False, stroke="var(--fc-border)"),
        rx.recharts.x_axis(data_key="x", tick_line=False, axis_line=False, font_size=11, min_tick_gap=8),
        rx.recharts.y_axis(tick_formatter=TICK_FORMAT, width=52, tick_line=False, axis_line=False, font_size=11),
        rx.recharts.graphing_tooltip(
            custom_attrs={"formatter": rx.Var(TOOLTIP_FORMAT)},
            content_style=CHART_TOOLTIP_STYLE,
            item_style={"color": "var(--fc-text)"},
            label_style={"color": "var(--fc-muted)"},
            cursor={"fill": "var(--fc-hover)"},
            is_animation_active=False,
        ),
        rx.recharts.legend(icon_type="circle", icon_size=8, wrapper_style={"fontSize": 12}),
    ]

    def named(i: int):
        return rx.cond(card.chart_series.length() > i, card.chart_series[i], "")

    bars = [
        rx.recharts.bar(
            data_key=key,
            name=named(i),
            fill=SERIES_COLOURS[i],
            stack_id="s",
            max_bar_size=40,
            legend_type=rx.cond(card.chart_series.length() > i, "circle", "none"),
            is_animation_active=False,
        )
        for i, key in enumerate(CHART_KEYS)
    ]
    areas = [
        rx.recharts.area(
            data_key=key,
            name=named(i),
            type_="monotone",
            stroke=SERIES_COLOURS[i],
            fill=SERIES_COLOURS[i],
            fill_opacity=0.18,
            stroke_width=2,
            legend_type=rx.cond(card.chart_series.length() > i, "circle", "none"),
            is_animation_active=False,
        )
        for i, key in enumerate(CHART_KEYS)
    ]
    margin = {"top": 8, "right": 8, "left": 0, "bottom": 0}
    return rx.cond(
        card.chart_series.length() > 0,
        rx.el.section(
            rx.el.h3(card.chart_title, class_name="fc-calc-section-title"),
            rx.el.div(
                rx.cond(
                    card.chart_kind == "area",
                    rx.recharts.area_chart(*common, *areas, data=card.chart_data, margin=margin),
                    rx.recharts.bar_chart(*common, *bars, data=card.chart_data, margin=margin),
                ),
                class_name="fc-calc-chart",
                data_testid="calc-chart",
            ),
        ),
    )


def _table_row(row: rx.Var[list[str]]) -> rx.Component:
    return rx.el.tr(rx.foreach(row, lambda cell: rx.el.td(cell)))


def _table(card) -> rx.Component:
    return rx.cond(
        card.table_rows.length() > 0,
        rx.el.details(
            rx.el.summary(card.table_title, " (", card.table_rows.length(), " rows)"),
            rx.el.div(
                rx.el.table(
                    rx.el.thead(rx.el.tr(rx.foreach(card.table_columns, lambda c: rx.el.th(c, scope="col")))),
                    rx.el.tbody(rx.foreach(card.table_rows, _table_row)),
                    class_name="fc-calc-table",
                ),
                class_name="fc-calc-table-wrap fc-scroll",
            ),
            class_name="fc-calc-details",
        ),
    )


def _notes(card) -> rx.Component:
    return rx.cond(
        card.notes.length() > 0,
        rx.el.ul(
            rx.foreach(card.notes, lambda note: rx.el.li(rx.icon("info", size=14), rx.el.span(note))),
            class_name="fc-calc-notes",
        ),
    )


def _rules(card) -> rx.Component:
    return rx.el.footer(
        rx.icon("scale", size=15),
        rx.el.div(
            rx.el.div(
                rx.el.strong(card.rule_set),
                rx.el.span(" · in force from ", card.rule_date_text),
                data_testid="calc-rules",
            ),
            rx.el.div(card.source, class_name="fc-calc-source"),
        ),
        class_name="fc-calc-rules",
    )


def calculation_card(card, *, with_chart: bool = True) -> rx.Component:
    """The whole card for a `CalculationView` var; in a chat answer without the chart,
    which would make every such answer a screen taller."""
    return rx.el.article(
        _headline(card),
        _figures(card),
        *([chart(card)] if with_chart else []),
        _steps(card),
        _table(card),
        _notes(card),
        _inputs(card),
        _rules(card),
        class_name="fc-calc-card",
        data_testid="calc-card",
        aria_live="polite",
    )
