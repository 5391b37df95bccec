// The what-if page's interface: sliders in, bars, choices, differences and the tree out.
// Every number shown comes from WhatIfEngine (above); text from the scenario is only ever
// put in with textContent or setAttribute, never parsed as HTML.
(function () {
  const D = JSON.parse(document.getElementById("whatif-data").textContent);
  const X = WhatIfEngine.create(D);
  const A = D.actors.length;
  const $ = (id) => document.getElementById(id);
  const S = { set: {}, mode: "belief", focus: null, current: null, problem: null };
  const base = { belief: X.compute({}, "belief"), strategic: X.compute({}, "strategic") };

  window.scenario = {
    evaluate: (o) => X.evaluate(o),
    solve: (o) => X.solve(o),
    state: () => ({ set: Object.assign({}, S.set), mode: S.mode, problem: S.problem }),
    apply: (set, mode) => { S.set = Object.assign({}, set || {}); if (mode) setMode(mode); update(); },
    timing: { last: 0, flips: 0 },
    flips: () => { const out = {}; for (const [i, f] of flips) out[D.ids[i]] = f.map(([x, a, b]) => [x, D.ids[X.child[a]], D.ids[X.child[b]]]); return out; },
  };

  // -- formatting -------------------------------------------------------------------------------
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  }
  function sig(x, n) {
    if (!Number.isFinite(x)) return String(x);
    if (Math.abs(x) < 1e-12) return "0";
    return X.fmtG(Number(x.toPrecision(n)), n);
  }
  function pct(x) {
    if (x <= 0) return "0%";
    if (x < 0.0005) return "<0.1%";
    if (x > 0.9995 && x < 1) return ">99.9%";
    return (100 * x).toFixed(1).replace(/\.0$/, "") + "%";
  }
  function signed(x, f) { return (x > 0 ? "+" : x < 0 ? "−" : "±") + f(Math.abs(x)); }
  const label = (i) => D.labels[i];
  const edgeOf = (i, to) => { for (let e = X.start[i]; e < X.start[i + 1]; e++) if (D.ids[X.child[e]] === to) return e; return -1; };
  // NODE.CHILD, or NODE.POSITION where several branches of NODE lead to CHILD (as --set).
  const settingName = (e) => {
    const i = X.parent[e];
    let into = 0;
    for (let f = D.start[i]; f < D.start[i + 1]; f++) if (X.child[f] === X.child[e]) into++;
    return D.ids[i] + "." + (into > 1 ? String(e - D.start[i]) : D.ids[X.child[e]]);
  };
  const nodeIndex = new Map(D.ids.map((id, i) => [id, i]));

  // -- settings: parameters and branches ---------------------------------------------------------
  const controls = new Map();             // setting name -> {range, box, row, kind}
  function stepOf(lo, hi) {                // about 200 steps, a round number: 1, 2 or 5 times a power of ten
    const s = (hi - lo) / 200, m = Math.pow(10, Math.floor(Math.log10(s))), r = s / m;
    return Number(((r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * m).toPrecision(6));
  }

  function control(name, lo, hi, step, text, note) {
    const id = "c-" + controls.size;
    const range = el("input", { type: "range", id: id, min: lo, max: hi, step: step, "aria-label": name });
    const box = el("input", { type: "number", step: "any", "aria-label": name + " (type a value)", class: "box" });
    const unset = el("button", { type: "button", class: "unset", title: "Back to the base value", "aria-label": "Unset " + name, text: "×" });
    const row = el("div", { class: "control", "data-setting": name },
      el("label", { for: id }, el("span", { class: "name", text: text }), note ? el("span", { class: "muted small", text: " " + note }) : null),
      el("div", { class: "inputs" }, range, box, unset));
    const c = { range, box, unset, row, name };
    controls.set(name, c);
    range.addEventListener("input", () => { set(name, Number(range.value)); box.value = range.value; });
    box.addEventListener("change", () => { if (box.value.trim() !== "" && Number.isFinite(Number(box.value))) set(name, Number(box.value)); });
    unset.addEventListener("click", () => { delete S.set[name]; update(); });
    return c;
  }
  function set(name, value) { S.set[name] = value; if (S.focus !== name) { S.focus = name; scheduleFlips(true); } update(); }

  const params = $("params");
  if (!D.parameters.length) params.append(el("p", { class: "muted", text: "This scenario has no parameters." }));
  D.parameters.forEach((p) => {
    const [lo, hi] = p.range;
    const c = control(p.name, lo, hi, stepOf(lo, hi), p.name, (p.description || "") + " (base " + sig(p.value, 6) + (p.derived ? ", computed" : "") + ")");
    c.kind = "param"; c.slot = D.parameters.indexOf(p);
    params.append(c.row);
  });

  const branchesBox = $("branches");
  const groups = [];
  for (let i = 0; i < X.N; i++) {
    if (X.start[i + 1] - X.start[i] < 2) continue;
    const who = D.actor[i] >= 0 ? D.actor_names[D.actor[i]] + " decides" : "chance";
    const summary = el("summary", {}, el("span", { class: "name", text: label(i) }), el("span", { class: "muted small", text: " " + D.ids[i] + " · " + who }));
    const details = el("details", { class: "node" }, summary);
    const g = { i, details, built: false, text: (D.ids[i] + " " + label(i)).toLowerCase() };
    details.addEventListener("toggle", () => { if (details.open) build(g); });
    groups.push(g);
  }
  const SHOWN = 150;
  function build(g) {
    if (g.built) return;
    g.built = true;
    for (let e = X.start[g.i]; e < X.start[g.i + 1]; e++) {
      const c = control(settingName(e), 0, 1, 0.001, "→ " + D.edge_labels[e], null);
      c.kind = "branch"; c.edge = e;
      g.details.append(c.row);
    }
    refreshControls();
  }
  function filterGroups() {
    const q = $("filter").value.trim().toLowerCase();
    let shown = 0;
    for (const g of groups) {
      const ok = (!q || g.text.indexOf(q) >= 0) && shown < SHOWN;
      if (ok) { shown++; if (!g.details.isConnected) branchesBox.append(g.details); }
      g.details.hidden = !ok;
    }
    $("filter").hidden = groups.length < 8;
  }
  $("filter").addEventListener("input", filterGroups);
  filterGroups();
  if (groups.length) { groups[0].details.open = true; build(groups[0]); }
  if (!groups.length) branchesBox.append(el("p", { class: "muted", text: "No node has two or more branches." }));

  function refreshControls() {
    const r = S.current;
    for (const c of controls.values()) {
      const pinned = Object.prototype.hasOwnProperty.call(S.set, c.name);
      c.row.classList.toggle("pinned", pinned);
      c.unset.hidden = !pinned;
      let v = pinned ? S.set[c.name] : null;
      if (v === null && r) v = c.kind === "param" ? r.bound.params[c.slot] : r.bound.p[c.edge];
      if (v === null) continue;
      if (document.activeElement !== c.box) c.box.value = String(Number(v.toPrecision(10)));
      if (document.activeElement !== c.range) c.range.value = String(v);
    }
  }

  // -- results -----------------------------------------------------------------------------------
  // Rows are made once and then only their texts, widths and classes change: a slider step
  // must not rebuild the page (at 10^3 nodes the engine takes a few ms, a rebuilt DOM ten times that).
  function barRow(color) {
    const fill = el("span", { class: "fill" }), ghost = el("span", { class: "ghost", title: "base case" });
    if (color) fill.style.background = color;
    const name = el("span", { class: "label" }), num = el("span", { class: "num" });
    return { row: el("div", { class: "row" }, name, el("span", { class: "track" }, fill, ghost), num), fill, ghost, name, num };
  }
  function setBar(b, name, value, baseValue, text, title) {
    if (b.name.textContent !== name) b.name.textContent = name;
    b.fill.style.width = (100 * Math.max(0, Math.min(1, value))).toFixed(2) + "%";
    b.ghost.style.left = (100 * Math.max(0, Math.min(1, baseValue))).toFixed(2) + "%";
    b.num.textContent = text;
    if (title !== undefined) b.row.title = title;
  }
  const points = (d) => (Math.abs(d) > 5e-10 ? " (" + signed(d * 100, (x) => x.toFixed(1)) + " pts)" : "");
  function baseReach(i) { return base[S.mode].reach[i]; }
  const OUTCOMES_SHOWN = 14;
  const outcomeRows = [];
  for (let k = 0; k < Math.min(OUTCOMES_SHOWN, D.outcomes.length); k++) outcomeRows.push(barRow(null));
  const moreOutcomes = el("p", { class: "muted small" });
  const tagRows = X.allTags.map(() => barRow("#6a51a3"));
  const tagValue = (res, t) => { let s = 0; for (const i of X.tagged) if (D.tags[i].indexOf(t) >= 0) s += res.reach[i]; return s; };
  $("tags-title").hidden = !X.allTags.length;

  function showOutcomes(r) {
    const box = $("outcomes");
    if (box.firstChild !== (outcomeRows[0] || {}).row) box.replaceChildren(...outcomeRows.map((b) => b.row), moreOutcomes);
    outcomeRows.forEach((b, k) => {
      const i = r.order[k];
      setBar(b, label(i), r.reach[i], baseReach(i), pct(r.reach[i]) + points(r.reach[i] - baseReach(i)), D.ids[i]);
    });
    moreOutcomes.textContent = r.order.length > OUTCOMES_SHOWN ? "… and " + (r.order.length - OUTCOMES_SHOWN) + " more outcomes" : "";
    const tags = $("tags");
    if (tags.firstChild !== (tagRows[0] || {}).row) tags.replaceChildren(...tagRows.map((b) => b.row));
    X.allTags.forEach((t, k) => {
      const v = tagValue(r, t), b = tagValue(base[S.mode], t);
      setBar(tagRows[k], "P(" + t + ")", v, b, pct(v) + points(v - b));
    });
  }

  const payRows = D.actors.map((a, k) => {
    const fill = el("span", { class: "fill" }), ghost = el("span", { class: "ghost", title: "base case" });
    fill.style.background = D.colors[k];
    const num = el("span", { class: "num" });
    const row = el("div", { class: "row signed" }, el("span", { class: "label", text: D.actor_names[k] }),
      el("span", { class: "track" }, el("span", { class: "axis" }), fill, ghost), num);
    return { row, fill, ghost, num };
  });
  function showPayoffs(r) {
    const box = $("payoffs");
    if (box.firstChild !== (payRows[0] || {}).row) box.replaceChildren(...payRows.map((x) => x.row));
    const vals = D.actors.map((a, k) => r.values[D.root * A + k]);
    const bases = D.actors.map((a, k) => base[S.mode].values[D.root * A + k]);
    const scale = Math.max(1e-12, ...vals.map(Math.abs), ...bases.map(Math.abs));
    payRows.forEach((x, k) => {
      const v = vals[k], b = bases[k], d = v - b;
      x.fill.style.left = (50 + 50 * Math.min(0, v) / scale).toFixed(2) + "%";
      x.fill.style.width = (50 * Math.abs(v) / scale).toFixed(2) + "%";
      x.ghost.style.left = (50 + 50 * b / scale).toFixed(2) + "%";
      x.num.textContent = sig(v, 4) + (Math.abs(d) > 1e-9 * (1 + Math.abs(b)) ? " (" + signed(d, (y) => sig(y, 3)) + ")" : "");
    });
  }

  const DECISIONS_SHOWN = 40;
  const decisionRows = X.decisions.slice(0, DECISIONS_SHOWN).map((i) => {
    const a = D.actor[i];
    const options = [];
    for (let e = X.start[i]; e < X.start[i + 1]; e++) {
      const num = el("span", { class: "num" });
      options.push({ e, num, li: el("li", {}, el("span", { text: D.edge_labels[e] }), num) });
    }
    const choice = el("b"), worth = el("span"), flip = el("p", { class: "flip small", "data-node": D.ids[i] });
    const row = el("div", { class: "decision" },
      el("div", { class: "head" }, el("span", { class: "dot", style: "background:" + D.colors[a] }),
        el("b", { text: label(i) }), el("span", { class: "muted small", text: " · " + D.actor_names[a] })),
      el("p", {}, el("span", { text: "Chooses " }), choice, worth),
      el("ul", { class: "options" }, ...options.map((o) => o.li)), flip);
    return { i, a, row, choice, worth, options, flip };
  });
  const moreDecisions = el("p", { class: "muted small", text: X.decisions.length > DECISIONS_SHOWN
    ? "… and " + (X.decisions.length - DECISIONS_SHOWN) + " more decisions" : "" });
  function showDecisions(s) {
    const box = $("decisions");
    if (!X.decisions.length) { box.replaceChildren(el("p", { class: "muted", text: "No decision is solved by backward induction in this scenario." })); return; }
    if (box.firstChild !== decisionRows[0].row) box.replaceChildren(...decisionRows.map((d) => d.row), moreDecisions);
    for (const d of decisionRows) {
      const i = d.i, a = d.a, e0 = s.chosen[i], was = base.strategic.chosen[i];
      const changed = was !== e0;
      d.row.classList.toggle("changed", changed);
      d.choice.textContent = D.edge_labels[e0];
      d.worth.textContent = ", worth " + sig(s.values[i * A + a], 4) + " to " + D.actor_names[a] +
        (s.tied[i] ? " (a tie: the first listed branch is taken)" : "") +
        (changed ? " — changed from the base case (" + D.edge_labels[was] + ")" : "");
      for (const o of d.options) {
        o.li.classList.toggle("chosen", o.e === e0);
        o.num.textContent = sig(s.values[X.child[o.e] * A + a] + s.bound.ep[o.e * A + a], 4);
      }
      d.flip.textContent = flipText(i);
    }
  }

  function showDiff(r, s) {
    const items = [];
    const keys = Object.keys(S.set);
    if (!keys.length) { $("diff").replaceChildren(el("p", { class: "muted", text: "Nothing is set: this is the base case. Move a slider to see what changes." })); return; }
    const setList = el("ul", {}, ...keys.map((k) => {
      const c = controls.get(k);
      let was = "";
      if (c && c.kind === "param") was = sig(base.belief.bound.params[c.slot], 6);
      else if (k.indexOf(".") >= 0) { const i = nodeIndex.get(k.split(".")[0]); const e = i === undefined ? -1 : edgeOf(i, k.slice(k.indexOf(".") + 1)); if (e >= 0) was = sig(base.belief.bound.p[e], 6); }
      return el("li", { text: k + ": " + was + " → " + sig(S.set[k], 6) });
    }));
    items.push(el("h3", { text: "Set" }), setList);
    const b = base[S.mode];
    const moved = D.outcomes.map((i) => [i, r.reach[i] - b.reach[i]]).filter(([, d]) => Math.abs(d) > 5e-10)
      .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1])).slice(0, 8);
    if (moved.length) items.push(el("h3", { text: "Outcomes" }), el("ul", {}, ...moved.map(([i, d]) =>
      el("li", { text: label(i) + ": " + pct(b.reach[i]) + " → " + pct(r.reach[i]) + " (" + signed(d * 100, (x) => x.toFixed(1)) + " pts)" }))));
    const tagRows = X.allTags.map((t) => [t, tagValue(b, t), tagValue(r, t)]).filter(([, x, y]) => Math.abs(x - y) > 5e-10);
    if (tagRows.length) items.push(el("h3", { text: "Tags" }), el("ul", {}, ...tagRows.map(([t, x, y]) => el("li", { text: "P(" + t + "): " + pct(x) + " → " + pct(y) }))));
    const pays = D.actors.map((a, k) => [k, b.values[D.root * A + k], r.values[D.root * A + k]]).filter(([, x, y]) => Math.abs(x - y) > 1e-9 * (1 + Math.abs(x)));
    if (pays.length) items.push(el("h3", { text: "Expected payoffs" }), el("ul", {}, ...pays.map(([k, x, y]) => el("li", { text: D.actor_names[k] + ": " + sig(x, 4) + " → " + sig(y, 4) }))));
    const flipped = X.decisions.filter((i) => base.strategic.chosen[i] !== s.chosen[i]);
    items.push(el("h3", { text: "Strategic choices" }), flipped.length
      ? el("ul", {}, ...flipped.slice(0, 12).map((i) => el("li", { text: label(i) + ": " + D.edge_labels[base.strategic.chosen[i]] + " → " + D.edge_labels[s.chosen[i]] })))
      : el("p", { class: "muted", text: "No choice changed." }));
    $("diff").replaceChildren(...items);
  }

  // The tree drawing (small scenarios): line width by the flow, the most likely path marked.
  const svg = document.getElementById("tree");
  const treeEdges = [], treeNodes = new Map();
  if (svg) {
    for (const path of svg.querySelectorAll(".edge")) {
      const [from, to] = path.getAttribute("data-edge").split(">");
      const i = nodeIndex.get(from);
      const e = i === undefined ? -1 : edgeOf(i, to);
      if (e >= 0) treeEdges.push({ e, path, title: path.querySelector("title") });
    }
    for (const g of svg.querySelectorAll(".node")) treeNodes.set(nodeIndex.get(g.getAttribute("data-node")), g);
  }
  function showTree(r) {
    if (!svg) return;
    const best = new Set(r.paths.length ? r.paths[0].edges : []);
    const on = new Set(r.paths.length ? r.paths[0].nodes : []);
    for (const { e, path, title } of treeEdges) {
      const flow = r.reach[X.parent[e]] * r.w[e];
      path.style.strokeWidth = (1 + 7 * flow).toFixed(2);
      path.style.opacity = (0.25 + 0.75 * Math.min(1, Math.sqrt(flow))).toFixed(3);
      path.classList.toggle("best", best.has(e));
      if (title) title.textContent = D.edge_labels[e] + " (p = " + sig(r.bound.p[e], 4) + ", flow " + pct(flow) + ")";
    }
    for (const [i, g] of treeNodes) g.classList.toggle("on-path", on.has(i));
  }

  // -- where each choice flips as the focus setting moves ----------------------------------------
  const flips = new Map();                // node -> [[x, from edge, to edge]] for the focus
  let flipTimer = 0, flipState = "";
  function focusRange(name) {
    const c = controls.get(name);
    if (name.indexOf(".") >= 0) return [0, 1];
    const p = D.parameters.find((q) => q.name === name);
    return p ? p.range : (c ? [Number(c.range.min), Number(c.range.max)] : [0, 1]);
  }
  function choicesAt(name, x) {
    const set = Object.assign({}, S.set); set[name] = x;
    try { return X.passes(X.bind(set), true).chosen; } catch (err) { return null; }
  }
  function computeFlips() {
    const t0 = performance.now();
    try { scanFlips(); } finally { window.scenario.timing.flips = performance.now() - t0; }
  }
  function scanFlips() {
    flips.clear();
    const name = S.focus;
    if (!name || !X.decisions.length) { flipState = "none"; return; }
    const [lo, hi] = focusRange(name);
    const steps = X.N > 3000 ? 16 : 40;
    const xs = [], cs = [];
    for (let k = 0; k <= steps; k++) { const x = lo + (hi - lo) * k / steps; xs.push(x); cs.push(choicesAt(name, x)); }
    for (const i of X.decisions.slice(0, DECISIONS_SHOWN)) {
      const found = [];
      for (let k = 0; k < steps; k++) {
        if (!cs[k] || !cs[k + 1] || cs[k][i] === cs[k + 1][i]) continue;
        let a = xs[k], b = xs[k + 1];
        for (let t = 0; t < 30 && b - a > 1e-9 * (1 + Math.abs(a)); t++) {
          const m = (a + b) / 2, c = choicesAt(name, m);
          if (c && c[i] === cs[k][i]) a = m; else b = m;
        }
        found.push([(a + b) / 2, cs[k][i], cs[k + 1][i]]);
      }
      flips.set(i, found);
    }
    flipState = name + "|" + JSON.stringify(S.set);
  }
  function flipText(i) {
    const name = S.focus;
    if (!name) return "";
    if (!flips.has(i)) return "Where it flips as " + name + " moves: computing…";
    const f = flips.get(i);
    const [lo, hi] = focusRange(name);
    if (!f.length) return "No flip as " + name + " moves over [" + sig(lo, 4) + ", " + sig(hi, 4) + "].";
    return "Flips as " + name + " rises: " + f.slice(0, 3).map(([x, a, b]) => D.edge_labels[a] + " → " + D.edge_labels[b] + " at " + name + " ≈ " + sig(x, 4)).join("; ") + (f.length > 3 ? "; …" : "");
  }
  function scheduleFlips(clear) {
    if (clear) flips.clear();
    clearTimeout(flipTimer);
    flipTimer = setTimeout(() => {
      if (S.problem) return;
      computeFlips();
      for (const p of document.querySelectorAll("#decisions .flip")) p.textContent = flipText(nodeIndex.get(p.getAttribute("data-node")));
    }, 120);
  }

  const focusBox = $("focus");
  let focusOptions = "";
  function showFocus() {
    const names = D.parameters.map((p) => p.name);
    if (X.E <= 300) for (let e = 0; e < X.E; e++) if (X.start[X.parent[e] + 1] - X.start[X.parent[e]] > 1) names.push(settingName(e));
    for (const k of Object.keys(S.set).concat(S.focus ? [S.focus] : [])) if (names.indexOf(k) < 0) names.push(k);
    const key = names.join("\n");
    if (key !== focusOptions) {
      focusOptions = key;
      focusBox.replaceChildren(...names.map((n) => el("option", { value: n, text: n })));
    }
    if (S.focus) focusBox.value = S.focus;
    focusBox.hidden = !names.length;
  }
  focusBox.addEventListener("change", () => { S.focus = focusBox.value; scheduleFlips(true); update(); });

  // -- the state in the address ------------------------------------------------------------------
  // Writing the address costs a round trip to the browser (about 10 ms for a file:// page), so
  // it is done once the reader pauses, not on every step of a slider.
  let hashTimer = 0;
  function scheduleHash() { clearTimeout(hashTimer); hashTimer = setTimeout(writeHash, 250); }
  function writeHash() {
    const parts = Object.keys(S.set).map((k) => "s." + encodeURIComponent(k) + "=" + encodeURIComponent(String(S.set[k])));
    if (S.mode !== "belief") parts.push("mode=" + S.mode);
    if (S.focus) parts.push("focus=" + encodeURIComponent(S.focus));
    const hash = parts.length ? "#" + parts.join("&") : "";
    if (location.hash === hash || (!hash && !location.hash)) return;
    try { history.replaceState(null, "", hash || location.pathname + location.search); } catch (err) { location.hash = hash; }
  }
  function readHash() {
    const text = location.hash.replace(/^#/, "");
    if (!text) return false;
    const set = {};
    let mode = "belief", focus = null;
    const ignored = [];
    for (const part of text.split("&")) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      let k, v;
      try { k = decodeURIComponent(part.slice(0, eq)); v = decodeURIComponent(part.slice(eq + 1)); } catch (err) { continue; }
      if (k === "mode") mode = v === "strategic" ? "strategic" : "belief";
      else if (k === "focus") focus = v;
      else if (k.startsWith("s.")) {
        const name = k.slice(2), x = Number(v);
        if (v.trim() !== "" && Number.isFinite(x) && knownSetting(name)) set[name] = x; else ignored.push(name);
      }
    }
    S.set = set; S.focus = focus && knownSetting(focus) ? focus : S.focus;
    setMode(mode);
    if (ignored.length) $("status").textContent = "Ignored from the address: " + ignored.join(", ");
    return true;
  }
  function knownSetting(name) {
    if (D.parameters.some((p) => p.name === name)) return true;
    const dot = name.indexOf(".");
    if (dot < 0) return false;
    const i = nodeIndex.get(name.slice(0, dot));
    return i !== undefined && edgeOf(i, name.slice(dot + 1)) >= 0;
  }
  window.addEventListener("hashchange", () => { if (readHash()) { scheduleFlips(true); update(); } });

  // -- one update ---------------------------------------------------------------------------------
  function setMode(mode) {
    S.mode = mode;
    for (const r of document.querySelectorAll('input[name="mode"]')) r.checked = r.value === mode;
    $("mode-note").textContent = mode === "strategic" ? "(when every actor takes its best branch)" : "(decisions weighted by their p)";
  }
  for (const r of document.querySelectorAll('input[name="mode"]')) r.addEventListener("change", () => { setMode(r.value); update(); });

  function update() {
    const t0 = performance.now();
    let r = null, s = null;
    try {
      ({ r, s } = X.computeView(S.set, S.mode));
      S.problem = null;
    } catch (err) {
      if (!(err instanceof X.ProblemError)) throw err;
      S.problem = err.message;
    }
    document.body.classList.toggle("invalid", !!S.problem);
    $("problem").hidden = !S.problem;
    if (S.problem) {
      $("problem").textContent = "These settings cannot be computed: " + S.problem + ". Change or unset a value (or Reset); no numbers are shown meanwhile.";
      for (const id of ["outcomes", "tags", "payoffs", "decisions", "diff"]) $(id).replaceChildren(el("p", { class: "muted", text: "—" }));
    } else {
      S.current = r;
      showOutcomes(r);
      showPayoffs(r);
      showDecisions(s);
      showDiff(r, s);
      showTree(r);
      refreshControls();
    }
    for (const c of controls.values()) {
      const pinned = Object.prototype.hasOwnProperty.call(S.set, c.name);
      c.row.classList.toggle("pinned", pinned); c.unset.hidden = !pinned;
    }
    const withSet = new Set(Object.keys(S.set).filter((k) => k.indexOf(".") >= 0).map((k) => nodeIndex.get(k.split(".")[0])));
    for (const g of groups) {
      const on = withSet.has(g.i);
      if (on && !g.built) { g.details.open = true; build(g); }
      if (on !== !!g.hasSet) { g.hasSet = on; g.details.classList.toggle("has-set", on); }
    }
    showFocus();
    scheduleHash();
    window.scenario.timing.last = performance.now() - t0;
    if (!S.problem && flipState !== S.focus + "|" + JSON.stringify(S.set)) scheduleFlips(false);
  }

  $("reset").addEventListener("click", () => { S.set = {}; $("status").textContent = "Back to the base case."; update(); });
  $("copy-link").addEventListener("click", () => {
    clearTimeout(hashTimer); writeHash();
    const url = location.href;
    const done = () => { $("status").textContent = "Link copied: " + url; };
    try { navigator.clipboard.writeText(url).then(done, () => { $("status").textContent = "Copy this link: " + url; }); }
    catch (err) { $("status").textContent = "Copy this link: " + url; }
  });
  if (D.as_of) $("as-of").textContent = "As of " + D.as_of + ".";

  S.focus = (D.parameters.find((p) => !p.derived) || {}).name || (groups.length ? settingName(X.start[groups[0].i]) : null);
  if (!readHash()) S.set = Object.assign({}, D.initial);
  update();
  document.body.setAttribute("data-ready", "1");
})();
