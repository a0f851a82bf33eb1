// The colour theme saved on the user's account, applied to this browser.
//
// Reflex's color mode already follows the device ("system") and remembers a
// choice in localStorage, which its script in <head> applies before the first
// paint. That memory is per browser: this component brings the account's
// choice to a browser that has not seen it yet (a new laptop, another person
// signing in), as soon as the server says what it is.

import { useContext, useEffect } from "react";
import { ColorModeContext } from "$/utils/context";

export function ThemeSync({ preference }) {
  const { rawColorMode, setColorMode } = useContext(ColorModeContext);
  useEffect(() => {
    if (preference && preference !== rawColorMode) setColorMode(preference);
    // Only when the saved preference changes: the menu switches the browser
    // first and saves after, so the two agree by the time this runs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [preference]);
  return null;
}
