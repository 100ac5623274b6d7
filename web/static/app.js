/* Hemeroteca progressive enhancement: every link and form works without this file.
   - a facet's "Find a name" box filters its list as you type; Enter keeps the focus in the box
     (without JS the GET form reloads the page with the box focused);
   - the search page's timeline picks a date range: drag across the bars, or click a year and
     Shift+click (or Shift+Enter) another; a plain click still filters by its year, and the
     Dates form in the filters is the fallback;
   - "/" focuses the query box from anywhere on the page. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhanceNameFilter(form) {
    var input = form.querySelector("input[type=search]");
    var facet = form.closest(".facet");
    if (!input || !facet) return;
    var items = Array.prototype.slice.call(facet.querySelectorAll("li"));
    items.forEach(function (li) { li.dataset.folded = li.hidden ? "1" : "0"; });
    var more = facet.querySelector(".more");
    function narrow() {
      var needle = fold(input.value.trim());
      items.forEach(function (li) {
        var name = fold(li.querySelector(".value").textContent);
        li.hidden = needle ? name.indexOf(needle) === -1 : li.dataset.folded === "1";
      });
      facet.querySelectorAll("h4.group").forEach(function (h) {
        var list = h.nextElementSibling;
        h.hidden = !list.querySelector("li:not([hidden])");
      });
      if (more) more.hidden = needle !== "";
    }
    input.addEventListener("input", narrow);
    form.addEventListener("submit", function (event) {
      // The list is already narrowed: a reload would only take the focus away from the box.
      event.preventDefault();
      narrow();
      input.focus();
    });
  }

  function count(bar) {
    var match = /: (\d+)/.exec(bar.getAttribute("aria-label") || "");
    return match ? Number(match[1]) : 0;
  }

  function enhanceTimeline(figure) {
    var base = figure.dataset.rangeBase;
    var svg = figure.querySelector("svg");
    var status = figure.querySelector(".range-status");
    var bars = Array.prototype.slice.call(figure.querySelectorAll("a.bar[data-year]"));
    if (!base || !svg || !bars.length) return;
    var anchor = figure.dataset.rangeAnchor ? Number(figure.dataset.rangeAnchor) : null;
    var start = null, current = null, dragged = false, suppressClick = false;

    function yearAt(x) {
      // the bar nearest to x: empty years have no bar, so a drag may pass over gaps
      var best = null, distance = Infinity;
      bars.forEach(function (bar) {
        var box = bar.getBoundingClientRect();
        var d = x < box.left ? box.left - x : (x > box.right ? x - box.right : 0);
        if (d < distance) { distance = d; best = bar; }
      });
      return best ? Number(best.dataset.year) : null;
    }

    function mark(first, last) {
      var low = Math.min(first, last), high = Math.max(first, last), total = 0;
      bars.forEach(function (bar) {
        var year = Number(bar.dataset.year), inside = year >= low && year <= high;
        bar.classList.toggle("in-range", inside);
        if (inside) total += count(bar);
      });
      if (status) {
        status.textContent = low + "–" + high + ": " + total + " paragraph" +
          (total === 1 ? "" : "s") + "; release to show them";
      }
    }

    function go(first, last) {
      var low = Math.min(first, last), high = Math.max(first, last);
      mark(low, high);
      var url = new URL(base, window.location.href);
      url.searchParams.set("date_from", low + "-01-01");
      url.searchParams.set("date_to", high + "-12-31");
      window.location.assign(url.toString());
    }

    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || event.shiftKey) return;
      start = current = yearAt(event.clientX);
      dragged = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (start === null) return;
      var year = yearAt(event.clientX);
      if (year !== current) {
        current = year;
        dragged = dragged || year !== start;
      }
      if (dragged) {
        event.preventDefault();
        mark(start, current);
      }
    });
    window.addEventListener("pointerup", function () {
      if (start === null) return;
      var first = start;
      start = null;
      if (dragged && current !== null) {
        suppressClick = true;
        go(first, current);
      }
    });
    svg.addEventListener("pointercancel", function () {
      start = null;
      dragged = false;
      bars.forEach(function (bar) { bar.classList.remove("in-range"); });
      if (status) status.textContent = "";
    });
    svg.addEventListener("click", function (event) {
      var bar = event.target.closest("a.bar");
      if (suppressClick) {
        event.preventDefault();
        suppressClick = false;
      } else if (bar && event.shiftKey && anchor !== null) {
        event.preventDefault();
        go(anchor, Number(bar.dataset.year));
      }
    }, true);
    bars.forEach(function (bar) {
      bar.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && event.shiftKey && anchor !== null) {
          event.preventDefault();
          go(anchor, Number(bar.dataset.year));
        }
      });
    });
  }

  document.querySelectorAll(".facet-filter").forEach(enhanceNameFilter);
  document.querySelectorAll("figure.timeline[data-range-base]").forEach(enhanceTimeline);

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    var q = document.getElementById("q");
    if (q) { event.preventDefault(); q.focus(); q.select(); }
  });
})();
