// The board's page: four views on hash routes (#/, #/item/ID, #/sessions, #/audit), the
// board live over server-sent events, the store's views fetched again whenever it changes.
"use strict";

const MARK = { pass: "✓", fail: "✗", error: "!", timeout: "⏱", undefined: "?", skipped: "↷" };
let board = null;

const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) =>
  ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const verdictName = (v) => v ?? "none";
const mark = (v) => `${MARK[v] ?? "…"} ${v ?? "not yet"}`;
const main = () => document.getElementById("view");

function route() {
  const hash = location.hash || "#/";
  if (hash.startsWith("#/item/")) return { view: "item", id: decodeURIComponent(hash.slice(7)) };
  if (hash === "#/sessions") return { view: "sessions" };
  if (hash === "#/audit") return { view: "audit" };
  return { view: "board" };
}

async function getJson(url) {
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${url}: ${response.status}`);
  return body;
}

function show() {
  const r = route();
  main().dataset.view = r.view;
  for (const a of document.querySelectorAll("nav a")) {
    a.classList.toggle("here", a.dataset.view === r.view);
  }
  if (r.view === "board") return renderBoard();
  return refresh(r);
}

async function refresh(r) {
  const load = { item: () => getJson(`/api/item?id=${encodeURIComponent(r.id)}`),
    sessions: () => getJson("/api/sessions"), audit: () => getJson("/api/audit") }[r.view];
  const render = { item: renderItem, sessions: renderSessions, audit: renderAudit }[r.view];
  try {
    const doc = await load();
    if (route().view === r.view) main().innerHTML = render(doc);
  } catch (err) {
    main().innerHTML = `<p class="problem">${esc(err.message)}</p>`;
  }
}

function renderBoard() {
  if (!board || route().view !== "board") return;
  const s = board.summary;
  const failed = s.fail + s.error + s.timeout + s.undefined;
  const unseen = s.total - failed - s.pass - s.skipped;
  let html = `<p class="summary" id="summary">${s.pass} passed, ${failed} failed` +
    (s.skipped ? `, ${s.skipped} skipped` : "") + (unseen ? `, ${unseen} not observed yet` : "") +
    ` <span class="meta">· ${esc(board.status)}</span></p>`;
  html += changedNote(board.changed);
  for (const e of board.errors) {
    html += `<p class="problem">${esc(e.file)}:${e.line}:${e.column}: ${esc(e.message)}</p>`;
  }
  for (const f of board.files) {
    html += `<section class="file" data-file="${esc(f.file)}"><h2>${esc(f.file)}</h2><table>`;
    for (const i of f.items) html += itemRow(i);
    html += "</table></section>";
  }
  if (!board.files.length) html += `<p class="empty">Waiting for the first observation…</p>`;
  main().innerHTML = html;
}

function changedNote(changed) {
  if (!changed.length) return "";
  const broke = changed.filter((c) => c.to !== "pass" && c.to !== "skipped");
  const fixed = changed.filter((c) => c.to === "pass" || c.to === "skipped");
  const list = (cs) => cs.map((c) =>
    `<a href="#/item/${encodeURIComponent(c.id)}">${esc(c.id)}</a> (${esc(c.from ?? "new")} → ${esc(c.to)})`).join(", ");
  let html = "";
  if (broke.length) html += `<p class="changed" id="broke">✗ Newly failing: ${list(broke)}</p>`;
  if (fixed.length) html += `<p class="changed fixed" id="fixed">✓ Now holding: ${list(fixed)}</p>`;
  return html;
}

function itemRow(i) {
  const v = verdictName(i.verdict);
  const moved = i.was !== null && i.was !== undefined;
  const was = i.was;
  return `<tr class="item v-${v}${moved ? " moved" : ""}" data-id="${esc(i.id)}" data-verdict="${v}"` +
    `${moved ? ` data-was="${esc(was)}"` : ""}>` +
    `<td class="mark">${mark(i.verdict)}${i.stale ? " (stale)" : ""}</td>` +
    `<td class="line">${i.line}</td>` +
    `<td><a href="#/item/${encodeURIComponent(i.id)}">${esc(i.name)}</a>` +
    `${moved ? `<span class="was">was ${esc(was)}</span>` : ""}</td>` +
    `<td class="message">${esc(i.message ?? "")}</td></tr>`;
}

function renderItem(doc) {
  const it = doc.item;
  const last = doc.last;
  let html = `<h2 id="item-title">${esc(it.id)}</h2><p class="meta">${esc(it.file)}:${it.line}` +
    ` · ${esc(it.kind)}${it.tags.length ? " · " + esc(it.tags.join(" ")) : ""}</p>`;
  html += `<p>Verdict: <span class="verdict v-${verdictName(last?.verdict)}" id="item-verdict">` +
    `${mark(last?.verdict)}</span>${last?.stale ? " (observed for an older version)" : ""}</p>`;
  if (it.steps) {
    html += `<ol class="steps" id="steps">` + it.steps.map((s, n) =>
      `<li class="${n === doc.failing_step ? "failing" : ""}">${esc(s.keyword)}${esc(s.text)}` +
      (s.doc_string ? `<pre>${esc(s.doc_string.content)}</pre>` : "") +
      (s.data_table ? `<pre>${esc(s.data_table.map((r) => "| " + r.join(" | ") + " |").join("\n"))}</pre>` : "") +
      `</li>`).join("") + `</ol>`;
  }
  if (doc.body !== null) html += `<pre id="body">${esc(doc.body)}</pre>`;
  html += `<p>Evidence: <code id="command">${esc(doc.command ?? "nothing proves this item")}</code></p>`;
  if (last?.message) html += `<h3>Last output</h3><pre id="output">${esc(last.message)}</pre>`;
  html += `<h3>History (newest first)</h3><p class="history" id="history">` + doc.history.map((h) =>
    `<span class="verdict v-${h.verdict}" title="${esc(new Date(h.at_ms).toLocaleString())}: ${esc(h.verdict)}">` +
    `${MARK[h.verdict] ?? "?"}</span>`).join("") + `</p>`;
  return html;
}

function diffHtml(text) {
  return `<pre class="diff">` + text.split("\n").map((l) => {
    const kind = l.startsWith("@@") ? "hunk" : l.startsWith("+") && !l.startsWith("+++") ? "add"
      : l.startsWith("-") && !l.startsWith("---") ? "del" : "";
    return (kind ? `<span class="${kind}">${esc(l)}</span>` : esc(l)) + "\n";
  }).join("") + `</pre>`;
}

const dollars = (c) => (c === null || c === undefined ? "—" : `$${c.toFixed(4)}`);

function renderSessions(doc) {
  if (!doc.sessions.length) return `<p class="empty">No reconcile session yet.</p>`;
  return doc.sessions.map((s) =>
    `<section class="session" data-session="${s.id}"><h3>Session ${s.id} · ${esc(s.state)}` +
    `${s.end_reason ? ": " + esc(s.end_reason) : ""}</h3><p class="meta">${s.turns} turn(s), ` +
    `${dollars(s.cost_usd)} reported</p>` + s.turn_list.map(renderTurn).join("") + `</section>`).join("");
}

function renderTurn(t) {
  return `<article class="turn" data-turn="${t.number}"><h3>Turn ${t.number} · tier ${esc(t.tier)} · ` +
    `${esc(t.phase)} · ${esc(t.state)}</h3><p class="meta">agent: ${esc(t.agent_end ?? "did not finish")} · ` +
    `${dollars(t.cost_usd)} · ${t.duration_ms ?? "—"} ms · items: ${esc(t.items.join(", "))}</p>` +
    (t.gates.length ? `<ul class="gates">${t.gates.map((g) => `<li>${esc(g)}</li>`).join("")}</ul>` :
      `<p class="meta">No gate objected.</p>`) +
    (t.diff !== null ? (t.diff ? diffHtml(t.diff) : `<p class="meta">The turn changed nothing.</p>`)
      : `<p class="meta">${esc(t.no_diff)}</p>`) + `</article>`;
}

function renderAudit(doc) {
  let html = doc.audit
    ? `<p class="summary">Audit ${doc.audit.id}: ${doc.audit.mutants} mutants, ${doc.audit.killed} killed, ` +
      `${doc.audit.survived} survived${doc.audit.interrupted ? " (interrupted)" : ""}</p>`
    : `<p class="meta">No audit with mutants recorded yet: the findings below are the static rules.</p>`;
  if (!doc.findings.length) html += `<p class="empty">No findings.</p>`;
  for (const f of doc.findings) {
    html += `<article class="finding sev-${esc(f.severity)}" data-rule="${esc(f.rule)}">` +
      `<h3>${esc(f.severity)} · ${esc(f.rule)} · ${esc(f.file)}:${f.line}</h3>` +
      (f.text !== null ? `<pre class="at-line">${f.line} │ ${esc(f.text)}</pre>` : "") +
      `<p>${esc(f.message)}</p>` +
      (f.should_catch ? `<p class="meta">Should have caught it: ${esc(f.should_catch.join(", ") || "no item")}</p>` : "") +
      (f.diff ? diffHtml(f.diff) : f.no_diff ? `<p class="meta">${esc(f.no_diff)}</p>` : "") + `</article>`;
  }
  return html;
}

function live(on) {
  const el = document.getElementById("live");
  el.dataset.live = on ? "yes" : "no";
  el.textContent = on ? "● live" : "○ reconnecting…";
}

function connect() {
  const events = new EventSource("/events");
  events.onopen = () => live(true);
  events.onerror = () => live(false);
  events.addEventListener("board", (e) => {
    board = JSON.parse(e.data);
    document.getElementById("status").textContent = board.status;
    const r = route();
    if (r.view === "board") renderBoard();
    else if (r.view === "item" && !board.running) refresh(r);
  });
  events.addEventListener("store", () => {
    const r = route();
    if (r.view === "sessions" || r.view === "audit") refresh(r);
  });
}

async function server() {
  try {
    const s = await getJson("/api/server");
    document.getElementById("where").textContent = `read-only · ${s.addr} · ${s.root}`;
    if (!s.loopback) {
      const el = document.getElementById("exposed");
      el.hidden = false;
      el.textContent = `Served on ${s.addr}, beyond this machine: anyone who can reach it can read this page.`;
    }
  } catch (err) { /* the header keeps saying read-only */ }
}

window.addEventListener("hashchange", show);
server();
connect();
show();
