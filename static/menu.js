// The header's menu on small screens: the "Menu" button shows or hides it, Escape hides it
// again. Without this script the button stays hidden and the menu is always shown.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) return;
  const show = (open) => toggle.setAttribute("aria-expanded", String(open));
  toggle.hidden = false;
  toggle.addEventListener("click", () => show(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || toggle.getAttribute("aria-expanded") !== "true") return;
    show(false);
    toggle.focus();
  });
});
