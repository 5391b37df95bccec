"use strict";
// The what-if page's engine: the Python engine's bind, passes and results, in JavaScript.
//
// It reads the scenario as exported by scenarios/export/whatif.py (nodes in the engine's
// order: by generation, ties in file order; branches consecutive) and mirrors, step by step,
// engine/bind.py (parameters in dependency order, expressions, 'rest', --set pins with the
// siblings rescaled as engine/rescale.py does, the checks of engine/check.py), the forward
// pass and expectations of engine/propagate.py, backward induction with tie_threshold of
// engine/strategic.py, the best-first path search of engine/paths.py and the outcome order
// of engine/belief.py.  Results are the dictionaries of BeliefResult/SolveResult.to_dict().
// Expressions arrive compiled (postfix code: opcodes and operands); nothing is ever eval-ed.
const WhatIfEngine = (function () {
  const OPS = ["CONST", "NAME", "NEG", "ADD", "SUB", "MUL", "DIV", "POW", "MIN", "MAX", "ABS",
    "EXP", "LOG", "LOG10", "SQRT", "FLOOR", "CEIL", "ROUND", "ROUND2", "IF",
    "LT", "LE", "GT", "GE", "EQ", "NE", "AND", "OR", "NOT"];
  const OP = {};
  OPS.forEach((name, code) => { OP[name] = code; });
  const ARITY = [0, 0, 1, 2, 2, 2, 2, 2, -1, -1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 2, 2, 2, 2, 2, 2, 2, 2, 1];

  class ProblemError extends Error {
    constructor(message, kind) { super(message); this.name = "ProblemError"; this.kind = kind; }
  }

  // -- numbers as Python prints them ------------------------------------------------------------
  function pyRepr(s) {                     // repr() of a str, for the usual characters
    const q = (s.indexOf("'") >= 0 && s.indexOf('"') < 0) ? '"' : "'";
    let out = "";
    for (const ch of s) {
      if (ch === "\\") out += "\\\\";
      else if (ch === q) out += "\\" + q;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else out += ch;
    }
    return q + out + q;
  }
  function fmtG(x, p) {                    // format(x, f".{p}g")
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === 0) return (Object.is(x, -0) ? "-0" : "0");
    const [m, ex] = x.toExponential(p - 1).split("e");
    const e = Number(ex);
    const strip = (t) => (t.indexOf(".") >= 0 ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
    if (e < -4 || e >= p) {
      const a = Math.abs(e);
      return strip(m) + "e" + (e < 0 ? "-" : "+") + (a < 10 ? "0" + a : String(a));
    }
    return strip(x.toFixed(Math.max(0, p - 1 - e)));
  }
  function pyFloat(x) {                    // str(float) for a number
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
    // Python's repr: the shortest digits, in exponent form below 1e-4 or from 1e16 (JS
    // switches at 1e-7 and 1e21).
    const [mantissa, ex] = x.toExponential().split("e");
    const exp = Number(ex);
    if (exp < -4 || exp >= 16) return mantissa + "e" + (exp < 0 ? "-" : "+") + String(Math.abs(exp)).padStart(2, "0");
    return String(x);
  }
  // results.py's rule for JSON numbers: 15 significant digits (digits 15), or in full (null).
  const cleaner = (digits) => (digits ? (x) => parseFloat(x.toPrecision(digits)) : (x) => x + 0);
  function powerOfTen(n) {                 // 10.0 ** n, correctly rounded (as C's pow gives it)
    return parseFloat("1e" + n);
  }
  function rint(y) {                       // round half to even, as numpy.rint
    if (!Number.isFinite(y)) return y;
    const f = Math.floor(y), d = y - f;
    if (d < 0.5) return f;
    if (d > 0.5) return f + 1;
    return (f % 2 === 0) ? f : f + 1;
  }
  function roundTo(x, n) {                 // numpy.round's method: scale, round half to even, scale back
    if (n >= 0) { const f = powerOfTen(n); return rint(x * f) / f; }
    const f = powerOfTen(-n);
    return rint(x / f) * f;
  }
  function roundSignificant(x, digits) {   // belief.py _round_significant, x > 0
    const k = digits - 1 - Math.floor(Math.log10(x));
    const scale = powerOfTen(k);
    const r = rint(x * scale) / scale;
    return Number.isFinite(r) ? r : x;
  }

  // -- the stack machine ------------------------------------------------------------------------
  // Errors are values here: a failed operation leaves a "poisoned" entry carrying its message,
  // operations pass the first poisoned operand on (the leftmost: the first error in program
  // order, which is what the Python engine raises), and if() keeps only the taken branch, so
  // an error in the branch not taken never surfaces.
  function checkCode(source, code) {
    let depth = 0;
    for (let k = 0; k < code.length;) {
      const op = code[k++];
      if (!(op >= 0 && op < OPS.length) || op !== Math.floor(op)) {
        throw new ProblemError("expression " + pyRepr(source) + ": unknown operation " + op, "compile");
      }
      if (op === OP.CONST || op === OP.NAME) { k++; depth++; continue; }
      let n = ARITY[op];
      if (n < 0) n = code[k++];
      if (depth < n) throw new ProblemError("expression " + pyRepr(source) + ": malformed code", "compile");
      depth -= n - 1;
    }
    if (depth !== 1) throw new ProblemError("expression " + pyRepr(source) + ": malformed code", "compile");
  }

  const VS = new Float64Array(4096);
  const ES = new Array(4096).fill(null);
  function run(source, code, env) {
    let n = 0;
    for (let k = 0; k < code.length;) {
      const op = code[k++];
      if (op === 0) { VS[n] = code[k++]; ES[n] = null; n++; continue; }
      if (op === 1) { VS[n] = env[code[k++]]; ES[n] = null; n++; continue; }
      if (op === OP.MIN || op === OP.MAX) {
        const m = code[k++], first = n - m;
        let r = VS[first], err = ES[first];
        for (let j = first + 1; j < n; j++) {
          r = op === OP.MIN ? Math.min(r, VS[j]) : Math.max(r, VS[j]);
          if (err === null) err = ES[j];
        }
        n = first; VS[n] = r; ES[n] = err; n++;
        continue;
      }
      if (op === OP.IF) {
        const c = n - 3;
        const pick = ES[c] !== null ? c : (VS[c] !== 0 ? c + 1 : c + 2);
        VS[c] = VS[pick]; ES[c] = ES[pick]; n = c + 1;
        continue;
      }
      if (ARITY[op] === 1) {
        const a = VS[n - 1];
        let r, err = null;
        switch (op) {
          case OP.NEG: r = -a; break;
          case OP.ABS: r = Math.abs(a); break;
          case OP.EXP: r = Math.exp(a); break;
          case OP.LOG: r = Math.log(a); if (a <= 0) err = "log() needs a number > 0"; break;
          case OP.LOG10: r = Math.log10(a); if (a <= 0) err = "log10() needs a number > 0"; break;
          case OP.SQRT: r = Math.sqrt(a); if (a < 0) err = "sqrt() needs a number >= 0"; break;
          case OP.FLOOR: r = Math.floor(a); break;
          case OP.CEIL: r = Math.ceil(a); break;
          case OP.ROUND: r = rint(a); break;
          case OP.NOT: r = a === 0 ? 1 : 0; break;
          default: throw new ProblemError("unknown operation " + op, "compile");
        }
        VS[n - 1] = r;
        if (ES[n - 1] === null && err !== null) ES[n - 1] = err;
        continue;
      }
      const b = VS[n - 1], eb = ES[n - 1];
      n--;
      const a = VS[n - 1], ea = ES[n - 1];
      let r, err = null;
      switch (op) {
        case OP.ADD: r = a + b; break;
        case OP.SUB: r = a - b; break;
        case OP.MUL: r = a * b; break;
        case OP.DIV: r = a / b; if (b === 0) err = "division by zero"; break;
        case OP.POW:
          r = Math.pow(a, b);
          if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) r = 1;  // C's pow
          if (Number.isNaN(r)) err = "power is not a real number";
          break;
        case OP.ROUND2:
          r = roundTo(a, b);
          if (b !== Math.floor(b) || !Number.isFinite(b)) err = "round() needs a whole number of digits";
          break;
        case OP.LT: r = a < b ? 1 : 0; break;
        case OP.LE: r = a <= b ? 1 : 0; break;
        case OP.GT: r = a > b ? 1 : 0; break;
        case OP.GE: r = a >= b ? 1 : 0; break;
        case OP.EQ: r = a === b ? 1 : 0; break;
        case OP.NE: r = a !== b ? 1 : 0; break;
        case OP.AND:                       // b is not looked at when a is false
          VS[n - 1] = (a !== 0 && b !== 0) ? 1 : 0;
          ES[n - 1] = ea !== null ? ea : (a === 0 ? null : eb);
          continue;
        case OP.OR:
          VS[n - 1] = (a !== 0 || b !== 0) ? 1 : 0;
          ES[n - 1] = ea !== null ? ea : (a !== 0 ? null : eb);
          continue;
        default: throw new ProblemError("unknown operation " + op, "compile");
      }
      VS[n - 1] = r;
      ES[n - 1] = ea !== null ? ea : (eb !== null ? eb : err);
    }
    const r = VS[0], err = ES[0];
    if (err !== null) throw new ProblemError("expression " + pyRepr(source) + ": " + err, "expression");
    if (!Number.isFinite(r)) {
      throw new ProblemError("expression " + pyRepr(source) + " is not a finite number (" + pyFloat(r) + ")",
        "expression");
    }
    return r;
  }

  // -- a binary heap of path-search entries, ordered as Python's heapq orders (-key, -seq) ------
  function before(x, y) { return x.key > y.key || (x.key === y.key && x.seq > y.seq); }
  function heapPush(h, x) {
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!before(h[i], h[up])) break;
      const t = h[i]; h[i] = h[up]; h[up] = t; i = up;
    }
  }
  function heapPop(h) {
    const top = h[0], last = h.pop();
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        const t = h[i]; h[i] = h[m]; h[m] = t; i = m;
      }
    }
    return top;
  }

  function create(D) {
    const N = D.ids.length, E = D.child.length, A = D.actors.length, P = D.parameters.length;
    const TOL = D.constants.tolerance, TIE = D.constants.tie_tolerance, SNAP = D.constants.rest_snap;
    const DIGITS = D.constants.tie_digits;
    const clean = cleaner(D.constants.json_digits);
    const start = Int32Array.from(D.start), child = Int32Array.from(D.child), kind = Int8Array.from(D.kind);
    const actor = Int32Array.from(D.actor), solved = Uint8Array.from(D.solved.map(Number));
    const pk = Int8Array.from(D.pk), pv = Float64Array.from(D.pv);
    const parent = new Int32Array(E);
    for (let i = 0; i < N; i++) for (let e = start[i]; e < start[i + 1]; e++) parent[e] = i;
    const OUTCOME = 2;
    D.exprs.forEach(([source, code]) => checkCode(source, code));
    const nodeIndex = new Map(D.ids.map((id, i) => [id, i]));
    const paramIndex = new Map(D.parameters.map((p, k) => [p.name, k]));
    const restNodes = [];
    for (let i = 0; i < N; i++) {
      for (let e = start[i]; e < start[i + 1]; e++) if (pk[e] === 1) { restNodes.push(i); break; }
    }
    const tagged = [];                     // outcomes with tags, in the engine's order
    for (let i = 0; i < N; i++) if (kind[i] === OUTCOME && D.tags[i]) tagged.push(i);
    const allTags = Array.from(new Set(tagged.flatMap((i) => D.tags[i]))).sort();
    const decisions = D.decisions;         // solved decisions, in file order
    const byPosition = (a, b) => (a[0] - b[0]) || (a[1] - b[1]);
    const nodePay = D.node_pay.slice().sort(byPosition), edgePay = D.edge_pay.slice().sort(byPosition);

    const expr = (k, env) => run(D.exprs[k][0], D.exprs[k][1], env);

    // -- bind (engine/bind.py) --------------------------------------------------------------------
    function resolve(set) {
      const params = new Map(), pins = new Map();
      for (const [name, raw] of Object.entries(set || {})) {
        let value;
        if (typeof raw === "number") value = raw;
        else if (typeof raw === "string" && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw)) value = Number(raw);
        else throw new ProblemError("override " + name + ": " + JSON.stringify(raw) + " is not a number", "name");
        if (!Number.isFinite(value)) throw new ProblemError("override " + name + ": " + raw + " is not a finite number", "name");
        const dot = name.indexOf(".");
        if (dot >= 0) {
          const nodeId = name.slice(0, dot), to = name.slice(dot + 1);
          const i = nodeIndex.get(nodeId);
          if (i === undefined) throw new ProblemError("--set " + name + ": unknown node " + pyRepr(nodeId), "name");
          // As engine/overrides.py: the child's id (when one branch leads there), else the
          // branch's position, else its label.
          let edge = -1;
          const into = [];
          for (let e = start[i]; e < start[i + 1]; e++) if (D.ids[child[e]] === to) into.push(e);
          if (into.length > 1) {
            throw new ProblemError("--set " + name + ": " + into.length + " branches of node " + pyRepr(nodeId) +
              " lead to " + pyRepr(to) + "; name one by its position or its label: " +
              into.map((e) => nodeId + "." + (e - start[i]) + " (" + pyRepr(D.edge_labels[e]) + ")").join(", "), "name");
          }
          if (into.length === 1) edge = into[0];
          else if (/^\d+$/.test(to) && Number(to) < start[i + 1] - start[i]) edge = start[i] + Number(to);
          else {
            const labelled = [];
            for (let e = start[i]; e < start[i + 1]; e++) if (D.edge_labels[e] === to) labelled.push(e);
            if (labelled.length === 1) edge = labelled[0];
          }
          if (edge < 0) {
            const kids = [];
            for (let e = start[i]; e < start[i + 1]; e++) kids.push(D.ids[child[e]]);
            throw new ProblemError("--set " + name + ": node " + pyRepr(nodeId) + " has no branch to " + pyRepr(to) +
              " (its children: " + (kids.join(", ") || "none") + ")", "name");
          }
          if (!(value >= 0 && value <= 1)) {
            throw new ProblemError("--set " + name + "=" + fmtG(value, 6) + ": a probability must lie in [0, 1]",
              "probability");
          }
          if (!pins.has(i)) pins.set(i, new Map());
          pins.get(i).set(edge, value);
        } else {
          const k = paramIndex.get(name);
          if (k === undefined) {
            throw new ProblemError("--set " + name + ": unknown parameter (use NODE.CHILD for a branch probability)",
              "name");
          }
          params.set(k, value);
        }
      }
      return { params, pins };
    }

    function describe(set) {
      const keys = Object.keys(set || {});
      if (!keys.length) return "under the base case";
      return "under --set " + keys.map((k) => k + "=" + (typeof set[k] === "number" ? pyFloat(set[k]) : String(set[k]))).join(" ");
    }

    function bind(set) {
      const { params, pins } = resolve(set);
      const env = new Float64Array(P).fill(NaN);
      for (const k of D.param_order) {
        if (params.has(k)) { env[k] = params.get(k); continue; }
        try { env[k] = expr(D.parameters[k].expr, env); } catch (err) {
          throw new ProblemError("parameter " + pyRepr(D.parameters[k].name) + ": " + err.message, "expression");
        }
      }
      const p = new Float64Array(E);
      for (let e = 0; e < E; e++) p[e] = pk[e] === 0 ? pv[e] : (pk[e] === 2 ? expr(pv[e], env) : NaN);
      for (const i of restNodes) {
        let sum = 0;
        for (let e = start[i]; e < start[i + 1]; e++) if (pk[e] !== 1) sum += Number.isNaN(p[e]) ? 0 : p[e];
        let rest = 1 - sum;
        if (Math.abs(rest) < SNAP) rest = 0;
        for (let e = start[i]; e < start[i + 1]; e++) if (pk[e] === 1) p[e] = rest;
      }
      const pinProblems = [];
      for (const [i, fixed] of pins) {     // engine/bind.py apply_pins + engine/rescale.py
        let total = 0;
        for (const v of fixed.values()) total += v;
        const left = 1 - total;
        let freeTotal = 0, any = false;
        for (let e = start[i]; e < start[i + 1]; e++) if (!fixed.has(e)) { freeTotal += p[e]; any = true; }
        if (!any) freeTotal = 0;
        const empty = !(freeTotal > 0);
        const scale = empty ? 0 : Math.max(left, 0) / freeTotal;
        for (let e = start[i]; e < start[i + 1]; e++) if (!fixed.has(e)) p[e] = p[e] * scale;
        const names = Array.from(fixed.keys()).map((e) => D.ids[i] + "." + D.ids[child[e]]).join(", ");
        if (left < -TOL) pinProblems.push("--set " + names + ": the values sum to " + fmtG(total, 6) + ", more than 1");
        if (empty && Math.abs(left) > TOL) {
          pinProblems.push("--set " + names + ": node " + pyRepr(D.ids[i]) + " has no other branch with probability " +
            "left to rescale, so the values must sum to 1 (they sum to " + fmtG(total, 6) + ")");
        }
        for (const [e, v] of fixed) p[e] = v;
      }
      if (pinProblems.length) throw new ProblemError(pinProblems[0], "probability");
      for (let e = 0; e < E; e++) {        // engine/check.py column_problem
        if (!Number.isFinite(p[e]) || p[e] < -TOL || p[e] > 1 + TOL) {
          throw new ProblemError("probability of " + pyRepr(D.ids[parent[e]]) + " → " + pyRepr(D.ids[child[e]]) +
            " is " + fmtG(p[e], 6) + " " + describe(set) + ", outside [0, 1]", "probability");
        }
      }
      for (let i = 0; i < N; i++) {
        if (start[i] === start[i + 1]) continue;
        let sum = 0;
        for (let e = start[i]; e < start[i + 1]; e++) sum += p[e];
        if (Math.abs(sum - 1) > TOL) {
          throw new ProblemError("probabilities of node " + pyRepr(D.ids[i]) + " sum to " + fmtG(sum, 12) + " " +
            describe(set) + ", expected 1", "probability");
        }
      }
      for (let e = 0; e < E; e++) p[e] = Math.min(Math.max(p[e], 0), 1);
      const np = new Float64Array(N * A), ep = new Float64Array(E * A);
      for (const [row, a, k, v] of nodePay) np[row * A + a] = k === 0 ? v : expr(v, env);
      for (const [row, a, k, v] of edgePay) ep[row * A + a] = k === 0 ? v : expr(v, env);
      return { set: set || {}, params: env, p, np, ep };
    }

    // -- the passes (engine/propagate.py, engine/strategic.py) -----------------------------------
    function passes(b, strategic) {
      const w = strategic ? Float64Array.from(b.p) : b.p;
      const values = Float64Array.from(b.np);
      const chosen = new Int32Array(N).fill(-1), tied = new Uint8Array(N);
      const ep = b.ep;
      for (let i = N - 1; i >= 0; i--) {
        const lo = start[i], hi = start[i + 1];
        if (lo === hi) continue;
        if (strategic && solved[i]) {       // the first branch within tie_threshold of the best
          const a = actor[i];
          let best = -Infinity;
          for (let e = lo; e < hi; e++) best = Math.max(best, values[child[e] * A + a] + ep[e * A + a]);
          const threshold = best - TIE * (1 + Math.abs(best));
          let first = -1, count = 0;
          for (let e = lo; e < hi; e++) {
            if (values[child[e] * A + a] + ep[e * A + a] >= threshold) { count++; if (first < 0) first = e; }
          }
          for (let e = lo; e < hi; e++) w[e] = e === first ? 1 : 0;
          chosen[i] = first; tied[i] = count > 1 ? 1 : 0;
        }
        for (let a = 0; a < A; a++) {
          let s = 0;
          for (let e = lo; e < hi; e++) s += (values[child[e] * A + a] + ep[e * A + a]) * w[e];
          values[i * A + a] += s;
        }
      }
      const reach = new Float64Array(N);
      reach[D.root] = 1;
      for (let i = 0; i < N; i++) {
        const r = reach[i];
        if (r === 0) continue;
        for (let e = start[i]; e < start[i + 1]; e++) reach[child[e]] += w[e] * r;
      }
      return { w, values, chosen, tied, reach };
    }

    function topPaths(w, k) {               // engine/paths.py top_paths
      if (k <= 0) return [];
      const best = new Float64Array(N);
      for (let i = N - 1; i >= 0; i--) {
        if (start[i] === start[i + 1]) { best[i] = kind[i] === OUTCOME ? 1 : 0; continue; }
        let m = -Infinity;
        for (let e = start[i]; e < start[i + 1]; e++) m = Math.max(m, best[child[e]] * w[e]);
        best[i] = m;
      }
      const found = [], heap = [];
      let seq = 0;
      heap.push({ key: best[D.root], seq: 0, node: D.root, prob: 1, cell: { node: D.root, edge: -1, prev: null } });
      while (heap.length && found.length < k) {
        const top = heapPop(heap);
        if (top.key === 0) break;
        if (kind[top.node] === OUTCOME) {
          const nodes = [], edges = [];
          for (let c = top.cell; c; c = c.prev) { nodes.push(c.node); if (c.edge >= 0) edges.push(c.edge); }
          found.push({ nodes: nodes.reverse(), edges: edges.reverse(), prob: top.prob });
          continue;
        }
        for (let e = start[top.node + 1] - 1; e >= start[top.node]; e--) {
          const c = child[e], step = top.prob * w[e], bound = step * best[c];
          if (bound > 0) {
            seq++;
            heapPush(heap, { key: bound, seq, node: c, prob: step, cell: { node: c, edge: e, prev: top.cell } });
          }
        }
      }
      return found;
    }

    function outcomeOrder(reach) {          // engine/belief.py outcome_order
      const positive = [], zero = [];
      D.outcomes.forEach((i, listing) => (reach[i] > 0 ? positive : zero).push([i, listing]));
      const keyed = positive.map(([i, listing]) => [i, listing, roundSignificant(reach[i], DIGITS)]);
      keyed.sort((x, y) => (y[2] - x[2]) || (x[1] - y[1]));
      return keyed.map((x) => x[0]).concat(zero.map((x) => x[0]));
    }

    function compute(set, mode, top) {
      const b = bind(set);
      const r = passes(b, mode === "strategic");
      r.bound = b; r.mode = mode;
      r.paths = topPaths(r.w, top === undefined ? D.constants.top : top);
      r.order = outcomeOrder(r.reach);
      return r;
    }

    // For the page: one bind, the solved choices (always shown) and the shown mode's full result.
    function computeView(set, mode) {
      const b = bind(set);
      const s = passes(b, true);
      s.bound = b; s.mode = "strategic";
      const r = mode === "strategic" ? s : passes(b, false);
      r.bound = b; r.mode = mode;
      r.paths = topPaths(r.w, D.constants.top);
      r.order = outcomeOrder(r.reach);
      return { r, s };
    }

    function toDict(r) {
      const row = (i) => { const o = {}; D.actors.forEach((a, k) => { o[a] = clean(r.bound.np[i * A + k]); }); return o; };
      const expected = {};
      D.actors.forEach((a, k) => { expected[a] = clean(r.values[D.root * A + k]); });
      const tags = {};
      for (const t of allTags) tags[t] = 0;
      for (const i of tagged) for (const t of D.tags[i]) tags[t] += r.reach[i];
      for (const t of allTags) tags[t] = clean(tags[t]);
      const out = {
        scenario: D.id, title: D.title, mode: r.mode, given: null, overrides: Object.assign({}, r.bound.set),
        expected_payoffs: expected,
        // Every actor is risk neutral here (the page refuses risk attitudes): utility = CE = expectation.
        risk: Object.fromEntries(D.actors.map((a) => [a, "neutral"])),
        risk_seeking: {},
        expected_utilities: Object.assign({}, expected),
        certainty_equivalents: Object.assign({}, expected),
        outcomes: r.order.map((i) => ({ id: D.ids[i], label: D.labels[i], probability: clean(r.reach[i]),
          payoffs: row(i), tags: (D.tags[i] || []).slice() })),
        tags,
        paths: r.paths.map((path) => {
          const pay = {};
          D.actors.forEach((a, k) => {
            let s = 0;
            for (const i of path.nodes) s += r.bound.np[i * A + k];
            let t = 0;
            for (const e of path.edges) t += r.bound.ep[e * A + k];
            pay[a] = clean(s + t);
          });
          return { nodes: path.nodes.map((i) => D.ids[i]), branches: path.edges.map((e) => e - start[parent[e]]),
            probability: clean(path.prob), payoffs: pay };
        }),
      };
      if (r.mode === "strategic") {
        out.choices = {};
        out.choice_branches = {};
        out.choice_labels = {};
        for (const i of decisions) {
          out.choices[D.ids[i]] = D.ids[child[r.chosen[i]]];
          out.choice_branches[D.ids[i]] = r.chosen[i] - start[i];
          out.choice_labels[D.ids[i]] = D.edge_labels[r.chosen[i]];
        }
        out.ties = decisions.filter((i) => r.tied[i]).map((i) => D.ids[i]);
      }
      return out;
    }

    function options(o) {
      if (o === undefined || o === null) return {};
      if (typeof o !== "object") throw new TypeError("expected {set: {NAME: VALUE, ...}}");
      return o;
    }
    return {
      N, E, A, start, child, parent, kind, actor, solved, pk, decisions, allTags, tagged,
      bind, passes, topPaths, outcomeOrder, compute, computeView, toDict, describe, ProblemError, fmtG,
      evaluate(o) { o = options(o); return toDict(compute(o.set, "belief", o.top)); },
      solve(o) { o = options(o); return toDict(compute(o.set, "strategic", o.top)); },
    };
  }
  return { create, OPS, run, checkCode, fmtG, rint, roundTo, ProblemError };
})();
