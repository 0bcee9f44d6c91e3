// The router: every /app/ path loads this shell; the path picks the screen.
import { currentToken, setToken } from "./api.js";
import { showActivate, showForgot, showLogin, showReset } from "./auth.js";
import { kv } from "./db.js";
import { showProgress } from "./progress.js";
import { showSettings } from "./settings.js";
import { startSync } from "./sync.js";
import { showToday } from "./today.js";

const PUBLIC = { login: showLogin, activate: showActivate, forgot: showForgot, reset: showReset };

function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker
    .register(document.body.dataset.sw, { scope: "/app/", type: "classic" })
    .catch(() => null);
}

function markNav(screen) {
  const nav = document.getElementById("nav");
  nav.hidden = false;
  for (const link of nav.querySelectorAll("a")) {
    if (link.dataset.nav === screen) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function route() {
  const screen = location.pathname.replace(/^\/app\/?/, "").replace(/\/$/, "") || "today";
  const params = new URLSearchParams(location.search);
  const token = await currentToken();
  if (PUBLIC[screen]) {
    PUBLIC[screen](params);
    return;
  }
  if (!token) {
    location.replace("/app/login");
    return;
  }
  const me = await kv.get("me");
  const patient = me ? me.id : "me";
  markNav(screen);
  startSync();
  const show = { progress: showProgress, settings: showSettings };
  const result = show[screen] ? await show[screen](patient) : await showToday(params, patient);
  if (result === "unauthorized") {
    await setToken(null);
    location.replace("/app/login");
    return;
  }
  document.body.dataset.ready = screen;
}

registerWorker();
route();
