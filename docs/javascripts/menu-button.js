/*
 * The navigation's menu button on a narrow screen (a phone, or a desktop zoomed to 200 % and
 * more), for the keyboard. Material's button is a <label> for a hidden checkbox: a tap opens the
 * navigation, but a keyboard can neither reach nor press it (squidfunk/mkdocs-material#4101),
 * and a11y.css takes the closed navigation's links out of the tab order. Where this script
 * runs, a real button takes the label's place: Tab reaches it, Enter or Space opens and closes
 * the navigation, it says whether the navigation is open, and Escape closes the navigation and
 * puts the focus back on it. Where it does not run, the label stays, for pointers and touch.
 */
(function () {
  "use strict";

  var toggle = document.getElementById("__drawer");
  var label = document.querySelector('.md-header label.md-header__button[for="__drawer"]');
  if (!toggle || !label) return;

  var button = document.createElement("button");
  button.type = "button";
  button.className = label.className + " book-menu-button";
  button.setAttribute("aria-label", "Navigation");
  while (label.firstChild) button.appendChild(label.firstChild);
  label.replaceWith(button);

  function show(open) {
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change"));  // Material follows the checkbox's changes
  }

  function said() {
    button.setAttribute("aria-expanded", String(toggle.checked));
  }

  said();
  toggle.addEventListener("change", said);
  button.addEventListener("click", function () { show(!toggle.checked); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) {
      show(false);
      button.focus();
    }
  });
})();
