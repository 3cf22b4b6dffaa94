// The operator console: live alerts from the server-sent event stream, acknowledgement, camera
// tiles with an anonymised preview. Plain ES module, no framework, no build step. Every request
// carries `Authorization: Bearer <token>`; the token is asked once and kept in sessionStorage.
// Images need the token too, so they are fetched and shown through blob: URLs.

import { kinds, kindLabel, language, setLanguage, t, tCount, translatePage } from "./i18n.js";

const TOKEN_KEY = "vigie.token";
const PREVIEW_INTERVAL_MS = 1000;
const CAMERAS_INTERVAL_MS = 5000;
const NEW_HIGHLIGHT_MS = 15000;

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  events: new Map(), // id → EVENT (with status, decision, snapshotURL)
  tab: "open",
  filters: { camera: "", kind: "" },
  cursors: { open: null, acknowledged: null },
  cameras: [],
  fresh: new Map(), // id → time it arrived (new alerts stand out)
  snapshots: new Map(), // snapshotURL → blob: URL
  previews: new Map(), // camera id → { url, busy }
  timers: [],
  stream: null,
  // For tests and measurements: when each started event reached the page and when its row showed.
  metrics: [],
};

window.vigieConsole = state;

const $ = (selector) => document.querySelector(selector);

// MARK: - Requests

class AuthError extends Error {}

/** fetch with the token; a 401 signs out with a clear message. */
async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (options.body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { ...options, headers: { ...headers, ...(options.headers || {}) } });
  if (response.status === 401) {
    signOut(t("tokenRefused"));
    throw new AuthError("401");
  }
  return response;
}

async function apiJSON(path) {
  const response = await api(path);
  if (!response.ok) throw new Error(`${t("requestFailed")}: ${response.status} ${path}`);
  return response.json();
}

function showMessage(text, kind = "error") {
  const box = $("#message");
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = !text;
}

function report(error) {
  if (error instanceof AuthError) return;
  showMessage(error.message || String(error));
}

// MARK: - Session

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  for (const timer of state.timers) clearInterval(timer);
  state.timers = [];
  if (state.stream) state.stream.close();
  state.stream = null;
  $("#console").hidden = true;
  $("#sign-out").hidden = true;
  $("#live").hidden = true;
  $("#login").hidden = false;
  $("#token").value = "";
  $("#token").focus();
  showMessage(message || "");
}

async function start() {
  $("#login").hidden = true;
  $("#console").hidden = false;
  $("#sign-out").hidden = false;
  showMessage("");
  try {
    await loadCameras(); // a wrong token stops here, with its message
  } catch (error) {
    report(error);
    return;
  }
  await reloadEvents();
  openStream();
  state.timers.push(setInterval(() => loadCameras().catch(report), CAMERAS_INTERVAL_MS));
  state.timers.push(setInterval(refreshPreviews, PREVIEW_INTERVAL_MS));
  state.timers.push(setInterval(renderAlerts, 1000)); // ongoing durations, fading highlights
  refreshPreviews();
}

// MARK: - Cameras

async function loadCameras() {
  const body = await apiJSON("/api/cameras");
  state.cameras = body.cameras || [];
  renderCameras();
  renderCameraFilter();
}

function renderCameras() {
  const tiles = $("#tiles");
  const known = new Set();
  for (const camera of state.cameras) {
    known.add(camera.id);
    let tile = tiles.querySelector(`[data-camera="${CSS.escape(camera.id)}"]`);
    if (!tile) {
      tile = document.createElement("article");
      tile.className = "tile";
      tile.dataset.camera = camera.id;
      tile.innerHTML = `<div class="preview"><img alt=""><span class="overlay"></span></div>
        <div class="tile-body"><h3></h3><span class="state"></span>
        <p class="figures"></p><p class="today"></p><p class="error" hidden></p></div>`;
      tiles.append(tile);
    }
    tile.querySelector("h3").textContent = camera.id;
    const badge = tile.querySelector(".state");
    badge.textContent = t(camera.state) || camera.state;
    badge.className = `state state-${camera.state}`;
    tile.querySelector(".figures").textContent =
      `${formatNumber(camera.fps, 1)} ${t("fps")} · ${camera.input || ""}`;
    tile.querySelector(".today").innerHTML = "";
    tile.querySelector(".today").append(
      figure(camera.alertsToday, tCount("alertsToday", camera.alertsToday), "alerts-today"),
      document.createTextNode(" · "),
      figure(camera.falseAlarmsToday, tCount("falseAlarmsToday", camera.falseAlarmsToday), "false-alarms-today"),
    );
    const error = tile.querySelector(".error");
    error.hidden = !camera.lastError || camera.state === "running";
    error.textContent = camera.lastError ? `${t("lastError")}: ${camera.lastError}` : "";
  }
  for (const tile of tiles.querySelectorAll(".tile")) {
    if (!known.has(tile.dataset.camera)) tile.remove();
  }
}

function figure(value, label, cls) {
  const span = document.createElement("span");
  span.className = cls;
  const strong = document.createElement("strong");
  strong.textContent = String(value ?? 0);
  span.append(strong, document.createTextNode(` ${label}`));
  return span;
}

/** Fetches each camera's anonymised preview (about once a second, never two at once per camera). */
function refreshPreviews() {
  for (const camera of state.cameras) {
    const entry = state.previews.get(camera.id) || { url: null, busy: false };
    state.previews.set(camera.id, entry);
    if (entry.busy) continue;
    entry.busy = true;
    api(`/api/cameras/${encodeURIComponent(camera.id)}/preview.jpg`)
      .then(async (response) => {
        const tile = $(`#tiles [data-camera="${CSS.escape(camera.id)}"]`);
        if (!tile) return;
        const overlay = tile.querySelector(".overlay");
        if (response.status === 503) {
          overlay.textContent = t("notWarm");
          overlay.hidden = false;
          return;
        }
        if (!response.ok) {
          overlay.textContent = t("noPreview");
          overlay.hidden = false;
          return;
        }
        const url = URL.createObjectURL(await response.blob());
        tile.querySelector("img").src = url;
        overlay.hidden = true;
        if (entry.url) URL.revokeObjectURL(entry.url);
        entry.url = url;
      })
      .catch(report)
      .finally(() => {
        entry.busy = false;
      });
  }
}

// MARK: - Events

function query(status, cursor) {
  const parameters = new URLSearchParams({ status, limit: "100" });
  if (state.filters.camera) parameters.set("camera", state.filters.camera);
  if (state.filters.kind) parameters.set("kind", state.filters.kind);
  if (cursor) parameters.set("cursor", cursor);
  return `/api/events?${parameters}`;
}

async function loadEvents(status, cursor = null) {
  const body = await apiJSON(query(status, cursor));
  for (const event of body.events || []) state.events.set(event.id, event);
  state.cursors[status] = body.nextCursor ?? null;
}

async function reloadEvents() {
  state.events.clear();
  try {
    await Promise.all([loadEvents("open"), loadEvents("acknowledged")]);
  } catch (error) {
    report(error);
  }
  renderAlerts();
}

function openStream() {
  if (state.stream) state.stream.close();
  // EventSource cannot send headers: the stream takes the token in its query string.
  const stream = new EventSource(`/api/events/stream?token=${encodeURIComponent(state.token)}`);
  stream.addEventListener("open", () => {
    $("#live").hidden = false;
    if ($("#message").textContent === t("streamLost")) showMessage("");
  });
  stream.addEventListener("error", () => {
    $("#live").hidden = true;
    if (state.token) showMessage(t("streamLost"), "warning");
  });
  // Each message's SSE event name is its phase (started, updated, ended).
  const onPhase = (message) => {
    const received = performance.now();
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    const isNew = !state.events.has(event.id);
    const previous = state.events.get(event.id);
    // An acknowledged alert stays acknowledged when its situation goes on or ends.
    if (previous && previous.status === "acknowledged" && !event.decision) {
      event.status = previous.status;
      event.decision = previous.decision;
    }
    state.events.set(event.id, { ...previous, ...event });
    if (isNew && event.phase === "started") {
      state.fresh.set(event.id, Date.now());
      state.metrics.push({ id: event.id, received, shown: null });
      if ($("#sound").checked) beep();
    }
    renderAlerts();
  };
  for (const phase of ["started", "updated", "ended"]) stream.addEventListener(phase, onPhase);
  state.stream = stream;
}

async function acknowledge(id, decision, note) {
  try {
    const response = await api(`/api/events/${encodeURIComponent(id)}/acknowledge`, {
      method: "POST",
      body: JSON.stringify({ decision, note }),
    });
    if (response.status === 403) return showMessage(t("forbidden"));
    if (response.status === 409) {
      showMessage(t("alreadyAcknowledged"), "warning");
      await reloadEvents();
      return;
    }
    if (!response.ok) throw new Error(`${t("requestFailed")}: ${response.status}`);
    const updated = await response.json();
    state.events.set(updated.id, { ...state.events.get(updated.id), ...updated });
    state.fresh.delete(updated.id);
    showMessage("");
    renderAlerts();
    loadCameras().catch(report); // today's false alarms
  } catch (error) {
    report(error);
  }
}

// MARK: - Alert list

function visibleEvents() {
  const { camera, kind } = state.filters;
  return [...state.events.values()]
    .filter((e) => (e.status || "open") === state.tab)
    .filter((e) => !camera || e.cameraID === camera)
    .filter((e) => !kind || e.kind === kind)
    .sort((a, b) => startSortKey(b) - startSortKey(a));
}

function startSortKey(event) {
  const wall = wallClock(event);
  return wall ? wall.getTime() / 1000 : Number(event.startTime) || 0;
}

function renderAlerts() {
  const rows = $("#alert-rows");
  const events = visibleEvents();
  const now = Date.now();
  for (const [id, since] of state.fresh) if (now - since > NEW_HIGHLIGHT_MS) state.fresh.delete(id);
  const keep = new Set(events.map((e) => e.id));
  for (const row of [...rows.children]) if (!keep.has(row.dataset.event)) row.remove();
  let previous = null;
  for (const event of events) {
    let row = rows.querySelector(`tr[data-event="${CSS.escape(event.id)}"]`);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.event = event.id;
      row.innerHTML = `<td class="kind"></td><td class="camera"></td><td class="place"></td><td class="start"></td>
        <td class="duration"></td><td class="snapshot"></td><td class="decision"></td>`;
    }
    fillRow(row, event);
    // Keep the order (newest first) without rebuilding rows (a note being typed survives).
    const wanted = previous ? previous.nextSibling : rows.firstChild;
    if (wanted !== row) rows.insertBefore(row, wanted);
    previous = row;
    const metric = state.metrics.find((m) => m.id === event.id && m.shown === null);
    if (metric) metric.shown = performance.now();
  }
  $("#no-alerts").hidden = events.length > 0;
  const open = [...state.events.values()].filter((e) => (e.status || "open") === "open").length;
  $("#open-count").textContent = open ? `(${open})` : "";
  $("#more").hidden = !state.cursors[state.tab];
  const fresh = state.fresh.size;
  document.title = (fresh ? `(${fresh}) ` : "") + t("title");
}

function fillRow(row, event) {
  row.className = `alert kind-${event.kind}` + (state.fresh.has(event.id) ? " new" : "")
    + (event.endTime != null ? " ended" : "");
  row.querySelector(".kind").textContent = kindLabel(event.kind);
  row.querySelector(".camera").textContent = event.cameraID;
  row.querySelector(".place").textContent = event.zoneID || event.lineID || "—";
  row.querySelector(".start").textContent = formatStart(event);
  row.querySelector(".duration").textContent = formatDuration(event);
  fillSnapshot(row.querySelector(".snapshot"), event);
  fillDecision(row.querySelector(".decision"), event);
}

function fillSnapshot(cell, event) {
  const url = event.snapshotURL;
  if (cell.dataset.url === String(url)) return;
  cell.dataset.url = String(url);
  cell.textContent = "";
  if (!url) {
    cell.textContent = t("noSnapshot");
    return;
  }
  const img = document.createElement("img");
  img.alt = `${t("snapshot")} ${event.id}`;
  cell.append(img);
  const cached = state.snapshots.get(url);
  if (cached) {
    img.src = cached;
    return;
  }
  api(url)
    .then(async (response) => {
      if (!response.ok) {
        cell.textContent = t("noSnapshot");
        return;
      }
      const blobURL = URL.createObjectURL(await response.blob());
      state.snapshots.set(url, blobURL);
      img.src = blobURL;
    })
    .catch(report);
}

function fillDecision(cell, event) {
  const key = `${event.status}|${event.decision ? event.decision.decision : ""}|${language()}`;
  if (cell.dataset.key === key) return;
  cell.dataset.key = key;
  cell.textContent = "";
  if (event.status === "acknowledged" && event.decision) {
    const d = event.decision;
    const label = document.createElement("strong");
    label.className = `decision-${d.decision}`;
    label.textContent = t(d.decision);
    cell.append(label);
    const who = [d.operator ? `${t("by")} ${d.operator}` : "", d.time ? formatWall(new Date(d.time)) : ""]
      .filter(Boolean).join(", ");
    if (who) cell.append(document.createTextNode(` ${who}`));
    if (d.note) {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = d.note;
      cell.append(note);
    }
    return;
  }
  const form = document.createElement("form");
  form.className = "acknowledge";
  const note = document.createElement("input");
  note.type = "text";
  note.name = "note";
  note.placeholder = t("notePlaceholder");
  form.append(note);
  for (const decision of ["confirmed", "false-alarm", "dismissed"]) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `ack ack-${decision}`;
    button.dataset.decision = decision;
    button.textContent = t(decision);
    button.addEventListener("click", () => {
      for (const b of form.querySelectorAll("button")) b.disabled = true;
      acknowledge(event.id, decision, note.value.trim()).finally(() => {
        for (const b of form.querySelectorAll("button")) b.disabled = false;
      });
    });
    form.append(button);
  }
  form.addEventListener("submit", (e) => e.preventDefault());
  cell.append(form);
}

// MARK: - Formatting

/** A wall-clock start if the event carries one (ISO 8601 strings), else null. */
function wallClock(event) {
  for (const value of [event.startedAt, event.startTime]) {
    if (typeof value === "string") {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) return date;
    }
  }
  return null;
}

function formatWall(date) {
  return date.toLocaleString(language() === "fr" ? "fr-FR" : "en-GB", {
    day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
}

function formatStart(event) {
  const wall = wallClock(event);
  if (wall) return formatWall(wall);
  return formatClock(Number(event.startTime) || 0); // stream time
}

function formatClock(seconds) {
  const s = Math.max(0, seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const ss = r.toFixed(1).padStart(4, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

function formatDuration(event) {
  const start = Number(event.startTime);
  if (event.endTime != null) {
    const d = Number(event.endTime) - start;
    return d > 0 ? `${formatNumber(d, 1)} ${t("seconds")}` : t("instant");
  }
  // Ongoing: the duration the last update reported (stream time; nothing before the first update).
  const d = Math.max(0, Number(event.time) - start);
  return d > 0 ? `${formatNumber(d, 1)} ${t("seconds")} (${t("ongoing")})` : t("ongoing");
}

function formatNumber(value, digits) {
  const n = Number(value);
  if (!Number.isFinite(n)) return "—";
  return n.toLocaleString(language() === "fr" ? "fr-FR" : "en-GB", {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  });
}

function beep() {
  try {
    const context = new AudioContext();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.4);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.4);
  } catch {
    // no audio: the highlight is enough
  }
}

// MARK: - Filters, tabs, language

function renderCameraFilter() {
  const select = $("#filter-camera");
  const ids = state.cameras.map((c) => c.id);
  const current = select.value;
  select.textContent = "";
  select.append(new Option(t("allCameras"), ""));
  for (const id of ids) select.append(new Option(id, id));
  select.value = ids.includes(current) ? current : "";
}

function renderKindFilter() {
  const select = $("#filter-kind");
  const current = select.value;
  select.textContent = "";
  select.append(new Option(t("allKinds"), ""));
  for (const kind of kinds) select.append(new Option(kindLabel(kind), kind));
  select.value = current;
}

function applyLanguage() {
  translatePage();
  $("#language").textContent = t("language");
  renderKindFilter();
  renderCameraFilter();
  renderCameras();
  for (const cell of document.querySelectorAll("#alert-rows .decision")) delete cell.dataset.key;
  renderAlerts();
}

function boot() {
  setLanguage(language());
  applyLanguage();
  $("#language").addEventListener("click", () => {
    setLanguage(language() === "fr" ? "en" : "fr");
    applyLanguage();
  });
  $("#sign-out").addEventListener("click", () => signOut(""));
  $("#login").addEventListener("submit", (e) => {
    e.preventDefault();
    const token = $("#token").value.trim();
    if (!token) return;
    state.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    start();
  });
  for (const tab of document.querySelectorAll(".tabs [role=tab]")) {
    tab.addEventListener("click", () => {
      state.tab = tab.dataset.status;
      for (const other of document.querySelectorAll(".tabs [role=tab]")) {
        other.setAttribute("aria-selected", String(other === tab));
      }
      renderAlerts();
    });
  }
  $("#filter-camera").addEventListener("change", (e) => {
    state.filters.camera = e.target.value;
    reloadEvents();
  });
  $("#filter-kind").addEventListener("change", (e) => {
    state.filters.kind = e.target.value;
    reloadEvents();
  });
  $("#more").addEventListener("click", async () => {
    try {
      await loadEvents(state.tab, state.cursors[state.tab]);
    } catch (error) {
      report(error);
    }
    renderAlerts();
  });
  if (state.token) start();
  else signOut("");
}

boot();
