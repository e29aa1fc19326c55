// The page for `python -m bot try`: a small Discord-like client over the demo's JSON API.
// Plain JavaScript modules, no build step, nothing fetched from the internet; this one starts it.

import { POLL_MS, S, $, api, toast } from "./state.js";
import { fillPeople, choosePerson, poll, rerender, showDrawer, goTo, openJump, toggleSpoiler } from "./layout.js";
import { advance } from "./actions.js";
import { hidePopup, exitCommandMode, runCommand, onComposerInput, onComposerKey, sendMessage } from "./commands.js";
import { submitModal, closeModal } from "./forms.js";
import * as A11Y from "./a11y.js";

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
  document.querySelectorAll("[data-advance]").forEach((button) => button.addEventListener("click", () => advance(Number(button.dataset.advance))));
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
