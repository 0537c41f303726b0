/*
 * The "Share this page" button (overrides/partials/actions.html): opens the device's share sheet
 * where the browser has one, otherwise copies the page's address and says so. Loads nothing and
 * sends nothing anywhere; the button stays hidden where this script does not run.
 */
(function () {
  "use strict";

  function pageAddress() {
    var canonical = document.querySelector('link[rel="canonical"]');
    return canonical ? canonical.href : location.href.split("#")[0];
  }

  function say(status, text) {
    if (!status) return;
    status.textContent = text;
    clearTimeout(status.bookTimer);
    status.bookTimer = setTimeout(function () { status.textContent = ""; }, 6000);
  }

  function share(button, status) {
    var url = pageAddress();
    var title = document.title;
    if (navigator.share) {
      navigator.share({ title: title, url: url }).catch(function (error) {
        // The reader closing the share sheet is not an error worth mentioning.
        if (error && error.name !== "AbortError") say(status, "Could not share: copy the address from the address bar.");
      });
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () { say(status, "Address copied: " + url); },
        function () { say(status, "Copy this address: " + url); }
      );
      return;
    }
    say(status, "Copy this address: " + url);
  }

  function setUp() {
    var status = document.querySelector("[data-book-share-status]");
    document.querySelectorAll("[data-book-share]").forEach(function (button) {
      if (button.bookShareReady) return;
      button.bookShareReady = true;
      button.hidden = false;
      button.addEventListener("click", function () { share(button, status); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
