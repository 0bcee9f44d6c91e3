// Local dates as the API writes them (YYYY-MM-DD), with no time-zone arithmetic:
// they are calendar days, computed at noon UTC so no offset can shift them.
export function addDays(iso, days) {
  const date = new Date(`${iso}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function isDate(value) {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value);
}

export function longDate(iso) {
  return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    weekday: "long",
    day: "numeric",
    month: "long",
    timeZone: "UTC",
  }).format(new Date(`${iso}T12:00:00Z`));
}

export function shortDate(iso) {
  return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  }).format(new Date(`${iso}T12:00:00Z`));
}

export function weekday(iso) {
  return new Date(`${iso}T12:00:00Z`).getUTCDay(); // 0 = Sunday
}
