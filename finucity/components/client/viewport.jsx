// The scrolling message column: follows the stream unless the reader scrolled
// up. Purely local, so it costs no websocket round trip.

import React, { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { ArrowDown } from "lucide-react";

const NEAR_BOTTOM_PX = 96;
// Sent by the composer: the reader goes to the bottom to watch the answer.
export const SENT_EVENT = "finucity:sent";

// `follow` is off on screens that are read from the top (the welcome screen).
// `label` names the column as a region for screen readers. It is not a live
// region: the growing answer must not be read out token by token (the end of
// an answer is announced once, by keyboard.jsx).
export function ChatViewport({ children, className, resetKey, follow = true, label }) {
  const outer = useRef(null);
  const inner = useRef(null);
  const pinned = useRef(follow);
  const following = useRef(follow);
  const [showJump, setShowJump] = useState(false);
  following.current = follow;

  const scrollToBottom = useCallback((smooth) => {
    const el = outer.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: smooth ? "smooth" : "auto" });
  }, []);

  // A new conversation opens at its latest message.
  useLayoutEffect(() => {
    pinned.current = follow;
    setShowJump(false);
    if (follow) scrollToBottom(false);
    else outer.current?.scrollTo({ top: 0 });
  }, [resetKey, follow, scrollToBottom]);

  useEffect(() => {
    const el = outer.current;
    const content = inner.current;
    if (!el || !content) return undefined;
    const onScroll = () => {
      const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
      pinned.current = atBottom;
      if (atBottom) setShowJump(false);
    };
    // Follow the stream while the reader is at the bottom; once they scroll
    // up to read, leave them there and offer a way back.
    const observer = new ResizeObserver(() => {
      if (!following.current) return;
      if (pinned.current) scrollToBottom(false);
      else if (el.scrollHeight - el.scrollTop - el.clientHeight >= NEAR_BOTTOM_PX) setShowJump(true);
    });
    // Sending a question always brings the reader to the bottom to watch it.
    const onSent = () => {
      pinned.current = true;
      setShowJump(false);
      scrollToBottom(false);
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener(SENT_EVENT, onSent);
    observer.observe(content);
    return () => {
      el.removeEventListener("scroll", onScroll);
      window.removeEventListener(SENT_EVENT, onSent);
      observer.disconnect();
    };
  }, [scrollToBottom]);

  return (
    <div
      className={className ? `fc-viewport ${className}` : "fc-viewport"}
      ref={outer}
      id="fc-viewport"
      role={label ? "region" : undefined}
      aria-label={label || undefined}
    >
      <div className="fc-viewport-inner" ref={inner}>
        {children}
      </div>
      {showJump ? (
        <button
          type="button"
          className="fc-jump"
          onClick={() => {
            pinned.current = true;
            setShowJump(false);
            scrollToBottom(true);
          }}
        >
          <ArrowDown size={15} />
          <span>Jump to latest</span>
        </button>
      ) : null}
    </div>
  );
}
