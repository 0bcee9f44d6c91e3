// Reminder time, channels, quiet hours, time zone, push on this device, sign out.
import { NetworkError, api, setToken } from "./api.js";
import { kv, queueStore } from "./db.js";
import { clearErrors, clone, mount, plural, show, showErrors, slot, t } from "./dom.js";
import { pushStatus, pushTurnOff, pushTurnOn } from "./push.js";
import { queue, sync } from "./sync.js";

const FIELDS = {
  timezone: "set-zone",
  reminders: "set-enabled",
  "reminders.enabled": "set-enabled",
  "reminders.local_time": "set-time",
  "reminders.channels": "set-email",
  "reminders.quiet_hours": "set-quiet-start",
  "reminders.quiet_hours.start": "set-quiet-start",
  "reminders.quiet_hours.end": "set-quiet-end",
};

function zones(current) {
  const names = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const all = new Set([...names, current, "UTC"].filter(Boolean));
  return [...all].sort();
}

function fill(form, me) {
  const { reminders } = me;
  form.elements.enabled.checked = reminders.enabled;
  form.elements.local_time.value = reminders.local_time;
  form.elements.channel_email.checked = reminders.channels.includes("email");
  form.elements.channel_push.checked = reminders.channels.includes("push");
  form.elements.quiet_start.value = reminders.quiet_hours ? reminders.quiet_hours.start : "";
  form.elements.quiet_end.value = reminders.quiet_hours ? reminders.quiet_hours.end : "";
  const select = form.elements.timezone;
  select.replaceChildren(...zones(me.timezone).map((zone) => new Option(zone, zone)));
  select.value = me.timezone;
}

function body(form) {
  const e = form.elements;
  const channels = [];
  if (e.channel_push.checked) channels.push("push");
  if (e.channel_email.checked) channels.push("email");
  const start = e.quiet_start.value;
  const end = e.quiet_end.value;
  const reminders = { enabled: e.enabled.checked, channels };
  if (e.local_time.value) reminders.local_time = e.local_time.value;
  else reminders.local_time = "";
  reminders.quiet_hours = start || end ? { start, end } : null;
  return { timezone: e.timezone.value, reminders };
}

export async function signOut(patient) {
  await pushTurnOff().catch(() => null);
  await api("auth/logout", { method: "POST" }).catch(() => null);
  await setToken(null);
  await queueStore.clear();
  await kv.deletePrefix(`day:${patient}:`);
  await kv.delete(`today:${patient}`);
  await kv.delete(`progress:${patient}`);
  await kv.delete(`checkins:${patient}`);
  await kv.delete(`checkin-outbox:${patient}`);
  await kv.delete("me");
  location.replace("/app/login");
}

async function wirePush(screen) {
  const state = slot(screen, "push-state");
  const button = slot(screen, "push-toggle");
  let status = { available: false };
  try {
    status = await pushStatus();
  } catch {
    status = { available: false };
  }
  const draw = () => {
    if (!status.available) {
      state.textContent = t("push_unavailable");
      button.textContent = t("push_on_button");
      button.disabled = true;
      return;
    }
    button.disabled = false;
    state.textContent = status.on ? t("push_on") : status.permission === "denied" ? t("push_denied") : "";
    button.textContent = status.on ? t("push_off_button") : t("push_on_button");
  };
  draw();
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      if (status.on) {
        await pushTurnOff();
        status.on = false;
      } else {
        const result = await pushTurnOn(status.key);
        if (result.ok) {
          status.on = true;
          const form = document.querySelector("form[data-form=settings]");
          if (!form.elements.channel_push.checked) {
            form.elements.channel_push.checked = true;
            form.requestSubmit();
          }
        } else if (result.denied) {
          status.permission = "denied";
        } else {
          state.textContent = t("push_failed", { reason: result.reason });
          button.disabled = false;
          return;
        }
      }
    } catch (error) {
      state.textContent = t("push_failed", { reason: error.message || String(error) });
      button.disabled = false;
      return;
    }
    draw();
  });
}

async function wireEmail(screen) {
  const notice = slot(screen, "unsubscribed");
  const done = slot(screen, "resubscribed");
  let answer;
  try {
    answer = await api("me/email-subscription");
  } catch {
    return;
  }
  if (!answer.ok || answer.data.subscribed) return;
  show(notice);
  slot(screen, "resubscribe").addEventListener("click", async () => {
    const result = await api("me/email-subscription", {
      method: "PUT",
      body: { subscribed: true },
    }).catch(() => null);
    if (result && result.ok) {
      show(notice, false);
      done.textContent = t("resubscribed");
    } else {
      done.textContent = t("network_error");
    }
  });
}

function wireSignOut(screen, patient) {
  const warning = slot(screen, "signout-warning");
  const anyway = slot(screen, "signout-anyway");
  slot(screen, "signout").addEventListener("click", async () => {
    await sync().catch(() => null);
    const { pending } = await queue.summary();
    if (pending.length === 0) return signOut(patient);
    warning.textContent = plural("signout_warning", pending.length);
    show(warning);
    show(anyway);
    anyway.focus();
  });
  anyway.addEventListener("click", () => signOut(patient));
}

export async function showSettings(patient) {
  let me = null;
  let stale = false;
  try {
    const answer = await api("me");
    if (answer.status === 401) return "unauthorized";
    if (answer.ok) {
      me = answer.data;
      await kv.set("me", me);
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  if (!me) {
    me = await kv.get("me");
    stale = true;
  }
  const screen = clone("screen-settings");
  const main = mount(screen);
  const form = main.querySelector("form[data-form=settings]");
  if (stale) {
    const notice = slot(main, "stale");
    notice.textContent = me ? t("offline_copy") : t("no_copy");
    show(notice);
  }
  if (me) fill(form, me);
  const device = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const hint = slot(main, "zone-hint");
  const useDevice = slot(main, "use-device-zone");
  if (device) {
    hint.textContent = t("tz_detected", { zone: device });
    show(useDevice, !me || me.timezone !== device);
    useDevice.addEventListener("click", () => {
      if (![...form.elements.timezone.options].some((o) => o.value === device)) {
        form.elements.timezone.append(new Option(device, device));
      }
      form.elements.timezone.value = device;
      form.elements.timezone.focus();
    });
  }
  const saved = slot(main, "saved");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    saved.textContent = "";
    try {
      const answer = await api("me", { method: "PATCH", body: body(form) });
      if (answer.ok) {
        await kv.set("me", answer.data);
        fill(form, answer.data);
        saved.textContent = t("settings_saved");
        show(useDevice, answer.data.timezone !== device);
      } else {
        const problem = answer.status >= 500 ? { detail: t("server_error") } : answer.data;
        showErrors(form, problem, FIELDS, t("server_error"));
      }
    } catch (error) {
      showErrors(form, { detail: t("network_error") }, FIELDS, t("network_error"));
    }
  });
  await Promise.all([wirePush(main), wireEmail(main)]);
  wireSignOut(main, patient);
  return "ok";
}
