/*
 * The navigation's menu button below Material's drawer breakpoint (76.25em: a phone, a tablet, a
 * desktop window narrowed or zoomed in), for the keyboard. Material's button is a <label> for a
 * hidden checkbox: a tap opens the navigation, but a keyboard can neither reach nor press it
 * (squidfunk/mkdocs-material#4101),
 * and a11y.css takes the closed navigation's links out of the tab order. Where this script
 * runs, a real button takes the label's place: Tab reaches it, Enter or Space opens and closes
 * the navigation, it says whether the navigation is open, and Escape closes the navigation and
 * puts the focus back on it. Opened by the keyboard, the navigation shows its first level and
 * takes the focus on its first link. A section's panel (Material's Enter on the section's label
 * opens it) is closed by its title, an arrow and the section's name: another label, which the
 * keyboard could not reach, so a keyboard in the panel could not go back. A real button takes
 * that label's place too (and in the panel of the current page's contents); back, the focus is
 * on the section's label again. Tab past the navigation's last link closes it, so the focus
 * never goes to the page it covers; Shift+Tab before its first closes it with the focus back on
 * the menu button. Where this script does not run, the labels stay, for pointers and touch.
 */
(function () {
  "use strict";

  var toggle = document.getElementById("__drawer");
  var label = document.querySelector('.md-header label.md-header__button[for="__drawer"]');
  var drawer = document.querySelector(".md-sidebar--primary");
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
    var candidates = drawer ? drawer.querySelectorAll("a[href], button, [tabindex='0']") : [];
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
    // Opened by the keyboard (a click of no pointer): at its first level, where the keyboard
    // starts; a tap opens it at the page's section, as Material does.
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

  // A panel's opener: a section's label, or the current page's, which opens the page's contents.
  // Material puts its sections' labels in the tab order but not the page's: here it is put in
  // too (below the drawer's breakpoint only, where it shows). Material's Enter on a focused
  // label opens its panel.
  function opener(section) {
    return document.querySelector('.md-nav--primary label.md-nav__link[for="' + section.id + '"]');
  }
  var pageContents = document.querySelector('.md-nav--primary label.md-nav__link[for="__toc"]');
  if (pageContents && !pageContents.hasAttribute("tabindex")) pageContents.tabIndex = 0;

  var titles = document.querySelectorAll(
    '.md-nav--primary .md-nav__title[for^="__nav_"], .md-nav--primary .md-nav .md-nav__title[for="__toc"]');
  Array.prototype.forEach.call(titles, function (title) {
    var section = document.getElementById(title.htmlFor);
    if (!section) return;
    var back = document.createElement("button");
    back.type = "button";
    back.className = title.className + " book-nav-back";
    back.setAttribute("aria-label", "Back from " + title.textContent.replace(/\s+/g, " ").trim());
    while (title.firstChild) back.appendChild(title.firstChild);
    title.replaceWith(back);
    back.addEventListener("click", function (event) {
      section.checked = false;
      section.dispatchEvent(new Event("change"));
      var from = opener(section);
      if (from && event.detail === 0) from.focus();
    });
    // Opened by the keyboard, the panel takes the focus on its way back: the section's label,
    // where the focus was, is now under the panel. Once the key's press is over: Material opens
    // the panel on Enter's keydown, and the button would take the same press as a click.
    section.addEventListener("change", function () {
      if (section.checked && document.activeElement === opener(section)) {
        setTimeout(function () { back.focus(); }, 0);
      }
    });
  });

  if (drawer) {
    // Shift+Tab before the navigation's first link goes back to the menu button, which opened
    // it, rather than to the header's search field under it (which focused opens the search).
    drawer.addEventListener("keydown", function (event) {
      if (event.key === "Tab" && event.shiftKey && toggle.checked && event.target === firstInSight()) {
        event.preventDefault();
        show(false);
        button.focus();
      }
    });
    drawer.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;  // null: the focus left the page, not the navigation
      if (toggle.checked && next && !drawer.contains(next) && next !== button) show(false);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) {
      show(false);
      button.focus();
    }
  });
})();
