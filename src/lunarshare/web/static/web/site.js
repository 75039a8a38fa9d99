// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("select[data-autosubmit]")) target.form.submit();
});

// The menu button on small screens: a real <button> with aria-expanded, closed by Escape.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("site-nav");
  if (!toggle || !nav) return;
  toggle.hidden = false;
  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("is-open", open);
  };
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
});

// Section sub-navigation (e.g. the cooperation registry's): mark the link of this page.
document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll(".subnav a[href]")) {
    if (link.pathname === window.location.pathname && !link.hasAttribute("aria-current")) {
      link.setAttribute("aria-current", "page");
    }
  }
});

// A table wider than its box scrolls; make the scroll box reachable and named for keyboard users.
const markScrollables = () => {
  for (const box of document.querySelectorAll(".table-scroll")) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      const caption = box.querySelector("caption");
      if (caption) box.setAttribute("aria-label", caption.textContent.trim());
    } else if (!scrolls && box.getAttribute("role") === "region") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
    }
  }
};
document.addEventListener("DOMContentLoaded", markScrollables);
window.addEventListener("resize", markScrollables);

// Buttons marked data-action="print" print the page (no inline on* handlers: CSP script-src 'self').
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-action='print']");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
