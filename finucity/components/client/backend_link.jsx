// A link to a backend route that answers with a file (an export), so the
// browser downloads it with the session cookie, as any other link would.

import React, { forwardRef, useEffect, useState } from "react";
import env from "$/env.json";
import { getBackendURL } from "$/utils/state";

// Like BackendForm: relative while prerendered (right when one port serves
// everything), the backend's own origin once mounted (right under `make dev`).
// It forwards its ref and props so a menu item can render as this link
// (Radix's asChild) and keyboard selection clicks it.
export const BackendLink = forwardRef(function BackendLink({ path, children, ...props }, ref) {
  const [href, setHref] = useState(path);
  useEffect(() => {
    setHref(getBackendURL(env.PING).origin + path);
  }, [path]);
  return (
    <a ref={ref} href={href} download {...props}>
      {children}
    </a>
  );
});
