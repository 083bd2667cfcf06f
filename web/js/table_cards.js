// Tables become cards on a phone (site.css, below 600 px): each cell shows its column's name from data-label.
// Why a script: the rows are built by the page modules; this fills the labels for every table of the page (also
// for rows added later and after a language switch) so that no page module has to know about the phone layout.
// The explicit roles keep the table semantics that `display: block` would take from the elements.
const TABLES = ".table-wrap table:not(#first-rows)";

function label(table) {
  const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  table.setAttribute("role", "table");
  table.querySelectorAll("tr").forEach((tr) => tr.setAttribute("role", "row"));
  table.querySelectorAll("thead th").forEach((th) => th.setAttribute("role", "columnheader"));
  table.querySelectorAll("tbody tr").forEach((tr) => {
    [...tr.children].forEach((cell, index) => {
      cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
      const name = cell.colSpan > 1 ? "" : names[index] || "";
      if (cell.dataset.label !== name) cell.dataset.label = name;
    });
  });
}

function labelAll() { document.querySelectorAll(TABLES).forEach(label); }

let queued = false;
new MutationObserver(() => {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => { queued = false; labelAll(); });
}).observe(document.body, { childList: true, subtree: true, characterData: true });
labelAll();
