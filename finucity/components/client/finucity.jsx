// Finucity's browser-side pieces, wrapped as Reflex components in client.py.
//
// Why these live in JavaScript:
// - The answer being streamed arrives as small deltas (rx.call_script ->
//   window.__fc.push, see client/__init__.py). Keeping the growing text here means each update
//   sends only the new characters over the websocket, never the whole answer.
// - Typing in the composer must not cost a websocket round trip per key.
// - Scrolling, copying and local-time formatting are purely local.
//
// Security: Markdown is rendered by react-markdown WITHOUT rehype-raw, and raw
// HTML nodes are turned into plain text before rendering, so "<img onerror>"
// or "<script>" from a user or a model is shown, never run. Images become
// links (no tracking pixels), and react-markdown's URL filter empties
// javascript: addresses, whose links then show as plain text.

import React, { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { PrismLight as SyntaxHighlighter } from "react-syntax-highlighter";
import bash from "react-syntax-highlighter/dist/esm/languages/prism/bash";
import json from "react-syntax-highlighter/dist/esm/languages/prism/json";
import javascript from "react-syntax-highlighter/dist/esm/languages/prism/javascript";
import python from "react-syntax-highlighter/dist/esm/languages/prism/python";
import sql from "react-syntax-highlighter/dist/esm/languages/prism/sql";
import oneDark from "react-syntax-highlighter/dist/esm/styles/prism/one-dark";
import { ArrowDown, ArrowUp, Check, Copy, Square } from "lucide-react";
import env from "$/env.json";
import { getBackendURL } from "$/utils/state";

SyntaxHighlighter.registerLanguage("bash", bash);
SyntaxHighlighter.registerLanguage("shell", bash);
SyntaxHighlighter.registerLanguage("sh", bash);
SyntaxHighlighter.registerLanguage("json", json);
SyntaxHighlighter.registerLanguage("javascript", javascript);
SyntaxHighlighter.registerLanguage("js", javascript);
SyntaxHighlighter.registerLanguage("python", python);
SyntaxHighlighter.registerLanguage("py", python);
SyntaxHighlighter.registerLanguage("sql", sql);

// --- the stream store ----------------------------------------------------------

const streams = new Map(); // key -> text
const listeners = new Map(); // key -> Set<fn>
let currentKey = null; // the stream on screen: one answer streams per tab

function notify(key) {
  const set = listeners.get(key);
  if (set) set.forEach((fn) => fn());
}

const store = {
  reset(key, text) {
    // A newer follower of the answer already on screen keeps its text (the
    // offsets in `a` skip what it repeats); only another answer starts afresh.
    if (key === currentKey && (streams.get(key) || "").startsWith(text || "")) return;
    currentKey = key;
    streams.set(key, text || "");
    notify(key);
  },
  // The hot path, named short: it is sent over the websocket for every update.
  // `k` is a prefix of the stream's key (text from an older stream winding
  // down is dropped), `at` the length of the text before `delta`: a second
  // follower of the same answer (a reload reuses the tab's session) repeats
  // text the store already has, and only what is new is kept.
  a(k, at, delta) {
    if (currentKey === null || !currentKey.startsWith(k)) return;
    const text = streams.get(currentKey) || "";
    if (at > text.length || at + delta.length <= text.length) return;
    streams.set(currentKey, text.slice(0, at) + delta);
    notify(currentKey);
  },
  get(key) {
    return streams.get(key) || "";
  },
  drop(key) {
    streams.delete(key);
    notify(key);
  },
  subscribe(key, fn) {
    if (!listeners.has(key)) listeners.set(key, new Set());
    listeners.get(key).add(fn);
    return () => listeners.get(key)?.delete(fn);
  },
};

// The server's commands arrive as `window.__fc.push([name, ...args])`. Any
// that came before this script (kept in a plain array) run now, in order.
store.push = (command) => store[command[0]](...command.slice(1));
if (typeof window !== "undefined") {
  const early = Array.isArray(window.__fc) ? window.__fc : [];
  window.__fc = store;
  early.forEach(store.push);
}

function useStream(key) {
  const subscribe = useCallback((fn) => (key ? store.subscribe(key, fn) : () => {}), [key]);
  const snapshot = useCallback(() => (key ? store.get(key) : ""), [key]);
  return useSyncExternalStore(subscribe, snapshot, () => "");
}

// --- Markdown ----------------------------------------------------------------------

// Raw HTML in Markdown becomes literal text: shown, never parsed or run.
function remarkHtmlAsText() {
  const walk = (node) => {
    if (node.type === "html") {
      node.type = "text";
    }
    if (node.children) node.children.forEach(walk);
  };
  return (tree) => walk(tree);
}

// A cell that holds one number: an amount, a rate or a count ("₹1,04,13,879",
// "−₹60,000", "8.5%", "240"). Placeholders such as "Nil" or "—" may sit in a
// column of numbers without making it a column of words.
const NUMBER_CELL = /^\(?[+\-−]?\s?(₹|rs\.?|inr|\$|€|£)?\s?[+\-−]?\d[\d,]*(\.\d+)?\s?(%|lakh|crore|cr)?\)?$/i;
const PLACEHOLDER_CELL = /^(nil|n\/a|-|–|—)?$/i;

function textOf(node) {
  if (node.type === "text") return node.value;
  return (node.children || []).map(textOf).join("");
}

function elementsOf(node, ...tagNames) {
  return (node.children || []).filter((child) => child.type === "element" && tagNames.includes(child.tagName));
}

// Columns of numbers are right-aligned, header included, so that units line
// up under units: amounts are compared down a column. The offline assistant's
// tables, like most models', say nothing about alignment (`|---|`), so the
// column is recognised from its cells; an alignment the Markdown does give
// (`|---:|`, `|:---|`) arrives as the cell's own text-align and wins.
function rehypeNumberColumns() {
  const markColumns = (table) => {
    const rows = elementsOf(table, "thead", "tbody").flatMap((part) => elementsOf(part, "tr"));
    const cells = rows.map((row) => elementsOf(row, "th", "td"));
    const body = cells.filter((row) => row.length && row[0].tagName === "td");
    const width = Math.max(0, ...cells.map((row) => row.length));
    for (let column = 0; column < width; column += 1) {
      const texts = body.map((row) => (row[column] ? textOf(row[column]).trim() : ""));
      const values = texts.filter((text) => !PLACEHOLDER_CELL.test(text));
      if (!values.length || !values.every((text) => NUMBER_CELL.test(text))) continue;
      for (const row of cells) {
        const cell = row[column];
        if (cell && !cell.properties.align) cell.properties.className = ["fc-num"];
      }
    }
  };
  const walk = (node) => {
    if (node.type === "element" && node.tagName === "table") markColumns(node);
    else if (node.children) node.children.forEach(walk);
  };
  return (tree) => walk(tree);
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    // Clipboard API needs a secure context; fall back to a hidden textarea.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok;
  }
}

function CopyControl({ getText, label = "Copy", className = "fc-copy" }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return undefined;
    const t = setTimeout(() => setCopied(false), 1600);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button
      type="button"
      className={className}
      aria-label={copied ? "Copied" : label}
      title={copied ? "Copied" : label}
      onClick={async () => setCopied(await copyText(getText()))}
    >
      {copied ? <Check size={14} /> : <Copy size={14} />}
      <span>{copied ? "Copied" : label}</span>
    </button>
  );
}

function CodeBlock({ language, code }) {
  return (
    <div className="fc-code">
      <div className="fc-code-bar">
        <span className="fc-code-lang">{language || "text"}</span>
        <CopyControl getText={() => code} label="Copy code" className="fc-copy fc-copy-code" />
      </div>
      <SyntaxHighlighter
        language={language || "text"}
        style={oneDark}
        customStyle={{ margin: 0, background: "transparent", padding: "14px 16px", fontSize: "13px" }}
        codeTagProps={{ style: { fontFamily: "var(--fc-mono)" } }}
        wrapLongLines={false}
      >
        {code}
      </SyntaxHighlighter>
    </div>
  );
}

// A table wider than the answer scrolls sideways inside its own box, never
// the page (numbers and words in it do not break to fit). Half a column cut
// off at the edge is easy to miss on a dark background, so a fade on each
// side that has more to show says so, following the reader's scrolling.
function ScrollingTable({ children }) {
  const box = useRef(null);
  const [more, setMore] = useState({ left: false, right: false });
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const update = () => {
      // One pixel of slack: zoomed pages scroll by fractions.
      const left = el.scrollLeft > 1;
      const right = el.scrollWidth - el.clientWidth - el.scrollLeft > 1;
      setMore((was) => (was.left === left && was.right === right ? was : { left, right }));
    };
    update();
    el.addEventListener("scroll", update, { passive: true });
    // The box narrows with the window; the table widens as rows stream in.
    const observer = new ResizeObserver(update);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => {
      el.removeEventListener("scroll", update);
      observer.disconnect();
    };
  }, []);
  const scrolls = more.left || more.right;
  let className = "fc-table";
  if (more.left) className += " has-more-left";
  if (more.right) className += " has-more-right";
  return (
    <div className={className}>
      {/* Focusable only when it scrolls, so a keyboard can scroll it too. */}
      <div
        className="fc-table-wrap"
        ref={box}
        tabIndex={scrolls ? 0 : undefined}
        role={scrolls ? "region" : undefined}
        aria-label={scrolls ? "Table, scrolls sideways" : undefined}
      >
        <table>{children}</table>
      </div>
    </div>
  );
}

const markdownComponents = {
  code({ className, children, node, ...rest }) {
    const match = /language-([\w+-]+)/.exec(className || "");
    const text = String(children ?? "");
    const isBlock = match || text.includes("\n");
    if (!isBlock) {
      return <code className="fc-inline-code">{children}</code>;
    }
    return <CodeBlock language={match ? match[1].toLowerCase() : ""} code={text.replace(/\n$/, "")} />;
  },
  pre({ children }) {
    return <>{children}</>;
  },
  // react-markdown's URL filter empties an unsafe address (javascript:, data:).
  // What is left is plain text: an empty href would still look like a link
  // and, clicked, open this same page in a new tab.
  a({ href, children }) {
    if (!href) return <span>{children}</span>;
    return (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    );
  },
  img({ src, alt }) {
    if (!src) return <span>{alt || "image"}</span>;
    return (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow" className="fc-img-link">
        {alt || "image"}
      </a>
    );
  },
  table: ScrollingTable,
};

const MarkdownBody = memo(function MarkdownBody({ text }) {
  return (
    <ReactMarkdown
      remarkPlugins={[remarkGfm, remarkHtmlAsText]}
      rehypePlugins={[rehypeNumberColumns]}
      components={markdownComponents}
    >
      {text}
    </ReactMarkdown>
  );
});

// A finished message: `content`. A streaming one: `streamKey` (text from the
// store), with typing dots until its first words arrive.
export function FinMarkdown({ content, streamKey, className }) {
  const streamed = useStream(streamKey);
  const text = streamKey ? streamed : content || "";
  if (streamKey && !text) {
    return (
      <div className="fc-typing" role="status" aria-label="The assistant is writing">
        <span />
        <span />
        <span />
      </div>
    );
  }
  return (
    <div className={className ? `fc-md ${className}` : "fc-md"}>
      <MarkdownBody text={text} />
    </div>
  );
}

export function FinCopy({ content, streamKey, label }) {
  return (
    <CopyControl getText={() => (streamKey ? store.get(streamKey) : content || "")} label={label || "Copy"} />
  );
}

// --- time in the reader's own zone --------------------------------------------------------

const fullFormat = typeof Intl !== "undefined" ? new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }) : null;
const timeFormat = typeof Intl !== "undefined" ? new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" }) : null;
const dayFormat = typeof Intl !== "undefined" ? new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" }) : null;

function relative(date, now) {
  const seconds = Math.round((now - date) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24 && date.getDate() === new Date(now).getDate()) return `${hours} h ago`;
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (date.toDateString() === yesterday.toDateString()) return "Yesterday";
  const days = Math.round(hours / 24);
  if (days < 7) return `${days} days ago`;
  return dayFormat.format(date);
}

export function LocalTime({ iso, mode }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (mode !== "relative") return undefined;
    const t = setInterval(() => setNow(Date.now()), 60000);
    return () => clearInterval(t);
  }, [mode]);
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const label = mode === "relative" ? relative(date, now) : mode === "time" ? timeFormat.format(date) : fullFormat.format(date);
  return (
    <time dateTime={iso} title={fullFormat.format(date)} suppressHydrationWarning>
      {label}
    </time>
  );
}

// --- the scrolling message column --------------------------------------------------------

const NEAR_BOTTOM_PX = 96;
const SENT_EVENT = "finucity:sent";

// `follow` is off on screens that are read from the top (the welcome screen).
export function ChatViewport({ children, className, resetKey, follow = true }) {
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
    <div className={className ? `fc-viewport ${className}` : "fc-viewport"} ref={outer} id="fc-viewport">
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

// --- the composer ----------------------------------------------------------------------------

const COUNTER_FROM = 0.8; // show the character counter from 80% of the limit
// A question is kept here from Send until the server has stored it, so a
// failure the server cannot answer (a session ended elsewhere sends the tab
// to sign in; a dropped connection) never loses what was typed.
const UNSENT_KEY = "finucity:unsent";

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
      <div className="fc-composer-side">
        {text.length >= limit * COUNTER_FROM ? (
          <span className={`fc-counter${tooLong ? " is-over" : ""}`} aria-live="polite">
            {text.length.toLocaleString("en-IN")} / {limit.toLocaleString("en-IN")}
          </span>
        ) : null}
        {streaming ? (
          <button type="button" className="fc-stop" onClick={() => onStop?.()} aria-label="Stop generating" title="Stop">
            <Square size={14} fill="currentColor" />
            <span>Stop</span>
          </button>
        ) : (
          <button type="submit" className="fc-send" disabled={!canSend} aria-label="Send" title="Send (Enter)">
            <ArrowUp size={18} />
          </button>
        )}
      </div>
      {hint ? <div className="fc-composer-hint">{hint}</div> : null}
    </form>
  );
}

// --- forms that post to the backend ------------------------------------------------------------

// A plain HTML form (works without JavaScript, and password managers see it)
// posting to a backend route. Pages are prerendered, where the backend's
// address is unknown, so the action starts relative (right when one port
// serves everything) and becomes the backend's own origin once mounted
// (right when the backend has its own port, as in `make dev`).
//
// With `forgetTab`, submitting also drops this tab's Reflex token first: the
// page the server sends next (signed in as someone, or signed out) then starts
// from empty state instead of the previous user's.
export function BackendForm({ path, forgetTab, children, ...props }) {
  const [action, setAction] = useState(path);
  useEffect(() => {
    setAction(getBackendURL(env.PING).origin + path);
  }, [path]);
  const onSubmit = forgetTab
    ? () => {
        try {
          window.sessionStorage.removeItem("token");
        } catch (e) {
          // Without storage there is no old token to drop.
        }
      }
    : undefined;
  return (
    <form method="post" action={action} onSubmit={onSubmit} {...props}>
      {children}
    </form>
  );
}
