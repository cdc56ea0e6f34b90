// The filters of a page on a phone: folded under their summary (« Filtres (2 actifs) ») so that
// the first result shows on the first screen, unless a filter is in error. Without this script,
// or on a wider screen, they stay open.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(max-width: 699.98px)").matches) return;
  for (const box of document.querySelectorAll("details.filter-box:not([data-keep-open])")) {
    box.open = false;
  }
});
