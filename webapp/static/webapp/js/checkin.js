// A check-in (pain, activities, or the rating of change): one questionnaire per
// screen, answered once. Offline, the answers wait on this device and are sent by
// flushCheckins the next time the app reaches the server.
import { NetworkError, api } from "./api.js";
import { kv } from "./db.js";
import { clearErrors, clone, mount, show, showErrors, slot, t } from "./dom.js";

const listKey = (patient) => `checkins:${patient}`;
const outboxKey = (patient) => `checkin-outbox:${patient}`;

// The open check-ins (cached per patient for offline use); null when unknown.
export async function openCheckins(patient) {
  try {
    const answer = await api("me/checkins");
    if (answer.ok) {
      await kv.set(listKey(patient), answer.data.open);
      return answer.data.open;
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  return (await kv.get(listKey(patient))) || null;
}

async function outbox(patient) {
  return (await kv.get(outboxKey(patient))) || [];
}

// Send answers kept offline. Any answer from the server settles one (a 4xx cannot
// succeed by sending it again); a network error keeps the rest for later.
export async function flushCheckins(patient) {
  const waiting = await outbox(patient);
  const left = [];
  for (const entry of waiting) {
    try {
      const answer = await api(`me/checkins/${entry.id}`, { method: "POST", body: entry.body });
      if (answer.status >= 500) left.push(entry);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      left.push(entry);
    }
  }
  if (left.length !== waiting.length) await kv.set(outboxKey(patient), left);
  return waiting.length - left.length;
}

function integer(values, name) {
  const raw = values.get(name);
  if (raw === null || raw === "") return null;
  const number = Number(raw);
  return Number.isInteger(number) ? number : raw;
}

function body(checkin, form) {
  const values = new FormData(form);
  if (checkin.measure === "nprs") {
    return Object.fromEntries(["current", "best", "worst"].map((k) => [k, integer(values, k)]));
  }
  if (checkin.measure === "groc") return { rating: integer(values, "rating") };
  const scores = [0, 1, 2].map((i) => integer(values, `score-${i}`));
  if (checkin.activities) return { scores };
  return {
    activities: [0, 1, 2].map((i) => ({
      name: String(values.get(`name-${i}`) || "").trim(),
      score: scores[i],
    })),
  };
}

// Where each error path of the API points in the form.
const FIELDS = {
  current: "checkin-current",
  best: "checkin-best",
  worst: "checkin-worst",
  rating: "checkin-rating-0",
  activities: "checkin-name-0",
  scores: "checkin-score-0",
};
for (const i of [0, 1, 2]) {
  FIELDS[`activities.${i}.name`] = `checkin-name-${i}`;
  FIELDS[`activities.${i}.score`] = `checkin-score-${i}`;
  FIELDS[`scores.${i}`] = `checkin-score-${i}`;
}

function questions(checkin) {
  if (checkin.measure !== "psfs") return clone(`checkin-${checkin.measure}`);
  if (!checkin.activities) return clone("checkin-psfs-first");
  const part = clone("checkin-psfs-rerate");
  checkin.activities.forEach((name, i) => {
    slot(part, `activity-${i}`).textContent = t("activity_score", { name });
  });
  return part;
}

function finish(screen, message) {
  const form = slot(screen, "form");
  form.hidden = true;
  const result = slot(screen, "result");
  result.textContent = message;
  show(result);
  result.setAttribute("tabindex", "-1");
  result.focus();
}

export async function showCheckin(patient, params) {
  await flushCheckins(patient);
  const open = await openCheckins(patient);
  // Without an id (a link from a reminder that predates the check-in list): the oldest open one.
  const id = params.get("id") ? Number(params.get("id")) : (open || [])[0]?.id;
  const checkin = (open || []).find((c) => c.id === id);
  const kept = (await outbox(patient)).some((entry) => entry.id === id);
  const screen = clone("screen-checkin");
  mount(screen);
  const main = document.getElementById("main");
  if (!checkin || kept) {
    const none = !params.get("id") && !kept;
    slot(main, "title").textContent = t(kept ? "checkin_kept" : none ? "checkin_none" : "checkin_closed");
    return "ok";
  }
  slot(main, "title").textContent = checkin.title;
  const form = slot(main, "form");
  slot(main, "questions").replaceChildren(questions(checkin));
  show(form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const answers = body(checkin, form);
    try {
      const answer = await api(`me/checkins/${checkin.id}`, { method: "POST", body: answers });
      if (answer.status === 401) return;
      if (answer.ok) {
        await kv.set(listKey(patient), (open || []).filter((c) => c.id !== checkin.id));
        finish(main, t("checkin_saved"));
      } else if (answer.status >= 500) {
        showErrors(form, null, FIELDS, t("server_error"));
      } else {
        showErrors(form, answer.data, FIELDS, t("checkin_closed"));
      }
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      await kv.set(outboxKey(patient), [...(await outbox(patient)), { id: checkin.id, body: answers }]);
      finish(main, t("checkin_kept"));
    }
  });
  return "ok";
}
