"""The Reflex app: pages, the REST API in front, start-up and shut-down."""

from __future__ import annotations

import contextlib

import reflex as rx

from finucity.api import create_api
from finucity.components.theme import STYLESHEETS
from finucity.pages.admin import audit_page, conversations_page, overview_page, users_page
from finucity.pages.auth import login_page, reset_password_page, signup_page
from finucity.pages.chat import TAB_TITLE, chat_page
from finucity.pages.index import index_page
from finucity.pages.tools import tools_page
from finucity.services import lifecycle
from finucity.states import signed_out_tabs, state_store
from finucity.states.admin.audit import AdminAuditState
from finucity.states.admin.conversations import AdminConversationsState
from finucity.states.admin.overview import AdminOverviewState
from finucity.states.admin.users import AdminUsersState
from finucity.states.auth import AuthFormState
from finucity.states.boundary import TabBoundary
from finucity.states.conversation import ConversationState
from finucity.states.session import SessionState
from finucity.states.tools import ToolsState
from finucity.telemetry.errors import init_error_reports
from finucity.telemetry.logs import configure_logging

configure_logging()
init_error_reports()

TITLE = "Finucity AI · Indian tax, GST and investment answers"
DESCRIPTION = "Ask Finucity AI about Indian income tax, GST, investments, business finance and insurance."


@contextlib.asynccontextmanager
async def _service_lifecycle():
    await lifecycle.warm_up()
    yield
    # Server stopping: each answer still streaming records why it ended.
    await lifecycle.shutdown()


app = rx.App(
    stylesheets=STYLESHEETS,
    # Redis (tab state) down: "unavailable", the question kept, the page back by itself.
    backend_exception_handler=state_store.backend_exception_handler,
    api_transformer=create_api(),
    head_components=[
        # The browser's own bars follow the device's theme (--fc-bg-main of each).
        rx.el.meta(name="theme-color", content="#ffffff", media="(prefers-color-scheme: light)"),
        rx.el.meta(name="theme-color", content="#0f0f1e", media="(prefers-color-scheme: dark)"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
    ],
)
app.register_lifespan_task(_service_lifecycle)
# Before any event reaches a handler (hydration included): see states/boundary.py.
app.add_middleware(TabBoundary())
# A session that ends (sign-out, deactivation, new password) empties its tabs at once.
signed_out_tabs.install(app)

app.add_page(index_page, route="/", title=TITLE, description=DESCRIPTION, on_load=SessionState.redirect_signed_in)
app.add_page(
    login_page, route="/login", title="Sign in · Finucity AI", description=DESCRIPTION, on_load=AuthFormState.load_login
)
app.add_page(
    signup_page,
    route="/signup",
    title="Create your account · Finucity AI",
    description=DESCRIPTION,
    on_load=AuthFormState.load_signup,
)
app.add_page(
    reset_password_page,
    route="/reset-password",
    title="Set your password · Finucity AI",
    description=DESCRIPTION,
    on_load=AuthFormState.load_reset,
)
# One page for /chat and /chat/<id>: moving between conversations (or to a new
# chat) keeps the page mounted, so nothing flashes and typed text stays.
app.add_page(chat_page, route="/chat/[[conversation_id]]", title=TAB_TITLE, on_load=ConversationState.load_page)
# The admin area: signed-out visitors are sent to sign in before any HTML
# (api/pages.py); everyone else's role is checked by each handler (admin_only).
app.add_page(overview_page, route="/admin", title="Admin · Finucity AI", on_load=AdminOverviewState.load)
app.add_page(
    conversations_page,
    route="/admin/conversations",
    title="Conversations · Admin",
    on_load=AdminConversationsState.load,
)
app.add_page(users_page, route="/admin/users", title="Users · Admin", on_load=AdminUsersState.load)
app.add_page(audit_page, route="/admin/audit", title="Audit log · Admin", on_load=AdminAuditState.load)
# Calculators need no sign-in (api/pages.py does not guard /tools).
app.add_page(
    tools_page,
    route="/tools",
    title="Calculators · Finucity AI",
    description="Indian income tax, capital gains, GST, EMI, SIP, PPF, HRA and gratuity, with the working shown.",
    on_load=ToolsState.load,
)
