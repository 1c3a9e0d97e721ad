// Behaviour every page shares, loaded in <head> so the `js` class is set before the page
// paints: without JavaScript the navigation stays open.
// - The Menu button folds the navigation on phones (app.css).
// - A <select data-submit-on-change> (the language chooser) submits its form when changed;
//   the Content-Security-Policy refuses inline handlers, so the behaviour lives here.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("navigasi");
  if (!toggle || !nav) return;
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
});
