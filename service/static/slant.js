/*! Slant embedding script — no build step, no dependencies, no third-party calls.
 * Slant.attach(element, {endpoint, token, debounceMs, documentId, container})
 * <slant-annotator for="ID" endpoint="https://slant.example"></slant-annotator>
 * User text is only ever rendered with textContent / text nodes. See docs/embedding.md. */
(function (global) {
  "use strict";
  var LABELS = ["factual", "opinion", "loaded"];
  var BADGE = { factual: "F", opinion: "O", loaded: "L" };
  var CUE_NAMES = { scare_quotes: "scare quotes", so_called: "so-called", caps_emphasis: "emphasis in CAPITALS",
    exclamation: "exclamation", sneer_aside: "sneering aside", loaded_word: "loaded word",
    first_person_opinion: "first-person opinion", rhetorical_question: "rhetorical question" };
  var CSS = [
    ".slant-s{border-radius:2px;text-decoration-line:underline;text-decoration-thickness:2px;text-underline-offset:3px;cursor:help}",
    ".slant-s:focus{outline:2px solid #1a4fd6;outline-offset:1px}",
    ".slant-s[data-slant-label=factual]{text-decoration-style:solid;text-decoration-color:#4a78c2}",
    ".slant-s[data-slant-label=opinion]{background:#fff1c7;text-decoration-style:dashed;text-decoration-color:#9a6a00}",
    ".slant-s[data-slant-label=loaded]{background:#ffd9d6;text-decoration-style:wavy;text-decoration-color:#b3261e}",
    ".slant-s::after,.slant-badge{display:inline-block;font:bold 10px/1.3 system-ui,sans-serif;padding:0 3px;margin-left:2px;border-radius:3px;vertical-align:super;color:#fff;text-decoration:none}",
    ".slant-s[data-slant-label=factual]::after{content:'F';background:#34609f}",
    ".slant-s[data-slant-label=opinion]::after{content:'O';background:#8a5d00}",
    ".slant-s[data-slant-label=loaded]::after{content:'L';background:#b3261e}",
    ".slant-badge-factual{background:#34609f}.slant-badge-opinion{background:#8a5d00}.slant-badge-loaded{background:#b3261e}",
    ".slant-c{border-bottom:2px dotted #222;font-weight:600;background:rgba(0,0,0,.06)}",
    ".slant-c.slant-hot{outline:2px solid #222}",
    ".slant-widget{font:14px/1.5 system-ui,sans-serif;margin:.5em 0}",
    ".slant-summary{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;padding:.3em .5em;background:#f3f3f3;border:1px solid #ccc;border-radius:4px}",
    ".slant-summary button{font:inherit;padding:0 .5em}",
    ".slant-status{color:#555;font-style:italic}.slant-widget[data-slant-state=error] .slant-status{color:#8a1c14;font-style:normal;font-weight:600}",
    ".slant-preview{white-space:pre-wrap;border:1px solid #ccc;border-radius:4px;padding:.6em;margin-top:.4em;line-height:1.9;background:#fff;color:#111;max-height:40em;overflow:auto}",
    ".slant-tip{position:absolute;z-index:2147483000;max-width:24em;background:#fff;color:#111;border:1px solid #555;border-radius:6px;box-shadow:0 3px 12px rgba(0,0,0,.25);padding:.5em .7em;font:13px/1.45 system-ui,sans-serif}",
    ".slant-tip[hidden]{display:none}.slant-tip ul{margin:.2em 0;padding-left:1.2em}.slant-tip button{font:inherit;margin:0 .2em}"
  ].join("\n");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function injectStyle() {
    if (document.getElementById("slant-style")) return;
    var style = el("style", null, CSS);
    style.id = "slant-style";
    (document.head || document.documentElement).appendChild(style);
  }

  /** map[cp] = UTF-16 index of code point cp (API offsets are code points; JS strings are UTF-16). */
  function codePointMap(text) {
    var map = [0], i = 0;
    while (i < text.length) {
      i += text.codePointAt(i) > 0xffff ? 2 : 1;
      map.push(i);
    }
    return map;
  }

  /** Sentences with UTF-16 start/end and absolute cue ranges. */
  function toRanges(text, result) {
    var map = codePointMap(text), out = [];
    (result.sentences || []).forEach(function (s) {
      if (typeof s.start !== "number") return;
      var base = s.start, cues = [];
      (s.cues || []).forEach(function (c) {
        var a = map[base + c.start], b = map[base + c.end];
        if (a != null && b != null && b > a) cues.push({ start: a, end: b, cue: c });
      });
      var start = map[s.start], end = map[s.end];
      if (start != null && end != null && end > start) out.push({ start: start, end: end, sentence: s, cues: cues });
    });
    return out;
  }

  function pct(x) { return Math.round(x * 100) + "%"; }

  /** Wrap sentence and cue ranges inside root's text nodes (textContent offsets), keeping other markup. */
  function wrapRanges(root, ranges, decorate) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null), nodes = [], n, pos = 0;
    while ((n = walker.nextNode())) { nodes.push({ node: n, start: pos }); pos += n.data.length; }
    var firstOf = {};
    nodes.forEach(function (item) {
      var a = item.start, b = a + item.node.data.length, frag = document.createDocumentFragment(), cur = a, touched = false;
      ranges.forEach(function (r, idx) {
        if (r.end <= a || r.start >= b) return;
        touched = true;
        var s = Math.max(r.start, a), e = Math.min(r.end, b);
        if (s > cur) frag.appendChild(document.createTextNode(item.node.data.slice(cur - a, s - a)));
        var span = decorate.sentence(r, idx, !firstOf[idx]);
        firstOf[idx] = true;
        var p = s;
        r.cues.forEach(function (c) {
          var cs = Math.max(c.start, s), ce = Math.min(c.end, e);
          if (ce <= cs || cs < p) return;
          if (cs > p) span.appendChild(document.createTextNode(item.node.data.slice(p - a, cs - a)));
          span.appendChild(decorate.cue(c, item.node.data.slice(cs - a, ce - a)));
          p = ce;
        });
        if (e > p) span.appendChild(document.createTextNode(item.node.data.slice(p - a, e - a)));
        frag.appendChild(span);
        cur = e;
      });
      if (!touched) return;
      if (cur < b) frag.appendChild(document.createTextNode(item.node.data.slice(cur - a)));
      item.node.parentNode.replaceChild(frag, item.node);
    });
  }

  function Annotator(source, options) {
    this.source = source;
    this.options = options || {};
    this.endpoint = String(this.options.endpoint || "").replace(/\/+$/, "");
    this.debounceMs = this.options.debounceMs == null ? 400 : Number(this.options.debounceMs);
    this.kind = source.tagName === "TEXTAREA" || source.tagName === "INPUT" ? "textarea"
      : source.isContentEditable ? "editable" : "readonly";
    this.seq = 0;
    this.failures = 0;
    this.result = null;
    this.build();
    var self = this;
    this.onInput = function () { self.schedule(self.debounceMs); };
    if (this.kind !== "readonly") source.addEventListener("input", this.onInput);
    else this.original = Array.prototype.map.call(source.childNodes, function (c) { return c.cloneNode(true); });
    this.schedule(0);
  }

  Annotator.prototype.build = function () {
    injectStyle();
    var self = this, id = "slant-" + Math.random().toString(36).slice(2, 9);
    this.root = el("div", "slant-widget");
    this.root.setAttribute("data-slant-state", "loading");
    var bar = el("div", "slant-summary");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Slant summary");
    this.counts = el("span", "slant-counts", "Checking…");
    this.counts.setAttribute("role", "status");
    this.counts.setAttribute("aria-live", "polite");
    this.status = el("span", "slant-status");
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.prevBtn = el("button", "slant-prev", "◀ Previous loaded");
    this.nextBtn = el("button", "slant-next", "Next loaded ▶");
    [this.prevBtn, this.nextBtn].forEach(function (b) { b.type = "button"; });
    this.prevBtn.title = "Previous loaded sentence (p)";
    this.nextBtn.title = "Next loaded sentence (n)";
    this.prevBtn.addEventListener("click", function () { self.jump(-1); });
    this.nextBtn.addEventListener("click", function () { self.jump(1); });
    var legend = el("span", "slant-legend");
    legend.setAttribute("aria-hidden", "true");
    LABELS.forEach(function (l) {
      legend.appendChild(el("span", "slant-badge slant-badge-" + l, BADGE[l]));
      legend.appendChild(document.createTextNode(" " + l + " "));
    });
    [this.counts, this.prevBtn, this.nextBtn, this.status, legend].forEach(function (c) { bar.appendChild(c); });
    this.root.appendChild(bar);
    if (this.kind !== "readonly") {
      this.preview = el("div", "slant-preview");
      this.preview.setAttribute("role", "region");
      this.preview.setAttribute("aria-label", "Slant annotated preview");
      this.root.appendChild(this.preview);
    }
    this.tip = el("div", "slant-tip");
    this.tip.id = id + "-tip";
    this.tip.setAttribute("role", "tooltip");
    this.tip.hidden = true;
    document.body.appendChild(this.tip);
    this.tip.addEventListener("mouseenter", function () { clearTimeout(self.hideTimer); });
    this.tip.addEventListener("mouseleave", function () { self.hideSoon(); });
    this.root.addEventListener("keydown", function (ev) { self.onKey(ev); });
    this.annotated = this.kind === "readonly" ? this.source : this.preview;
    this.annotated.addEventListener("keydown", function (ev) { if (self.kind === "readonly") self.onKey(ev); });
    var container = this.options.container;
    if (container) container.appendChild(this.root);
    else this.source.insertAdjacentElement("afterend", this.root);
  };

  Annotator.prototype.text = function () {
    if (this.kind === "textarea") return this.source.value;
    if (this.kind === "editable") return this.source.innerText;
    return this.source.textContent;
  };

  Annotator.prototype.schedule = function (delay) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.check(); }, delay);
  };

  Annotator.prototype.check = function () {
    var self = this, text = this.text(), seq = ++this.seq;
    if (!text.trim()) { this.render(text, { sentences: [], summary: { counts: {} } }); return Promise.resolve(); }
    if (this.inflight) this.inflight.abort();
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    this.inflight = ctrl;
    var timeout = setTimeout(function () { if (ctrl) ctrl.abort(); }, 10000);
    var body = { text: text };
    if (this.options.documentId) body.document_id = String(this.options.documentId);
    this.root.setAttribute("data-slant-state", this.result ? "updating" : "loading");
    return fetch(this.endpoint + "/v1/classify", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (resp) {
      if (!resp.ok) throw new Error("HTTP " + resp.status);
      return resp.json();
    }).then(function (data) {
      clearTimeout(timeout);
      if (seq !== self.seq) return;
      self.failures = 0;
      self.render(text, data);
    }).catch(function () {
      clearTimeout(timeout);
      if (seq !== self.seq) return; // superseded by a newer check: not a failure
      self.failures += 1;
      self.root.setAttribute("data-slant-state", "error");
      self.status.textContent = "Slant unavailable — retrying";
      self.schedule(Math.min(30000, 2000 * Math.pow(2, self.failures - 1)));
    });
  };

  Annotator.prototype.render = function (text, data) {
    var self = this;
    this.result = data;
    this.modelVersion = data.model && data.model.version;
    this.hide();
    if (this.kind === "readonly") {
      if (this.annotatedOnce) {
        while (this.source.firstChild) this.source.removeChild(this.source.firstChild);
        this.original.forEach(function (c) { self.source.appendChild(c.cloneNode(true)); });
      }
      this.annotatedOnce = true;
    } else {
      this.preview.textContent = text; // one text node, then wrapped
    }
    var ranges = toRanges(text, data);
    wrapRanges(this.annotated, ranges, {
      sentence: function (r, idx, first) { return self.sentenceSpan(r, idx, first); },
      cue: function (c, str) {
        var span = el("span", "slant-c", str);
        span.setAttribute("data-slant-cue", c.cue.type);
        span.setAttribute("title", CUE_NAMES[c.cue.type] || c.cue.type);
        return span;
      }
    });
    var counts = (data.summary && data.summary.counts) || {};
    this.counts.textContent = LABELS.map(function (l) { return (counts[l] || 0) + " " + l; }).join(" · ");
    this.status.textContent = "";
    var loaded = this.loadedSpans().length;
    this.prevBtn.disabled = this.nextBtn.disabled = loaded === 0;
    this.root.setAttribute("data-slant-state", "ok");
    this.source.dispatchEvent(new CustomEvent("slant:update", { detail: data }));
  };

  Annotator.prototype.sentenceSpan = function (r, idx, first) {
    var self = this, s = r.sentence, span = el("span", "slant-s");
    span.setAttribute("data-slant-label", s.label);
    span.setAttribute("data-slant-index", String(idx));
    if (first) {
      span.tabIndex = 0;
      span.setAttribute("role", "mark");
      var cueTypes = (s.cues || []).map(function (c) { return CUE_NAMES[c.type] || c.type; });
      span.setAttribute("aria-label", s.label + " sentence, " + pct(s.scores[s.label]) +
        (cueTypes.length ? "; cues: " + cueTypes.join(", ") : "") + ": " + s.text);
    } else {
      span.setAttribute("data-slant-continued", "");
    }
    var show = function (ev) {
      var cue = ev.target.closest ? ev.target.closest("[data-slant-cue]") : null;
      self.show(span, s, cue);
    };
    span.addEventListener("mouseover", show);
    span.addEventListener("focus", show);
    span.addEventListener("mouseleave", function () { self.hideSoon(); });
    span.addEventListener("blur", function () { self.hideSoon(); });
    return span;
  };

  Annotator.prototype.show = function (span, s, hotCue) {
    var self = this, tip = this.tip;
    clearTimeout(this.hideTimer);
    if (this.hot) this.hot.classList.remove("slant-hot");
    this.hot = hotCue;
    if (hotCue) hotCue.classList.add("slant-hot");
    if (this.tipFor === span && !tip.hidden) { this.markHotCue(hotCue); return; }
    this.tipFor = span;
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    var head = el("div");
    head.appendChild(el("span", "slant-badge slant-badge-" + s.label, BADGE[s.label]));
    head.appendChild(el("strong", null, " " + s.label));
    tip.appendChild(head);
    tip.appendChild(el("div", "slant-scores", LABELS.map(function (l) { return l + " " + pct(s.scores[l]); }).join(" · ")));
    var list = el("ul", "slant-cues");
    (s.cues || []).forEach(function (c) {
      var shown = /^["“„«‘']/.test(c.text) ? c.text : "“" + c.text + "”";
      var li = el("li", null, (CUE_NAMES[c.type] || c.type) + ": " + shown);
      li.setAttribute("data-slant-tip-cue", c.type);
      list.appendChild(li);
    });
    if (!list.firstChild) list.appendChild(el("li", null, "no cue words"));
    tip.appendChild(list);
    var fb = el("div", "slant-feedback", "Label wrong? → ");
    LABELS.forEach(function (l) {
      if (l === s.label) return;
      var b = el("button", null, l);
      b.type = "button";
      b.setAttribute("data-slant-correct", l);
      b.addEventListener("click", function () { self.sendFeedback(s, l, fbStatus); });
      fb.appendChild(b);
    });
    var fbStatus = el("span", "slant-feedback-status");
    fbStatus.setAttribute("role", "status");
    fb.appendChild(fbStatus);
    tip.appendChild(fb);
    this.markHotCue(hotCue);
    tip.hidden = false;
    span.setAttribute("aria-describedby", tip.id);
    var rect = span.getBoundingClientRect();
    var left = Math.max(4, Math.min(rect.left, document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.left = (left + global.pageXOffset) + "px";
    tip.style.top = (rect.bottom + global.pageYOffset + 6) + "px";
  };

  Annotator.prototype.markHotCue = function (hotCue) {
    var type = hotCue && hotCue.getAttribute("data-slant-cue");
    Array.prototype.forEach.call(this.tip.querySelectorAll("[data-slant-tip-cue]"), function (li) {
      li.style.fontWeight = type && li.getAttribute("data-slant-tip-cue") === type ? "bold" : "";
    });
  };

  Annotator.prototype.hideSoon = function () {
    var self = this;
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(function () { self.hide(); }, 400);
  };

  Annotator.prototype.hide = function () {
    if (this.tipFor) this.tipFor.removeAttribute("aria-describedby");
    if (this.hot) this.hot.classList.remove("slant-hot");
    this.tip.hidden = true;
    this.tipFor = this.hot = null;
  };

  Annotator.prototype.sendFeedback = function (s, corrected, statusEl) {
    var headers = { "Content-Type": "application/json" };
    if (this.options.token) headers.Authorization = "Bearer " + this.options.token;
    var body = { text: s.text, predicted: s.label, corrected: corrected, model_version: this.modelVersion || null,
      document_id: this.options.documentId ? String(this.options.documentId) : null, url: String(global.location.href) };
    statusEl.textContent = " sending…";
    return fetch(this.endpoint + "/v1/feedback", { method: "POST", headers: headers, body: JSON.stringify(body) })
      .then(function (resp) { statusEl.textContent = resp.ok ? " Thanks — recorded." : " Not recorded (HTTP " + resp.status + ")."; })
      .catch(function () { statusEl.textContent = " Not recorded: Slant unavailable."; });
  };

  Annotator.prototype.loadedSpans = function () {
    return Array.prototype.slice.call(this.annotated.querySelectorAll(".slant-s[data-slant-label=loaded]:not([data-slant-continued])"));
  };

  Annotator.prototype.jump = function (dir) {
    var spans = this.loadedSpans();
    if (!spans.length) return;
    var i = spans.indexOf(document.activeElement);
    i = i < 0 ? (dir > 0 ? 0 : spans.length - 1) : (i + dir + spans.length) % spans.length;
    spans[i].focus();
    if (spans[i].scrollIntoView) spans[i].scrollIntoView({ block: "nearest" });
  };

  Annotator.prototype.onKey = function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t === this.source || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) return;
    if (ev.key === "n" || ev.key === "j") { ev.preventDefault(); this.jump(1); }
    else if (ev.key === "p" || ev.key === "k") { ev.preventDefault(); this.jump(-1); }
    else if (ev.key === "Escape") this.hide();
  };

  Annotator.prototype.destroy = function () {
    clearTimeout(this.timer);
    this.seq++;
    this.source.removeEventListener("input", this.onInput);
    if (this.root.parentNode) this.root.parentNode.removeChild(this.root);
    if (this.tip.parentNode) this.tip.parentNode.removeChild(this.tip);
  };

  Annotator.prototype.refresh = function () { return this.check(); };

  function attach(element, options) {
    if (!element) throw new Error("Slant.attach: no element");
    return new Annotator(element, options || {});
  }

  if (global.customElements && !global.customElements.get("slant-annotator")) {
    var Base = class extends HTMLElement {
      connectedCallback() {
        var self = this;
        var start = function () {
          if (self.slant) return;
          var target = document.getElementById(self.getAttribute("for") || "");
          if (!target) return;
          self.slant = attach(target, {
            endpoint: self.getAttribute("endpoint") || "", token: self.getAttribute("token") || undefined,
            debounceMs: self.hasAttribute("debounce-ms") ? Number(self.getAttribute("debounce-ms")) : undefined,
            documentId: self.getAttribute("document-id") || undefined, container: self
          });
        };
        if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
        else start();
      }
      disconnectedCallback() { if (this.slant) { this.slant.destroy(); this.slant = null; } }
    };
    global.customElements.define("slant-annotator", Base);
  }

  global.Slant = { attach: attach, codePointMap: codePointMap, version: "1" };
})(window);
