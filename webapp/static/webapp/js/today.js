// Today's routine (or another day's): one card per exercise, Done and details.
import { NetworkError, api } from "./api.js";
import { addDays, isDate, longDate } from "./dates.js";
import { kv } from "./db.js";
import { clone, element, mount, plural, show, slot, t } from "./dom.js";
import { onQueueChange, queue, sync } from "./sync.js";

let state = null; // {patient, day, stale}

const dayKey = (patient, date) => `day:${patient}:${date}`;
const todayKey = (patient) => `today:${patient}`;

function doseText(dose) {
  const parts = [];
  if (dose.sets && dose.reps) parts.push(plural("sets_reps", dose.sets, { reps: dose.reps }));
  else if (dose.sets) parts.push(plural("sets", dose.sets));
  else if (dose.reps) parts.push(t("reps", { reps: dose.reps }));
  if (dose.hold_seconds) parts.push(t("hold", { seconds: dose.hold_seconds }));
  if (dose.duration_seconds) {
    const seconds = dose.duration_seconds;
    parts.push(
      seconds >= 120 && seconds % 60 === 0
        ? t("duration_min", { minutes: seconds / 60 })
        : t("duration", { seconds }),
    );
  }
  if (["each", "left", "right"].includes(dose.side)) parts.push(t(`side_${dose.side}`));
  return parts.join(", ");
}

function pendingCount(pending, item, date) {
  return pending.filter((e) => e.log.item === item.id && e.log.date === date && e.log.completed)
    .length;
}

async function loadDay(patient, requested) {
  try {
    const answer = await api(requested ? `me/today?date=${requested}` : "me/today");
    if (answer.status === 401) return { unauthorized: true };
    if (answer.ok) {
      await kv.set(dayKey(patient, answer.data.date), answer.data);
      if (!requested) await kv.set(todayKey(patient), answer.data.date);
      return { day: answer.data, stale: false };
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  const date = requested || (await kv.get(todayKey(patient)));
  const day = date ? await kv.get(dayKey(patient, date)) : null;
  return { day, date, stale: true };
}

function fillCard(card, item, date, pending) {
  const name = item.exercise.name;
  const article = card.querySelector("article");
  const headingId = `item-${item.id}-name`;
  const heading = slot(card, "name");
  heading.textContent = name;
  heading.id = headingId;
  article.setAttribute("aria-labelledby", headingId);
  article.dataset.item = item.id;
  slot(card, "dose").textContent = doseText(item.dose);
  if (item.notes) {
    slot(card, "note-text").textContent = item.notes;
    show(slot(card, "note"));
  }
  if (item.change) showChange(card, item, article);
  const instructions = slot(card, "instructions");
  instructions.replaceChildren(...item.exercise.instructions.map((step) => element("li", step)));
  const cues = item.exercise.cues || [];
  slot(card, "cues").replaceChildren(...cues.map((cue) => element("li", cue)));
  show(slot(card, "cues-title"), cues.length > 0);
  slot(card, "media").replaceChildren(
    ...(item.exercise.media || []).map((url, index) => {
      const entry = document.createElement("li");
      entry.append(
        element("a", t("media_link", { n: index + 1 }), {
          href: url,
          target: "_blank",
          rel: "noopener noreferrer",
        }),
      );
      return entry;
    }),
  );
  const form = slot(card, "form");
  for (const label of form.querySelectorAll("label[data-for]")) {
    const input = form.elements[label.dataset.for];
    input.id = `item-${item.id}-${label.dataset.for}`;
    label.htmlFor = input.id;
    const hint = form.querySelector(`[data-hint="${label.dataset.for}"]`);
    if (hint) {
      hint.id = `${input.id}-hint`;
      input.setAttribute("aria-describedby", hint.id);
    }
  }
  form.id = `item-${item.id}-form`;
  const details = slot(card, "details");
  details.textContent = t("details_button", { name });
  details.setAttribute("aria-controls", form.id);
  slot(card, "done").textContent = t("done_button", { name });
  updateCard(card, item, date, pending);
}

// What the clinic changed on this line and why, from the cached day as well.
function showChange(card, item, article) {
  const note = slot(card, "change");
  note.id = `item-${item.id}-change`;
  slot(card, "change-label").textContent = t(`change_${item.change.kind}`);
  slot(card, "change-what").textContent = `${item.change.what}.`;
  slot(card, "change-why").textContent = t("change_why", { why: item.change.why });
  article.setAttribute("aria-describedby", note.id);
  show(note);
}

function updateCard(root, item, date, pending) {
  const count = Math.min(item.times_per_day, item.done_count + pendingCount(pending, item, date));
  const left = item.times_per_day - count;
  const done = left <= 0;
  const times = slot(root, "times");
  times.textContent =
    item.times_per_day > 1
      ? `${t("times_per_day", { count: item.times_per_day })}${done ? "" : ` · ${plural("times_left", left)}`}`
      : "";
  show(times, item.times_per_day > 1);
  const doneState = slot(root, "done-state");
  doneState.textContent = t("done");
  show(doneState, done);
  show(slot(root, "done"), !done);
  const article = root instanceof Element && root.matches("article") ? root : root.querySelector("article");
  article.classList.toggle("is-done", done);
  return done;
}

function newLog(item, date, extra = {}) {
  return {
    id: crypto.randomUUID(),
    item: item.id,
    date,
    completed: true,
    performed_at: new Date().toISOString(),
    ...extra,
  };
}

function numberOrNull(value) {
  if (value === null || value === "") return undefined;
  const number = Number(value);
  return Number.isInteger(number) ? number : undefined;
}

function wire(card, item, date) {
  const article = card.querySelector("article");
  const form = slot(card, "form");
  const details = slot(card, "details");
  slot(card, "done").addEventListener("click", async () => {
    await record(article, item, date, newLog(item, date));
  });
  details.addEventListener("click", () => {
    const open = form.hidden;
    form.hidden = !open;
    details.setAttribute("aria-expanded", String(open));
    if (open) form.querySelector("input").focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = new FormData(form);
    const extra = {};
    for (const name of ["sets_done", "reps_done", "pain", "difficulty"]) {
      const value = numberOrNull(values.get(name));
      if (value !== undefined) extra[name] = value;
    }
    const note = String(values.get("note") || "").trim();
    if (note) extra.note = note;
    form.reset();
    form.hidden = true;
    details.setAttribute("aria-expanded", "false");
    await record(article, item, date, newLog(item, date, extra));
  });
}

async function record(article, item, date, log) {
  await queue.add(log, { title: item.exercise.name });
  const { pending } = await queue.summary();
  if (updateCard(article, item, date, pending)) {
    slot(article, "done-state").setAttribute("tabindex", "-1");
    slot(article, "done-state").focus();
  }
  renderCompletion(pending);
  sync();
}

function allItems(day) {
  return day.programs.flatMap((program) => program.items);
}

function renderCompletion(pending) {
  const main = document.getElementById("main");
  const { day } = state;
  const items = allItems(day);
  const complete =
    items.length > 0 &&
    items.every((i) => i.done_count + pendingCount(pending, i, day.date) >= i.times_per_day);
  show(slot(main, "complete"), complete);
}

function render(day, stale, date, pending, today) {
  const screen = clone("screen-today");
  const shown = day ? day.date : date;
  if (today && shown && shown !== today) {
    const back = slot(screen, "today");
    back.href = "/app/today";
    show(back);
  }
  if (shown) {
    slot(screen, "date").textContent = longDate(shown);
    const prev = slot(screen, "prev");
    const next = slot(screen, "next");
    prev.href = `/app/today?date=${addDays(shown, -1)}`;
    next.href = `/app/today?date=${addDays(shown, 1)}`;
  }
  if (stale) {
    const notice = slot(screen, "stale");
    notice.textContent = day ? t("offline_copy") : t("no_copy");
    show(notice);
  }
  if (day) {
    const holder = slot(screen, "programs");
    for (const program of day.programs) {
      const section = clone("program");
      slot(section, "name").textContent = program.name;
      const list = slot(section, "items");
      for (const item of program.items) {
        const card = clone("card");
        fillCard(card, item, day.date, pending);
        wire(card, item, day.date);
        list.append(card);
      }
      holder.append(section);
    }
    show(slot(screen, "empty"), day.programs.length === 0);
  }
  mount(screen);
  if (day) renderCompletion(pending);
  enableSwipe();
}

function enableSwipe() {
  const main = document.getElementById("main");
  let start = null;
  main.onpointerdown = (event) => {
    if (event.pointerType === "touch") start = { x: event.clientX, y: event.clientY };
  };
  main.onpointerup = (event) => {
    if (!start) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    start = null;
    if (Math.abs(dx) > 80 && Math.abs(dx) > 2 * Math.abs(dy)) {
      const link = slot(main, dx < 0 ? "next" : "prev");
      if (link && link.href) location.assign(link.href);
    }
  };
}

// Open check-ins as links at the top of the day (kept answers are sent first).
async function showCheckinLinks(patient) {
  try {
    const { flushCheckins, openCheckins } = await import("./checkin.js");
    await flushCheckins(patient);
    const open = await openCheckins(patient);
    const list = slot(document.getElementById("main"), "checkins");
    if (!list || !open || open.length === 0) return;
    list.replaceChildren(
      ...open.map((checkin) => {
        const entry = document.createElement("li");
        entry.append(
          element("a", t("checkin_due", { title: checkin.title }), {
            href: `/app/checkin?id=${checkin.id}`,
          }),
        );
        return entry;
      }),
    );
    show(list);
  } catch {
    // A check-in link is a convenience: today's routine stands without it.
  }
}

export async function showToday(params, patient) {
  const requested = isDate(params.get("date")) ? params.get("date") : null;
  const loaded = await loadDay(patient, requested);
  if (loaded.unauthorized) return "unauthorized";
  state = { patient, day: loaded.day, stale: loaded.stale };
  const { pending } = await queue.summary();
  render(loaded.day, loaded.stale, loaded.date, pending, await kv.get(todayKey(patient)));
  await showCheckinLinks(patient);
  let waiting = pending.length;
  onQueueChange(async (summary) => {
    // Logs just accepted by the server are now in its counts: read them again.
    if (summary.pending.length < waiting && navigator.onLine) {
      const fresh = await loadDay(patient, state.day ? state.day.date : requested);
      if (fresh.day && !fresh.stale) {
        state.day = fresh.day;
        const latest = await queue.summary();
        for (const item of allItems(fresh.day)) {
          const article = document.querySelector(`article[data-item="${item.id}"]`);
          if (article) updateCard(article, item, fresh.day.date, latest.pending);
        }
        renderCompletion(latest.pending);
      }
    }
    waiting = summary.pending.length;
  });
  return "ok";
}
