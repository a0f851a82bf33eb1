// Answers and questions as Markdown, and their copy buttons.
//
// Security: Markdown is rendered by react-markdown WITHOUT rehype-raw, and raw
// HTML nodes are turned into plain text before rendering, so "<img onerror>"
// or "<script>" from a user or a model is shown, never run. Images become
// links (no tracking pixels), and react-markdown's URL filter empties
// javascript: addresses, whose links then show as plain text.

import React, { memo, useEffect, useRef, useState } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { PrismLight as SyntaxHighlighter } from "react-syntax-highlighter";
import bash from "react-syntax-highlighter/dist/esm/languages/prism/bash";
import json from "react-syntax-highlighter/dist/esm/languages/prism/json";
import javascript from "react-syntax-highlighter/dist/esm/languages/prism/javascript";
import python from "react-syntax-highlighter/dist/esm/languages/prism/python";
import sql from "react-syntax-highlighter/dist/esm/languages/prism/sql";
import { Calculator, Check, Copy } from "lucide-react";
import { store, useStream } from "./stream_store.jsx";


SyntaxHighlighter.registerLanguage("bash", bash);
SyntaxHighlighter.registerLanguage("shell", bash);
SyntaxHighlighter.registerLanguage("sh", bash);
SyntaxHighlighter.registerLanguage("json", json);
SyntaxHighlighter.registerLanguage("javascript", javascript);
SyntaxHighlighter.registerLanguage("js", javascript);
SyntaxHighlighter.registerLanguage("python", python);
SyntaxHighlighter.registerLanguage("py", python);
SyntaxHighlighter.registerLanguage("sql", sql);


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

// Code colours are CSS variables (--fc-code-* in finucity.css), so a code
// block follows the light or dark theme without re-rendering: One Dark's
// hues in the dark theme, One Light's in the light one.
const codeBase = {
  color: "var(--fc-code-text)",
  background: "none",
  fontFamily: "var(--fc-mono)",
  direction: "ltr",
  textAlign: "left",
  whiteSpace: "pre",
  wordSpacing: "normal",
  wordBreak: "normal",
  lineHeight: "1.5",
  tabSize: "2",
  hyphens: "none",
};
const tokenColours = {
  comment: "comment", prolog: "comment", cdata: "comment", doctype: "comment",
  punctuation: "text", entity: "text",
  "attr-name": "number", boolean: "number", constant: "number", number: "number", atrule: "number",
  "class-name": "type",
  keyword: "keyword",
  property: "name", tag: "name", symbol: "name", deleted: "name", important: "name",
  selector: "string", string: "string", char: "string", builtin: "string", inserted: "string", regex: "string",
  "attr-value": "string",
  variable: "name", operator: "operator", url: "operator",
  function: "function",
};
const codeStyle = {
  'code[class*="language-"]': codeBase,
  'pre[class*="language-"]': { ...codeBase, overflow: "auto" },
  ...Object.fromEntries(
    Object.entries(tokenColours).map(([token, colour]) => [token, { color: `var(--fc-code-${colour})` }]),
  ),
  comment: { color: "var(--fc-code-comment)", fontStyle: "italic" },
  bold: { fontWeight: "bold" },
  italic: { fontStyle: "italic" },
};

function CodeBlock({ language, code }) {
  return (
    <div className="fc-code">
      <div className="fc-code-bar">
        <span className="fc-code-lang">{language || "text"}</span>
        <CopyControl getText={() => code} label="Copy code" className="fc-copy fc-copy-code" />
      </div>
      <SyntaxHighlighter
        language={language || "text"}
        style={codeStyle}
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

// A calculator's result in an answer (services/calculation_blocks.py). The
// chat draws a finished answer's results as cards on the server side; where
// the raw text is rendered (an answer still streaming, the admin view) the
// block shows as one line: what was calculated and its figure. Its JSON is
// read as data and shown as text, never as markup.
const CALC_LANGUAGE = "finucity-calc";

function CalcSummary({ json, pending }) {
  let data = null;
  try {
    data = JSON.parse(json);
  } catch (e) {
    data = null;
  }
  const headline = data && Array.isArray(data.figures) && data.figures[0];
  return (
    <div className="fc-calc-chip" role={pending ? "status" : undefined} data-testid="calc-chip">
      <Calculator size={15} aria-hidden="true" />
      {pending || !headline ? (
        <span>Calculating…</span>
      ) : (
        <span>
          {String(data.title || "")}: <strong>{String(headline.text || "")}</strong>
        </span>
      )}
    </div>
  );
}

// True while a streaming answer's text ends with a calculation: the model has
// the result and has not started writing about it yet.
function endsWithCalculation(text) {
  const trimmed = text.trimEnd();
  const start = trimmed.lastIndexOf("```" + CALC_LANGUAGE);
  return start >= 0 && trimmed.endsWith("```") && trimmed.indexOf("\n```", start) === trimmed.length - 4;
}

function markdownComponentsFor(pending) {
  return {
    ...markdownComponents,
    code(props) {
      const match = /language-([\w+-]+)/.exec(props.className || "");
      if (match && match[1].toLowerCase() === CALC_LANGUAGE) {
        return <CalcSummary json={String(props.children ?? "")} pending={pending} />;
      }
      return markdownComponents.code(props);
    },
  };
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

const SUMMARY_COMPONENTS = markdownComponentsFor(false);
const PENDING_COMPONENTS = markdownComponentsFor(true);

const MarkdownBody = memo(function MarkdownBody({ text, pending }) {
  return (
    <ReactMarkdown
      remarkPlugins={[remarkGfm, remarkHtmlAsText]}
      rehypePlugins={[rehypeNumberColumns]}
      components={pending ? PENDING_COMPONENTS : SUMMARY_COMPONENTS}
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
      <MarkdownBody text={text} pending={Boolean(streamKey) && endsWithCalculation(text)} />
    </div>
  );
}

export function FinCopy({ content, streamKey, label }) {
  return (
    <CopyControl getText={() => (streamKey ? store.get(streamKey) : content || "")} label={label || "Copy"} />
  );
}
