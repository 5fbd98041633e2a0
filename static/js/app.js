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
// the user is typing. A radio with data-hotkey is chosen (and data-hotkey-focus moves the
// cursor, e.g. to the note that "other" needs).
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
    const target = el.getAttribute("data-hotkey-focus");
    if (target) document.getElementById(target)?.focus();
  } else {
    el.click();
  }
});
// Parts of a form shown only for some choices: data-show-if="name=value|other". A radio with
// data-sets="name=value" pre-selects another choice (a response suggests its next step).
function syncConditional(form) {
  form.querySelectorAll("[data-show-if]").forEach((el) => {
    const [name, values] = el.getAttribute("data-show-if").split("=");
    const checked = form.querySelector(`input[name="${name}"]:checked`);
    el.hidden = !(checked && values.split("|").includes(checked.value));
  });
}
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
