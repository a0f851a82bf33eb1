"""/login and /signup."""

from __future__ import annotations

import reflex as rx

from finucity.components.auth import auth_layout, login_form, signup_form


def login_page() -> rx.Component:
    return auth_layout(login_form())


def signup_page() -> rx.Component:
    return auth_layout(signup_form())
