// Streak, 7- and 30-day adherence, the last 30 days as a calendar, pain over time:
// the numbers of /me/adherence and /me/days, as the API gives them.
import { NetworkError, api } from "./api.js";
import { shortDate, weekday } from "./dates.js";
import { kv } from "./db.js";
import { clone, element, mount, plural, show, slot, t } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

async function load(patient) {
  const key = `progress:${patient}`;
  try {
    const [adherence, days] = await Promise.all([api("me/adherence"), api("me/days")]);
    if (adherence.status === 401 || days.status === 401) return { unauthorized: true };
    if (adherence.ok && days.ok) {
      const data = { adherence: adherence.data, days: days.data };
      await kv.set(key, data);
      return { data, stale: false };
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  return { data: await kv.get(key), stale: true };
}

function percent(value) {
  return value === null || value === undefined
    ? t("no_data")
    : t("percent", { value: Math.round(value) });
}

function dayState(day) {
  if (day.scheduled === 0) return "rest";
  if (day.complete) return "complete";
  return day.done > 0 ? "partial" : "missed";
}

function dayLabel(day) {
  const date = shortDate(day.date);
  const state = dayState(day);
  if (state === "rest") return t("day_rest", { date });
  if (state === "complete") return t("day_complete", { date });
  return t("day_partial", { date, done: day.done, scheduled: day.scheduled });
}

function calendar(list, days) {
  // Monday-first weeks: blank cells before the first day keep the columns aligned.
  const lead = days.length ? (weekday(days[0].date) + 6) % 7 : 0;
  const cells = [];
  for (let i = 0; i < lead; i += 1) cells.push(element("li", null, { class: "blank", "aria-hidden": "true" }));
  for (const day of days) {
    const cell = element("li", null, { class: `day ${dayState(day)}` });
    cell.append(
      element("span", day.date.slice(8).replace(/^0/, ""), { "aria-hidden": "true" }),
      element("span", dayLabel(day), { class: "sr-only" }),
    );
    cells.push(cell);
  }
  list.replaceChildren(...cells);
}

function painChart(holder, list, pain) {
  const width = 320;
  const height = 120;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height + 20}`);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "pain-svg");
  for (const level of [0, 5, 10]) {
    const y = height - (level / 10) * height + 10;
    const line = document.createElementNS(SVG, "line");
    for (const [name, value] of Object.entries({ x1: 24, x2: width, y1: y, y2: y })) {
      line.setAttribute(name, value);
    }
    line.setAttribute("class", "grid");
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("x", 0);
    label.setAttribute("y", y + 4);
    label.textContent = String(level);
    svg.append(line, label);
  }
  const step = pain.length > 1 ? (width - 32) / (pain.length - 1) : 0;
  const points = pain.map((p, i) => [32 + i * step, height - (p.average / 10) * height + 10]);
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", points.map((p) => p.join(",")).join(" "));
  line.setAttribute("class", "trend");
  svg.append(line);
  for (const [x, y] of points) {
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("cx", x);
    dot.setAttribute("cy", y);
    dot.setAttribute("r", 4);
    svg.append(dot);
  }
  holder.replaceChildren(svg);
  list.replaceChildren(
    ...pain.map((p) =>
      element("li", t("pain_point", { date: shortDate(p.date), value: p.average.toFixed(1) })),
    ),
  );
}

export async function showProgress(patient) {
  const loaded = await load(patient);
  if (loaded.unauthorized) return "unauthorized";
  const screen = clone("screen-progress");
  if (loaded.stale) {
    const notice = slot(screen, "stale");
    notice.textContent = loaded.data ? t("offline_copy") : t("no_copy");
    show(notice);
  }
  if (loaded.data) {
    const { adherence, days } = loaded.data;
    slot(screen, "streak").textContent = plural("days_streak", adherence.current_streak);
    slot(screen, "longest").textContent = plural("days_streak", adherence.longest_streak);
    slot(screen, "last7").textContent = percent(adherence.last_7_days);
    slot(screen, "last30").textContent = percent(adherence.last_30_days);
    calendar(slot(screen, "calendar"), days);
    if (adherence.pain.length) {
      painChart(slot(screen, "pain-chart"), slot(screen, "pain-list"), adherence.pain);
    } else {
      show(slot(screen, "no-pain"));
    }
  }
  mount(screen);
  return "ok";
}
