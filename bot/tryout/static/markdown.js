// Discord's text: its times (<t:…>, message times in the server's zone) and its markdown subset.

import { S, escapeHtml } from "./state.js";

export function zone() { return (S.data && S.data.timezone) || "Europe/London"; }
export function demoNow() { return S.data ? new Date(S.data.now) : new Date(); }

export function dayKey(date) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

export function clockText(date) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone(), weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(date);
}

export function hhmm(date) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone(), hour: "2-digit", minute: "2-digit" }).format(date);
}

export function messageTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const now = demoNow();
  const yesterday = new Date(now.getTime() - 86400000);
  if (dayKey(date) === dayKey(now)) return `Today at ${hhmm(date)}`;
  if (dayKey(date) === dayKey(yesterday)) return `Yesterday at ${hhmm(date)}`;
  const day = new Intl.DateTimeFormat("en-GB", { timeZone: zone(), day: "2-digit", month: "2-digit", year: "numeric" }).format(date);
  return `${day} ${hhmm(date)}`;
}

export function relative(date) {
  const seconds = Math.round((date.getTime() - demoNow().getTime()) / 1000);
  const steps = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];
  const format = new Intl.RelativeTimeFormat("en-GB", { numeric: "auto" });
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size || unit === "second") return format.format(Math.round(seconds / size), unit);
  }
  return "";
}

export function discordTime(unix, style) {
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

export function names(kind) {
  const directory = (S.data && S.data.directory) || {};
  const map = {};
  for (const item of directory[kind] || []) map[item.id] = item.name;
  return map;
}

export function inline(text) {
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

export function markdown(source) {
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
