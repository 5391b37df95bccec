
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("scenario-data").textContent);
  const TOL = D.paths.tolerance;
  const $ = (id) => document.getElementById(id);

  // mulberry32: a tiny seeded generator (public domain, by Tommy Ettinger); numbers in [0, 1).
  function mulberry32(a) {
    return function () {
      a |= 0; a = (a + 0x6D2B79F5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const S = { seed: D.seed, rng: mulberry32(D.seed), draws: 0, steps: [] };

  // -- numbers, formatted as the terminal formats them --------------------------------------
  function fixed(x, digits) {           // like scenarios.cli.text.number
    let t = x.toFixed(digits);
    if (t.indexOf(".") >= 0) t = t.replace(/0+$/, "").replace(/\.$/, "");
    return (t === "-0" || t === "") ? "0" : t;
  }
  function sig(x, n) {                  // like Python's format(x, ".{n}g")
    if (x === 0) return "0";
    const e = Math.floor(Math.log10(Math.abs(x)));
    if (e < -4 || e >= n) {
      let [m, ex] = x.toExponential(n - 1).split("e");
      if (m.indexOf(".") >= 0) m = m.replace(/0+$/, "").replace(/\.$/, "");
      const sign = ex[0] === "-" ? "-" : "+"; ex = ex.replace(/^[+-]/, "");
      return m + "e" + sign + (ex.length < 2 ? "0" + ex : ex);
    }
    let t = x.toFixed(Math.max(0, n - 1 - e));
    if (t.indexOf(".") >= 0) t = t.replace(/0+$/, "").replace(/\.$/, "");
    return t;
  }
  function ordinal(n) {
    const s = (n % 100 >= 10 && n % 100 <= 20) ? "th" : ({1: "st", 2: "nd", 3: "rd"}[n % 10] || "th");
    return n + s;
  }
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  }
  const actorName = (k) => k ? D.actors[k].name : "chance";
  const short = (label) => { const h = label.split(":")[0].trim(); return h || label; };
  const branchLabel = (at, to) => D.nodes[at].branches.find((b) => b.to === to).label;

  // -- the walk ---------------------------------------------------------------------------------
  const current = () => S.steps.length ? S.steps[S.steps.length - 1].to : D.root;
  const path = () => [D.root].concat(S.steps.map((s) => s.to));
  function pathProbability() { let p = 1; for (const s of S.steps) p *= s.p; return p; }  // left to right, as Python
  function accrued() {
    const total = D.actor_order.map(() => 0);
    for (const id of path()) D.nodes[id].payoffs.forEach((v, a) => { total[a] += v; });
    for (const s of S.steps) {
      const b = D.nodes[s.at].branches[s.k];  // by position: several branches may lead to one node
      b.payoffs.forEach((v, a) => { total[a] += v; });
    }
    return total;
  }
  function pick(branches, u) {          // as scenarios.walk._pick: searchsorted(cumsum, u * total, "right")
    const cum = []; let c = 0;
    for (const b of branches) { c += b.p; cum.push(c); }
    const x = u * cum[cum.length - 1];
    let k = cum.findIndex((v) => v > x);
    if (k < 0) { k = branches.length - 1; while (k > 0 && !(branches[k].p > 0)) k--; }
    return k;
  }
  // At a node of an information set with several members the actor sees only the set's
  // narrative (Python put it in the node's label and text) and the steps it can see:
  // view(i) is "shown", "action" (who did what, not where) or "hidden" for step i.
  const view = (i) => { const n = D.nodes[current()]; return n.infoset ? n.views[i] : "shown"; };
  function take(k, how, u) {
    const at = current(), b = D.nodes[at].branches[k];
    S.steps.push({ at: at, to: b.to, k: k, label: b.label, p: b.p, how: how, u: u });
    const what = how === "rolled" ? "Rolled " + u.toFixed(3) + ": " : "You chose: ";
    if (view(S.steps.length - 1) === "hidden") say("A step " + actorName(D.nodes[b.to].actor) + " cannot see was taken.");
    else say(what + b.label + " (p = " + fixed(b.p, 4) + ")" + (b.text ? ". " + b.text : ""));
    render(true);
  }
  function choose(k) {
    const node = D.nodes[current()];
    if (node.kind === "outcome") return note("The walk has ended: go back (b) or start a new walk.");
    if (k < 0 || k >= node.branches.length) return note("There is no option " + (k + 1) + ": choose 1–" + node.branches.length + ".");
    take(k, "chose");
  }
  function roll() {
    const node = D.nodes[current()];
    if (node.kind === "outcome") return note("The walk has ended: go back (b) or start a new walk.");
    const u = S.rng(); S.draws += 1;
    take(pick(node.branches, u), "rolled", u);
  }
  function back() {
    if (!S.steps.length) return note("Already at the start: there is no step to go back to.");
    S.steps.pop(); say("Back to step " + (S.steps.length + 1) + ".");
    render(true);
  }
  function restart(seed) {
    if (seed !== undefined) { S.seed = seed; S.rng = mulberry32(seed); S.draws = 0; $("seed").value = seed; }
    S.steps = []; say("A new walk" + (seed !== undefined ? " with seed " + seed : "") + ".");
    render(true);
  }
  function say(text) { $("last-step").textContent = text; $("message").textContent = ""; }
  function note(text) { $("message").textContent = text; }

  // -- rank among all paths (the probabilities were computed by Python) -------------------------
  function rank(q) {
    const P = D.paths;
    if (!(q > 0)) return { rank: P.positive + 1, higher: P.positive, ties: P.total - P.positive - 1, total: P.total, known: true };
    const hi = q * (1 + TOL), lo = q * (1 - TOL);
    let higher = 0, equal = 0;
    for (const x of P.top) { if (x > hi) higher++; else if (x >= lo) equal++; }
    const known = P.complete || (P.top.length && P.top[P.top.length - 1] < lo);
    return { rank: higher + 1, higher: higher, ties: Math.max(equal - 1, 0), total: P.total, known: known };
  }
  function rankText(r) {
    if (!r.known) return "It is not among the " + D.paths.top.length + " most probable of " + r.total + " possible paths.";
    let t = r.higher === 0 ? "It is the most probable of " + r.total + " possible paths"
                           : "It is the " + ordinal(r.rank) + " most probable of " + r.total + " possible paths";
    if (r.ties) t += " (tied with " + r.ties + " other path" + (r.ties > 1 ? "s" : "") + " of the same probability)";
    if (r.higher) t += "; " + r.higher + (r.higher > 1 ? " paths are" : " path is") + " more probable";
    return t + ".";
  }

  // -- the solution, for hints and the review ---------------------------------------------------
  function likelyPath(id) {
    const out = [id];
    while (D.nodes[id].kind !== "outcome") {
      const n = D.nodes[id];
      let to = n.choice;
      if (!to) { let best = 0; n.branches.forEach((b, k) => { if (b.p > n.branches[best].p) best = k; }); to = n.branches[best].to; }
      out.push(to); id = to;
    }
    return out;
  }
  function payoffText(values) {
    return D.actor_order.map((a, i) => D.actors[a].name + " " + fixed(values[i], 2)).join(", ");
  }
  function gameLine() {
    const g = D.game;
    return (g.method === "spe" ? "the subgame-perfect equilibrium" : "the first equilibrium") + " Gambit finds (“scenarios solve " +
      D.id + " --method " + g.method + "”)";
  }
  const plays = (n) => n.equilibrium && n.equilibrium.length ? n.equilibrium.map(([l, p]) =>
    "“" + l + "”" + (n.equilibrium.length > 1 ? " " + fixed(p, 3) : "")).join(", ") : null;
  function renderGameHint(box, n) {
    box.append(el("h3", { text: "Strategic hint" }),
      el("p", { class: "muted small", text: "Backward induction does not apply in a game with information sets; here is " + gameLine() + "." }));
    if (n.infoset) box.append(el("p", { text: hiddenNote(n) }));
    if (n.kind === "decision") box.append(el("p", { text: plays(n) ? "In it " + actorName(n.actor) + " plays " + plays(n) + " here." :
      n.open ? "The equilibrium leaves this choice open: " + actorName(n.actor) + "'s own earlier choice rules it out, so any choice here keeps it an equilibrium." :
      "This decision is fixed: the solution keeps its belief weights here." }));
    else if (n.kind === "chance") box.append(el("p", { text: "Chance decides here; the equilibrium takes the probabilities as given." }));
    else box.append(el("p", { text: "The walk has ended." }));
  }
  function renderHint() {
    const box = $("hint"); box.replaceChildren();
    const id = current(), n = D.nodes[id];
    if (D.game) return renderGameHint(box, n);
    box.append(el("h3", { text: "Strategic hint" }),
      el("p", { class: "muted small", text: "Backward induction: every actor maximises its own expected payoff." }));
    if (n.kind === "decision" && n.choice) {
      const who = actorName(n.actor);
      box.append(el("p", { text: who + " would choose “" + n.branches[n.choice_branch].label + "”" + (n.tie ? " (a tie, broken by listing order)." : ".") }));
      const t = el("table", {}, el("caption", { class: "muted small", text: "value of each option for " + who }));
      n.branches.forEach((b, k) => t.append(el("tr", {},
        el("td", { text: (k === n.choice_branch ? "→ " : "") + b.label }), el("td", { class: "num", text: fixed(n.option_values[k], 3) }))));
      box.append(t);
    } else if (n.kind === "decision") {
      box.append(el("p", { text: "This decision is fixed: the solution keeps its belief weights here." }));
    } else if (n.kind === "chance") {
      box.append(el("p", { text: "Chance decides here; the solution takes the probabilities as given." }));
    } else {
      box.append(el("p", { text: "The walk has ended." }));
    }
    if (n.kind !== "outcome") {
      const acc = accrued(), exp = acc.map((v, a) => v - n.payoffs[a] + n.value[a]);
      const route = likelyPath(id).slice(1).map((x) => short(D.nodes[x].label)).join(" → ");
      box.append(el("p", { text: "If every actor plays the solution from here, the likeliest continuation is " + route +
        "; expected path payoffs " + payoffText(exp) + "." }));
    }
  }

  // -- drawing -----------------------------------------------------------------------------------
  const treeNodes = {}, treeEdges = [];
  document.querySelectorAll("#tree [data-node]").forEach((g) => { treeNodes[g.getAttribute("data-node")] = g; });
  document.querySelectorAll("#tree [data-edge]").forEach((e) => {  // [element, "at>to", "at>position"]
    const key = e.getAttribute("data-edge");
    treeEdges.push([e, key, key.slice(0, key.lastIndexOf(">")) + ">" + e.getAttribute("data-branch")]);
  });

  function renderTree(finished) {
    const here = D.nodes[current()], seen = S.steps.filter((s, i) => view(i) === "shown");
    const onPath = new Set([D.root].concat(seen.map((s) => s.to)));
    const now = new Set(here.infoset ? here.members : [current()]);  // every member: the actor cannot tell
    for (const [id, g] of Object.entries(treeNodes)) {
      g.classList.toggle("visited", onPath.has(id));
      g.classList.toggle("current", now.has(id));
      g.classList.toggle("histnode", finished && D.nodes[id].historical);
    }
    const taken = new Set(seen.map((s) => s.at + ">" + s.k));
    const hist = new Set(); const hs = D.reveal.steps;
    for (let i = 0; i + 1 < hs.length; i++) hist.add(hs[i].node + ">" + hs[i + 1].node);
    for (const [e, key, own] of treeEdges) {
      e.classList.toggle("taken", taken.has(own));
      e.classList.toggle("hist", finished && hist.has(key));
    }
    $("legend-hist").hidden = !(finished && hs.length);
    placeHere(treeNodes[current()]);
  }

  // The "you are here" marker: a dashed ring and a label at the current node, the label kept
  // inside the drawing (above the node, or below it on the top row; toward the middle at the ends).
  function placeHere(g) {
    const here = document.getElementById("here");
    if (!here) return;
    if (!g) { here.style.display = "none"; return; }
    const x = Number(g.getAttribute("data-x")), y = Number(g.getAttribute("data-y"));
    const width = document.getElementById("tree").viewBox.baseVal.width;
    const label = here.querySelector("text"), outcome = g.classList.contains("outcome");
    // an outcome: to its left (its own label is on the right); else above, toward the middle at the left edge
    label.setAttribute("x", outcome ? "-22" : x < 60 ? "-14" : "0");
    label.setAttribute("y", outcome ? "5" : "-22");
    label.setAttribute("text-anchor", outcome ? "end" : x < 60 ? "start" : "middle");
    here.setAttribute("transform", "translate(" + x + "," + y + ")");
    here.style.display = "";
    document.getElementById("tree-title").textContent =
      "The scenario as a tree; your path is highlighted; you are at " + D.nodes[current()].label;
  }

  function hiddenNote(n) {
    return actorName(n.actor) + " cannot tell which of " + n.members.length + " situations this is (information set “" +
      n.infoset + "”): it sees only what is written here; what it cannot see of the path so far is hidden.";
  }
  function renderHistory() {
    const list = $("history-list"); list.replaceChildren();
    if (!S.steps.length) { list.append(el("li", { class: "muted", text: "No step taken yet." })); return; }
    S.steps.forEach((s, i) => {
      const n = D.nodes[s.at], v = view(i), how = s.how === "rolled" ? "rolled " : "chose ";
      if (v === "hidden") list.append(el("li", { class: "muted", text: "(hidden: " + actorName(D.nodes[current()].actor) + " cannot see this step)" }));
      else if (v === "action") list.append(el("li", { text: actorName(n.actor) + ": " + how + "“" + s.label + "”" }));
      else list.append(el("li", { text: short(n.label) + " (" + actorName(n.actor) + "): " + how + "“" + s.label + "”, p = " + fixed(s.p, 4) }));
    });
  }

  function renderSummary() {
    const q = pathProbability(), p = path(), out = current(), acc = accrued();
    $("route").textContent = "Your path: " + S.steps.map((s) => s.label).join(" → ") + " ⇒ " + D.nodes[out].label;
    $("final-p").textContent = sig(q, 6); $("final-p").setAttribute("data-p", String(q));
    $("final-pct").textContent = "(" + sig(100 * q, 3) + "%)";
    const r = rank(q);
    $("rank").textContent = rankText(r); $("rank").setAttribute("data-rank", r.known ? String(r.rank) : "");
    const body = document.querySelector("#payoffs tbody"); body.replaceChildren();
    D.actor_order.forEach((a, i) => body.append(el("tr", {}, el("th", { scope: "row", text: D.actors[a].name }),
      el("td", { text: fixed(D.nodes[out].payoffs[i], 2) }), el("td", { text: fixed(acc[i], 2) }))));
    const list = $("decisions"); list.replaceChildren();
    for (const s of S.steps) {
      const n = D.nodes[s.at]; if (n.kind !== "decision") continue;
      const who = actorName(n.actor), k = s.k, v = n.infoset ? null : n.option_values[k];
      const you = s.how === "rolled" ? "the roll took" : "you took";
      let t;
      if (D.game) t = short(n.label) + " (" + who + (n.infoset ? ", not knowing which of " + n.members.length + " situations" : "") +
        "): " + you + " “" + s.label + "”" + (plays(n) ? "; the equilibrium plays " + plays(n) : "") + ".";
      else if (!n.choice) t = short(n.label) + " (" + who + ", fixed): " + you + " “" + s.label + "”.";
      else if (n.choice_branch === s.k) t = short(n.label) + " (" + who + "): " + you + " “" + s.label + "”, as the solution does (value " + fixed(v, 3) + " for " + who + ").";
      else {
        const c = n.choice_branch;
        t = short(n.label) + " (" + who + "): " + you + " “" + s.label + "” (value " + fixed(v, 3) + " for " + who + "); the solution takes “" +
            n.branches[c].label + "” (" + fixed(n.option_values[c], 3) + ").";
      }
      list.append(el("li", { text: t }));
    }
    if (!list.children.length) list.append(el("li", { class: "muted", text: "You made no decision for an actor on this path." }));
    $("solution-expected").textContent = "If every actor played " + (D.game ? "that equilibrium" : "the solution") +
      " from the start, the expected payoffs would be " + payoffText(D.solution_expected) + ".";
    renderReveal(p);
  }

  function renderReveal(p) {
    const R = D.reveal, steps = R.steps;
    $("reveal").hidden = !steps.length;
    if (!steps.length) return;
    const years = R.first_year && R.year && R.first_year !== R.year ? R.first_year + "–" + R.year : R.year;
    $("reveal-title").textContent = "What actually happened" + (years ? " in " + years : "");
    const list = $("reveal-steps"); list.replaceChildren();
    for (const s of steps) {
      list.append(el("li", { "data-node": s.node }, el("span", { class: "date", text: s.date || "undated" }), " ", s.label,
        s.text ? el("span", { class: "event", text: s.text }) : null,
        s.event ? el("span", { class: "event muted", text: "source: " + s.event }) : null,
        s.quote ? el("span", { class: "q", text: "“" + s.quote + "”" }) : null,
        s.branch ? el("span", { class: "event", text: "→ " + s.branch }) : null));
    }
    const route = $("history-route"); route.replaceChildren("History's path: ");
    steps.forEach((s, i) => {
      route.append((i ? " → " : "") + short(s.label));
      if (s.date) route.append(" ", el("span", { class: "nowrap", text: "(" + s.date + ")" }));
    });
    route.append(".");
    let common = 0;
    while (common < Math.min(steps.length, p.length) && steps[common].node === p[common]) common++;
    let t;
    if (common === steps.length) t = "You followed the historical path all the way.";
    else if (common === p.length) t = "So far your path is the historical one.";
    else if (common === 0) t = "Your path did not start where history did.";
    else { const at = p[common - 1];
      t = "You left the historical path at “" + D.nodes[at].label + "”: history took “" + branchLabel(at, steps[common].node) +
          "”, you took “" + S.steps[common - 1].label + "”."; }
    $("departure").textContent = t;
  }

  function render(moved) {
    const id = current(), n = D.nodes[id], finished = n.kind === "outcome";
    $("step").textContent = "Step " + (S.steps.length + 1) + (finished ? " · the end" : "");
    const mark = { decision: "■ ", chance: "● ", outcome: "▲ Outcome: " }[n.kind];
    $("screen-title").textContent = mark + n.label;
    const who = $("who"); who.replaceChildren();
    if (n.kind === "decision") {
      const c = D.actors[n.actor].color;
      who.append(el("span", { class: "swatch", style: c ? "background:" + c : "background:#9aa3b2", "aria-hidden": "true" }), actorName(n.actor) + " decides");
      who.style.color = "";
    } else if (n.kind === "chance") who.append("Chance decides");
    const narrative = $("narrative"); narrative.replaceChildren();
    if (n.infoset) narrative.append(el("p", { class: "muted small", id: "infoset-note", text: hiddenNote(n) }));
    if (n.text) narrative.append(el("p", { text: n.text }));
    $("quote").hidden = !n.quote; $("quote").textContent = n.quote ? "“" + n.quote + "”" : "";
    const sources = $("sources"); sources.replaceChildren();
    for (const s of n.sources) sources.append(el("li", { text: [s.publisher, s.date].filter(Boolean).join(", ") + (s.publisher || s.date ? ": " : "") + s.title }));
    const q = pathProbability();
    $("path-p").textContent = sig(q, 6); $("path-p").setAttribute("data-p", String(q));
    $("path-pct").textContent = "(" + sig(100 * q, 3) + "%)";
    $("accrued").textContent = "Accrued payoffs: " + payoffText(accrued());
    $("path-line").hidden = !!n.infoset;  // the path's numbers would tell the members apart
    if (n.infoset) $("accrued").textContent = "Your path so far is not shown here: it would tell " + actorName(n.actor) + " what it cannot know.";
    $("question").textContent = n.kind === "decision" ? "What does " + actorName(n.actor) + " do? (p: the analyst's belief weights)"
                                                      : "What happens? (p: the probabilities)";
    const list = $("options"); list.replaceChildren();
    n.branches.forEach((b, k) => {
      const pay = b.payoffs.some((v) => v !== 0) ? el("span", { class: "pay", text: "on this branch: " +
        D.actor_order.map((a, i) => b.payoffs[i] ? D.actors[a].name + " " + fixed(b.payoffs[i], 2) : null).filter(Boolean).join(", ") }) : null;
      const btn = el("button", { type: "button", class: "option", "data-to": b.to, "aria-keyshortcuts": k < 9 ? String(k + 1) : null,
        "aria-label": (k + 1) + ": " + b.label + ", probability " + fixed(b.p, 4) },
        el("span", { class: "num", text: String(k + 1) }), el("span", { class: "lab", text: b.label }),
        el("span", { class: "p", text: "p = " + fixed(b.p, 4) }), pay, el("span", { class: "bar", style: "width:" + (100 * b.p).toFixed(2) + "%" }));
      btn.addEventListener("click", () => choose(k));
      list.append(el("li", {}, btn));
    });
    $("choices").hidden = finished;
    if (finished && !$("hint").hidden) toggle("hint", "hint-button");
    $("summary-panel").hidden = !finished;
    $("back").disabled = false;
    if (finished) renderSummary();
    if (!$("hint").hidden) renderHint();
    renderHistory(); renderTree(finished);
    if (moved) (finished ? $("summary-title") : $("screen-title")).focus({ preventScroll: false });
  }

  function toggle(panel, button) {
    const box = $(panel), show = box.hidden;
    box.hidden = !show; $(button).setAttribute("aria-expanded", String(show));
    if (show && panel === "hint") renderHint();
    if (show && panel === "history") renderHistory();
  }

  // -- wiring ------------------------------------------------------------------------------------
  $("as-of").textContent = D.as_of ? "as of " + D.as_of : "";
  $("disclaimer").textContent = D.disclaimer || "";
  $("summary").textContent = D.summary || "";
  $("about").hidden = !D.summary;
  $("summary-title").setAttribute("tabindex", "-1");
  $("seed").value = S.seed;
  $("roll").addEventListener("click", roll);
  $("back").addEventListener("click", back);
  $("hint-button").addEventListener("click", () => toggle("hint", "hint-button"));
  $("history-button").addEventListener("click", () => toggle("history", "history-button"));
  $("help-button").addEventListener("click", () => toggle("help", "help-button"));
  $("again").addEventListener("click", () => restart());
  $("seed").addEventListener("change", () => {
    const v = Number($("seed").value);
    if (Number.isInteger(v) && v >= 0 && v < 4294967296) restart(v); else note("A seed is a whole number from 0 to 4294967295.");
  });
  $("new-seed").addEventListener("click", () => restart(Math.floor(Math.random() * 4294967296)));
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    const k = e.key;
    if (/^[1-9]$/.test(k)) { choose(Number(k) - 1); e.preventDefault(); }
    else if (k === "r" || k === "R") { roll(); e.preventDefault(); }
    else if (k === "b" || k === "B") { back(); e.preventDefault(); }
    else if (k === "h" || k === "H") { toggle("history", "history-button"); e.preventDefault(); }
    else if (k === "s" || k === "S") { toggle("hint", "hint-button"); e.preventDefault(); }
    else if (k === "?") { toggle("help", "help-button"); e.preventDefault(); }
  });
  window.scenarioWalk = { state: S, pathProbability: pathProbability, rank: rank, data: D };  // for tests and the curious
  render(false);
})();
