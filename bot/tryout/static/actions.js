// Sending what the visitor does (commands, clicks, choices, messages, time) and showing the outcome.

import { S, api, toast } from "./state.js";
import { clockText } from "./markdown.js";
import { refresh, rerender } from "./layout.js";
import { openModal } from "./forms.js";

// Each interaction is sent on its own: while one answer is pending ("Alongside is thinking…"),
// the visitor can type another command, press other buttons or change channel. Only the same
// control can't be pressed twice at once.
export async function act(control, path, body, messageId) {
  const key = control ? control.dataset.focus || `${path}:${messageId}` : null;
  if (key && S.pending.has(key)) return;
  if (key) S.pending.add(key);
  if (control) { control.classList.add("busy"); control.setAttribute("aria-busy", "true"); }
  try {
    const outcome = await api(path, { person: S.person.id, channel: S.channel, ...body });
    await handleOutcome(outcome, messageId);
  } catch (error) {
    toast(error.message, true);
  } finally {
    if (key) S.pending.delete(key);
    if (control) { control.classList.remove("busy"); control.removeAttribute("aria-busy"); }
    S.lastMessages = "";
    await refresh().catch(() => {});
  }
}

export async function handleOutcome(outcome, messageId) {
  if (outcome.error) toast(outcome.error, true);
  if (outcome.failed) {
    if (messageId) {
      S.failed[messageId] = true;
      rerender();
      setTimeout(() => { delete S.failed[messageId]; rerender(); }, 6000);
    } else {
      toast("This interaction failed", true);
    }
  }
  if (outcome.modal) openModal(outcome.modal);
}

export async function advance(minutes) {
  if (S.pending.has("advance")) return;
  S.pending.add("advance");
  const buttons = document.querySelectorAll("[data-advance]");
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const result = await api("/api/advance", { minutes });
    toast(`Time moved on to ${clockText(new Date(result.now))}.`);
  } catch (error) {
    toast(error.message, true);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    S.pending.delete("advance");
    S.lastMessages = "";
    await refresh().catch(() => {});
  }
}
