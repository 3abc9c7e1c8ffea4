/* kgtool report: details of a timeline mark on hover and on keyboard focus. Inlined; fetches nothing. */
(function () {
  "use strict";
  var tip = document.getElementById("tooltip");
  if (!tip) { return; }
  var current = null;
  var hideTimer = null;

  function place(mark) {
    var box = mark.getBoundingClientRect();
    var width = tip.offsetWidth;
    var left = box.left + box.width / 2 - width / 2;
    left = Math.max(8, Math.min(left, document.documentElement.clientWidth - width - 8));
    var top = box.bottom + 8;
    if (top + tip.offsetHeight > window.innerHeight && box.top - tip.offsetHeight - 8 > 0) {
      top = box.top - tip.offsetHeight - 8;
    }
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (top + window.scrollY) + "px";
  }

  function show(mark) {
    var content = document.getElementById(mark.getAttribute("data-tip"));
    if (!content) { return; }
    window.clearTimeout(hideTimer);
    if (current && current !== mark) { current.classList.remove("active"); }
    tip.innerHTML = content.innerHTML;
    tip.hidden = false;
    place(mark);
    current = mark;
    mark.classList.add("active");
  }

  function hide() {
    tip.hidden = true;
    if (current) { current.classList.remove("active"); }
    current = null;
  }

  function hideSoon() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hide, 300);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".mark"), function (mark) {
    mark.addEventListener("mouseenter", function () { show(mark); });
    mark.addEventListener("mouseleave", hideSoon);
    mark.addEventListener("focus", function () { show(mark); });
    mark.addEventListener("blur", hideSoon);
  });
  tip.addEventListener("mouseenter", function () { window.clearTimeout(hideTimer); });
  tip.addEventListener("mouseleave", hideSoon);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hide(); }
  });
  window.addEventListener("resize", function () { if (current) { place(current); } });
})();
