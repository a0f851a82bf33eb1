// Plain HTML forms that post to a backend route (sign-in, sign-up, sign-out).

import React, { useEffect, useState } from "react";
import env from "$/env.json";
import { getBackendURL } from "$/utils/state";

// A plain HTML form (works without JavaScript, and password managers see it)
// posting to a backend route. Pages are prerendered, where the backend's
// address is unknown, so the action starts relative (right when one port
// serves everything) and becomes the backend's own origin once mounted
// (right when the backend has its own port, as in `make dev`).
//
// With `forgetTab`, submitting also drops this tab's Reflex token first: the
// page the server sends next (signed in as someone, or signed out) then starts
// from empty state instead of the previous user's.
// Hidden fields the page fills from its address (where to go after signing in,
// a reset link's token) are taken from the address itself at submit: a form
// sent before the page's state arrived must not lose them. The server checks
// both (a path on this site only; a token it issued).
const FROM_ADDRESS = ["next", "token"];

function fillFromAddress(form) {
  const params = new URLSearchParams(window.location.search);
  for (const name of FROM_ADDRESS) {
    const input = form.elements.namedItem(name);
    if (input && input.type === "hidden" && params.has(name)) input.value = params.get(name);
  }
}

export function BackendForm({ path, forgetTab, children, ...props }) {
  const [action, setAction] = useState(path);
  useEffect(() => {
    setAction(getBackendURL(env.PING).origin + path);
  }, [path]);
  const onSubmit = (event) => {
    fillFromAddress(event.currentTarget);
    if (!forgetTab) return;
    try {
      window.sessionStorage.removeItem("token");
    } catch (e) {
      // Without storage there is no old token to drop.
    }
  };
  return (
    <form method="post" action={action} onSubmit={onSubmit} {...props}>
      {children}
    </form>
  );
}
