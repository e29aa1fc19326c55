// Forms (Discord's modals): drawn as dialogs, checked in the page, sent, closed.

import { COMPONENT, S, $, el, api } from "./state.js";
import { markdown } from "./markdown.js";
import { refresh } from "./layout.js";
import { selectChoices } from "./messages.js";
import { handleOutcome } from "./actions.js";
import { readBase64 } from "./commands.js";
import * as A11Y from "./a11y.js";

export function modalControls(components) {
  const fields = [];
  for (const component of components || []) {
    if (component.type === COMPONENT.ROW) {
      for (const child of component.components || []) fields.push({ label: child.label, description: null, control: child });
    } else if (component.type === COMPONENT.LABEL) {
      fields.push({ label: component.label, description: component.description, control: component.component });
    } else if (component.type === COMPONENT.TEXT_DISPLAY) {
      fields.push({ text: component.content });
    } else if (component.custom_id) {
      fields.push({ label: component.label, control: component });
    }
  }
  return fields;
}

export function openModal(spec) {
  S.modal = spec;
  $("#modal-title").textContent = spec.title || "";
  $("#modal-error").hidden = true;
  const body = $("#modal-body");
  body.replaceChildren();
  for (const field of modalControls(spec.components)) {
    if (field.text !== undefined) { body.append(el("div", { className: "field content", html: markdown(field.text) })); continue; }
    body.append(renderModalField(field));
  }
  $("#modal-submit").disabled = false;
  if ($("#modal-backdrop").hidden) A11Y.openDialog($("#modal-backdrop"), () => closeModal());
  const first = body.querySelector("input, textarea, select");
  if (first) first.focus();
}

export function renderModalField({ label, description, control }) {
  const id = `m-${control.custom_id}`;
  const required = control.required !== undefined ? control.required : [COMPONENT.TEXT_INPUT, COMPONENT.STRING_SELECT].includes(control.type);
  const wrap = el("div", { className: "field" });
  wrap.append(el("label", { for: id, id: `${id}-label` }, label || control.custom_id, required && control.type !== COMPONENT.CHECKBOX ? el("span", { className: "req", text: "*" }) : null));
  if (description) wrap.append(el("div", { className: "desc", id: `${id}-desc`, text: description }));
  const describedBy = description ? `${id}-desc` : undefined;
  const data = { customId: control.custom_id, kind: String(control.type) };
  if (control.type === COMPONENT.TEXT_INPUT) {
    const props = { id, dataset: data, placeholder: control.placeholder || "", maxlength: control.max_length || undefined, "aria-describedby": describedBy, "aria-required": required ? "true" : undefined };
    const input = control.style === 2 ? el("textarea", props) : el("input", { type: "text", ...props });
    input.value = control.value || "";
    wrap.append(input);
    if (control.max_length) {
      const count = el("div", { className: "count" });
      const update = () => { count.textContent = `${input.value.length} / ${control.max_length}`; };
      input.addEventListener("input", update);
      update();
      wrap.append(count);
    }
  } else if ([COMPONENT.STRING_SELECT, COMPONENT.USER_SELECT, COMPONENT.ROLE_SELECT, COMPONENT.MENTIONABLE_SELECT, COMPONENT.CHANNEL_SELECT].includes(control.type)) {
    const multi = (control.max_values || 1) > 1;
    const select = el("select", { id, dataset: data, multiple: multi, "aria-describedby": describedBy, "aria-required": required ? "true" : undefined });
    if (!multi) select.append(el("option", { value: "", text: control.placeholder || "Choose…" }));
    for (const choice of selectChoices(control)) {
      const node = el("option", { value: choice.value, text: choice.label });
      node.selected = choice.chosen;
      select.append(node);
    }
    wrap.append(select);
  } else if (control.type === COMPONENT.CHECKBOX) {
    const box = el("input", { type: "checkbox", id, dataset: data });
    box.checked = Boolean(control.default);
    wrap.replaceChildren(el("div", { className: "check" }, box, el("label", { for: id, text: label || control.custom_id })));
    if (description) wrap.append(el("div", { className: "desc", text: description }));
  } else if (control.type === COMPONENT.RADIO_GROUP || control.type === COMPONENT.CHECKBOX_GROUP) {
    const type = control.type === COMPONENT.RADIO_GROUP ? "radio" : "checkbox";
    const group = el("div", { dataset: data, id, role: type === "radio" ? "radiogroup" : "group", "aria-labelledby": `${id}-label`, "aria-describedby": describedBy });
    for (const choice of control.options || []) {
      const input = el("input", { type, name: id, value: choice.value });
      input.checked = Boolean(choice.default);
      group.append(el("label", { className: "check" }, input, choice.label));
    }
    wrap.append(group);
  } else if (control.type === COMPONENT.FILE_UPLOAD) {
    wrap.append(el("input", { type: "file", id, dataset: data, multiple: (control.max_values || 1) > 1 }));
  }
  return wrap;
}

export async function modalValues() {
  const values = {};
  for (const node of document.querySelectorAll("#modal-body [data-custom-id]")) {
    const kind = Number(node.dataset.kind);
    const key = node.dataset.customId;
    if (kind === COMPONENT.TEXT_INPUT) values[key] = node.value;
    else if (kind === COMPONENT.CHECKBOX) values[key] = node.checked;
    else if (kind === COMPONENT.RADIO_GROUP) { const on = node.querySelector("input:checked"); if (on) values[key] = on.value; }
    else if (kind === COMPONENT.CHECKBOX_GROUP) values[key] = [...node.querySelectorAll("input:checked")].map((i) => i.value);
    else if (kind === COMPONENT.FILE_UPLOAD) {
      const files = [];
      for (const file of node.files) files.push({ name: file.name, data: await readBase64(file) });
      if (files.length) values[key] = files;
    } else values[key] = [...node.selectedOptions].map((o) => o.value).filter((v) => v !== "");
  }
  return values;
}

export async function submitModal(event) {
  event.preventDefault();
  if (!S.modal || $("#modal-submit").disabled) return;
  const spec = S.modal;
  const controls = new Map(modalControls(spec.components).filter((f) => f.control).map((f) => [f.control.custom_id, f.control]));
  if (!A11Y.validate($("#modal-body"), controls)) return;
  $("#modal-submit").disabled = true;
  try {
    const values = await modalValues();
    const outcome = await api("/api/modal", { person: S.person.id, modal: spec.id, values });
    S.modal = null;
    A11Y.closeDialog($("#modal-backdrop"), false);
    $("#composer-input").focus();
    await handleOutcome(outcome, null);
  } catch (error) {
    $("#modal-error").textContent = error.message;
    $("#modal-error").hidden = false;
    $("#modal-submit").disabled = false;
  } finally {
    S.lastMessages = "";
    await refresh().catch(() => {});
  }
}

export function closeModal(quiet = false) {
  if (S.modal && S.person) api("/api/modal/close", { person: S.person.id, modal: S.modal.id }).catch(() => {});
  S.modal = null;
  A11Y.closeDialog($("#modal-backdrop"), !quiet);
  if (!quiet && (!document.activeElement || document.activeElement === document.body)) $("#composer-input").focus();
}
