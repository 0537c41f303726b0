/*
 * Reading settings (overrides/partials/reading-settings.html): the button opens a panel of
 * choices, each applied at once to the page and kept in this browser's storage, from where the
 * head of every page applies it before the page is drawn
 * (overrides/partials/javascripts/reading-settings.html; the values it accepts are the ones
 * offered here). A typeface's stylesheet, and so its fonts, is asked for only once the reader
 * chooses it. Nothing is sent anywhere; the button stays hidden where this script does not run.
 */
(function () {
  "use strict";

  var KEY = "book-reading-settings";
  var ATTRIBUTES = { size: "data-book-text-size", spacing: "data-book-line-spacing", typeface: "data-book-typeface" };
  var DEFAULTS = { size: "100", spacing: "standard", typeface: "literata" };

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(KEY));
      return saved && typeof saved === "object" ? saved : {};
    } catch (error) {
      return {};
    }
  }

  // Whether the settings were kept (a browser may refuse its storage to the page).
  function keep(settings) {
    try {
      if (Object.keys(settings).length) localStorage.setItem(KEY, JSON.stringify(settings));
      else localStorage.removeItem(KEY);
      return true;
    } catch (error) {
      return false;
    }
  }

  function addStylesheet(href) {
    var url = new URL(href, location.href).href;
    var sheets = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < sheets.length; i++) if (sheets[i].href === url) return;
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = url;
    document.head.appendChild(sheet);
  }

  function apply(input) {
    var root = document.documentElement;
    if (input.value === DEFAULTS[input.name]) root.removeAttribute(ATTRIBUTES[input.name]);
    else root.setAttribute(ATTRIBUTES[input.name], input.value);
    if (input.dataset.stylesheet) addStylesheet(input.dataset.stylesheet);
  }

  function setUp(control) {
    var toggle = control.querySelector(".book-settings__toggle");
    var panel = control.querySelector(".book-settings__panel");
    var note = control.querySelector(".book-settings__note");
    var radios = panel.querySelectorAll('input[type="radio"]');
    var settings = load();

    function showChoices() {
      radios.forEach(function (radio) {
        var chosen = settings[radio.name];
        var offered = panel.querySelector('input[name="' + radio.name + '"][value="' + chosen + '"]');
        radio.checked = radio.value === (offered ? chosen : DEFAULTS[radio.name]);
      });
    }

    function kept(done) {
      note.textContent = done ? "Kept in this browser, on this device only."
        : "This browser does not let the book keep settings: they last until you leave this page.";
    }

    function open(opened) {
      panel.hidden = !opened;
      toggle.setAttribute("aria-expanded", String(opened));
      if (opened) showChoices();
    }

    panel.addEventListener("submit", function (event) { event.preventDefault(); });
    panel.addEventListener("change", function (event) {
      var input = event.target;
      if (!(input.name in DEFAULTS)) return;
      if (input.value === DEFAULTS[input.name]) delete settings[input.name];
      else settings[input.name] = input.value;
      apply(input);
      kept(keep(settings));
    });
    panel.querySelector("[data-book-settings-reset]").addEventListener("click", function () {
      settings = {};
      Object.keys(ATTRIBUTES).forEach(function (name) { document.documentElement.removeAttribute(ATTRIBUTES[name]); });
      kept(keep(settings));
      showChoices();
    });

    toggle.addEventListener("click", function () { open(panel.hidden); });
    // The panel lies over the page: it closes when the reader moves on, so that it never hides
    // what has the focus (WCAG 2.4.11), and with Escape, giving the focus back to its button.
    control.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || panel.hidden) return;
      open(false);
      toggle.focus();
    });
    control.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !control.contains(event.relatedTarget)) open(false);
    });
    document.addEventListener("click", function (event) {
      if (!panel.hidden && !control.contains(event.target)) open(false);
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-book-settings]").forEach(function (control) {
      if (control.bookSettingsReady) return;
      control.bookSettingsReady = true;
      setUp(control);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
})();
