"""Chapter checks: a contributor's mistake stops the build with every problem listed at once.

MkDocs forgives too much: front matter that does not parse is silently dropped, a misspelt
admonition type renders as a plain note, raw HTML is neither checked nor cleaned. The checks read
every page's source themselves, collect every problem of the whole book, and stop the build with
one list, each line in the form

    docs/path/file.md:LINE: what is wrong: how to fix it

The checks (each documented with a good and a bad example in CONTRIBUTING.md, "Chapter checks"):
front matter (parses, known fields, types, title and description present, plain text, attribution
complete: front_matter.py), admonitions (known type, a body, prompts in reflections), headings
(one level-1 heading, no skipped level), images (alt text), link text (not "here" or a bare
address: rendered.py), HTML (only what an allowlist keeps, read as browsers read it:
html_allowlist.py; links to pages and anchors that exist: book_wide.py), files (UTF-8, safe
names, the kinds the book publishes, no link out of their folder: sources.py), sizes and nesting
the build can read (front matter, lists, raw HTML: limits.py), navigation titles and links
(navigation.py), and titles and slugs unique across the book (book_wide.py).

How they run within a build, event by event, is in run.py; hooks/checks.py only adapts MkDocs'
events to it.
"""
