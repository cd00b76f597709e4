// The page's layout on any screen. On a narrow screen the main navigation folds behind the Menu
// button (without this script it simply stays open above the page), and a table or timeline
// wider than the screen scrolls inside itself: such a box is made reachable by keyboard.
document.documentElement.classList.add("js");

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-menu]");
  if (!button) return;
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  document.getElementById(button.getAttribute("aria-controls")).classList.toggle("open", open);
});

function focusableScrollers() {
  for (const box of document.querySelectorAll("main table, main .timeline, main .scroll-x")) {
    if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
    else box.removeAttribute("tabindex");
  }
}
document.addEventListener("DOMContentLoaded", focusableScrollers);
document.addEventListener("htmx:afterSettle", focusableScrollers);
window.addEventListener("resize", focusableScrollers);
