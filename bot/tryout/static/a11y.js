// Forms and dialogs for the page of `python -m bot try`: checks a form in the page before it is
// sent (as Discord's client does) and makes pop-ups real dialogs (focus held, returned, Escape).
// An ES module (no build step), imported by the others.

const TEXT_INPUT = 4;
const SELECTS = [3, 5, 6, 7, 8];
const RADIO_GROUP = 21;
const CHECKBOX_GROUP = 22;
const FILE_UPLOAD = 19;
const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The problem with one control's value, in plain words, or "" when it is fine. */
export function problem(node, control) {
  const kind = Number(node.dataset.kind);
  const required = control.required !== undefined ? control.required : [TEXT_INPUT, 3].includes(kind);
  if (kind === TEXT_INPUT) {
    const length = node.value.length;
    if (!node.value.trim()) return required ? "This needs an answer." : "";
    if (control.min_length && length < control.min_length) return `This needs at least ${plural(control.min_length, "character")} (now ${length}).`;
    if (control.max_length && length > control.max_length) return `This can be at most ${plural(control.max_length, "character")} (now ${length}).`;
    return "";
  }
  if (SELECTS.includes(kind)) {
    const chosen = [...node.selectedOptions].filter((o) => o.value !== "").length;
    const least = control.min_values !== undefined ? control.min_values : required ? 1 : 0;
    const most = control.max_values || 1;
    if (chosen === 0 && (required || least > 0)) return "Choose an option.";
    if (chosen > 0 && chosen < least) return `Choose at least ${least}.`;
    if (chosen > most) return `Choose at most ${most}.`;
    return "";
  }
  if (kind === RADIO_GROUP) return required && !node.querySelector("input:checked") ? "Choose an option." : "";
  if (kind === CHECKBOX_GROUP) {
    const chosen = node.querySelectorAll("input:checked").length;
    const least = control.min_values !== undefined ? control.min_values : 0;
    if (chosen < least) return `Choose at least ${least}.`;
    if (control.max_values && chosen > control.max_values) return `Choose at most ${control.max_values}.`;
    return "";
  }
  if (kind === FILE_UPLOAD) return required && node.files.length === 0 ? "Attach a file." : "";
  return "";
}

/** Mark one field as wrong (or right), with the words next to it, read out with the field. */
function mark(node, message) {
  const errorId = `${node.id}-error`;
  let note = document.getElementById(errorId);
  if (!message) {
    node.removeAttribute("aria-invalid");
    if (note) note.remove();
    const described = (node.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== errorId);
    if (described.length) node.setAttribute("aria-describedby", described.join(" "));
    else node.removeAttribute("aria-describedby");
    return;
  }
  if (!note) {
    note = document.createElement("div");
    note.id = errorId;
    note.className = "field-error";
    node.insertAdjacentElement("afterend", note);
  }
  note.textContent = message;
  node.setAttribute("aria-invalid", "true");
  const described = new Set((node.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  described.add(errorId);
  node.setAttribute("aria-describedby", [...described].join(" "));
}

/** Check every field of the open form; say each problem beside its field; focus the first. */
export function validate(root, controls) {
  let first = null;
  for (const node of root.querySelectorAll("[data-custom-id]")) {
    const control = controls.get(node.dataset.customId);
    if (!control) continue;
    const message = problem(node, control);
    mark(node, message);
    if (message && !first) first = node;
    if (!node.dataset.watched) {
      node.dataset.watched = "1";
      const recheck = () => { if (node.getAttribute("aria-invalid")) mark(node, problem(node, control)); };
      node.addEventListener("input", recheck);
      node.addEventListener("change", recheck);
    }
  }
  if (first) (first.matches(FOCUSABLE) ? first : first.querySelector(FOCUSABLE) || first).focus();
  return first === null;
}

const open = [];

/** Show an overlay as a modal dialog: focus inside, Tab held in, Escape closes, focus returns. */
export function openDialog(overlay, onEscape) {
  const dialog = overlay.querySelector("[role=dialog]") || overlay;
  const entry = { overlay, dialog, onEscape, opener: document.activeElement };
  closeDialog(overlay, false);
  open.push(entry);
  overlay.hidden = false;
  for (const other of document.querySelectorAll("body > :not(script)")) {
    if (other !== overlay && !other.hidden && other.id !== "toast") other.inert = true;
  }
  return entry;
}

/** Hide a dialog and give focus back to whatever opened it (when still on the page). */
export function closeDialog(overlay, restore = true) {
  const index = open.findIndex((entry) => entry.overlay === overlay);
  overlay.hidden = true;
  if (index < 0) return;
  const [entry] = open.splice(index, 1);
  if (!open.length) for (const other of document.querySelectorAll("[inert]")) other.inert = false;
  if (restore && entry.opener && entry.opener.isConnected && entry.opener !== document.body) entry.opener.focus();
}

document.addEventListener("keydown", (event) => {
  const top = open[open.length - 1];
  if (!top) return;
  if (event.key === "Escape" && top.onEscape) { event.preventDefault(); event.stopPropagation(); top.onEscape(); return; }
  if (event.key !== "Tab") return;
  const items = [...top.dialog.querySelectorAll(FOCUSABLE)].filter((node) => node.offsetParent !== null);
  if (!items.length) { event.preventDefault(); return; }
  const first = items[0];
  const last = items[items.length - 1];
  if (!top.dialog.contains(document.activeElement)) { event.preventDefault(); first.focus(); }
  else if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
  else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
}, true);
