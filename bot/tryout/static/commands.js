// The composer: slash commands picked from a list, their options and autocomplete, and plain messages.

import { OPTION, S, $, el, api, toast } from "./state.js";
import { act } from "./actions.js";

export async function loadCommands() {
  if (!S.person || !S.channel) return;
  const key = `${S.person.id}:${S.channel}`;
  if (key === S.commandsKey) return;
  const data = await api(`/api/commands?${new URLSearchParams({ person: S.person.id, channel: S.channel })}`);
  S.commands = data.commands;
  S.commandsKey = key;
}

export function showPopup(title, items, onPick, emptyText = "No options match") {
  S.popup = { items, index: 0, onPick };
  const box = $("#popup");
  const nodes = [el("div", { className: "popup-title", text: title })];
  if (!items.length) nodes.push(el("div", { className: "popup-empty", text: emptyText }));
  items.forEach((item, index) => {
    nodes.push(el("div", {
      className: `popup-item${index === 0 ? " active" : ""}`,
      role: "option",
      id: `popup-item-${index}`,
      "aria-selected": String(index === 0),
      dataset: { index: String(index), value: item.value === undefined ? "" : String(item.value), path: item.path || "" },
      onmousedown: (event) => { event.preventDefault(); pickPopup(index); },
    }, el("span", { className: "name", text: item.label }), item.desc ? el("span", { className: "desc", text: item.desc }) : null));
  });
  box.replaceChildren(...nodes);
  box.setAttribute("role", "listbox");
  box.setAttribute("aria-label", title);
  box.hidden = false;
  pointAt(items.length ? "popup-item-0" : null);
}

// Screen readers follow the highlighted suggestion while focus stays in the text box.
export function pointAt(id) {
  for (const node of document.querySelectorAll("#composer-input, #option-fields input")) {
    node.setAttribute("aria-controls", "popup");
    if (id && node === document.activeElement) node.setAttribute("aria-activedescendant", id);
    else node.removeAttribute("aria-activedescendant");
  }
}

export function hidePopup() {
  S.popup = null;
  $("#popup").hidden = true;
  pointAt(null);
}

export function movePopup(step) {
  if (!S.popup || !S.popup.items.length) return;
  S.popup.index = (S.popup.index + step + S.popup.items.length) % S.popup.items.length;
  document.querySelectorAll("#popup .popup-item").forEach((node, index) => {
    node.classList.toggle("active", index === S.popup.index);
    node.setAttribute("aria-selected", String(index === S.popup.index));
    if (index === S.popup.index) node.scrollIntoView({ block: "nearest" });
  });
  pointAt(`popup-item-${S.popup.index}`);
}

export function pickPopup(index = S.popup ? S.popup.index : 0) {
  if (!S.popup || !S.popup.items[index]) return false;
  const { onPick, items } = S.popup;
  hidePopup();
  onPick(items[index]);
  return true;
}

export async function showCommandPopup(typed) {
  // Keystrokes come faster than the command list loads: only the latest one shows its list.
  const sequence = ++S.commandSeq;
  await loadCommands().catch(() => {});
  if (sequence !== S.commandSeq) return;
  const needle = typed.trim().toLowerCase();
  const starts = S.commands.filter((c) => c.path.startsWith(needle));
  const within = S.commands.filter((c) => !c.path.startsWith(needle) && c.path.includes(needle));
  const matches = [...starts, ...within];
  // Like Discord: more than a screenful shows each top-level command once; picking one lists
  // its subcommands, so every command can be found (not only the first 25).
  const grouped = matches.length > 25 && !needle.includes(" ");
  const items = grouped ? commandGroups(matches) : matches.slice(0, 25).map((c) => ({ label: `/${c.path}`, desc: c.description, path: c.path, command: c }));
  const pick = (item) => {
    if (!item.group) { enterCommandMode(item.command); return; }
    const input = $("#composer-input");
    input.value = `/${item.group} `;
    input.focus();
    showCommandPopup(`${item.group} `);
  };
  showPopup(needle ? `Commands matching /${needle}` : "Commands", items, pick, "No commands match");
}

export function commandGroups(commands) {
  const groups = new Map();
  for (const command of commands) {
    const top = command.path.split(" ")[0];
    if (!groups.has(top)) groups.set(top, []);
    groups.get(top).push(command);
  }
  return [...groups].map(([top, members]) => (members.length === 1 && members[0].path === top
    ? { label: `/${top}`, desc: members[0].description, path: top, command: members[0] }
    : { label: `/${top} …`, desc: `${members.length} commands: ${members.map((c) => c.path.slice(top.length + 1)).join(", ")}`, path: top, group: top }));
}

export function enterCommandMode(command) {
  S.cmd = { command, values: {}, shown: command.options.filter((o) => o.required).map((o) => o.name), focus: null };
  $("#composer-input").value = "";
  $("#composer-input").hidden = true;
  $("#command-mode").hidden = false;
  renderCommandMode();
  const first = $("#option-fields input");
  if (first) first.focus(); else $("#command-chip").focus();
}

export function exitCommandMode() {
  S.cmd = null;
  hidePopup();
  $("#command-mode").hidden = true;
  $("#option-hint").hidden = true;
  $("#composer-input").hidden = false;
  $("#composer-input").value = "";
}

export function option(name) { return S.cmd.command.options.find((o) => o.name === name); }

export function renderCommandMode() {
  const chip = $("#command-chip");
  chip.textContent = `/${S.cmd.command.path}`;
  chip.tabIndex = 0;
  const fields = $("#option-fields");
  fields.replaceChildren(...S.cmd.shown.map((name) => renderOptionField(option(name))));
  const optional = S.cmd.command.options.filter((o) => !S.cmd.shown.includes(o.name));
  $("#optional-options").replaceChildren(...optional.map((o) => el("button", {
    type: "button",
    className: "add-opt",
    dataset: { add: o.name },
    title: o.description,
    text: `+ ${o.name}`,
    onclick: () => { S.cmd.shown.push(o.name); renderCommandMode(); const input = $(`#option-fields input[data-option="${o.name}"]`); if (input) input.focus(); },
  })));
  updateHint();
}

export function renderOptionField(opt) {
  const holder = el("span", { className: "opt", dataset: { option: opt.name } }, el("span", { className: "opt-name", text: opt.name }));
  const saved = S.cmd.values[opt.name];
  if (opt.type === OPTION.ATTACHMENT) {
    const input = el("input", { type: "file", dataset: { option: opt.name } });
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (!file) { delete S.cmd.values[opt.name]; return; }
      const data = await readBase64(file);
      S.cmd.values[opt.name] = { value: { name: file.name, data }, label: file.name };
    });
    holder.append(input);
  } else {
    const input = el("input", { type: "text", dataset: { option: opt.name }, autocomplete: "off", spellcheck: "false" });
    input.value = saved ? saved.label : "";
    input.addEventListener("focus", () => { S.cmd.focus = opt.name; holder.classList.add("focus"); updateHint(); optionPopup(opt, input.value); });
    input.addEventListener("blur", () => { holder.classList.remove("focus"); setTimeout(() => { if (S.cmd && S.cmd.focus === opt.name && document.activeElement !== input) hidePopup(); }, 150); });
    input.addEventListener("input", () => {
      holder.classList.remove("missing");
      S.cmd.values[opt.name] = { value: input.value, label: input.value, typed: true };
      optionPopup(opt, input.value);
    });
    input.addEventListener("keydown", (event) => optionKey(event, opt));
    holder.append(input);
  }
  if (!opt.required) {
    holder.append(el("button", { type: "button", className: "remove", title: "Remove", text: "×", onclick: () => {
      S.cmd.shown = S.cmd.shown.filter((n) => n !== opt.name);
      delete S.cmd.values[opt.name];
      renderCommandMode();
    } }));
  }
  return holder;
}

export function updateHint() {
  const hint = $("#option-hint");
  if (!S.cmd) { hint.hidden = true; return; }
  const focused = S.cmd.focus && option(S.cmd.focus);
  hint.replaceChildren();
  if (focused) hint.append(el("b", { text: focused.name }), ` ${focused.description || ""}`);
  else hint.append(el("b", { text: `/${S.cmd.command.path}` }), ` ${S.cmd.command.description || ""} · Enter to send`);
  hint.hidden = false;
}

export function entityItems(opt, typed) {
  const directory = S.data.directory;
  let items = [];
  if (opt.type === OPTION.CHANNEL) {
    const types = opt.channel_types;
    items = directory.channels.filter((c) => !types || !types.length || types.includes(c.type)).map((c) => ({ label: `#${c.name}`, value: c.id }));
  }
  if (opt.type === OPTION.ROLE || opt.type === OPTION.MENTIONABLE) items = items.concat(directory.roles.map((r) => ({ label: `@${r.name}`, value: r.id })));
  if (opt.type === OPTION.USER || opt.type === OPTION.MENTIONABLE) items = items.concat(directory.users.map((u) => ({ label: u.name, value: u.id })));
  const needle = typed.toLowerCase().replace(/^[#@]/, "");
  return items.filter((item) => item.label.toLowerCase().replace(/^[#@]/, "").includes(needle));
}

export function optionPopup(opt, typed) {
  const pick = (item) => {
    S.cmd.values[opt.name] = { value: item.value, label: item.label };
    const input = $(`#option-fields input[data-option="${opt.name}"]`);
    if (input) input.value = item.label;
    focusNext(opt.name);
  };
  if (opt.autocomplete) {
    clearTimeout(S.acTimer);
    const sequence = ++S.acSeq;
    S.acTimer = setTimeout(async () => {
      try {
        const outcome = await api("/api/autocomplete", { person: S.person.id, channel: S.channel, command: S.cmd.command.path, option: opt.name, value: typed, options: currentValues(opt.name) });
        if (sequence !== S.acSeq || !S.cmd || S.cmd.focus !== opt.name) return;
        const items = (outcome.choices || []).map((c) => ({ label: c.name, value: c.value }));
        showPopup(typed ? `${opt.name} matching ${typed}` : opt.name, items, pick);
      } catch (error) {
        toast(error.message, true);
      }
    }, 150);
    return;
  }
  if (opt.choices && opt.choices.length) {
    const needle = typed.toLowerCase();
    const items = opt.choices.filter((c) => c.name.toLowerCase().includes(needle)).map((c) => ({ label: c.name, value: c.value }));
    showPopup(opt.name, items, pick);
    return;
  }
  if (opt.type === OPTION.BOOLEAN) {
    showPopup(opt.name, [{ label: "True", value: true }, { label: "False", value: false }].filter((c) => c.label.toLowerCase().startsWith(typed.toLowerCase())), pick);
    return;
  }
  if ([OPTION.CHANNEL, OPTION.ROLE, OPTION.USER, OPTION.MENTIONABLE].includes(opt.type)) {
    showPopup(opt.name, entityItems(opt, typed), pick);
    return;
  }
  hidePopup();
}

export function focusNext(name) {
  const inputs = [...document.querySelectorAll("#option-fields input[type=text]")];
  const index = inputs.findIndex((input) => input.dataset.option === name);
  const next = inputs.slice(index + 1).find((input) => !input.value);
  if (next) next.focus();
  else { S.cmd.focus = null; $("#command-chip").focus(); updateHint(); }
}

export function optionKey(event, opt) {
  if (event.key === "ArrowDown" && S.popup) { event.preventDefault(); movePopup(1); return; }
  if (event.key === "ArrowUp" && S.popup) { event.preventDefault(); movePopup(-1); return; }
  if ((event.key === "Enter" || event.key === "Tab") && S.popup && S.popup.items.length) {
    event.preventDefault();
    pickPopup();
    return;
  }
  if (event.key === "Enter") { event.preventDefault(); runCommand(); return; }
  if (event.key === "Escape") { event.preventDefault(); if (S.popup) hidePopup(); else exitCommandMode(); $("#composer-input").focus(); }
}

export function currentValues(except) {
  const values = {};
  for (const name of S.cmd.shown) {
    if (name === except) continue;
    const saved = S.cmd.values[name];
    if (!saved || saved.value === "" || saved.value === undefined) continue;
    const opt = option(name);
    if (saved.typed && [OPTION.CHANNEL, OPTION.ROLE, OPTION.USER, OPTION.MENTIONABLE].includes(opt.type)) continue;
    values[name] = saved.value;
  }
  return values;
}

export async function runCommand() {
  if (!S.cmd) return;
  const values = {};
  let missing = null;
  for (const name of S.cmd.shown) {
    const opt = option(name);
    const saved = S.cmd.values[name];
    let value = saved ? saved.value : undefined;
    if (saved && saved.typed && [OPTION.CHANNEL, OPTION.ROLE, OPTION.USER, OPTION.MENTIONABLE].includes(opt.type)) {
      const match = entityItems(opt, String(saved.value)).find((item) => item.label.toLowerCase().replace(/^[#@]/, "") === String(saved.value).toLowerCase().replace(/^[#@]/, ""));
      value = match ? match.value : undefined;
    }
    if (saved && saved.typed && opt.choices && opt.choices.length) {
      const match = opt.choices.find((c) => c.name.toLowerCase() === String(saved.value).toLowerCase() || String(c.value).toLowerCase() === String(saved.value).toLowerCase());
      value = match ? match.value : undefined;
    }
    if (saved && saved.typed && opt.type === OPTION.BOOLEAN) value = ["true", "yes"].includes(String(saved.value).toLowerCase());
    if (value === undefined || value === "") {
      if (opt.required && !missing) missing = name;
      continue;
    }
    values[name] = value;
  }
  if (missing) {
    const holder = $(`#option-fields .opt[data-option="${missing}"]`);
    if (holder) holder.classList.add("missing");
    toast(`Fill in ${missing} first.`, true);
    return;
  }
  const path = S.cmd.command.path;
  exitCommandMode();
  $("#composer-input").focus();
  await act(null, "/api/slash", { command: path, options: values });
}

export function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

// ------------------------------------------------------------------ composer

export function onComposerInput() {
  const input = $("#composer-input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
  const text = input.value;
  if (text.startsWith("/") && !text.includes("\n")) showCommandPopup(text.slice(1));
  else hidePopup();
}

export async function onComposerKey(event) {
  if (event.key === "ArrowDown" && S.popup) { event.preventDefault(); movePopup(1); return; }
  if (event.key === "ArrowUp" && S.popup) { event.preventDefault(); movePopup(-1); return; }
  if (event.key === "Escape") { hidePopup(); return; }
  if ((event.key === "Enter" || event.key === "Tab") && S.popup && S.popup.items.length) {
    event.preventDefault();
    pickPopup();
    return;
  }
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    await sendMessage();
  }
}

export async function sendMessage() {
  const input = $("#composer-input");
  const text = input.value.trim();
  if (!text) return;
  if (text.startsWith("/")) {
    await showCommandPopup(text.slice(1));
    if (S.popup && S.popup.items.length === 1) pickPopup();
    else toast("Pick a command from the list.", true);
    return;
  }
  input.value = "";
  onComposerInput();
  await act(null, "/api/send", { content: text });
}
