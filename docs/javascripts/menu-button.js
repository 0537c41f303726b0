/*
 * The navigation's menu button below Material's drawer breakpoint (76.25em: a phone, a tablet, a
 * desktop window narrowed or zoomed in), for the keyboard. Material's button is a <label> for a
 * hidden checkbox: a tap opens the navigation, but a keyboard can neither reach nor press it
 * (squidfunk/mkdocs-material#4101),
 * and a11y.css takes the closed navigation's links out of the tab order. Where this script
 * runs, a real button takes the label's place: Tab reaches it, Enter or Space opens and closes
 * the navigation, it says whether the navigation is open, and Escape closes the navigation and
 * puts the focus back on it. Opened by the keyboard, the navigation shows its first level and
 * takes the focus on its first link. Where it does not run, the label stays, for pointers and
 * touch.
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

  function sayIfOpen() {
    button.setAttribute("aria-expanded", String(toggle.checked));
  }

  // The first link or control of the panel on top (a11y.css hides what it covers).
  function firstInSight() {
    var drawer = document.querySelector(".md-sidebar--primary");
    var candidates = drawer ? drawer.querySelectorAll("a[href], [tabindex='0']") : [];
    for (var i = 0; i < candidates.length; i++) {
      if (getComputedStyle(candidates[i]).visibility === "visible" && candidates[i].getClientRects().length) {
        return candidates[i];
      }
    }
    return null;
  }

  sayIfOpen();
  toggle.addEventListener("change", sayIfOpen);
  button.addEventListener("click", function (event) {
    // Opened by the keyboard (a click of no pointer): at its first level, all of whose links a
    // keyboard reaches; a section's panel opens only by a tap on its label (squidfunk#4101).
    if (!toggle.checked && event.detail === 0) {
      var open = document.querySelectorAll(".md-nav--primary .md-nav__toggle:checked");
      Array.prototype.forEach.call(open, function (section) {
        section.checked = false;
        section.dispatchEvent(new Event("change"));
      });
    }
    show(!toggle.checked);
    if (toggle.checked) {
      var first = firstInSight();
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) {
      show(false);
      button.focus();
    }
  });
})();
