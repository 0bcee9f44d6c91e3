// Copies of the shell's <template>s, filled with data: no markup is built here.
const strings = new Map();

export function t(key, values = {}) {
  if (strings.size === 0) {
    const holder = document.getElementById("strings");
    for (const node of holder.content.querySelectorAll("[data-key]")) {
      strings.set(node.dataset.key, node.textContent);
    }
  }
  const text = strings.get(key) ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : ""));
}

export function plural(key, count, values = {}) {
  return t(count === 1 ? `${key}_one` : `${key}_many`, { count, ...values });
}

export function clone(id) {
  return document.getElementById(id).content.cloneNode(true);
}

export function slot(root, name) {
  return root.querySelector(`[data-slot="${name}"]`);
}

export function show(node, visible = true) {
  node.hidden = !visible;
}

export function mount(fragment) {
  const main = document.getElementById("main");
  main.replaceChildren(fragment);
  return main;
}

export function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

// Field errors from a problem+json body shown beside their fields, and a summary
// linking to each (GOV.UK's pattern). `fields` maps an error path ("reminders.local_time")
// to the id of its input.
export function showErrors(form, problem, fields, fallback) {
  clearErrors(form);
  const items = [];
  const walk = (value, path) => {
    if (Array.isArray(value)) {
      items.push({ path, message: value.join(" ") });
    } else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else if (value) {
      items.push({ path, message: String(value) });
    }
  };
  walk((problem && problem.errors) || {}, "");
  if (items.length === 0) items.push({ path: "", message: (problem && problem.detail) || fallback });
  const summary = clone("error-summary");
  slot(summary, "title").textContent = t("error_summary");
  const list = slot(summary, "list");
  for (const { path, message } of items) {
    const inputId = fields[path] || fields[path.split(".").slice(0, -1).join(".")];
    const input = inputId && document.getElementById(inputId);
    const entry = document.createElement("li");
    if (input) {
      const link = element("a", message, { href: `#${inputId}` });
      entry.append(link);
      const note = element("p", message, { class: "field-error", id: `${inputId}-error` });
      input.closest(".field, .check")?.classList.add("has-error");
      input.before(note);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute(
        "aria-describedby",
        [input.getAttribute("aria-describedby"), note.id].filter(Boolean).join(" "),
      );
    } else {
      entry.textContent = message;
    }
    list.append(entry);
  }
  form.prepend(summary);
  form.querySelector(".error-summary").focus();
}

export function clearErrors(form) {
  form.querySelectorAll(".error-summary, .field-error").forEach((node) => node.remove());
  form.querySelectorAll(".has-error").forEach((node) => node.classList.remove("has-error"));
  form.querySelectorAll("[aria-invalid]").forEach((input) => {
    input.removeAttribute("aria-invalid");
    const ids = (input.getAttribute("aria-describedby") || "")
      .split(" ")
      .filter((id) => id && !id.endsWith("-error"));
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  });
}
