"""The small square icon button used across the app."""

from __future__ import annotations

import reflex as rx

from finucity.components.theme import classes


def icon_button(icon: str, label: str, *, size: int = 17, extra_class: str | None = None, **props) -> rx.Component:
    """An icon with its accessible name (also its tooltip)."""
    props.setdefault("type", "button")
    return rx.el.button(
        rx.icon(icon, size=size),
        class_name=classes("fc-icon-btn", extra_class),
        title=label,
        aria_label=label,
        **props,
    )
