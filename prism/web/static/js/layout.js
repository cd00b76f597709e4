// The page's layout on any screen. On a narrow screen the main navigation folds behind the Menu
// button (without this script it simply stays open above the page); a table or timeline wider
// than the screen scrolls inside itself, and such a box is made reachable by keyboard; the toast
// that says an action was done closes itself after a while, or at once with its ×.
document.documentElement.classList.add("js");

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-menu]");
  if (button) {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    document.getElementById(button.getAttribute("aria-controls")).classList.toggle("show", open);
  }
  const close = event.target.closest("[data-dismiss]");
  if (close) close.closest(".toast").classList.remove("show");
});

function focusableScrollers() {
  for (const box of document.querySelectorAll("main .table-responsive, main .timeline")) {
    if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
    else box.removeAttribute("tabindex");
  }
}

function fadeToasts() {
  for (const toast of document.querySelectorAll(".toast.show")) {
    const hide = () => { if (!toast.matches(":hover, :focus-within")) toast.classList.remove("show"); };
    setTimeout(hide, 8000);
    toast.addEventListener("mouseleave", () => setTimeout(hide, 2000));
  }
}
document.addEventListener("DOMContentLoaded", () => { focusableScrollers(); fadeToasts(); });
document.addEventListener("htmx:afterSettle", focusableScrollers);
window.addEventListener("resize", focusableScrollers);
