// The boxes the sign-in card shows (local and Firebase alike): a form with fields, a submit button, an error line and
// links to the other forms; or a message with a way back.
import { el } from "./api.js";

export const field = (id, label, attrs) => [el("label", { for: id, text: label }), el("input", { id, required: true, ...attrs })];
export const link = (text, onclick) => el("button", { type: "button", class: "link", text, onclick });
export const emailField = () => field("signin-email", "Email", { type: "email", name: "email", autocomplete: "username" });

// `describe` turns a thrown error into the line shown under the form (Firebase errors need their codes mapped).
export function showForm(box, { title, fields, submit, onSubmit, links = [], note, extra, describe }) {
  const error = el("p", { class: "error", id: "signin-error", role: "alert" });
  const form = el("form", { id: "signin-form" },
    el("h2", { id: "signin-title", text: title }), note || null,
    ...fields.flat(),
    el("p", {}, el("button", { type: "submit", id: "signin-submit", text: submit })),
    error, extra || null,
    links.length ? el("p", { class: "muted" }, ...links.flatMap((l, i) => (i ? [" · ", l] : [l]))) : null);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try { await onSubmit(form); }
    catch (err) { error.textContent = describe ? describe(err) : (err.message || "That did not work; try again."); }
  });
  box.replaceChildren(form);
  box.hidden = false;
  form.querySelector("input")?.focus();
  return { form, error };
}

export function message(box, title, text, back) {
  box.replaceChildren(el("h2", { id: "signin-title", text: title }), el("p", { id: "signin-message", role: "status", text }),
    el("p", {}, link("Back to sign in", back)));
  box.hidden = false;
}
