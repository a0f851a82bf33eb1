"""The Finucity mark and wordmark."""

from __future__ import annotations

import reflex as rx


def logo_mark(size: int = 18) -> rx.Component:
    return rx.el.span(rx.icon("indian-rupee", size=size, stroke_width=2.4), class_name="fc-logo-mark")


def logo(href: str = "/") -> rx.Component:
    return rx.el.a(
        logo_mark(),
        rx.el.span("Finucity", rx.el.span(" AI", class_name="fc-logo-accent")),
        href=href,
        class_name="fc-logo",
        # The name holds the words shown (Finucity AI), as voice control needs.
        aria_label="Finucity AI home",
    )
