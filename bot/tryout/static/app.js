// The page for `python -m bot try`: a small Discord-like client over the demo's JSON API.
// Plain JavaScript, no build step, nothing fetched from the internet.
// Longer than the house's ~400 lines: it is one closure over shared page state (S), and splitting
// it into ES modules is a separate piece of work; new code goes to its own files (a11y.js).
"use strict";

(() => {
  const OPTION = { SUB: 1, GROUP: 2, STRING: 3, INTEGER: 4, BOOLEAN: 5, USER: 6, CHANNEL: 7, ROLE: 8, MENTIONABLE: 9, NUMBER: 10, ATTACHMENT: 11 };
  const COMPONENT = { ROW: 1, BUTTON: 2, STRING_SELECT: 3, TEXT_INPUT: 4, USER_SELECT: 5, ROLE_SELECT: 6, MENTIONABLE_SELECT: 7, CHANNEL_SELECT: 8, TEXT_DISPLAY: 10, LABEL: 18, FILE_UPLOAD: 19, RADIO_GROUP: 21, CHECKBOX_GROUP: 22, CHECKBOX: 23 };
  const BUTTON_STYLE = { 1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "primary" };
  const POLL_MS = 1500;

  const S = {
    people: [],
    person: null,
    channel: null,
    data: null,
    lastMessages: "",
    lastSidebar: "",
    commands: [],
    commandsKey: "",
    seen: {},
    dismissed: new Set(),
    failed: {},
    cmd: null,
    popup: null,
    modal: null,
    openSelect: null,
    nodes: new Map(),
    acSeq: 0,
    acTimer: null,
    failures: 0,
    busy: false,
  };

  // ------------------------------------------------------------------ helpers

  const $ = (selector, root = document) => root.querySelector(selector);
  const A11Y = window.AlongsideA11y;

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "className") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "html") node.innerHTML = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const ICONS = {
    lock: "M6 10V7a6 6 0 1 1 12 0v3h1a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h1zm2 0h8V7a4 4 0 1 0-8 0v3z",
    eye: "M12 5C7 5 3 9.5 2 12c1 2.5 5 7 10 7s9-4.5 10-7c-1-2.5-5-7-10-7zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8zm0-2a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",
    thread: "M4 4h16a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H9l-5 4V5a1 1 0 0 1 1-1z",
    file: "M6 2h8l6 6v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zm7 1.5V9h5.5z",
  };

  function icon(name, className = "icon") {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", className);
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  async function api(path, body) {
    let response;
    try {
      response = await fetch(path, body === undefined ? { cache: "no-store" } : {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (error) {
      S.failures += 1;
      if (S.failures >= 2) $("#stopped").hidden = false;
      throw new Error("Alongside isn't answering. Is `python -m bot try` still running?");
    }
    S.failures = 0;
    $("#stopped").hidden = true;
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    if (!response.ok) throw new Error(data.error || `Something went wrong (${response.status}).`);
    return data;
  }

  let toastTimer = null;
  function toast(text, isError = false) {
    const box = $("#toast");
    box.textContent = text;
    box.classList.toggle("error", isError);
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, isError ? 7000 : 3500);
  }

  function colourClass(id) {
    let sum = 0;
    for (const ch of String(id)) sum = (sum + ch.charCodeAt(0)) % 997;
    return `c${sum % 4}`;
  }

  function avatar(author) {
    const letter = (author.name || "?").trim().charAt(0).toUpperCase() || "?";
    return el("div", { className: `avatar ${author.bot ? "bot" : colourClass(author.id)}`, "aria-hidden": "true", text: letter });
  }

  function zone() { return (S.data && S.data.timezone) || "Europe/London"; }
  function demoNow() { return S.data ? new Date(S.data.now) : new Date(); }

  function dayKey(date) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
  }

  function clockText(date) {
    return new Intl.DateTimeFormat("en-GB", { timeZone: zone(), weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(date);
  }

  function hhmm(date) {
    return new Intl.DateTimeFormat("en-GB", { timeZone: zone(), hour: "2-digit", minute: "2-digit" }).format(date);
  }

  function messageTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return "";
    const now = demoNow();
    const yesterday = new Date(now.getTime() - 86400000);
    if (dayKey(date) === dayKey(now)) return `Today at ${hhmm(date)}`;
    if (dayKey(date) === dayKey(yesterday)) return `Yesterday at ${hhmm(date)}`;
    const day = new Intl.DateTimeFormat("en-GB", { timeZone: zone(), day: "2-digit", month: "2-digit", year: "numeric" }).format(date);
    return `${day} ${hhmm(date)}`;
  }

  function relative(date) {
    const seconds = Math.round((date.getTime() - demoNow().getTime()) / 1000);
    const steps = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];
    const format = new Intl.RelativeTimeFormat("en-GB", { numeric: "auto" });
    for (const [unit, size] of steps) {
      if (Math.abs(seconds) >= size || unit === "second") return format.format(Math.round(seconds / size), unit);
    }
    return "";
  }

  function discordTime(unix, style) {
    const date = new Date(Number(unix) * 1000);
    const options = {
      t: { hour: "2-digit", minute: "2-digit" },
      T: { hour: "2-digit", minute: "2-digit", second: "2-digit" },
      d: { day: "2-digit", month: "2-digit", year: "numeric" },
      D: { day: "numeric", month: "long", year: "numeric" },
      f: { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" },
      F: { weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" },
    };
    if (style === "R") return relative(date);
    return new Intl.DateTimeFormat("en-GB", { timeZone: zone(), ...(options[style] || options.f) }).format(date);
  }

  // ------------------------------------------------------------------ markdown (Discord's subset)

  function names(kind) {
    const directory = (S.data && S.data.directory) || {};
    const map = {};
    for (const item of directory[kind] || []) map[item.id] = item.name;
    return map;
  }

  function inline(text) {
    const users = names("users");
    const channels = names("channels");
    const roles = names("roles");
    // Discord's escape: a backslash before a symbol shows that symbol and no markup.
    const held = [];
    let out = text.replace(/\\(&(?:lt|gt|amp|quot|#39);|[^0-9A-Za-z\s])/g, (_, ch) => {
      held.push(ch);
      return `\uE000${held.length - 1}\uE001`;
    });
    out = out.replace(/\|\|(.+?)\|\|/gs, '<span class="spoiler" role="button" tabindex="0" aria-expanded="false" aria-label="Spoiler, press to show">$1</span>');
    out = out.replace(/\*\*(.+?)\*\*/gs, "<strong>$1</strong>");
    out = out.replace(/__(.+?)__/gs, "<u>$1</u>");
    out = out.replace(/(^|[^*\w])\*(?!\s)(.+?)\*(?!\w)/gs, "$1<em>$2</em>");
    out = out.replace(/(^|[^_\w])_(?!\s)(.+?)_(?!\w)/gs, "$1<em>$2</em>");
    out = out.replace(/~~(.+?)~~/gs, "<s>$1</s>");
    out = out.replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>');
    out = out.replace(/(^|[\s(])(https?:\/\/[^\s<]+[^\s<.,;:!?)'"])/g, '$1<a href="$2" target="_blank" rel="noopener noreferrer">$2</a>');
    out = out.replace(/&lt;@!?(\d+)&gt;/g, (_, id) => `<span class="mention">@${escapeHtml(users[id] || "unknown-user")}</span>`);
    out = out.replace(/&lt;@&amp;(\d+)&gt;/g, (_, id) => `<span class="mention">@${escapeHtml(roles[id] || "unknown-role")}</span>`);
    out = out.replace(/&lt;#(\d+)&gt;/g, (_, id) => `<span class="mention" data-goto="${id}">#${escapeHtml(channels[id] || "unknown")}</span>`);
    out = out.replace(/&lt;\/([\w -]+):\d+&gt;/g, (_, name) => `<span class="mention">/${escapeHtml(name)}</span>`);
    out = out.replace(/&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;/g, (_, unix, style) => `<span class="timestamp">${escapeHtml(discordTime(unix, style || "f"))}</span>`);
    out = out.replace(/&lt;a?:(\w+):\d+&gt;/g, ":$1:");
    return out.replace(/\uE000(\d+)\uE001/g, (_, n) => held[Number(n)]);
  }

  function markdown(source) {
    if (!source) return "";
    const codes = [];
    let text = escapeHtml(source);
    text = text.replace(/```(?:[\w+-]*\n)?([\s\S]*?)```/g, (_, code) => { codes.push(`<pre><code>${code}</code></pre>`); return `\u0000${codes.length - 1}\u0000`; });
    text = text.replace(/`([^`\n]+)`/g, (_, code) => { codes.push(`<code>${code}</code>`); return `\u0000${codes.length - 1}\u0000`; });
    const lines = text.split("\n");
    const html = [];
    let list = null;
    let quoteAll = false;
    for (const raw of lines) {
      let line = raw;
      const rest = line.match(/^&gt;&gt;&gt; ?(.*)$/);
      if (rest && !quoteAll) { quoteAll = true; line = rest[1]; }
      if (quoteAll) { html.push(`<blockquote>${inline(line) || "&nbsp;"}</blockquote>`); continue; }
      const item = line.match(/^\s*[-*] (.*)$/);
      if (item) {
        if (!list) { list = []; }
        list.push(`<li>${inline(item[1])}</li>`);
        continue;
      }
      if (list) { html.push(`<ul>${list.join("")}</ul>`); list = null; }
      let match;
      if ((match = line.match(/^### (.*)$/))) html.push(`<h3>${inline(match[1])}</h3>`);
      else if ((match = line.match(/^## (.*)$/))) html.push(`<h2>${inline(match[1])}</h2>`);
      else if ((match = line.match(/^# (.*)$/))) html.push(`<h1>${inline(match[1])}</h1>`);
      else if ((match = line.match(/^-# (.*)$/))) html.push(`<div class="subtext">${inline(match[1])}</div>`);
      else if ((match = line.match(/^&gt; ?(.*)$/))) html.push(`<blockquote>${inline(match[1]) || "&nbsp;"}</blockquote>`);
      else html.push(`${inline(line)}\n`);
    }
    if (list) html.push(`<ul>${list.join("")}</ul>`);
    let result = html.join("").replace(/\n$/, "");
    result = result.replace(/\u0000(\d+)\u0000/g, (_, index) => codes[Number(index)]);
    return result;
  }

  // ------------------------------------------------------------------ people

  function fillPeople() {
    const select = $("#person-select");
    select.replaceChildren(...S.people.map((p) => el("option", { value: p.id, text: `${p.name} (${p.role})` })));
    const cards = $("#people-cards");
    cards.replaceChildren(...S.people.map((p) => el("button", {
      type: "button",
      className: "person-card",
      dataset: { person: p.key },
      onclick: () => choosePerson(p),
    }, el("span", { className: "role", text: p.role }), el("span", { className: "name", text: p.name }), el("span", { className: "about", text: p.about }))));
  }

  async function choosePerson(person) {
    if (S.modal && S.person) closeModal(true);
    S.person = person;
    sessionStorage.setItem("alongside-try-person", person.key);
    $("#person-select").value = person.id;
    $("#me-avatar").textContent = person.name.charAt(0);
    $("#me-avatar").className = `avatar ${colourClass(person.id)}`;
    A11Y.closeDialog($("#welcome"), false);
    exitCommandMode();
    S.lastMessages = "";
    S.lastSidebar = "";
    await refresh({ scroll: true });
    $("#composer-input").focus();
  }

  // ------------------------------------------------------------------ state

  async function refresh({ scroll = false } = {}) {
    if (!S.person) return;
    const query = new URLSearchParams({ person: S.person.id, channel: S.channel || "" });
    const data = await api(`/api/state?${query}`);
    if (!S.person || data.person.id !== S.person.id) return;
    const channelChanged = data.channel !== S.channel;
    S.data = data;
    S.channel = data.channel;
    if (!S.seen[S.person.id]) {
      S.seen[S.person.id] = {};
      for (const channel of data.channels) S.seen[S.person.id][channel.id] = channel.last;
    }
    render(scroll || channelChanged);
    if (channelChanged) loadCommands();
  }

  async function poll() {
    if (!S.person || S.busy) return;
    try { await refresh(); } catch (error) { /* shown by the stopped banner */ }
  }

  function currentChannel() {
    return (S.data.channels || []).find((c) => c.id === S.channel) || { name: "general", kind: "text", topic: "" };
  }

  function render(scroll) {
    const channel = currentChannel();
    S.seen[S.person.id][channel.id] = channel.last;
    $("#clock").textContent = clockText(demoNow());
    renderSidebar();
    const glyph = channel.kind === "dm" ? "@" : channel.kind === "thread" ? "↳" : "#";
    $("#channel-glyph").textContent = glyph;
    $("#channel-name").textContent = channel.name;
    $("#channel-topic").textContent = channel.topic || "";
    $("#composer-input").placeholder = channel.kind === "dm" ? `Message @${channel.name}` : `Message ${glyph}${channel.name}`;
    if (messagesKey() === S.lastMessages && !scroll) return;
    if (S.openSelect && !scroll) return; // a poll mustn't close a menu someone is using
    renderMessages(scroll);
  }

  function messagesKey() {
    return JSON.stringify([S.data.messages, [...S.dismissed], S.failed, S.data.now, S.openSelect]);
  }

  function rerender() {
    if (S.data) renderMessages(false);
  }

  function renderSidebar() {
    const seen = S.seen[S.person.id];
    const key = JSON.stringify([S.data.channels, S.channel, seen]);
    if (key === S.lastSidebar) return;
    S.lastSidebar = key;
    const list = $("#channel-list");
    const nodes = [el("div", { className: "section", text: "Text channels" })];
    let dmHeader = false;
    for (const channel of S.data.channels) {
      if (channel.kind === "dm" && !dmHeader) {
        nodes.push(el("div", { className: "section", text: "Direct messages" }));
        dmHeader = true;
      }
      const unread = channel.last && channel.id !== S.channel && (!seen[channel.id] || BigInt(channel.last) > BigInt(seen[channel.id]));
      const glyph = channel.kind === "dm" ? "@" : channel.kind === "thread" ? "↳" : channel.private ? icon("lock", "glyph") : "#";
      nodes.push(el("button", {
        type: "button",
        className: `channel ${channel.kind}${channel.id === S.channel ? " active" : ""}${unread ? " unread" : ""}`,
        dataset: { id: channel.id, name: channel.name, kind: channel.kind },
        title: channel.topic || channel.name,
        onclick: () => goTo(channel.id),
      }, typeof glyph === "string" ? el("span", { className: "glyph", text: glyph }) : glyph, el("span", { className: "label", text: channel.name })));
    }
    list.replaceChildren(...nodes);
  }

  function showDrawer(shown) {
    $("#app").classList.toggle("drawer-open", shown);
    $("#drawer-toggle").setAttribute("aria-expanded", String(shown));
    if (shown) { const active = $("#channel-list .channel.active") || $("#channel-list .channel"); if (active) active.focus(); }
  }

  async function goTo(channelId) {
    if ($("#app").classList.contains("drawer-open")) { showDrawer(false); $("#drawer-toggle").focus(); }
    if (channelId === S.channel) return;
    exitCommandMode();
    S.channel = channelId;
    S.lastMessages = "";
    S.openSelect = null;
    await refresh({ scroll: true });
  }

  // ------------------------------------------------------------------ messages

  function renderMessages(scroll) {
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

  function renderMessage(message) {
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
    if (message.loading) {
      body.append(el("div", { className: "thinking", text: `${message.author.name} is thinking` }));
    } else if (message.content) {
      const content = el("div", { className: "content", html: markdown(message.content) });
      if (message.edited) content.append(el("span", { className: "edited", text: "(edited)" }));
      body.append(content);
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

  function renderEmbed(embed) {
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

  function renderAttachments(attachments) {
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

  function renderComponent(component, message) {
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

  function emojiText(emoji) {
    if (!emoji) return "";
    return emoji.id ? `:${emoji.name}: ` : `${emoji.name} `;
  }

  function renderButton(button, message) {
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

  function selectChoices(component) {
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

  function renderSelect(component, message) {
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

  // ------------------------------------------------------------------ acting

  async function act(control, path, body, messageId) {
    if (S.busy) return;
    S.busy = true;
    if (control) control.classList.add("busy");
    try {
      const outcome = await api(path, { person: S.person.id, channel: S.channel, ...body });
      await handleOutcome(outcome, messageId);
    } catch (error) {
      toast(error.message, true);
    } finally {
      S.busy = false;
      if (control) control.classList.remove("busy");
      S.lastMessages = "";
      await refresh().catch(() => {});
    }
  }

  async function handleOutcome(outcome, messageId) {
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

  async function advance(minutes, button) {
    if (S.busy) return;
    S.busy = true;
    const buttons = document.querySelectorAll("[data-advance]");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const result = await api("/api/advance", { minutes });
      toast(`Time moved on to ${clockText(new Date(result.now))}.`);
    } catch (error) {
      toast(error.message, true);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
      S.busy = false;
      S.lastMessages = "";
      await refresh().catch(() => {});
    }
  }

  // ------------------------------------------------------------------ slash commands

  async function loadCommands() {
    if (!S.person || !S.channel) return;
    const key = `${S.person.id}:${S.channel}`;
    if (key === S.commandsKey) return;
    const data = await api(`/api/commands?${new URLSearchParams({ person: S.person.id, channel: S.channel })}`);
    S.commands = data.commands;
    S.commandsKey = key;
  }

  function showPopup(title, items, onPick, emptyText = "No options match") {
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
  function pointAt(id) {
    for (const node of document.querySelectorAll("#composer-input, #option-fields input")) {
      node.setAttribute("aria-controls", "popup");
      if (id && node === document.activeElement) node.setAttribute("aria-activedescendant", id);
      else node.removeAttribute("aria-activedescendant");
    }
  }

  function hidePopup() {
    S.popup = null;
    $("#popup").hidden = true;
    pointAt(null);
  }

  function movePopup(step) {
    if (!S.popup || !S.popup.items.length) return;
    S.popup.index = (S.popup.index + step + S.popup.items.length) % S.popup.items.length;
    document.querySelectorAll("#popup .popup-item").forEach((node, index) => {
      node.classList.toggle("active", index === S.popup.index);
      node.setAttribute("aria-selected", String(index === S.popup.index));
      if (index === S.popup.index) node.scrollIntoView({ block: "nearest" });
    });
    pointAt(`popup-item-${S.popup.index}`);
  }

  function pickPopup(index = S.popup ? S.popup.index : 0) {
    if (!S.popup || !S.popup.items[index]) return false;
    const { onPick, items } = S.popup;
    hidePopup();
    onPick(items[index]);
    return true;
  }

  async function showCommandPopup(typed) {
    await loadCommands().catch(() => {});
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

  function commandGroups(commands) {
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

  function enterCommandMode(command) {
    S.cmd = { command, values: {}, shown: command.options.filter((o) => o.required).map((o) => o.name), focus: null };
    $("#composer-input").value = "";
    $("#composer-input").hidden = true;
    $("#command-mode").hidden = false;
    renderCommandMode();
    const first = $("#option-fields input");
    if (first) first.focus(); else $("#command-chip").focus();
  }

  function exitCommandMode() {
    S.cmd = null;
    hidePopup();
    $("#command-mode").hidden = true;
    $("#option-hint").hidden = true;
    $("#composer-input").hidden = false;
    $("#composer-input").value = "";
  }

  function option(name) { return S.cmd.command.options.find((o) => o.name === name); }

  function renderCommandMode() {
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

  function renderOptionField(opt) {
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

  function updateHint() {
    const hint = $("#option-hint");
    if (!S.cmd) { hint.hidden = true; return; }
    const focused = S.cmd.focus && option(S.cmd.focus);
    hint.replaceChildren();
    if (focused) hint.append(el("b", { text: focused.name }), ` ${focused.description || ""}`);
    else hint.append(el("b", { text: `/${S.cmd.command.path}` }), ` ${S.cmd.command.description || ""} · Enter to send`);
    hint.hidden = false;
  }

  function entityItems(opt, typed) {
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

  function optionPopup(opt, typed) {
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

  function focusNext(name) {
    const inputs = [...document.querySelectorAll("#option-fields input[type=text]")];
    const index = inputs.findIndex((input) => input.dataset.option === name);
    const next = inputs.slice(index + 1).find((input) => !input.value);
    if (next) next.focus();
    else { S.cmd.focus = null; $("#command-chip").focus(); updateHint(); }
  }

  function optionKey(event, opt) {
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

  function currentValues(except) {
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

  async function runCommand() {
    if (!S.cmd || S.busy) return;
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

  function readBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  // ------------------------------------------------------------------ composer

  function onComposerInput() {
    const input = $("#composer-input");
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
    const text = input.value;
    if (text.startsWith("/") && !text.includes("\n")) showCommandPopup(text.slice(1));
    else hidePopup();
  }

  async function onComposerKey(event) {
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

  async function sendMessage() {
    const input = $("#composer-input");
    const text = input.value.trim();
    if (!text || S.busy) return;
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

  // ------------------------------------------------------------------ forms (modals)

  function modalControls(components) {
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

  function openModal(spec) {
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

  function renderModalField({ label, description, control }) {
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

  async function modalValues() {
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

  async function submitModal(event) {
    event.preventDefault();
    if (!S.modal || S.busy) return;
    const spec = S.modal;
    const controls = new Map(modalControls(spec.components).filter((f) => f.control).map((f) => [f.control.custom_id, f.control]));
    if (!A11Y.validate($("#modal-body"), controls)) return;
    $("#modal-submit").disabled = true;
    S.busy = true;
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
      S.busy = false;
      S.lastMessages = "";
      await refresh().catch(() => {});
    }
  }

  function closeModal(quiet = false) {
    if (S.modal && S.person) api("/api/modal/close", { person: S.person.id, modal: S.modal.id }).catch(() => {});
    S.modal = null;
    A11Y.closeDialog($("#modal-backdrop"), !quiet);
    if (!quiet && (!document.activeElement || document.activeElement === document.body)) $("#composer-input").focus();
  }

  // ------------------------------------------------------------------ start

  // A discord.com message link opens that message here, as Discord's client does.
  function openJump(href) {
    const match = href.match(/^https:\/\/discord\.com\/channels\/\d+\/(\d+)(?:\/(\d+))?/);
    if (!match || !S.data || !S.data.channels.some((c) => c.id === match[1])) return false;
    S.jumpTo = match[2] || null;
    if (match[1] === S.channel) showJump();
    else goTo(match[1]).then(() => showJump()).catch(() => {});
    return true;
  }

  function showJump() {
    if (!S.jumpTo) return;
    const node = document.querySelector(`#messages [data-id="${CSS.escape(S.jumpTo)}"]`);
    S.jumpTo = null;
    if (!node) return;
    node.classList.add("jumped");
    node.setAttribute("tabindex", "-1");
    node.scrollIntoView({ block: "center" });
    node.focus();
  }

  function toggleSpoiler(spoiler) {
    const shown = spoiler.classList.toggle("shown");
    spoiler.setAttribute("aria-expanded", String(shown));
    if (shown) spoiler.removeAttribute("aria-label");
    else spoiler.setAttribute("aria-label", "Spoiler, press to show");
  }

  async function start() {
    $("#composer-input").addEventListener("input", onComposerInput);
    $("#composer-input").addEventListener("keydown", onComposerKey);
    $("#composer-input").addEventListener("blur", () => setTimeout(() => { if (!S.cmd && document.activeElement !== $("#composer-input")) hidePopup(); }, 150));
    $("#send").addEventListener("click", () => (S.cmd ? runCommand() : sendMessage()));
    $("#command-chip").addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); runCommand(); }
      if (event.key === "Escape" || event.key === "Backspace") { event.preventDefault(); exitCommandMode(); $("#composer-input").focus(); }
    });
    $("#person-select").addEventListener("change", (event) => {
      const person = S.people.find((p) => p.id === event.target.value);
      if (person) choosePerson(person);
    });
    document.querySelectorAll("[data-advance]").forEach((button) => button.addEventListener("click", () => advance(Number(button.dataset.advance), button)));
    $("#modal").addEventListener("submit", submitModal);
    $("#modal-cancel").addEventListener("click", () => closeModal());
    $("#modal-x").addEventListener("click", () => closeModal());
    const showGuide = (shown, focus = true) => {
      $("#app").classList.toggle("no-guide", !shown);
      $("#guide-open").setAttribute("aria-expanded", String(shown));
      if (focus) $(shown ? "#guide-toggle" : "#guide-open").focus();
    };
    if (window.matchMedia("(max-width: 1100px)").matches) showGuide(false, false);
    $("#guide-toggle").addEventListener("click", () => showGuide(false));
    $("#drawer-toggle").addEventListener("click", () => showDrawer(!$("#app").classList.contains("drawer-open")));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && $("#app").classList.contains("drawer-open")) { showDrawer(false); $("#drawer-toggle").focus(); }
    });
    $("#guide-open").addEventListener("click", () => showGuide($("#app").classList.contains("no-guide")));
    document.addEventListener("keydown", (event) => { if (event.key === "Escape" && S.modal) closeModal(); });
    document.addEventListener("keydown", (event) => {
      const spoiler = event.target.closest && event.target.closest(".spoiler");
      if (spoiler && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); toggleSpoiler(spoiler); }
    });
    document.addEventListener("click", (event) => {
      const spoiler = event.target.closest(".spoiler");
      if (spoiler) toggleSpoiler(spoiler);
      const jump = event.target.closest('a[href^="https://discord.com/channels/"]');
      if (jump && openJump(jump.getAttribute("href"))) event.preventDefault();
      const mention = event.target.closest("[data-goto]");
      if (mention && S.data && S.data.channels.some((c) => c.id === mention.dataset.goto)) goTo(mention.dataset.goto);
      if (S.openSelect && !event.target.closest(".select")) { S.openSelect = null; rerender(); }
    });

    const first = await api("/api/state");
    S.people = first.people;
    S.channel = first.home;
    fillPeople();
    const saved = sessionStorage.getItem("alongside-try-person");
    const person = S.people.find((p) => p.key === saved);
    if (person) await choosePerson(person);
    else {
      A11Y.openDialog($("#welcome"), () => A11Y.closeDialog($("#welcome")));
      const card = $("#people-cards button");
      if (card) card.focus();
    }
    setInterval(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    start().catch((error) => toast(error.message, true));
  });
})();
