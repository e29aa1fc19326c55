// Messages as Discord draws them: text, embeds, files, buttons and select menus.

import { COMPONENT, BUTTON_STYLE, S, $, el, icon, escapeHtml, avatar } from "./state.js";
import { messageTime, inline, markdown } from "./markdown.js";
import { currentChannel, messagesKey, rerender, goTo } from "./layout.js";
import { act } from "./actions.js";

export function renderMessages(scroll) {
  S.lastMessages = messagesKey();
  const box = $("#messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  const channel = currentChannel();
  const nodes = [el("div", { className: "empty" },
    el("h2", { text: channel.kind === "dm" ? channel.name : `Welcome to ${channel.kind === "thread" ? "" : "#"}${channel.name}` }),
    el("div", { text: channel.kind === "dm" ? "This is the beginning of your direct messages with Alongside." : (channel.topic || "This is the start of the channel.") }))];
  // Unchanged messages keep their elements, so a poll never swaps a button being clicked.
  const kept = new Map();
  const menu = S.openSelect ? S.openSelect.split(":")[0] : null;
  for (const message of S.data.messages) {
    if (S.dismissed.has(message.id)) continue;
    const key = JSON.stringify([message, Boolean(S.failed[message.id]), menu === message.id ? S.openSelect : null, S.data.now]);
    const cached = S.nodes.get(message.id);
    const node = cached && cached.key === key ? cached.node : renderMessage(message);
    kept.set(message.id, { key, node });
    nodes.push(node);
  }
  S.nodes = kept;
  // Focus stays on the same control when its message is drawn again (keyboard users).
  const had = document.activeElement && box.contains(document.activeElement) ? document.activeElement.dataset.focus : null;
  box.replaceChildren(...nodes);
  const want = S.focusNext || had;
  S.focusNext = null;
  if (want) {
    const target = [...box.querySelectorAll("[data-focus]")].find((node) => node.dataset.focus === want);
    if (target && document.activeElement !== target) target.focus();
    else if (!target && !document.activeElement.closest("dialog, [role=dialog]") && document.activeElement === document.body) $("#composer-input").focus();
  }
  if (scroll || atBottom) box.scrollTop = box.scrollHeight;
}

export function renderMessage(message) {
  if (message.system) {
    const parts = [icon("thread"), el("b", { text: message.author.name }), el("span", { text: ` ${message.system.text}` })];
    if (message.system.thread) {
      parts.push(el("button", { type: "button", className: "link", text: message.system.thread.name, onclick: () => goTo(message.system.thread.id) }));
    }
    parts.push(el("span", { className: "time", text: messageTime(message.timestamp) }));
    return el("div", { className: "system", dataset: { id: message.id } }, parts);
  }
  const row = el("div", { className: `message${message.ephemeral ? " ephemeral" : ""}`, dataset: { id: message.id } });
  if (message.interaction) {
    row.append(el("div", { className: "context" }, "↱ ", el("b", { text: message.interaction.user }), ` used `, el("span", { className: "mention", text: `/${message.interaction.command || "a command"}` })));
  } else if (message.reference) {
    // Discord draws the replied-to line as one line of markdown (names, times), never raw markup.
    const line = String(message.reference.content || "").split("\n")[0];
    row.append(el("div", { className: "reply-ref" }, "↱ ", el("b", { text: message.reference.author }), ": ", el("span", { html: inline(escapeHtml(line)) })));
  }
  const body = el("div", { className: "body" });
  const meta = el("div", { className: "meta" }, el("span", { className: "author", text: message.author.name }));
  if (message.author.bot) meta.append(el("span", { className: "badge", text: "App" }));
  meta.append(el("span", { className: "time", text: messageTime(message.timestamp) }));
  body.append(meta);
  // Discord says "(edited)" only when a message changed after it was first posted (the answer
  // that replaces "thinking…" is not an edit): the server says which.
  const edited = message.edited ? el("span", { className: "edited", title: messageTime(message.edited), text: "(edited)" }) : null;
  if (message.loading) {
    // Polite, never a focus trap: a screen reader hears it when it can; the page stays usable.
    body.append(el("div", { className: "thinking", role: "status", text: `${message.author.name} is thinking…` }));
  } else if (message.content) {
    const content = el("div", { className: "content", html: markdown(message.content) });
    if (edited) content.append(edited);
    body.append(content);
  } else if (edited) {
    meta.append(edited);
  }
  for (const embed of message.embeds) body.append(renderEmbed(embed));
  const files = message.attachments.filter((file) => !file.in_embed);
  if (files.length) body.append(renderAttachments(files));
  for (const row of message.components) body.append(renderComponent(row, message));
  if (message.thread) {
    body.append(el("button", { type: "button", className: "thread-box", dataset: { thread: message.thread.id }, onclick: () => goTo(message.thread.id) },
      el("b", { text: message.thread.name }), el("span", { text: "Open thread ›" })));
  }
  if (S.failed[message.id]) body.append(el("div", { className: "interaction-failed", text: "This interaction failed" }));
  if (message.ephemeral) {
    body.append(el("div", { className: "ephemeral-note" }, icon("eye"), " Only you can see this · ",
      el("button", { type: "button", text: "Dismiss message", onclick: () => { S.dismissed.add(message.id); rerender(); } })));
  }
  row.append(avatar(message.author), body);
  return row;
}

export function renderEmbed(embed) {
  const box = el("div", { className: "embed" });
  if (embed.color !== undefined && embed.color !== null) box.style.borderLeftColor = `#${Number(embed.color).toString(16).padStart(6, "0")}`;
  if (embed.author && embed.author.name) box.append(el("div", { className: "embed-author", text: embed.author.name }));
  if (embed.title) {
    const title = el("div", { className: "embed-title" });
    if (embed.url) title.append(el("a", { href: embed.url, target: "_blank", rel: "noopener noreferrer", html: inline(escapeHtml(embed.title)) }));
    else title.innerHTML = inline(escapeHtml(embed.title));
    box.append(title);
  }
  if (embed.description) box.append(el("div", { className: "embed-description content", html: markdown(embed.description) }));
  if (embed.fields && embed.fields.length) {
    const fields = el("div", { className: "embed-fields" });
    for (const field of embed.fields) {
      fields.append(el("div", { className: `embed-field${field.inline ? " inline" : ""}` },
        el("div", { className: "name", html: inline(escapeHtml(field.name || "")) }),
        el("div", { className: "value content", html: markdown(field.value || "") })));
    }
    box.append(fields);
  }
  if (embed.image && embed.image.url) box.append(el("img", { className: "embed-image", src: embed.image.url, alt: embed.image.description || "" }));
  if (embed.thumbnail && embed.thumbnail.url) box.append(el("img", { className: "embed-thumbnail", src: embed.thumbnail.url, alt: embed.thumbnail.description || "" }));
  const footer = [];
  if (embed.footer && embed.footer.text) footer.push(embed.footer.text);
  if (embed.timestamp) footer.push(messageTime(embed.timestamp));
  if (footer.length) box.append(el("div", { className: "embed-footer", text: footer.join(" • ") }));
  return box;
}

export function renderAttachments(attachments) {
  const box = el("div", { className: "attachments" });
  for (const file of attachments) {
    if (file.content_type.startsWith("image/")) {
      box.append(el("a", { href: file.url, target: "_blank", rel: "noopener" }, el("img", { src: file.url, alt: file.description || file.filename, dataset: { filename: file.filename } })));
    } else {
      const size = file.size > 1024 ? `${(file.size / 1024).toFixed(1)} KB` : `${file.size} bytes`;
      box.append(el("div", { className: "file", dataset: { filename: file.filename } }, icon("file", "file-icon"),
        el("div", {}, el("a", { href: `${file.url}&download=1`, download: file.filename, text: file.filename }), el("div", { className: "size", text: size }))));
    }
  }
  return box;
}

export function renderComponent(component, message) {
  if (component.type === COMPONENT.ROW) {
    return el("div", { className: "component-row" }, (component.components || []).map((child) => renderComponent(child, message)));
  }
  if (component.type === COMPONENT.BUTTON) return renderButton(component, message);
  if ([COMPONENT.STRING_SELECT, COMPONENT.USER_SELECT, COMPONENT.ROLE_SELECT, COMPONENT.MENTIONABLE_SELECT, COMPONENT.CHANNEL_SELECT].includes(component.type)) {
    return renderSelect(component, message);
  }
  if (component.type === COMPONENT.TEXT_DISPLAY) return el("div", { className: "content", html: markdown(component.content || "") });
  return el("span");
}

export function emojiText(emoji) {
  if (!emoji) return "";
  return emoji.id ? `:${emoji.name}: ` : `${emoji.name} `;
}

export function renderButton(button, message) {
  const style = BUTTON_STYLE[button.style] || "secondary";
  const label = `${emojiText(button.emoji)}${button.label || ""}`.trim() || "…";
  if (button.style === 5) {
    return el("a", { className: "btn link", href: button.url, target: "_blank", rel: "noopener noreferrer", text: label });
  }
  return el("button", {
    type: "button",
    className: `btn ${style}`,
    disabled: Boolean(button.disabled),
    dataset: { customId: button.custom_id || "", message: message.id, focus: `${message.id}:${button.custom_id}` },
    text: label,
    onclick: (event) => act(event.currentTarget, "/api/click", { message: message.id, custom_id: button.custom_id }, message.id),
  });
}

export function selectChoices(component) {
  const directory = S.data.directory;
  if (component.type === COMPONENT.STRING_SELECT) {
    return (component.options || []).map((o) => ({ value: o.value, label: `${emojiText(o.emoji)}${o.label}`, desc: o.description, chosen: Boolean(o.default) }));
  }
  const defaults = new Set((component.default_values || []).map((v) => String(v.id)));
  let items = [];
  if (component.type === COMPONENT.CHANNEL_SELECT) {
    const types = component.channel_types;
    items = directory.channels.filter((c) => !types || !types.length || types.includes(c.type)).map((c) => ({ value: c.id, label: `#${c.name}` }));
  }
  if (component.type === COMPONENT.ROLE_SELECT || component.type === COMPONENT.MENTIONABLE_SELECT) {
    items = items.concat(directory.roles.map((r) => ({ value: r.id, label: `@${r.name}` })));
  }
  if (component.type === COMPONENT.USER_SELECT || component.type === COMPONENT.MENTIONABLE_SELECT) {
    items = items.concat(directory.users.map((u) => ({ value: u.id, label: u.name })));
  }
  return items.map((item) => ({ ...item, chosen: defaults.has(item.value) }));
}

export function renderSelect(component, message) {
  const choices = selectChoices(component);
  const multi = (component.max_values || 1) > 1;
  const chosen = choices.filter((c) => c.chosen);
  const box = el("div", { className: "select", dataset: { customId: component.custom_id, message: message.id } });
  const key = `${message.id}:${component.custom_id}`;
  const open = S.openSelect === key;
  const listId = `menu-${message.id}-${component.custom_id}`.replace(/[^\w-]/g, "_");
  const current = el("button", {
    type: "button",
    className: `current${chosen.length ? "" : " placeholder"}`,
    disabled: Boolean(component.disabled),
    "aria-expanded": String(open),
    "aria-controls": open ? listId : undefined,
    dataset: { focus: key },
    text: chosen.length ? chosen.map((c) => c.label).join(", ") : (component.placeholder || "Make a selection"),
    onclick: () => {
      S.openSelect = open ? null : key;
      S.focusNext = open ? key : `${key}:0`;
      rerender();
    },
  });
  box.append(current);
  if (open) {
    // Semantic controls (buttons, or checkboxes and Apply), so Tab, arrows, Enter and Space work.
    const list = el("div", { className: "options", id: listId, role: "group", "aria-label": component.placeholder || "Options" });
    const picked = new Set(chosen.map((c) => c.value));
    const send = (values) => {
      S.openSelect = null;
      S.focusNext = key;
      act(current, "/api/select", { message: message.id, custom_id: component.custom_id, values }, message.id);
    };
    choices.forEach((choice, index) => {
      const text = el("span", {}, el("span", { text: choice.label }), choice.desc ? el("span", { className: "desc", text: choice.desc }) : null);
      const focus = `${key}:${index}`;
      if (multi) {
        const check = el("input", { type: "checkbox", dataset: { focus, value: choice.value } });
        check.checked = picked.has(choice.value);
        check.addEventListener("change", () => { if (check.checked) picked.add(choice.value); else picked.delete(choice.value); });
        list.append(el("label", { className: `option${picked.has(choice.value) ? " chosen" : ""}` }, check, text));
      } else {
        list.append(el("button", { type: "button", className: `option${picked.has(choice.value) ? " chosen" : ""}`, "aria-pressed": String(picked.has(choice.value)), dataset: { focus, value: choice.value }, onclick: () => send([choice.value]) }, text));
      }
    });
    if (multi) list.append(el("button", { type: "button", className: "apply", text: "Apply", onclick: () => send([...picked]) }));
    list.addEventListener("keydown", (event) => {
      const items = [...list.querySelectorAll("[data-focus]")];
      const at = items.indexOf(document.activeElement);
      if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); S.openSelect = null; S.focusNext = key; rerender(); }
      else if (event.key === "ArrowDown" && items.length) { event.preventDefault(); items[(at + 1) % items.length].focus(); }
      else if (event.key === "ArrowUp" && items.length) { event.preventDefault(); items[(at - 1 + items.length) % items.length].focus(); }
    });
    box.append(list);
  }
  return box;
}
