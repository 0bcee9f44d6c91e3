// Sign in, join with an invite code, forgotten password, new password.
import { NetworkError, api, setToken } from "./api.js";
import { kv } from "./db.js";
import { clearErrors, clone, mount, showErrors, slot, t } from "./dom.js";

const DEVICE_NAME = "Web app";

async function signedIn(token) {
  await setToken(token);
  const me = await api("me");
  if (me.ok) await kv.set("me", me.data);
  location.assign("/app/today");
}

function problemOf(error, answer) {
  if (error instanceof NetworkError) return { detail: t("network_error") };
  if (answer && answer.status >= 500) return { detail: t("server_error") };
  return answer ? answer.data : null;
}

function handle(form, fields, submit) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    let answer = null;
    try {
      answer = await submit(new FormData(form));
      if (answer && !answer.ok) showErrors(form, problemOf(null, answer), fields, t("server_error"));
    } catch (error) {
      showErrors(form, problemOf(error, null), fields, t("network_error"));
    } finally {
      button.disabled = false;
    }
  });
}

export function showLogin() {
  const main = mount(clone("screen-login"));
  const form = main.querySelector("form");
  handle(form, { email: "login-email", password: "login-password" }, async (data) => {
    const answer = await api("auth/login", {
      method: "POST",
      auth: false,
      body: { email: data.get("email"), password: data.get("password"), device_name: DEVICE_NAME },
    });
    if (!answer.ok) return answer;
    if (answer.data.role !== "patient") {
      await setToken(answer.data.token);
      await api("auth/logout", { method: "POST" }).catch(() => null);
      await setToken(null);
      return { ok: false, status: 403, data: { detail: t("not_patient") } };
    }
    await signedIn(answer.data.token);
    return answer;
  });
}

export function showActivate(params) {
  const main = mount(clone("screen-activate"));
  const form = main.querySelector("form");
  const code = params.get("code");
  if (code) {
    form.elements.code.value = code;
    form.elements.password.focus();
  }
  handle(form, { code: "activate-code", password: "activate-password" }, async (data) => {
    const answer = await api("auth/activate", {
      method: "POST",
      auth: false,
      body: { code: data.get("code").trim(), password: data.get("password") },
    });
    if (answer.ok) await signedIn(answer.data.token);
    return answer;
  });
}

export function showForgot() {
  const main = mount(clone("screen-forgot"));
  const form = main.querySelector("form");
  const sent = slot(main, "sent");
  handle(form, { email: "forgot-email" }, async (data) => {
    const answer = await api("auth/password-reset", {
      method: "POST",
      auth: false,
      body: { email: data.get("email") },
    });
    if (answer.ok) {
      sent.textContent = t("reset_sent");
      sent.hidden = false;
      form.hidden = true;
    }
    return answer;
  });
}

export function showReset(params) {
  const main = mount(clone("screen-reset"));
  const form = main.querySelector("form");
  handle(form, { password: "reset-password" }, async (data) => {
    const answer = await api("auth/password-reset/confirm", {
      method: "POST",
      auth: false,
      body: {
        uid: params.get("uid") || "",
        token: params.get("token") || "",
        password: data.get("password"),
      },
    });
    if (answer.ok) await signedIn(answer.data.token);
    return answer;
  });
}
