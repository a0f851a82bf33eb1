// The stream store: the text of the answer being written, kept in the browser.
//
// Why in JavaScript: the answer arrives as small deltas from the server
// (rx.call_script -> window.__fc.push, see client/__init__.py). Keeping the
// growing text here means each update sends only the new characters over the
// websocket, never the whole answer. The server's commands can arrive before
// this script has loaded (a reload on a slow phone): until then window.__fc is
// a plain array that keeps them, and they are replayed here in order.

import { useCallback, useSyncExternalStore } from "react";

const streams = new Map(); // key -> text
const listeners = new Map(); // key -> Set<fn>
let currentKey = null; // the stream on screen: one answer streams per tab

function notify(key) {
  const set = listeners.get(key);
  if (set) set.forEach((fn) => fn());
}

export const store = {
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

export function useStream(key) {
  const subscribe = useCallback((fn) => (key ? store.subscribe(key, fn) : () => {}), [key]);
  const snapshot = useCallback(() => (key ? store.get(key) : ""), [key]);
  return useSyncExternalStore(subscribe, snapshot, () => "");
}
