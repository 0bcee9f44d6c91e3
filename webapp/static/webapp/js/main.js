// The router: every /app/ path loads this shell; the path picks the screen.
// Today's screen is imported up front (the shell preloads its modules); the others
// load when opened.
import { currentToken, setToken } from "./api.js";
import { kv } from "./db.js";
import { startSync } from "./sync.js";
import { showToday } from "./today.js";

const PUBLIC = {
  login: async (params) => (await import("./auth.js")).showLogin(params),
  activate: async (params) => (await import("./auth.js")).showActivate(params),
  forgot: async (params) => (await import("./auth.js")).showForgot(params),
  reset: async (params) => (await import("./auth.js")).showReset(params),
};
const SCREENS = {
  progress: async (patient) => (await import("./progress.js")).showProgress(patient),
  settings: async (patient) => (await import("./settings.js")).showSettings(patient),
  checkin: async (patient, params) => (await import("./checkin.js")).showCheckin(patient, params),
};

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
    await PUBLIC[screen](params);
    document.body.dataset.ready = screen;
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
  const result = SCREENS[screen] ? await SCREENS[screen](patient, params) : await showToday(params, patient);
  if (result === "unauthorized") {
    await setToken(null);
    location.replace("/app/login");
    return;
  }
  document.body.dataset.ready = screen;
}

registerWorker();
route();
