"""Reflex wrappers for the browser-side pieces, one .jsx file per concern.

They live in JavaScript where a websocket round trip would cost too much:
the growing answer (stream_store.jsx: only new text crosses the socket),
typing (composer.jsx), scrolling (viewport.jsx), keyboard shortcuts, focus
and screen-reader announcements (keyboard.jsx), copying and rendering
Markdown safely (markdown.jsx), local times (local_time.jsx), plain HTML
forms that post to the backend (backend_form.jsx), links that download from
it (backend_link.jsx), and the account's colour theme (theme_sync.jsx). Each
file's header says why.
"""

from __future__ import annotations

import reflex as rx


def _module(filename: str) -> str:
    return rx.asset(filename, shared=True).importable_path


# Imported by markdown.jsx, not by a component: registered so it is shipped.
_module("stream_store.jsx")
_NPM = ["react-markdown@10.1.0", "remark-gfm@4.0.1", "react-syntax-highlighter@16.1.2", "lucide-react@1.26.0"]


class _ClientComponent(rx.Component):
    lib_dependencies: list[str] = _NPM


class FinMarkdown(_ClientComponent):
    """Sanitised Markdown: finished `content`, or the live text of `stream_key`."""

    library = _module("markdown.jsx")
    tag = "FinMarkdown"
    content: rx.Var[str]
    stream_key: rx.Var[str]


class FinCopy(_ClientComponent):
    library = _module("markdown.jsx")
    tag = "FinCopy"
    content: rx.Var[str]
    stream_key: rx.Var[str]
    label: rx.Var[str]


class LocalTime(_ClientComponent):
    """A UTC ISO time shown in the reader's zone: 'time', 'relative' or 'datetime'."""

    library = _module("local_time.jsx")
    tag = "LocalTime"
    iso: rx.Var[str]
    mode: rx.Var[str]


class ChatViewport(_ClientComponent):
    """The scrolling message column: follows the stream unless the reader scrolled up."""

    library = _module("viewport.jsx")
    tag = "ChatViewport"
    reset_key: rx.Var[str]
    follow: rx.Var[bool]
    label: rx.Var[str]


class Composer(_ClientComponent):
    library = _module("composer.jsx")
    tag = "Composer"
    streaming: rx.Var[bool]
    disabled: rx.Var[bool]
    max_chars: rx.Var[int]
    placeholder: rx.Var[str]
    draft: rx.Var[str]
    draft_version: rx.Var[int]
    sent_version: rx.Var[int]
    hint: rx.Var[str]
    on_send: rx.EventHandler[rx.event.passthrough_event_spec(str)]
    on_stop: rx.EventHandler[rx.event.no_args_event_spec]


class KeyboardShortcuts(_ClientComponent):
    """The chat page's shortcuts; keeps focus sensible when dialogs and pages change."""

    library = _module("keyboard.jsx")
    tag = "KeyboardShortcuts"
    streaming: rx.Var[bool]
    on_new_chat: rx.EventHandler[rx.event.no_args_event_spec]
    on_stop: rx.EventHandler[rx.event.no_args_event_spec]


class AnswerAnnouncer(_ClientComponent):
    """A polite live region: says once that an answer ended, never its tokens."""

    library = _module("keyboard.jsx")
    tag = "AnswerAnnouncer"
    streaming_id: rx.Var[str]
    last_id: rx.Var[str]
    last_status: rx.Var[str]


class ShortcutList(_ClientComponent):
    """The shortcuts, with Ctrl or ⌘ as the reader's computer has it."""

    library = _module("keyboard.jsx")
    tag = "ShortcutList"


class BackendForm(_ClientComponent):
    """A native POST form to a backend route (see backend_form.jsx)."""

    library = _module("backend_form.jsx")
    tag = "BackendForm"
    path: rx.Var[str]
    forget_tab: rx.Var[bool]


class ThemeSync(rx.Component):
    """Applies the account's saved theme ("system", "light", "dark"; "" = not known yet)."""

    library = _module("theme_sync.jsx")
    tag = "ThemeSync"
    preference: rx.Var[str]


class BackendLink(_ClientComponent):
    """A download link to a backend route (see backend_link.jsx)."""

    library = _module("backend_link.jsx")
    tag = "BackendLink"
    path: rx.Var[str]


fin_markdown = FinMarkdown.create
fin_copy = FinCopy.create
local_time = LocalTime.create
chat_viewport = ChatViewport.create
composer = Composer.create
backend_form = BackendForm.create
theme_sync = ThemeSync.create
backend_link = BackendLink.create
keyboard_shortcuts = KeyboardShortcuts.create
answer_announcer = AnswerAnnouncer.create
shortcut_list = ShortcutList.create
