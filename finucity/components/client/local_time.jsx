// A UTC time shown in the reader's own zone (the server knows no zone).

import React, { useEffect, useState } from "react";

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
