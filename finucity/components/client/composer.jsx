// The composer: typing must not cost a websocket round trip per key, so the
// text lives here and only Send reaches the server. Its `children` (the topic
// picker, the note about answers) sit in the row under the text, beside Send:
// one compact box, which matters on a phone where every line is screen lost.

import React, { useCallback, useEffect, useRef, useState } from "react";
import { ArrowUp, Square } from "lucide-react";
import { SENT_EVENT } from "./viewport.jsx";

const COUNTER_FROM = 0.8; // show the character counter from 80% of the limit
// A question is kept here from Send until the server has stored it, so a
// failure the server cannot answer (a session ended elsewhere sends the tab
// to sign in; a dropped connection) never loses what was typed.
const UNSENT_KEY = "finucity:unsent";
// Sent by the server's handler of a state store outage (states/state_store.py).
const GIVE_BACK_EVENT = "finucity:give-back";

function unsent(action, text) {
  try {
    if (action === "save") window.sessionStorage.setItem(UNSENT_KEY, text);
    else if (action === "forget") window.sessionStorage.removeItem(UNSENT_KEY);
    else return window.sessionStorage.getItem(UNSENT_KEY) || "";
  } catch (e) {
    // Storage can be disabled; the composer still works without the backup.
  }
  return "";
}

export function Composer({
  onSend,
  onStop,
  streaming,
  disabled,
  maxChars,
  placeholder,
  draft,
  draftVersion,
  sentVersion,
  hint,
  children,
}) {
  const [text, setText] = useState("");
  const area = useRef(null);
  const limit = maxChars || 10000;

  const grow = useCallback(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, []);

  // The server can put text in the box (editing the last question).
  useEffect(() => {
    if (draftVersion) {
      setText(draft || "");
      requestAnimationFrame(() => {
        grow();
        area.current?.focus();
      });
    }
  }, [draftVersion]); // eslint-disable-line react-hooks/exhaustive-deps

  // Text sent but never confirmed comes back (after mount: pages are prerendered).
  useEffect(() => {
    const kept = unsent("read");
    if (kept) setText(kept);
  }, []);

  // The server could not take the question (its state store is down): back in the box.
  useEffect(() => {
    const giveBack = () => {
      const kept = unsent("read");
      if (kept) setText((current) => current || kept);
    };
    window.addEventListener(GIVE_BACK_EVENT, giveBack);
    return () => window.removeEventListener(GIVE_BACK_EVENT, giveBack);
  }, []);

  // The server stored the question: the backup is no longer needed.
  useEffect(() => {
    if (sentVersion) unsent("forget");
  }, [sentVersion]);

  useEffect(grow, [text, grow]);

  const trimmed = text.trim();
  const tooLong = text.length > limit;
  const canSend = !streaming && !disabled && trimmed.length > 0 && !tooLong;

  const send = () => {
    if (!canSend) return;
    unsent("save", text);
    onSend?.(text);
    setText("");
    window.dispatchEvent(new Event(SENT_EVENT));
  };

  return (
    <form
      className={`fc-composer${streaming ? " is-streaming" : ""}`}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={area}
        id="fc-composer-input"
        className="fc-composer-input"
        rows={1}
        value={text}
        placeholder={placeholder}
        aria-label="Your question"
        maxLength={limit + 1000}
        disabled={disabled}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      <div className="fc-composer-bar">
        <div className="fc-composer-tools">{children}</div>
        {hint ? <div className="fc-composer-hint">{hint}</div> : null}
        <div className="fc-composer-side">
          {text.length >= limit * COUNTER_FROM ? (
            <span className={`fc-counter${tooLong ? " is-over" : ""}`} aria-live="polite">
              {text.length.toLocaleString("en-IN")} / {limit.toLocaleString("en-IN")}
            </span>
          ) : null}
          {streaming ? (
            <button
              type="button"
              className="fc-stop"
              onClick={() => onStop?.()}
              aria-label="Stop generating"
              title="Stop"
            >
              <Square size={14} fill="currentColor" />
              <span>Stop</span>
            </button>
          ) : (
            <button type="submit" className="fc-send" disabled={!canSend} aria-label="Send" title="Send (Enter)">
              <ArrowUp size={18} />
            </button>
          )}
        </div>
      </div>
    </form>
  );
}
