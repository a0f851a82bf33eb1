"""/ : straight to the chat when signed in, else to sign in."""

from __future__ import annotations

import reflex as rx


def index_page() -> rx.Component:
    return rx.el.div(class_name="fc-app")
