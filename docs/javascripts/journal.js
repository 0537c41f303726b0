/*
 * The reflection journal. On a chapter's page, a text area under each prompt of its reflection
 * box (hooks/ebook/site/journal.py marks each prompt with its identity and the box with a note);
 * on "My reflections", every prompt of the book with the reader's answers, and the buttons to
 * download, print or erase them.
 *
 * The answers live in this browser's localStorage and nowhere else: this script sends nothing,
 * asks for nothing, and the download is made here, in the page. Each answer is kept under its
 * book, chapter and prompt (`book-journal:<book>:<chapter>:<prompt>`) with the prompt's words as
 * they were when it was written, so an answer whose prompt was reworded since (a new identity)
 * is shown as written for an earlier wording, and attached to the new one only if the reader
 * says so. An answer is saved a moment after the reader stops typing, and when the field loses
 * the focus or the page is left. Without this script, the pages show the prompts alone.
 */
(function () {
  "use strict";

  var PREFIX = "book-journal:";
  var QUIET = 700; // milliseconds without typing before an answer is saved

  // The browser's storage, or null where it is refused (some private modes, a full disk).
  function openStorage() {
    try {
      var probe = PREFIX + "probe";
      localStorage.setItem(probe, "1");
      localStorage.removeItem(probe);
      return localStorage;
    } catch (error) {
      return null;
    }
  }

  function keyOf(book, chapter, prompt) {
    return PREFIX + book + ":" + chapter + ":" + prompt;
  }

  function readEntry(store, key) {
    try {
      var entry = JSON.parse(store.getItem(key));
      return entry && typeof entry.answer === "string" ? entry : null;
    } catch (error) {
      return null;
    }
  }

  // Every answer of the book kept in this browser, each with its key.
  function storedAnswers(store, book) {
    var found = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (!key || key.indexOf(PREFIX + book + ":") !== 0) continue;
      var entry = readEntry(store, key);
      if (entry) {
        entry.key = key;
        found.push(entry);
      }
    }
    return found;
  }

  // Whether the answer was kept (an empty one is removed).
  function writeEntry(store, key, entry) {
    try {
      if (entry.answer.trim()) store.setItem(key, JSON.stringify(entry));
      else store.removeItem(key);
      return true;
    } catch (error) {
      return false;
    }
  }

  // Spaces and line breaks collapsed; a no-break space ("écouté ?") stays.
  function words(text) {
    return (text || "").replace(/[ \t\r\n\f]+/g, " ").trim();
  }

  function when(iso) {
    var date = new Date(iso);
    return isNaN(date.getTime()) ? null : date;
  }

  // "10:42" today, "4 Dec" this year, "4 Dec 2025" before: short enough for one line anywhere.
  function shortTime(date) {
    var now = new Date();
    if (date.toDateString() === now.toDateString()) {
      return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    }
    var options = { day: "numeric", month: "short" };
    if (date.getFullYear() !== now.getFullYear()) options.year = "numeric";
    return date.toLocaleDateString([], options);
  }

  function isoDay(date) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    if (text) made.textContent = text;
    return made;
  }

  // --- A chapter's reflection box ---------------------------------------------------------------

  function setUpBox(store, note) {
    var box = note.parentElement;
    var book = note.dataset.journalBook, chapter = note.dataset.journalChapter;
    var items = Array.prototype.filter.call(box.querySelectorAll("li[data-journal-prompt]"), function (item) {
      return item.parentElement.parentElement === box;
    });
    if (!store) {
      note.querySelector("p").textContent = "This browser does not let the book keep answers here " +
        "(its storage is turned off or full), so there is nowhere to write them on this page.";
      items.forEach(function (item) { item.setAttribute("data-journal-ready", ""); });
      return;
    }
    var description = note.querySelector("[id]").id;
    var fields = {};
    var current = {};
    items.forEach(function (item) {
      current[item.dataset.journalPrompt] = true;
      fields[item.dataset.journalPosition] = addField(store, item, description, {
        book: book, chapter: chapter, title: note.dataset.journalTitle
      });
    });
    storedAnswers(store, book).forEach(function (entry) {
      if (entry.chapter === chapter && !current[entry.prompt]) showEarlier(store, entry, box, items, fields);
    });
  }

  function addField(store, item, description, where) {
    var position = item.dataset.journalPosition, prompt = item.dataset.journalPrompt;
    var key = keyOf(where.book, where.chapter, prompt);
    var question = words(item.textContent);
    // The prompt's words, gathered in one element that names the field.
    var label = element("div", "book-journal__prompt-text");
    label.id = "journal-prompt-" + position;
    while (item.firstChild) label.appendChild(item.firstChild);
    item.appendChild(label);

    var field = element("div", "book-journal__field");
    var input = element("textarea", "book-journal__input");
    var saved = element("p", "book-journal__saved");
    input.id = "journal-answer-" + position;
    input.rows = 5;
    saved.id = input.id + "-saved";
    // Said when it changes (at most once a minute while the reader types), not a status of the
    // page: the page's one status is the share button's.
    saved.setAttribute("aria-live", "polite");
    input.setAttribute("aria-labelledby", label.id);
    input.setAttribute("aria-describedby", description + " " + saved.id);
    var entry = readEntry(store, key);
    if (entry) {
      input.value = entry.answer;
      var date = when(entry.saved);
      if (date) saved.textContent = "Saved " + shortTime(date);
    }
    field.appendChild(input);
    field.appendChild(saved);
    item.appendChild(field);
    item.setAttribute("data-journal-ready", "");

    var timer = null;
    function save() {
      clearTimeout(timer);
      timer = null;
      var now = new Date();
      var kept = writeEntry(store, key, {
        book: where.book, chapter: where.chapter, title: where.title, prompt: prompt,
        position: Number(position), question: question, answer: input.value, saved: now.toISOString()
      });
      if (!kept) saved.textContent = "Not saved: this browser has no room left for it";
      else saved.textContent = input.value.trim() ? "Saved " + shortTime(now) : "";
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(save, QUIET);
    });
    input.addEventListener("blur", function () { if (timer) save(); });
    // The browser shows a text area's first line when it takes the focus; the whole field, with
    // the line that says it was saved, is shown instead when the window has room for it.
    input.addEventListener("focus", function () { field.scrollIntoView({ block: "nearest" }); });
    window.addEventListener("pagehide", function () { if (timer) save(); });
    return { input: input, save: save };
  }

  // An answer to a prompt the chapter no longer asks in those words: under the prompt now at its
  // place, or at the end of the box, with the words it answered; the reader may move it into
  // the answer to the prompt now there.
  function showEarlier(store, entry, box, items, fields) {
    var item = items.filter(function (i) { return i.dataset.journalPosition === String(entry.position); })[0];
    var block = element("div", "book-journal__earlier");
    block.appendChild(element("p", "", item ? "You wrote this for an earlier wording of this prompt:"
      : "You wrote this for a prompt this chapter no longer asks:"));
    block.appendChild(element("p", "book-journal__earlier-prompt", entry.question || ""));
    block.appendChild(element("p", "book-journal__earlier-answer", entry.answer));
    if (item) {
      var move = element("button", "md-button", "Add it to my answer above");
      move.type = "button";
      move.addEventListener("click", function () {
        var field = fields[item.dataset.journalPosition];
        var mine = field.input.value.replace(/\s+$/, "");
        field.input.value = mine ? mine + "\n\n" + entry.answer : entry.answer;
        field.save();
        try { store.removeItem(entry.key); } catch (error) { /* kept: shown again next time */ }
        block.remove();
        field.input.focus();
      });
      block.appendChild(move);
      item.appendChild(block);
    } else {
      box.appendChild(block);
    }
  }

  // --- My reflections ---------------------------------------------------------------------------

  function setUpPage(store, page) {
    var book = page.dataset.journalBook;
    var status = page.querySelector("[data-journal-status]");
    var eraseButton = page.querySelector("[data-journal-erase]");
    var confirm = page.querySelector("#journal-erase");
    var say = function (text) { status.textContent = text; };
    if (!store) {
      page.querySelectorAll(".book-journal__tools button").forEach(function (b) { b.disabled = true; });
      say("This browser does not let the book keep answers (its storage is turned off or full): there are none to show.");
      return;
    }
    var show = function () { return showAnswers(page, storedAnswers(store, book)); };
    show();
    window.addEventListener("storage", function (event) {
      if (!event.key || event.key.indexOf(PREFIX) === 0) show();
    });

    page.querySelector("[data-journal-download]").addEventListener("click", function () {
      var answers = storedAnswers(store, book);
      if (!answers.length) return say("You have no answers to download yet.");
      var name = "my-reflections-" + isoDay(new Date()) + ".txt";
      var url = URL.createObjectURL(new Blob([exportText(page, answers)], { type: "text/plain;charset=utf-8" }));
      var link = element("a");
      link.href = url;
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      say("Your answers are downloaded, as " + name + ".");
    });
    page.querySelector("[data-journal-print]").addEventListener("click", function () {
      show();
      window.print();
    });

    function ask(open) {
      confirm.hidden = !open;
      eraseButton.setAttribute("aria-expanded", String(open));
    }
    eraseButton.addEventListener("click", function () {
      var count = storedAnswers(store, book).length;
      if (!count) {
        ask(false);
        return say("You have no answers in this browser to erase.");
      }
      say("");
      // One answer is "it", more are "them", in the question and on its two buttons.
      var them = count === 1 ? "it" : "them";
      confirm.querySelector("p").textContent = "Erase " + (count === 1 ? "your answer" : "all " + count + " of your answers") +
        " from this browser? This cannot be undone: download " + them + " first if you want to keep " + them + ".";
      confirm.querySelector("[data-journal-erase-yes]").textContent = "Erase " + them;
      confirm.querySelector("[data-journal-erase-no]").textContent = "Keep " + them;
      ask(true);
      confirm.querySelector("[data-journal-erase-no]").focus();
    });
    confirm.querySelector("[data-journal-erase-no]").addEventListener("click", function () {
      ask(false);
      eraseButton.focus();
    });
    confirm.querySelector("[data-journal-erase-yes]").addEventListener("click", function () {
      storedAnswers(store, book).forEach(function (entry) {
        try { store.removeItem(entry.key); } catch (error) { /* nothing else to do */ }
      });
      ask(false);
      show();
      eraseButton.focus();
      say(storedAnswers(store, book).length ? "Some answers could not be erased." : "Your answers are erased from this browser.");
    });
  }

  // Fills each prompt's place with its answer, and lists the answers to earlier wordings under
  // their chapter, and those of chapters no longer in the book at the end.
  function showAnswers(page, answers) {
    var byPrompt = {}, shown = {};
    answers.forEach(function (entry) { byPrompt[entry.chapter + ":" + entry.prompt] = entry; });
    page.querySelectorAll(".book-journal__added").forEach(function (old) { old.remove(); });
    var sections = page.querySelectorAll(".book-journal__chapter");
    var chapters = {};
    sections.forEach(function (section) {
      var chapter = section.dataset.journalChapter;
      chapters[chapter] = section;
      section.querySelectorAll("li[data-journal-prompt]").forEach(function (item) {
        var entry = byPrompt[chapter + ":" + item.dataset.journalPrompt];
        if (entry) shown[entry.key] = true;
        fillAnswer(item.querySelector("[data-journal-answer]"), entry);
      });
    });
    var earlier = answers.filter(function (entry) { return !shown[entry.key]; });
    var gone = [];
    earlier.forEach(function (entry) {
      var section = chapters[entry.chapter];
      if (!section) return gone.push(entry);
      var list = section.querySelector(".book-journal__added");
      if (!list) {
        list = element("div", "book-journal__added");
        list.appendChild(element("p", "", "Answers you wrote for earlier wordings of this chapter's prompts:"));
        section.appendChild(list);
      }
      list.appendChild(earlierAnswer(entry));
    });
    if (gone.length) {
      var section = element("section", "book-journal__chapter book-journal__added");
      section.appendChild(element("h3", "", "Answers for chapters no longer in this book"));
      var heading = {};
      gone.forEach(function (entry) {
        if (!heading[entry.chapter]) section.appendChild(element("h4", "", entry.title || entry.chapter));
        heading[entry.chapter] = true;
        section.appendChild(earlierAnswer(entry));
      });
      page.insertBefore(section, page.querySelector(".book-journal__credit"));
    }
  }

  function fillAnswer(place, entry) {
    place.textContent = "";
    if (!entry) {
      place.appendChild(element("span", "book-journal__empty", "Not answered yet."));
      return;
    }
    place.appendChild(document.createTextNode(entry.answer));
    var date = when(entry.saved);
    if (date) {
      var options = { year: "numeric", month: "long", day: "numeric" };
      place.appendChild(element("span", "book-journal__meta", "Written " + date.toLocaleDateString([], options)));
    }
  }

  function earlierAnswer(entry) {
    var block = element("div", "book-journal__earlier");
    block.appendChild(element("p", "book-journal__earlier-prompt", entry.question || ""));
    var answer = element("div", "book-journal__answer");
    fillAnswer(answer, entry);
    block.appendChild(answer);
    return block;
  }

  // --- The download: a plain-text file, in the page's order -------------------------------------

  function exportText(page, answers) {
    var byPrompt = {}, written = {};
    answers.forEach(function (entry) { byPrompt[entry.chapter + ":" + entry.prompt] = entry; });
    var bookTitle = (document.querySelector('meta[property="og:site_name"]') || {}).content || document.title;
    var lines = ["# My reflections", "", bookTitle, "Downloaded on " + isoDay(new Date()) +
      ". These answers were kept in one browser, on one device; this copy is yours.", ""];
    var entryLines = function (entry, earlier) {
      var date = when(entry.saved);
      written[entry.key] = true;
      return ["### " + words(entry.question), ""].concat(
        earlier ? ["(Written for an earlier wording of a prompt.)", ""] : [],
        [entry.answer.replace(/\s+$/, ""), "", "Written on " + (date ? isoDay(date) : "an unknown date") + ".", ""]);
    };
    page.querySelectorAll(".book-journal__chapter[data-journal-chapter]").forEach(function (section) {
      var chapter = section.dataset.journalChapter;
      var mine = [];
      section.querySelectorAll("li[data-journal-prompt]").forEach(function (item) {
        var entry = byPrompt[chapter + ":" + item.dataset.journalPrompt];
        if (entry) mine = mine.concat(entryLines(entry, false));
      });
      answers.forEach(function (entry) {
        if (entry.chapter === chapter && !written[entry.key]) mine = mine.concat(entryLines(entry, true));
      });
      if (mine.length) lines = lines.concat(["## " + section.dataset.journalTitle, ""], mine);
    });
    answers.forEach(function (entry) {
      if (!written[entry.key]) lines = lines.concat(["## " + (entry.title || entry.chapter), ""], entryLines(entry, true));
    });
    lines.push("---", "", page.dataset.journalCredit, "");
    return lines.join("\n");
  }

  function setUp() {
    var store = openStorage();
    document.querySelectorAll("[data-journal-note]").forEach(function (note) {
      if (note.bookJournalReady) return;
      note.bookJournalReady = true;
      setUpBox(store, note);
    });
    var page = document.querySelector("[data-journal-page]");
    if (page && !page.bookJournalReady) {
      page.bookJournalReady = true;
      setUpPage(store, page);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
