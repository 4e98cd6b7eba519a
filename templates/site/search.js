/* Search across all agreements, without a server.
 * The index comes from assets/search-index.js (window.AFTALER_INDEX): a page opened from file://
 * cannot fetch() a JSON file. Text is never inserted as HTML: results are built with textContent.
 * Danish matching: case-folded, æ/ø/å also match ae/oe/aa (as in the YAML keys), accents ignored,
 * and common Danish endings are stripped from the query, so "aktiviteterne" finds "aktivitet". */
(function () {
  "use strict";

  var MAX_RESULTS = 25;
  // Longest first; a light version of the Snowball Danish stemmer's first step.
  var SUFFIXES = ["erendes", "erende", "hedens", "ethed", "erede", "heden", "heder", "endes", "ernes",
    "erens", "erets", "ered", "ende", "erne", "eren", "erer", "heds", "enes", "eres", "eret", "hed",
    "ene", "ere", "ens", "ers", "ets", "en", "er", "es", "et", "e", "s"];

  function fold(text) {
    return String(text).toLocaleLowerCase("da")
      .replace(/å/g, "aa").replace(/æ/g, "ae").replace(/ø/g, "oe")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]/g, " ");  // one space per character keeps positions countable
  }

  function stem(word) {
    for (var i = 0; i < SUFFIXES.length; i++) {
      var s = SUFFIXES[i];
      if (word.length - s.length >= 3 && word.slice(-s.length) === s) {
        return word.slice(0, -s.length);
      }
    }
    return word;
  }

  function terms(query) {
    return fold(query).split(" ").filter(function (w) { return w; }).map(stem);
  }

  function prepare(entries) {
    return entries.map(function (e, i) {
      var own = e.t.split(" › ").pop();  // the item itself, not the sections it sits in
      return { entry: e, order: i, name: " " + fold(own) + " ", title: " " + fold(e.t) + " ", text: " " + fold(e.x) + " " };
    });
  }

  function count(haystack, needle) {
    var n = 0, at = haystack.indexOf(needle);
    while (at !== -1 && n < 5) { n++; at = haystack.indexOf(needle, at + needle.length); }
    return n;
  }

  function score(item, words) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      var inTitle = item.title.indexOf(w) !== -1;
      var inText = count(item.text, w);
      if (!inTitle && !inText) { return 0; }
      total += (inTitle ? 10 : 0) + inText + (item.title.indexOf(" " + w) !== -1 ? 5 : 0)
        + (item.name.indexOf(" " + w) !== -1 ? 20 : 0) + (item.name.indexOf(" " + w) === 0 ? 15 : 0)
        + (item.text.indexOf(" " + w) !== -1 ? 2 : 0);
    }
    return total;
  }

  function search(items, query) {
    var words = terms(query);
    if (!words.length) { return []; }
    return items.map(function (item) { return { item: item, score: score(item, words) }; })
      .filter(function (r) { return r.score > 0; })
      .sort(function (a, b) { return b.score - a.score || a.item.order - b.item.order; });
  }

  // The passage around the first hit; folded positions are mapped back to the original text.
  function snippet(text, words) {
    var map = [], folded = "", i, k;
    for (i = 0; i < text.length; i++) {
      var f = fold(text[i]);
      for (k = 0; k < f.length; k++) { map.push(i); }
      folded += f;
    }
    var at = -1, word = "";
    for (i = 0; i < words.length && at === -1; i++) { word = words[i]; at = folded.indexOf(word); }
    if (at === -1) {
      return { before: text.slice(0, 160) + (text.length > 160 ? " …" : ""), hit: "", after: "" };
    }
    var start = map[at], end = map[at + word.length - 1] + 1, from = Math.max(0, start - 70);
    while (end < text.length && /[\p{L}\p{N}]/u.test(text[end])) { end++; }  // the whole word, not the stem
    return {
      before: (from > 0 ? "… " : "") + text.slice(from, start),
      hit: text.slice(start, end),
      after: text.slice(end, end + 110) + (end + 110 < text.length ? " …" : "")
    };
  }

  function span(className, text) {
    var el = document.createElement("span");
    el.className = className;
    el.textContent = text;
    return el;
  }

  function resultItem(root, entry, words) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = root + entry.u;
    a.appendChild(span("hit-title", entry.t));
    a.appendChild(span("hit-where", entry.s + " · " + entry.d));
    if (entry.x) {
      var parts = snippet(entry.x, words), text = span("hit-text", parts.before);
      if (parts.hit) {
        var mark = document.createElement("mark");
        mark.textContent = parts.hit;
        text.appendChild(mark);
        text.appendChild(document.createTextNode(parts.after));
      }
      a.appendChild(text);
    }
    li.appendChild(a);
    return li;
  }

  function show(form, items, root) {
    var input = form.querySelector("input"), list = form.querySelector("ol"), status = form.querySelector("p");
    var query = input.value.trim();
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    var results = search(items, query), words = terms(query);
    results.slice(0, MAX_RESULTS).forEach(function (r) { list.appendChild(resultItem(root, r.item.entry, words)); });
    status.textContent = results.length === 0 ? "Ingen resultater for “" + query + "”."
      : results.length > MAX_RESULTS ? "Viser " + MAX_RESULTS + " af " + results.length + " resultater."
      : results.length + (results.length === 1 ? " resultat." : " resultater.");
  }

  function start() {
    var form = document.querySelector("form.search");
    if (!form || !Array.isArray(window.AFTALER_INDEX)) { return; }
    var root = document.body.getAttribute("data-root") || "";
    var items = prepare(window.AFTALER_INDEX);
    var input = form.querySelector("input");
    form.hidden = false;
    input.addEventListener("input", function () { show(form, items, root); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = form.querySelector("ol a");
      if (first) { window.location.href = first.href; }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.value = ""; show(form, items, root); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
