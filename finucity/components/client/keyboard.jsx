// Keyboard shortcuts and what a screen-reader user hears, on the chat page.
//
// A key press must not cost a websocket round trip to find out what it does,
// so the listener lives here; only what needs the server (a new chat, stopping
// an answer, which the server authorizes) is sent as an event. The keys follow
// ChatGPT's where a browser does not already use them, so they are familiar.

import React, { useEffect, useRef, useState } from "react";

// Anyone may ask the live region to say something (e.g. "copied").
const ANNOUNCE_EVENT = "finucity:announce";
const composerBox = () => document.getElementById("fc-composer-input");
const searchBox = () => document.getElementById("fc-search");
const openHelp = () => document.getElementById("fc-shortcuts-button")?.click();

export function announce(text) {
  window.dispatchEvent(new CustomEvent(ANNOUNCE_EVENT, { detail: text }));
}

function isMac() {
  const platform = navigator.userAgentData?.platform || navigator.platform || "";
  return /mac|iphone|ipad/i.test(platform);
}

// What the help dialog lists, in this order. `mod` is Ctrl, or ⌘ on a Mac.
const SHORTCUTS = [
  { keys: ["mod", "Shift", "O"], what: "New chat" },
  { keys: ["mod", "K"], alt: ["/"], what: "Search conversations" },
  { keys: ["Shift", "Esc"], what: "Focus the question box" },
  { keys: ["Esc"], what: "Stop the answer being written" },
  { keys: ["mod", "Shift", "C"], what: "Copy the last answer" },
  { keys: ["?"], alt: ["mod", "/"], what: "Show these shortcuts" },
];

function isTextField(el) {
  if (!el || !(el instanceof Element)) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (el.getAttribute("type") || "text").toLowerCase();
  return !["button", "checkbox", "radio", "submit", "reset", "range", "color", "file", "image"].includes(type);
}

function dialogOpen() {
  return Boolean(document.querySelector("[role=dialog], [role=alertdialog], [role=listbox], [role=menu]"));
}

function focusSearch() {
  const search = searchBox();
  if (!search) return;
  // On a phone the sidebar is off the screen until its menu button opens it.
  const box = search.getBoundingClientRect();
  const offScreen = box.right <= 0 || box.left >= window.innerWidth || box.width === 0;
  if (offScreen) document.getElementById("fc-open-menu")?.click();
  search.focus();
  search.select?.();
}

function copyLastAnswer() {
  const buttons = document.querySelectorAll(".fc-msg-assistant .fc-msg-actions .fc-copy");
  const last = buttons[buttons.length - 1];
  if (last) {
    last.click(); // the same copy as the button, inside this key press's user activation
    announce("Last answer copied");
  } else {
    announce("There is no answer to copy yet");
  }
}

// The document-wide listener. `streaming` says whether Esc has an answer to stop.
export function KeyboardShortcuts({ streaming, onNewChat, onStop }) {
  const latest = useRef({});
  latest.current = { streaming, onNewChat, onStop };

  useEffect(() => {
    const onKeyDown = (e) => {
      if (e.defaultPrevented || e.isComposing || e.repeat) return;
      const { streaming: isStreaming, onNewChat: newChat, onStop: stop } = latest.current;
      const mod = isMac() ? e.metaKey : e.ctrlKey;
      const key = (e.key || "").toLowerCase();
      const inField = isTextField(e.target);
      const act = (fn) => {
        e.preventDefault();
        fn();
      };

      if (mod && e.shiftKey && !e.altKey && key === "o") return act(() => newChat?.());
      if (mod && e.shiftKey && !e.altKey && key === "c") return act(copyLastAnswer);
      if (mod && !e.shiftKey && !e.altKey && key === "k") return act(focusSearch);
      if (mod && !e.altKey && key === "/") return act(openHelp);
      if (e.ctrlKey || e.metaKey || e.altKey) return undefined;

      if (key === "escape" && e.shiftKey) return act(() => composerBox()?.focus());
      // Esc closes an open dialog or menu first (Radix handles those); in a
      // field other than the question box it keeps its own meaning.
      if (key === "escape" && isStreaming && !dialogOpen() && (!inField || e.target === composerBox())) {
        return act(() => stop?.());
      }
      if (inField || dialogOpen()) return undefined;
      if (e.key === "/") return act(focusSearch);
      if (e.key === "?") return act(openHelp);
      return undefined;
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  return <FocusKeeper />;
}

// Focus goes back where it was when a dialog closes. Radix does that only for
// dialogs it opened from a trigger; the rename and delete dialogs are opened
// by the server, so without this focus fell to <body>. When what opened the
// dialog is gone (a deleted conversation's buttons), the question box gets it.
const DIALOGS = "[role=dialog], [role=alertdialog]";

function FocusKeeper() {
  useEffect(() => {
    let beforeDialog = null;
    const inDialog = (el) => el instanceof Element && el.closest(DIALOGS);
    // Focus that lands outside an open dialog goes into it. A sidebar row's
    // menu opens Rename and Delete: while the menu fades out it takes focus
    // back (and then drops it on <body> as it leaves), after the dialog took it.
    const intoDialog = () => {
      const dialog = document.querySelector(DIALOGS);
      if (!dialog || dialog.contains(document.activeElement)) return;
      dialog.querySelector("input, textarea, select, button")?.focus();
    };
    // A menu's items are gone once it closes: remember the button that opened
    // the menu (a sidebar row's "more" button), not the item chosen.
    const onFocusIn = (e) => {
      if (inDialog(e.target)) return;
      const menu = e.target.closest?.("[role=menu]");
      if (menu) {
        // (A click on a menu's button does not focus it; the menu names it.)
        const opener = menu.id && document.querySelector(`[aria-controls="${menu.id}"]`);
        if (opener) beforeDialog = opener;
        if (dialogOpen()) setTimeout(intoDialog, 0);
        return;
      }
      beforeDialog = e.target;
    };
    const restore = () => {
      const active = document.activeElement;
      if (active && active !== document.body) return;
      if (dialogOpen()) return;
      const back = beforeDialog && beforeDialog.isConnected ? beforeDialog : composerBox();
      back?.focus();
    };
    // Radix gives focus back a moment after a dialog leaves the page; look
    // after it has. Its portal is a child of <body>, so watching those is enough.
    let wasOpen = false;
    const observer = new MutationObserver(() => {
      const open = Boolean(document.querySelector(DIALOGS));
      if (wasOpen && !open) requestAnimationFrame(() => setTimeout(restore, 0));
      if (open && document.activeElement === document.body) requestAnimationFrame(intoDialog);
      wasOpen = open;
    });
    observer.observe(document.body, { childList: true });
    document.addEventListener("focusin", onFocusIn);
    return () => {
      observer.disconnect();
      document.removeEventListener("focusin", onFocusIn);
    };
  }, []);
  return null;
}

// A visually hidden polite live region. It speaks once when an answer ends
// ("Answer finished", "stopped", "failed"), never per token: the growing
// answer itself sits in a region that is not live.
const ENDINGS = {
  complete: "Answer finished",
  stopped: "Answer stopped",
  failed: "Answer failed",
};

export function AnswerAnnouncer({ streamingId, lastId, lastStatus }) {
  const [said, setSaid] = useState({ n: 0, text: "" });
  const following = useRef("");

  useEffect(() => {
    const was = following.current;
    following.current = streamingId || "";
    // The answer this tab was following ended here (not a switch to another chat).
    if (was && !streamingId && lastId === was && ENDINGS[lastStatus]) {
      setSaid((s) => ({ n: s.n + 1, text: ENDINGS[lastStatus] }));
    }
  }, [streamingId, lastId, lastStatus]);

  useEffect(() => {
    const onAnnounce = (e) => setSaid((s) => ({ n: s.n + 1, text: String(e.detail || "") }));
    window.addEventListener(ANNOUNCE_EVENT, onAnnounce);
    return () => window.removeEventListener(ANNOUNCE_EVENT, onAnnounce);
  }, []);

  // A new node per announcement, so the same words twice are spoken twice.
  return (
    <div className="fc-sr-only" role="status" aria-live="polite" aria-atomic="true" id="fc-announcer">
      {said.text ? <span key={said.n}>{said.text}</span> : null}
    </div>
  );
}

function Keys({ keys, mac }) {
  return (
    <span className="fc-keys">
      {keys.map((k, i) => (
        <kbd key={i} className="fc-kbd">
          {k === "mod" ? (mac ? "⌘" : "Ctrl") : k}
        </kbd>
      ))}
    </span>
  );
}

// The list in the help dialog, with Ctrl or ⌘ as this computer has it.
export function ShortcutList() {
  const [mac, setMac] = useState(false);
  useEffect(() => setMac(isMac()), []); // after mount: pages are prerendered
  return (
    <dl className="fc-shortcuts" data-testid="shortcut-list">
      {SHORTCUTS.map((s) => (
        <div className="fc-shortcut" key={s.what}>
          <dt>{s.what}</dt>
          <dd>
            <Keys keys={s.keys} mac={mac} />
            {s.alt ? (
              <>
                <span className="fc-shortcut-or">or</span>
                <Keys keys={s.alt} mac={mac} />
              </>
            ) : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
