// Small behaviours without inline scripts (the Content Security Policy forbids those).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.requestSubmit();
});
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-check-all]");
  if (!all) return;
  const name = all.getAttribute("data-check-all");
  all.form.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((box) => {
    box.checked = all.checked;
  });
});
// Keyboard shortcuts: an element with data-hotkey="b" is clicked when B is pressed, unless
// the user is typing. A radio with data-hotkey is chosen and keeps the focus, so the next
// shortcut (N: do not approach) still works; a reason that needs a note only points to the
// note field. A button whose form still misses a required field (data-required-if below)
// is not pressed: the cursor goes to that field, with its message, and the user types there.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target.closest("input:not([type=radio]):not([type=checkbox]), textarea, select, [contenteditable]");
  if (typing) return;
  const key = event.key.toLowerCase();
  const el = document.querySelector(`[data-hotkey="${CSS.escape(key)}"]`);
  if (!el) return;
  event.preventDefault();
  if (el.type === "radio") {
    el.checked = true;
    el.focus();
    el.dispatchEvent(new Event("change", { bubbles: true }));
    return;
  }
  const missing = el.form && [...el.form.querySelectorAll("[required]")].find((field) => !field.value.trim());
  if (missing) {
    missing.focus();
    missing.reportValidity();
    return;
  }
  el.click();
});
// In a note, Ctrl+Enter sends its form with the form's shortcut button, and Escape leaves
// the note so the shortcuts work again.
document.addEventListener("keydown", (event) => {
  const note = event.target.closest("textarea");
  if (!note) return;
  if (event.key === "Escape") {
    note.blur();
    return;
  }
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && note.form) {
    event.preventDefault();
    const button = note.form.querySelector("button[type=submit][data-hotkey]");
    if (button) note.form.requestSubmit(button);
  }
});
// Parts of a form shown only for some choices: data-show-if="name=value|other". A radio with
// data-sets="name=value" pre-selects another choice (a response suggests its next step).
// A field with data-required-if="name=value" is required only for that choice; its
// data-required-message is what the browser says when it is left empty.
function syncConditional(form) {
  form.querySelectorAll("[data-show-if]").forEach((el) => {
    const [name, values] = el.getAttribute("data-show-if").split("=");
    const checked = form.querySelector(`input[name="${name}"]:checked`);
    el.hidden = !(checked && values.split("|").includes(checked.value));
  });
  form.querySelectorAll("[data-required-if]").forEach((el) => {
    const [name, values] = el.getAttribute("data-required-if").split("=");
    const checked = form.querySelector(`input[name="${name}"]:checked`);
    el.required = Boolean(checked && values.split("|").includes(checked.value));
    el.setCustomValidity(el.required && !el.value.trim() ? el.getAttribute("data-required-message") || "" : "");
  });
}
document.addEventListener("input", (event) => {
  if (event.target.form && event.target.matches("[data-required-if]")) syncConditional(event.target.form);
});
document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (!form) return;
  const sets = event.target.getAttribute("data-sets");
  if (sets && event.target.checked) {
    const [name, value] = sets.split("=");
    const target = form.querySelector(`input[name="${name}"][value="${value}"]`);
    if (target) target.checked = true;
  }
  syncConditional(form);
});
document.querySelectorAll("form").forEach(syncConditional);
// A select with data-filter-options="ID" shows, in the select with that id, only the options
// whose data-atc is its value (a product's tablet strengths); the first of them is chosen
// when the one chosen before does not belong to the new product.
function filterOptions(select) {
  const target = document.getElementById(select.getAttribute("data-filter-options"));
  if (!target) return;
  let keep = null;
  target.querySelectorAll("option[data-atc]").forEach((option) => {
    const match = option.getAttribute("data-atc") === select.value;
    option.hidden = !match;
    option.disabled = !match;
    if (match && (keep === null || option.selected)) keep = option;
  });
  if (keep && !keep.selected) {
    keep.selected = true;
    target.dispatchEvent(new Event("change", { bubbles: true }));
  }
}
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-filter-options]")) filterOptions(event.target);
});
document.querySelectorAll("select[data-filter-options]").forEach(filterOptions);
// A button with data-copy="ID" copies that element's text (a line for the HIS) and says so
// with its data-copied text for a moment.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.getAttribute("data-copy"));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    const label = button.innerHTML;
    button.textContent = button.getAttribute("data-copied") || "✓";
    setTimeout(() => { button.innerHTML = label; }, 1500);
  });
});
