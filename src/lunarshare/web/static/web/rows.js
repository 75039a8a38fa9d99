// Editable row tables (Django formsets): "Add a row" clones the empty row of the
// <template id="<prefix>-empty-row"> and counts it in <prefix>-TOTAL_FORMS; ticking "Remove"
// hides the row (the server deletes it on save). Without JavaScript, "More rows" asks the
// server for empty rows and the "Remove" boxes are plain checkboxes.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-add-row]")) button.hidden = false;
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const prefix = button.dataset.addRow;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
  const template = document.getElementById(`${prefix}-empty-row`);
  const body = document.querySelector(`#${prefix}-rows tbody`);
  if (!total || !template || !body) return;
  const index = Number(total.value);
  if (max && index >= Number(max.value)) return;
  const html = template.innerHTML.replace(/__prefix__/g, String(index));
  body.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  const first = body.lastElementChild.querySelector("input, select, textarea");
  if (first) first.focus();
});

document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.matches(".remove-row input[type=checkbox]")) return;
  const row = box.closest("tr");
  if (box.checked && row) {
    row.hidden = true;
    const table = row.closest("table");
    const add = table && document.querySelector(`[data-add-row="${table.dataset.prefix}"]`);
    if (add) add.focus();
  }
});
