// Site search and listing filters. Pages work without this script; it adds
// results as you type and filters that apply in place. The query steps
// mirror src/search/query.rs, which the tests check it against.
(function () {
  "use strict";
  var STOP = "a an and are as at be but by for from if in into is it its of on or so than that the their then there these they this to was were which with".split(" ");
  var SUFFIXES = ["ing", "ed", "es", "s"];
  var $ = function (s, e) { return (e || document).querySelector(s); };
  var $$ = function (s, e) { return [].slice.call((e || document).querySelectorAll(s)); };
  var len = function (s) { return Array.from(s).length; };
  var el = function (tag, text) { var e = document.createElement(tag); if (text) e.textContent = text; return e; };

  function words(q) {
    return q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) {
      return len(w) > 1 && STOP.indexOf(w) < 0;
    }).map(function (w) {
      return /[^aeiouy]y$/.test(w) && len(w) > 2 ? w.slice(0, -1) + "i" : w;
    });
  }
  function bases(w) {
    var found = [w];
    SUFFIXES.forEach(function (s) {
      if (w.endsWith(s) && len(w) - s.length >= 3) found.push(w.slice(0, -s.length));
    });
    return found;
  }
  function quality(w, t) {
    if (t === w) return 1;
    if (w.startsWith(t) && len(t) >= 3 && len(w) - len(t) <= 4 && /^\p{L}+$/u.test(w.slice(t.length))) return 0.9;
    return t.startsWith(w) ? 0.6 : 0;
  }

  // --- The index: meta, chunks of terms, result fragments, facets.
  function Index(url) {
    this.base = url.replace(/[^/]*$/, "");
    this.meta = fetch(url, { cache: "no-cache" }).then(function (r) { return r.json(); });
    this.files = {};
  }
  Index.prototype.get = function (path, kind) {
    var self = this;
    return this.files[path] || (this.files[path] = this.meta.then(function (m) {
      return fetch(self.base + path + "?v=" + m.v).then(function (r) {
        if (!r.ok) throw new Error(path);
        return r[kind]();
      });
    }));
  };
  function chunkOf(m, term) {
    var lo = 0, hi = m.chunks.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (m.chunks[mid][0] <= term) lo = mid + 1; else hi = mid; }
    return Math.max(0, lo - 1);
  }
  function chunksFor(m, w) {
    var need = {};
    if (!m.chunks.length) return [];
    bases(w).forEach(function (b) {
      var cs = Array.from(b);
      for (var end = Math.min(3, cs.length); end <= cs.length; end++) need[chunkOf(m, cs.slice(0, end).join(""))] = 1;
      var own = chunkOf(m, b);
      for (var n = own + 1; n < Math.min(own + 3, m.chunks.length); n++) if (m.chunks[n][0].startsWith(b)) need[n] = 1;
    });
    return Object.keys(need).map(Number).sort(function (a, b) { return a - b; });
  }
  function decode(buffer) {
    var bytes = new Uint8Array(buffer), at = 1, terms = [], prev = new Uint8Array(0), text = new TextDecoder();
    function varint() { var v = 0, s = 0, b; do { b = bytes[at++]; v += (b & 127) * Math.pow(2, s); s += 7; } while (b & 128); return v; }
    if (bytes[0] !== 1) return terms;
    for (var count = varint(); count > 0; count--) {
      var shared = varint(), size = varint(), term = new Uint8Array(shared + size);
      term.set(prev.subarray(0, shared)); term.set(bytes.subarray(at, at + size), shared); at += size;
      var postings = [], page = 0;
      for (var n = varint(), i = 0; i < n; i++) { page = i ? page + varint() : varint(); postings.push([page, bytes[at++]]); }
      terms.push([text.decode(term), postings]); prev = term;
    }
    return terms;
  }
  Index.prototype.query = function (q) {
    var self = this, ws = words(q);
    return this.meta.then(function (m) {
      var wanted = {};
      ws.forEach(function (w) { chunksFor(m, w).forEach(function (c) { wanted[c] = 1; }); });
      return Promise.all(Object.keys(wanted).map(function (c) {
        return self.get("chunks/" + m.chunks[c][1] + ".bin", "arrayBuffer").then(decode);
      })).then(function (lists) {
        var terms = [].concat.apply([], lists).sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
        var scores = null, total = Math.max(m.pages, 1);
        ws.forEach(function (w) {
          var best = {};
          bases(w).some(function (b) {
            var prefixes = 0;
            terms.forEach(function (t) {
              var q = quality(b, t[0]);
              if (!q) return;
              if (b !== w) q *= 0.8;
              if (q < 0.9 && ++prefixes > 30) return;
              var rarity = Math.log(1 + total / Math.max(t[1].length, 1));
              t[1].forEach(function (p) { var s = p[1] * q * rarity; if (!(best[p[0]] >= s)) best[p[0]] = s; });
            });
            return Object.keys(best).length > 0;
          });
          if (!scores) { scores = best; return; }
          var kept = {};
          for (var page in scores) if (page in best) kept[page] = scores[page] + best[page];
          scores = kept;
        });
        return Object.keys(scores || {}).map(function (p) { return [+p, scores[p]]; })
          .sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      });
    });
  };

  // --- The search page.
  function snippet(text, ws) {
    var lower = text.toLowerCase(), at = -1;
    ws.forEach(function (w) { var i = lower.search(new RegExp("(^|[^\\p{L}\\p{N}])" + w.slice(0, Math.max(3, w.length - 1)), "u")); if (i >= 0 && (at < 0 || i < at)) at = i; });
    var start = Math.max(0, at - 60), end = Math.min(text.length, Math.max(at, 0) + 160);
    var part = (start ? "…" : "") + text.slice(start, end).trim() + (end < text.length ? "…" : "");
    var p = el("p"), marks = new RegExp("[\\p{L}\\p{N}]+", "gu"), last = 0, found;
    p.className = "search-result__snippet";
    while ((found = marks.exec(part))) {
      var word = found[0].toLowerCase();
      if (ws.some(function (w) { return word.startsWith(w.slice(0, Math.max(3, w.length - 1))); })) {
        p.appendChild(document.createTextNode(part.slice(last, found.index)));
        p.appendChild(el("mark", found[0]));
        last = found.index + found[0].length;
      }
    }
    p.appendChild(document.createTextNode(part.slice(last)));
    return p;
  }
  function searchPage(form) {
    var index = new Index(form.getAttribute("data-search-index"));
    var input = $("#search--query"), status = $("#search--status"), list = $("#search--results");
    var facets = $("[data-search-facets]"), browse = $("[data-search-browse]"), timer, run = 0, shown = 10;
    // Changes below keep every element that stays on screen where it was, so nothing jumps
    // (results take the browse lists' place rather than pushing them down).
    $$("[data-search-no-script]").forEach(function (e) { e.textContent = "Or browse every page from the lists below."; });
    if (facets) facets.hidden = false;
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    function showResults(yes) { list.hidden = !yes; if (browse) browse.hidden = yes; }
    showResults(words(input.value).length > 0);
    $$("input[type=checkbox]", form).forEach(function (box) { box.checked = params.getAll(box.name).indexOf(box.value) >= 0; if (box.checked) facets.open = true; });
    function checked() {
      var by = {};
      $$("input[type=checkbox]:checked", form).forEach(function (b) { (by[b.name] = by[b.name] || []).push(b.value); });
      return by;
    }
    function narrow(results, by) {
      var names = Object.keys(by);
      if (!names.length) return Promise.resolve(results);
      return index.get("facets.json", "json").then(function (f) {
        return results.filter(function (r) {
          return names.every(function (n) { return by[n].some(function (v) { return f[n][v] && f[n][v].pages.indexOf(r[0]) >= 0; }); });
        });
      });
    }
    function update(push) {
      var q = input.value.trim(), by = checked(), mine = ++run, url = new URLSearchParams();
      if (q) url.set("q", q);
      Object.keys(by).forEach(function (n) { by[n].forEach(function (v) { url.append(n, v); }); });
      history[push ? "pushState" : "replaceState"](null, "", "?" + url);
      if (!words(q).length) { showResults(false); list.textContent = ""; status.textContent = q ? "Type a longer word to search." : ""; return; }
      showResults(true);
      index.query(q).then(function (r) { return narrow(r, by); }).then(function (results) {
        if (mine !== run) return;
        status.textContent = results.length ? results.length + (results.length === 1 ? " result" : " results") + " for “" + q + "”" : "No results for “" + q + "”. Try fewer or shorter words, or browse below.";
        var items = results.slice(0, shown).map(function (r) {
          return index.get("pages/" + r[0] + ".json", "json").then(function (f) {
            var li = el("li"), a = el("a", f.t), p = el("p", f.s);
            li.className = "search-result"; a.href = f.u; p.className = "search-result__section";
            li.append(a, p, snippet(f.x.toLowerCase().indexOf(words(q)[0].slice(0, 3)) >= 0 ? f.x : f.d || f.x, words(q)));
            return li;
          });
        });
        return Promise.all(items).then(function (lis) {
          if (mine !== run) return;
          list.textContent = "";
          lis.forEach(function (li) { list.appendChild(li); });
          showResults(lis.length > 0);
          if (results.length > shown) {
            var li = el("li"), more = el("button", "Show more results");
            more.type = "button"; more.className = "button button--secondary";
            more.onclick = function () { shown += 10; update(); };
            li.appendChild(more); list.appendChild(li);
          }
        });
      }).catch(function () { status.textContent = "Search is not available right now. Browse the lists below instead."; });
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); shown = 10; update(true); });
    input.addEventListener("input", function () { clearTimeout(timer); shown = 10; timer = setTimeout(update, 120); });
    form.addEventListener("change", function (e) { if (e.target.type === "checkbox") { shown = 10; update(true); } });
    input.addEventListener("keydown", function (e) { var a = $("a", list); if (e.key === "ArrowDown" && a) { e.preventDefault(); a.focus(); } });
    window.addEventListener("popstate", function () { location.reload(); });
    if (input.value || Object.keys(checked()).length) update();
  }

  // --- Filters on a section's listing: links become checkboxes that apply in place.
  function filters(box) {
    var status = $("[data-filters-status]", box), cards = $$("[data-filter-" + $$("[data-filter-group]", box)[0].getAttribute("data-filter-group") + "]");
    $$("[data-filter-group]", box).forEach(function (group) {
      var name = group.getAttribute("data-filter-group"), set = el("fieldset"), legend = el("legend", group.getAttribute("data-filter-title"));
      set.className = "filter-group"; legend.className = "filter-group__legend"; set.appendChild(legend);
      $$("[data-filter-value]", group).forEach(function (a) {
        var id = "filter--" + name + "--" + a.getAttribute("data-filter-value"), row = el("div"), input = el("input"), label = el("label", a.getAttribute("data-filter-name"));
        row.className = "checkbox"; input.className = "checkbox__input"; label.className = "checkbox__label";
        input.type = "checkbox"; input.id = id; input.name = name; input.value = a.getAttribute("data-filter-value"); label.htmlFor = id;
        row.append(input, label); set.appendChild(row);
      });
      group.replaceWith(set);
    });
    function apply() {
      var by = {}, params = new URLSearchParams(location.search), shown = 0;
      $$("input", box).forEach(function (i) { i.checked = params.getAll(i.name).indexOf(i.value) >= 0; if (i.checked) (by[i.name] = by[i.name] || []).push(i.value); });
      cards.forEach(function (card) {
        var ok = Object.keys(by).every(function (n) { var has = (card.getAttribute("data-filter-" + n) || "").split(" "); return by[n].some(function (v) { return has.indexOf(v) >= 0; }); });
        card.hidden = !ok; if (ok) shown++;
      });
      status.textContent = Object.keys(by).length ? "Showing " + shown + " of " + cards.length : "";
    }
    box.addEventListener("change", function () {
      var url = new URLSearchParams();
      $$("input:checked", box).forEach(function (i) { url.append(i.name, i.value); });
      history.pushState(null, "", location.pathname + (url.toString() ? "?" + url : ""));
      apply();
    });
    window.addEventListener("popstate", apply);
    apply();
  }

  var form = $("[data-search-index]"), box = $("[data-filters]:not([data-filters-page])");
  if (form && window.fetch) searchPage(form);
  if (box) filters(box);
})();
