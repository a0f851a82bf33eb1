"""System / Light / Dark: the colour theme picker of the user menu.

A pick switches this browser at once through Reflex's color mode (which
remembers it in localStorage, so the next cold load, the sign-in page
included, paints in it from the first frame) and is saved on the account,
so the user's other browsers follow (ThemeSync).
"""

from __future__ import annotations

import reflex as rx
from reflex.style import color_mode, set_color_mode

from finucity.components.client import theme_sync
from finucity.states.session import SessionState
from finucity.states.theme import ThemeState

CHOICES = (("system", "System", "monitor"), ("light", "Light", "sun"), ("dark", "Dark", "moon"))


def _trigger_icon() -> rx.Component:
    return rx.match(
        color_mode,
        ("light", rx.icon("sun", size=17)),
        ("dark", rx.icon("moon", size=17)),
        rx.icon("sun-moon", size=17),
    )


def _choice(value: str, label: str, icon: str) -> rx.Component:
    chosen = color_mode == value
    return rx.menu.item(
        rx.icon(icon, size=15, class_name="fc-theme-icon"),
        rx.el.span(label, class_name="fc-theme-label"),
        rx.cond(chosen, rx.icon("check", size=15, class_name="fc-theme-check")),
        role="menuitemradio",
        aria_checked=rx.cond(chosen, "true", "false"),
        on_select=[set_color_mode(value), ThemeState.choose_theme(value)],
        data_testid=f"theme-{value}",
    )


def theme_menu(side: str = "top") -> rx.Component:
    """The picker (an icon button opening the three choices) and the account sync."""
    return rx.fragment(
        rx.menu.root(
            rx.menu.trigger(
                rx.el.button(
                    _trigger_icon(),
                    type="button",
                    class_name="fc-icon-btn",
                    title="Theme",
                    aria_label="Theme",
                    data_testid="theme-menu",
                ),
            ),
            rx.menu.content(
                rx.el.div("Theme", class_name="fc-theme-heading", aria_hidden="true"),
                *[_choice(*choice) for choice in CHOICES],
                side=side,
                align="end",
                class_name="fc-theme-menu",
            ),
            modal=False,
        ),
        theme_sync(preference=SessionState.user_theme),
    )
