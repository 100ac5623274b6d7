/* Hemeroteca progressive enhancement: every link and form works without this file.
   - the actor facet's "Find a name" box filters its list as you type (the GET form stays the fallback);
   - "/" focuses the query box from anywhere on the page. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhanceActorFilter(form) {
    var input = form.querySelector("input[name=actor_q]");
    var facet = form.closest(".facet");
    if (!input || !facet) return;
    var items = Array.prototype.slice.call(facet.querySelectorAll("li"));
    items.forEach(function (li) { li.dataset.folded = li.hidden ? "1" : "0"; });
    var more = facet.querySelector(".more");
    input.addEventListener("input", function () {
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
    });
  }

  document.querySelectorAll(".facet-filter").forEach(enhanceActorFilter);

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    var q = document.getElementById("q");
    if (q) { event.preventDefault(); q.focus(); q.select(); }
  });
})();
