// The page: draws what the engine answers (engine.js) as plain DOM, text only (textContent, never
// as markup); keeps saves in IndexedDB and settings in localStorage; works with mouse, keys 1-9,
// Tab and Enter. No framework.
import { newGame } from "./engine.js";

const $ = (selector) => document.querySelector(selector);
const storyId = document.body.dataset.story;
const params = new URLSearchParams(location.search);
const prefix = `hungary56:${storyId}:`;

// -- settings (localStorage) and saves (IndexedDB) ---------------------------------------------
const settings = Object.assign({ theme: "light", size: "normal", reveal: "choice", askWhy: false, teacher: false },
  JSON.parse(localStorage.getItem(prefix + "settings") || "{}"));
if (params.get("mode") === "teacher") settings.teacher = true;
if (params.get("mode") === "player") settings.teacher = false;
function keepSettings() { localStorage.setItem(prefix + "settings", JSON.stringify(settings)); }
function applySettings() {
  document.documentElement.dataset.theme = settings.theme;
  document.documentElement.dataset.size = settings.size;
  document.body.dataset.mode = settings.teacher ? "teacher" : "player";
  $("#teacher-switch").checked = settings.teacher;
}

let dbPromise = null;
function db() {
  dbPromise ??= new Promise((resolve, reject) => {
    const open = indexedDB.open(`hungary56-${storyId}`, 1);
    open.onupgradeneeded = () => open.result.createObjectStore("saves");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  return dbPromise;
}
async function store(mode, work) {
  const base = await db();
  return new Promise((resolve, reject) => {
    const request = work(base.transaction("saves", mode).objectStore("saves"));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
const saves = {
  get: (slot) => store("readonly", (s) => s.get(slot)),
  put: (slot, json) => store("readwrite", (s) => s.put({ json, at: new Date().toISOString() }, slot)),
  remove: (slot) => store("readwrite", (s) => s.delete(slot)),
  slots: () => store("readonly", (s) => s.getAllKeys()),
};
const slot = (name) => (settings.teacher ? `teacher-${name}` : name);

function endingsFound() { return JSON.parse(localStorage.getItem(prefix + "endings") || "[]"); }
function foundEnding(id) {
  const found = endingsFound();
  if (!found.includes(id)) localStorage.setItem(prefix + "endings", JSON.stringify([...found, id]));
}

// -- drawing -------------------------------------------------------------------------------------
function blockElement(block) {
  const tag = block.style === "heading" ? "h2" : block.style === "chapter" ? "h2" : "p";
  const element = document.createElement(tag);
  element.className = `b-${block.style}` + (block.tight ? " tight" : "");
  if (block.indent) element.style.marginLeft = `${block.indent / 2}em`;
  element.textContent = block.text;
  return element;
}
function drawBlocks(container, blocks) {
  container.replaceChildren(...blocks.filter((b) => b.style !== "rule" && b.text !== "").map(blockElement));
}
function notice(kind, text) {
  const line = document.createElement("p");
  line.className = `b-${kind}`;
  line.textContent = text;
  $("#notices").replaceChildren(line);
}
function progress(text) { $("#progress").textContent = text; }

// -- the game ------------------------------------------------------------------------------------
let game = null;
let view = {};
let queue = [];       // screens still to show, after a Next
let waitingWhy = false;

function show(section) {
  for (const id of ["start", "play", "panel"]) $(`#${id}`).hidden = id !== section;
}

async function apply(answer) {
  for (const save of answer.saves || []) {
    try {
      await saves.put(slot(save.slot), save.json);
      if (!save.quiet && save.slot !== "autosave") notice("hint", `Saved as '${save.slot}'.`);
    } catch (error) {  // no storage (a private window, a full disk): the game goes on
      notice("error", `This browser would not keep the save '${save.slot}' (${error?.message || error}); ` +
        "use Download my save to keep your place.");
    }
  }
  for (const item of answer.notices || []) notice(item.kind, item.text);
  view = answer.view || view;
  const all = answer.screens || [];
  const panels = all.filter((s) => s.kind === "panel");
  for (const panel of panels) openPanel(panel.command, panel.blocks);
  if ((answer.requests || []).length) {  // work only the page can do; what follows is drawn by its answer
    for (const request of answer.requests) await handleRequest(request);
    return;
  }
  const screens = all.filter((s) => s.kind !== "panel");
  if (screens.length) {
    queue = screens;
    const chosen = (answer.events || []).some((e) => e.type === "Chosen");
    if (chosen && settings.askWhy) { askWhy(); return; }
    if (!panels.length) show("play");
    nextScreen();
  } else if (!panels.length) {
    drawControls();
  }
}

function askWhy() {
  waitingWhy = true;
  $("#choices").replaceChildren();
  $('[data-action="next"]').hidden = true;
  $("#why").hidden = false;
  $("#why-text").value = "";
  $("#why-text").focus();
}

function nextScreen() {
  const screen = queue.shift();
  document.body.dataset.queued = String(queue.length);
  if (!screen) return;
  const area = $("#screen");
  area.dataset.kind = screen.kind;
  area.dataset.scene = screen.scene || "";
  if (screen.ending) area.dataset.ending = screen.ending; else delete area.dataset.ending;
  drawBlocks(area, screen.blocks);
  show("play");
  window.scrollTo(0, 0);
  if (screen.ending) {
    foundEnding(screen.ending);
    window.hungary56Scorm?.completed(screen.ending);
  }
  if (queue.length) {
    $("#choices").replaceChildren();
    $("#vote").hidden = true;
    nextButton("Next");
  } else {
    drawControls();
  }
}

function nextButton(label) {
  const next = $('[data-action="next"]');
  next.textContent = label;
  next.hidden = false;
  next.focus({ preventScroll: true });
}

function drawControls() {
  const list = $("#choices");
  list.replaceChildren(...(view.choices || []).map((choice) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "choice";
    button.dataset.choice = choice.id;
    const number = document.createElement("span");
    number.className = "num";
    number.textContent = `${choice.number}.`;
    button.append(number, ` ${choice.label}`);
    item.append(button);
    return item;
  }));
  const next = $('[data-action="next"]');
  const labels = { continue: "Continue", reveal: "Reveal what really happened", debrief: "Your debrief" };
  if (view.next) nextButton(labels[view.next] || "Next"); else next.hidden = true;
  drawVote();
  if (!view.next) list.querySelector("button")?.focus({ preventScroll: true });
}

function drawVote() {
  const box = $("#vote");
  const open = settings.teacher && (view.choices || []).length > 1;
  box.hidden = !open;
  if (!open) return;
  $("#vote-inputs").replaceChildren(...view.choices.map((choice) => {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "number"; input.min = "0"; input.value = "0"; input.dataset.number = choice.number;
    label.append(`${choice.number}. `, input);
    return label;
  }));
}

async function handleRequest(request) {
  if (request.type === "load") {
    const kept = await saves.get(slot(request.slot));
    if (!kept) notice("error", `There is no save called '${request.slot}'.`);
    else await apply(game.loadSave(kept.json, request.slot));
  } else if (request.type === "saves") {
    await openSaves();
  } else if (request.type === "settings") {
    openSettings();
  } else if (request.type === "left") {
    await startScreen();
  }
}

function openPanel(title, blocks) {
  $("#panel-title").textContent = title.charAt(0).toUpperCase() + title.slice(1);
  $("#panel").dataset.panel = title;
  drawBlocks($("#panel-body"), blocks);
  show("panel");
  $("#panel-title").focus();
}

async function send(line) { if (game) await apply(game.send(line)); }

// -- panels the page draws itself: saves, settings -----------------------------------------------
function element(tag, text, attributes = {}) {
  const made = document.createElement(tag);
  if (text) made.textContent = text;
  for (const [key, value] of Object.entries(attributes)) made.setAttribute(key, value);
  return made;
}

async function openSaves() {
  const body = $("#panel-body");
  const list = element("ul");
  for (const name of (await saves.slots()).filter((s) => (settings.teacher ? s.startsWith("teacher-") : !s.startsWith("teacher-")))) {
    const shown = settings.teacher ? name.slice(8) : name;
    const item = element("li", `${shown} `);
    item.append(element("button", "Load", { type: "button", "data-load": shown, "aria-label": `Load ${shown}` }),
      element("button", "Delete", { type: "button", "data-delete": name, "aria-label": `Delete ${shown}` }));
    list.append(item);
  }
  const form = element("form", "", { id: "save-form" });
  const label = element("label", "Save as ", { for: "slot-name" });
  form.append(label, element("input", "", { id: "slot-name", type: "text", pattern: "[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}", required: "" }),
    element("button", "Save", { type: "submit" }));
  body.replaceChildren(list, form);
  $("#panel-title").textContent = "Saved games";
  $("#panel").dataset.panel = "saves";
  show("panel");
  $("#panel-title").focus();
}

function openSettings() {
  const body = $("#panel-body");
  const group = (legend, name, options, current) => {
    const set = element("fieldset");
    set.append(element("legend", legend));
    for (const [value, text] of options) {
      const label = element("label");
      const input = element("input", "", { type: "radio", name, value });
      input.checked = value === current;
      label.append(input, ` ${text} `);
      set.append(label);
    }
    return set;
  };
  const why = element("label");
  const box = element("input", "", { type: "checkbox", name: "askWhy" });
  box.checked = settings.askWhy;
  why.append(box, " Ask me why after each decision (kept in the transcript)");
  body.replaceChildren(
    group("When to show what really happened", "reveal", [["choice", "after each choice"], ["chapter", "at the end of each chapter"], ["off", "never"]], settings.reveal),
    group("Text size", "size", [["small", "small"], ["normal", "normal"], ["large", "large"], ["x-large", "extra large"]], settings.size),
    group("Theme", "theme", [["light", "light"], ["dark", "dark"], ["contrast", "high contrast"]], settings.theme),
    why);
  $("#panel-title").textContent = "Settings";
  $("#panel").dataset.panel = "settings";
  show("panel");
  $("#panel-title").focus();
}

$("#panel-body").addEventListener("change", async (event) => {
  const input = event.target;
  if (input.name === "askWhy") settings.askWhy = input.checked;
  else if (["size", "theme"].includes(input.name)) settings[input.name] = input.value;
  else if (input.name === "reveal") { settings.reveal = input.value; if (game) await apply(game.configure(input.value)); }
  keepSettings();
  applySettings();
});
$("#panel-body").addEventListener("submit", async (event) => {
  event.preventDefault();
  await send(`save ${$("#slot-name").value}`);
  await openSaves();
});
$("#panel-body").addEventListener("click", (event) => {
  const target = event.target.closest("button");
  if (!target) return;
  busy(async () => {
    if (target.dataset.load) await send(`load ${target.dataset.load}`);
    else if (target.dataset.delete) { await saves.remove(target.dataset.delete); await openSaves(); }
  });
});

// -- start screen ---------------------------------------------------------------------------------
let catalogue = { chapters: [], endings: [] };
async function startScreen() {
  const auto = await saves.get(slot("autosave")).catch(() => null);
  $('[data-action="continue"]').hidden = !auto;
  $("#chapter-list").hidden = true;
  $("#ending-list").hidden = true;
  show("start");
  ($(auto ? '[data-action="continue"]' : '[data-action="new-game"]')).focus();
}
function listChapters() {
  $("#chapter-list").replaceChildren(...catalogue.chapters.map((c) => {
    const item = element("li");
    item.append(element("button", `${c.title} (${c.dates})`, { type: "button", "data-chapter": c.id }));
    return item;
  }));
}
function listEndings() {
  const found = endingsFound();
  const items = catalogue.endings.map((e) => element("li", found.includes(e.id) ? e.title : "(not found yet)"));
  $("#ending-list").replaceChildren(element("li", `${found.length} of ${catalogue.endings.length} found`), ...items);
}
async function begin(how) {
  if (game) game.close();
  game = await newGame({ teacher: settings.teacher, reveal: settings.reveal, progress });
  catalogue = game.catalogue();
  show("play");
  if (how.chapter) await apply(game.startChapter(how.chapter));
  else await apply(game.start(how.save || ""));
}

// -- input ------------------------------------------------------------------------------------------
document.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button || button.disabled || button.closest("#panel-body")) return;
  busy(() => onClick(button));
});
// While a click's work is under way the page says so (data-busy), and a second click waits its turn.
let working = Promise.resolve();
let pending = 0;
function busy(work) {
  pending += 1;
  document.body.dataset.busy = "true";
  working = working.then(work).catch((error) => notice("error", String(error.message || error)))
    .finally(() => { pending -= 1; if (!pending) document.body.dataset.busy = "false"; });
}
async function onClick(button) {
  const action = button.dataset.action;
  if (button.dataset.choice !== undefined && game) { await apply(game.choose(button.dataset.choice)); return; }
  if (button.dataset.command) { await send(button.dataset.command); return; }
  if (button.dataset.chapter) { await begin({ chapter: button.dataset.chapter }); return; }
  if (action === "next") { if (queue.length) nextScreen(); else await send(""); }
  else if (action === "continue") { const kept = await saves.get(slot("autosave")); await begin({ save: kept ? kept.json : "" }); }
  else if (action === "new-game") { await saves.remove(slot("autosave")); await begin({}); }
  else if (action === "chapters") { listChapters(); $("#chapter-list").hidden = !$("#chapter-list").hidden; button.setAttribute("aria-expanded", String(!$("#chapter-list").hidden)); }
  else if (action === "endings") { listEndings(); $("#ending-list").hidden = !$("#ending-list").hidden; button.setAttribute("aria-expanded", String(!$("#ending-list").hidden)); }
  else if (action === "start-screen") await startScreen();
  else if (action === "close-panel") { show("play"); ($("#choices button") || $('[data-action="next"]:not([hidden])'))?.focus(); }
  else if (action === "saves") await openSaves();
  else if (action === "settings") openSettings();
  else if (action === "vote") await send("vote " + [...document.querySelectorAll("#vote-inputs input")].map((i) => i.value || "0").join(" "));
  else if (action === "open-save") $("#save-file").click();
  else if (action === "download-save" && game) download(`${storyId}-save.json`, game.saveJson(), "application/json");
  else if (action === "download-transcript" && game) download(`${storyId}-transcript.md`, game.transcript(), "text/markdown");
}
$("#why").addEventListener("submit", (event) => {
  event.preventDefault();
  game.reason($("#why-text").value);
  $("#why").hidden = true;
  waitingWhy = false;
  nextScreen();
});
$("#teacher-switch").addEventListener("change", (event) => { settings.teacher = event.target.checked; keepSettings(); applySettings(); startScreen(); });
$("#save-file").addEventListener("change", (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  busy(async () => {
    const text = await file.text();
    if (!game) await begin({});
    await apply(game.loadSave(text, "file"));
  });
});
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey || waitingWhy) return;
  if (/^[1-9]$/.test(event.key) && !$("#play").hidden) {
    const button = document.querySelectorAll("#choices button")[Number(event.key) - 1];
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  }
});

function download(name, text, type) {
  const link = element("a", "", { download: name, href: URL.createObjectURL(new Blob([text], { type })) });
  document.body.append(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}

// -- boot -------------------------------------------------------------------------------------------
async function boot() {
  applySettings();
  try {
    const auto = await saves.get(slot("autosave")).catch(() => null);
    if (auto || settings.teacher) {
      game = await newGame({ teacher: settings.teacher, reveal: settings.reveal, progress });
      catalogue = game.catalogue();
      await startScreen();
    } else {
      await begin({});
    }
    progress("Ready.");
    performance.mark("hungary56-ready");
    document.body.dataset.ready = "true";
    // The offline copy is made once the game is playable, so that it does not slow the first start.
    if ("serviceWorker" in navigator && location.protocol !== "file:") {
      navigator.serviceWorker.register("sw.js").catch((error) => console.warn("no offline copy:", error));
    }
  } catch (error) {
    console.error(error);
    progress(`The story engine could not start: ${error.message || error}. Reload the page to try again; ` +
      "if it keeps failing, this browser may not support WebAssembly.");
    document.body.dataset.ready = "failed";
  }
}
boot();
