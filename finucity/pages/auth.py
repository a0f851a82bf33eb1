"""/login, /signup and /reset-password."""

from __future__ import annotations

import reflex as rx

from finucity.components.auth import auth_layout, login_form, reset_password_form, signup_form


def login_page() -> rx.Component:
    return auth_layout(login_form())


def signup_page() -> rx.Component:
    return auth_layout(signup_form())


def reset_password_page() -> rx.Component:
    return auth_layout(reset_password_form())
