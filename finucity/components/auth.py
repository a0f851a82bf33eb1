"""Sign-in and sign-up: plain HTML forms that post to /auth/* (see api/auth.py)."""

from __future__ import annotations

import reflex as rx
from reflex_base.vars.base import Var

from finucity.components.brand import logo
from finucity.components.buttons import icon_button
from finucity.components.client import backend_form
from finucity.states.auth import AuthFormState

# The old tab's state must not outlive a change of user: clear Reflex's tab
# token before the sign-in/out navigation so the next page starts fresh.
_FORGET_TAB = "try{window.sessionStorage.removeItem('token')}catch(e){}"

FEATURES = [
    (
        "receipt-indian-rupee",
        "Income tax, both regimes",
        "Slabs, deductions and what you would owe, worked out in rupees.",
    ),
    ("file-spreadsheet", "GST without the jargon", "Registration, returns and due dates explained step by step."),
    ("trending-up", "Investments that fit you", "PPF, ELSS, NPS, SIPs and EMIs with real numbers."),
    ("shield-check", "Private by design", "Your conversations are yours alone, encrypted in transit."),
]


def _brand_panel() -> rx.Component:
    return rx.el.aside(
        logo(),
        rx.el.div(
            rx.el.h1("Your finances, ", rx.el.span("explained clearly.", class_name="fc-gradient-text")),
            rx.el.p(
                "Finucity AI answers questions on Indian income tax, GST, investments, business finance "
                "and insurance, with worked examples in rupees and the next steps to take."
            ),
            rx.el.ul(
                *[
                    rx.el.li(
                        rx.el.span(rx.icon(icon, size=17), class_name="fc-feature-icon"),
                        rx.el.div(rx.el.strong(title), rx.el.span(text)),
                        class_name="fc-feature",
                    )
                    for icon, title, text in FEATURES
                ],
                class_name="fc-feature-list",
            ),
            class_name="fc-auth-hero",
        ),
        rx.el.div(
            rx.el.div(rx.el.b("FY 2025-26"), "rules built in"),
            rx.el.div(rx.el.b("6"), "finance categories"),
            rx.el.div(rx.el.b("24×7"), "answers"),
            class_name="fc-stat-row",
        ),
        class_name="fc-auth-brand",
    )


def _mobile_brand() -> rx.Component:
    return rx.el.div(
        logo(),
        rx.el.p("Clear answers on Indian tax, GST and investments, with worked examples in rupees."),
        class_name="fc-auth-mobile-brand",
    )


def auth_layout(*card: rx.Component) -> rx.Component:
    return rx.el.main(
        _brand_panel(),
        rx.el.section(rx.el.div(_mobile_brand(), *card, class_name="fc-auth-card"), class_name="fc-auth-panel"),
        class_name="fc-auth",
        on_mount=rx.call_script(_FORGET_TAB),
    )


def error_alert(message: Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.el.div(
            rx.icon("circle-alert", size=18),
            rx.el.span(message),
            class_name="fc-alert fc-alert-error",
            role="alert",
            id="fc-form-error",
        ),
    )


def _field(label: str, control: rx.Component, *, help_text: str | None = None, extra=None) -> rx.Component:
    return rx.el.label(
        rx.el.span(label, extra) if extra is not None else rx.el.span(label),
        control,
        rx.el.span(help_text, class_name="fc-help") if help_text else rx.fragment(),
        class_name="fc-field",
    )


def _input(name: str, *, type_: str, invalid: Var | bool = False, **props) -> rx.Component:
    return rx.el.input(
        name=name,
        id=f"fc-{name}",
        type=type_,
        class_name=rx.cond(invalid, "fc-input is-invalid", "fc-input"),
        **props,
    )


def _new_password_field(label: str, **props) -> rx.Component:
    """Choosing a password (sign-up, a reset link): the same rule and advice in both."""
    return _field(
        label,
        _input(
            "password",
            type_="password",
            autocomplete="new-password",
            required=True,
            min_length=10,
            placeholder="At least 10 characters",
            invalid=AuthFormState.error_field == "password",
            **props,
        ),
        help_text="Use 10 or more characters. A short sentence is easy to remember and hard to guess.",
    )


def login_form() -> rx.Component:
    s = AuthFormState
    return rx.el.div(
        rx.el.h2("Welcome back"),
        rx.el.p("Sign in to continue your conversations.", class_name="fc-auth-sub"),
        backend_form(
            rx.cond(
                s.signed_out,
                rx.el.div(
                    rx.icon("log-out", size=18),
                    rx.el.span("You have been signed out."),
                    class_name="fc-alert fc-alert-info",
                ),
            ),
            rx.cond(
                s.account_deleted,
                rx.el.div(
                    rx.icon("circle-check", size=18),
                    rx.el.span("Your account and all its conversations have been deleted."),
                    class_name="fc-alert fc-alert-info",
                    role="status",
                    data_testid="account-deleted",
                ),
            ),
            rx.cond(
                s.password_set,
                rx.el.div(
                    rx.icon("circle-check", size=18),
                    rx.el.span("Your password is set. Sign in with it."),
                    class_name="fc-alert fc-alert-info",
                ),
            ),
            error_alert(s.error),
            _field(
                "Email",
                _input(
                    "email",
                    type_="email",
                    autocomplete="username",
                    required=True,
                    default_value=s.email,
                    placeholder="you@example.com",
                    auto_focus=True,
                ),
            ),
            _field(
                "Password",
                _input(
                    "password",
                    type_="password",
                    autocomplete="current-password",
                    required=True,
                    placeholder="Your password",
                ),
            ),
            rx.el.input(type="hidden", name="next", value=s.next_path),
            rx.el.button("Sign in", type="submit", class_name="fc-btn fc-btn-primary fc-btn-block", id="fc-submit"),
            path="/auth/login",
            forget_tab=True,
            class_name="fc-form",
            id="fc-login-form",
        ),
        rx.el.p(
            "New to Finucity? ",
            rx.el.a(
                "Create an account", href=rx.cond(s.next_path == "/chat", "/signup", "/signup?next=" + s.next_path)
            ),
            class_name="fc-auth-switch",
        ),
    )


def signup_form() -> rx.Component:
    s = AuthFormState
    return rx.el.div(
        rx.el.h2("Create your account"),
        rx.el.p("Free to start. No card needed.", class_name="fc-auth-sub"),
        backend_form(
            error_alert(s.error),
            _field(
                "Full name",
                _input(
                    "full_name",
                    type_="text",
                    autocomplete="name",
                    required=True,
                    default_value=s.full_name,
                    placeholder="Priya Sharma",
                    max_length=200,
                    invalid=s.error_field == "full_name",
                    auto_focus=True,
                ),
            ),
            _field(
                "Email",
                _input(
                    "email",
                    type_="email",
                    autocomplete="email",
                    required=True,
                    default_value=s.email,
                    placeholder="you@example.com",
                    invalid=s.error_field == "email",
                ),
            ),
            _new_password_field("Password"),
            rx.el.input(type="hidden", name="next", value=s.next_path),
            rx.el.button(
                "Create account", type="submit", class_name="fc-btn fc-btn-primary fc-btn-block", id="fc-submit"
            ),
            path="/auth/signup",
            forget_tab=True,
            class_name="fc-form",
            id="fc-signup-form",
        ),
        rx.el.p(
            "Already have an account? ",
            rx.el.a("Sign in", href=rx.cond(s.next_path == "/chat", "/login", "/login?next=" + s.next_path)),
            class_name="fc-auth-switch",
        ),
        rx.el.p(
            "Finucity gives general information, not professional advice. "
            "By creating an account you agree to use it responsibly.",
            class_name="fc-fineprint",
        ),
    )


def reset_password_form() -> rx.Component:
    s = AuthFormState
    return rx.el.div(
        rx.el.h2("Set your password"),
        rx.el.p(
            "Finucity has moved to a new home. Choose a password to keep your conversations.",
            class_name="fc-auth-sub",
        ),
        backend_form(
            error_alert(s.error),
            _new_password_field("New password", auto_focus=True),
            rx.el.input(type="hidden", name="token", value=s.reset_token),
            rx.el.button(
                "Set password", type="submit", class_name="fc-btn fc-btn-primary fc-btn-block", id="fc-submit"
            ),
            path="/auth/reset-password",
            forget_tab=True,
            class_name="fc-form",
            id="fc-reset-form",
        ),
        rx.el.p("Remembered it? ", rx.el.a("Sign in", href="/login"), class_name="fc-auth-switch"),
    )


def logout_button() -> rx.Component:
    return backend_form(
        icon_button("log-out", "Sign out", type="submit", id="fc-logout"),
        path="/auth/logout",
        forget_tab=True,
        style={"margin": 0},
    )
