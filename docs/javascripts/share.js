/*
 * The "Share this page" button (overrides/partials/actions.html): opens the device's share sheet
 * where the browser has one, otherwise copies the page's address and says so ("Link copied",
 * docs/stylesheets/header.css shows it over the page without moving it). Loads nothing and
 * sends nothing anywhere; the button stays hidden where this script does not run.
 */
(function () {
  "use strict";

  function pageAddress() {
    var canonical = document.querySelector('link[rel="canonical"]');
    return canonical ? canonical.href : location.href.split("#")[0];
  }

  // Says `text` in the live region for a few seconds. The region is emptied first, so that the
  // same words said twice (a second click) are announced twice; the words come in an element of
  // their own, new each time, which header.css shows without moving anything on the page.
  function say(status, text, seconds) {
    if (!status) return;
    clearTimeout(status.bookTimer);
    status.textContent = "";
    status.bookTimer = setTimeout(function () {
      var message = document.createElement("span");
      message.textContent = text;
      status.appendChild(message);
      status.bookTimer = setTimeout(function () { status.textContent = ""; }, (seconds || 5) * 1000);
    }, 100);
  }

  function share(button, status) {
    var url = pageAddress();
    var title = document.title;
    if (navigator.share) {
      navigator.share({ title: title, url: url }).catch(function (error) {
        // The reader closing the share sheet is not an error worth mentioning.
        if (error && error.name !== "AbortError") say(status, "Could not share: copy the link from the address bar");
      });
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () { say(status, "Link copied"); },
        function () { say(status, "Copy this link: " + url, 15); }
      );
      return;
    }
    // No clipboard here (a page not served over HTTPS): the reader copies the link by hand.
    say(status, "Copy this link: " + url, 15);
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
