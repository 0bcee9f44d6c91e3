// Web Push on this device: subscribe with the server's VAPID key, register the
// subscription as a `webpush` device, and undo both.
import { api } from "./api.js";
import { kv } from "./db.js";

const DEVICE_KEY = "push-device";

function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

export async function pushStatus() {
  if (!pushSupported()) return { available: false };
  const config = await api("me/push-config");
  const webpush = config.ok && config.data.webpush;
  if (!webpush) return { available: false };
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  const device = await kv.get(DEVICE_KEY);
  return {
    available: true,
    key: webpush.vapid_public_key,
    on: Boolean(subscription && device),
    permission: Notification.permission,
  };
}

export async function pushTurnOn(key) {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return { ok: false, denied: true };
  const registration = await navigator.serviceWorker.ready;
  const subscription =
    (await registration.pushManager.getSubscription()) ||
    (await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(key),
    }));
  const { endpoint, keys } = subscription.toJSON();
  const answer = await api("me/devices", {
    method: "POST",
    body: { platform: "webpush", token: endpoint, keys, name: "Web app" },
  });
  if (!answer.ok) return { ok: false, reason: (answer.data && answer.data.detail) || "" };
  await kv.set(DEVICE_KEY, answer.data.id);
  return { ok: true };
}

export async function pushTurnOff() {
  const device = await kv.get(DEVICE_KEY);
  if (device) await api(`me/devices/${device}`, { method: "DELETE" });
  await kv.delete(DEVICE_KEY);
  if (pushSupported()) {
    const registration = await navigator.serviceWorker.getRegistration("/app/");
    const subscription = registration && (await registration.pushManager.getSubscription());
    if (subscription) await subscription.unsubscribe();
  }
}
