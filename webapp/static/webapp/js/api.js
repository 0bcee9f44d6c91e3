// The public API, same origin, with this device's token.
import { kv } from "./db.js";

export class NetworkError extends Error {}

let token;

export async function currentToken() {
  if (token === undefined) token = (await kv.get("token")) || null;
  return token;
}

export async function setToken(value) {
  token = value;
  if (value) await kv.set("token", value);
  else await kv.delete("token");
}

// Answers {status, ok, data}; throws NetworkError when no answer came back.
export async function api(path, { method = "GET", body, auth = true } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth) {
    const value = await currentToken();
    if (value) headers.Authorization = `Token ${value}`;
  }
  let response;
  try {
    response = await fetch(`/api/v1/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  return { status: response.status, ok: response.ok, data };
}
