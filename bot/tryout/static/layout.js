// Where the visitor is: who they are, the channel list (a drawer on phones), polling and jumps.

import { S, $, el, icon, api, colourClass } from "./state.js";
import { demoNow, clockText } from "./markdown.js";
import { renderMessages } from "./messages.js";
import { loadCommands, exitCommandMode } from "./commands.js";
import { closeModal } from "./forms.js";
import * as A11Y from "./a11y.js";

export function fillPeople() {
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

export async function choosePerson(person) {
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

export async function refresh({ scroll = false } = {}) {
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

export async function poll() {
  if (!S.person) return;
  try { await refresh(); } catch (error) { /* shown by the stopped banner */ }
}

export function currentChannel() {
  return (S.data.channels || []).find((c) => c.id === S.channel) || { name: "general", kind: "text", topic: "" };
}

export function render(scroll) {
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

export function messagesKey() {
  return JSON.stringify([S.data.messages, [...S.dismissed], S.failed, S.data.now, S.openSelect]);
}

export function rerender() {
  if (S.data) renderMessages(false);
}

export function renderSidebar() {
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

export function showDrawer(shown) {
  $("#app").classList.toggle("drawer-open", shown);
  $("#drawer-toggle").setAttribute("aria-expanded", String(shown));
  if (shown) { const active = $("#channel-list .channel.active") || $("#channel-list .channel"); if (active) active.focus(); }
}

export async function goTo(channelId) {
  if ($("#app").classList.contains("drawer-open")) { showDrawer(false); $("#drawer-toggle").focus(); }
  if (channelId === S.channel) return;
  exitCommandMode();
  S.channel = channelId;
  S.lastMessages = "";
  S.openSelect = null;
  await refresh({ scroll: true });
}

// A discord.com message link opens that message here, as Discord's client does.
export function openJump(href) {
  const match = href.match(/^https:\/\/discord\.com\/channels\/\d+\/(\d+)(?:\/(\d+))?/);
  if (!match || !S.data || !S.data.channels.some((c) => c.id === match[1])) return false;
  S.jumpTo = match[2] || null;
  if (match[1] === S.channel) showJump();
  else goTo(match[1]).then(() => showJump()).catch(() => {});
  return true;
}

export function showJump() {
  if (!S.jumpTo) return;
  const node = document.querySelector(`#messages [data-id="${CSS.escape(S.jumpTo)}"]`);
  S.jumpTo = null;
  if (!node) return;
  node.classList.add("jumped");
  node.setAttribute("tabindex", "-1");
  node.scrollIntoView({ block: "center" });
  node.focus();
}

export function toggleSpoiler(spoiler) {
  const shown = spoiler.classList.toggle("shown");
  spoiler.setAttribute("aria-expanded", String(shown));
  if (shown) spoiler.removeAttribute("aria-label");
  else spoiler.setAttribute("aria-label", "Spoiler, press to show");
}
