"""hooks/ebook/checks/mkdocs_warnings.py: MkDocs' warnings, told as the chapter checks tell problems. The
messages are MkDocs' own, made by MkDocs itself in the fixture builds (tests/test_checks_fixtures.py)."""

from __future__ import annotations

import logging

from ebook.checks import mkdocs_warnings as w


def test_each_page_missing_from_the_navigation_is_its_own_problem() -> None:
    message = ('The following pages exist in the docs directory, but are not included in the "nav" '
               "configuration:\n  - chapters/a.md\n  - chapters/b.md")
    found = w.explain(message, "mkdocs.yml")
    assert [(f.path, f.needle) for f in found] == [("docs/chapters/a.md", ""), ("docs/chapters/b.md", "")]
    assert "add the line '- chapters/b.md' under nav: in mkdocs.yml" in found[1].message


def test_a_missing_link_target_keeps_mkdocs_suggestion() -> None:
    message = ("Doc file 'chapters/a.md' contains a link 'b.md', but the target 'chapters/b.md' is not "
               "found among documentation files. Did you mean '../b.md'?")
    (found,) = w.explain(message)
    assert (found.path, found.needle) == ("docs/chapters/a.md", "b.md")
    assert "did you mean '../b.md'?" in found.message


def test_a_missing_image_says_where_images_go() -> None:
    message = ("Doc file 'index.md' contains a link 'images/x.PNG', but the target is not found among "
               "documentation files.")
    (found,) = w.explain(message)
    assert "there is no file docs/images/x.PNG: put the image in docs/images/" in found.message
    # As MkDocs words them: the target named where it differs from the link, without its fragment.
    in_a_chapter = ("Doc file 'chapters/a.md' contains a link '../images/x.png#top', but the target "
                    "'images/x.png' is not found among documentation files.")
    (found,) = w.explain(in_a_chapter)
    assert "there is no file docs/images/x.png: put the image in docs/images/" in found.message
    for outside in ("Doc file 'index.md' contains a link '../images/x.png', but the target is not found "
                    "among documentation files.",
                    "Doc file 'chapters/a.md' contains a link '../../images/x.png', but the target "
                    "'../images/x.png' is not found among documentation files. Did you mean '../images/x.png'?"):
        (found,) = w.explain(outside)
        assert "it leads out of docs/, the book's folder" in found.message and "docs/.." not in found.message


def test_warnings_it_does_not_know_are_left_to_mkdocs() -> None:
    assert w.explain("Config value 'foo': Unrecognised configuration name: foo") == []
    collector = w.FoldedWarnings("mkdocs.yml")
    logger = logging.getLogger(w.LOGGERS[1])
    unknown = logger.makeRecord(logger.name, logging.WARNING, __file__, 1, "Something else", None, None)
    known = logger.makeRecord(logger.name, logging.WARNING, __file__, 1,
                              "Doc file 'a.md' contains a link '#x', but there is no such anchor on this page.", None, None)
    info = logger.makeRecord(logger.name, logging.INFO, __file__, 1, known.msg, None, None)
    assert collector.filter(unknown) and collector.filter(info)
    assert not collector.filter(known)
    assert [f.path for f in collector.folded] == ["docs/a.md"]


def test_a_web_address_without_https_is_told_to_start_with_it() -> None:
    message = ("Doc file 'index.md' contains a link 'www.bccampus.ca', but the target is not found among "
               "documentation files.")
    (found,) = w.explain(message)
    assert found.message.endswith("e.g. https://www.bccampus.ca")


def test_a_nav_line_indented_under_the_one_above_is_told_to_line_up() -> None:
    message = ("A reference to 'chapters/one.md - chapters/two.md' is included in the 'nav' configuration, "
               "which is not found in the documentation files.")
    (found,) = w.explain(message)
    assert (found.path, found.needle) == ("mkdocs.yml", "chapters/two.md")
    assert "indent it exactly like the line above" in found.message


BOOK = "post-secondary-peer-support-training-curriculum"


def test_a_link_to_a_download_the_book_does_not_offer_names_the_setting() -> None:
    message = (f"Doc file 'chapters/a.md' contains a link '../downloads/handouts/a.pdf', but the target "
               "'downloads/handouts/a.pdf' is not found among documentation files.")
    (found,) = w.explain(message, "book.yml", book=BOOK, formats=("epub", "offline"))
    assert (found.path, found.needle) == ("docs/chapters/a.md", "../downloads/handouts/a.pdf")
    assert found.message == ("the book does not offer the PDFs (extra.downloads in book.yml): add pdf there, "
                             "or remove this link")
    collector = w.FoldedWarnings("mkdocs.yml", book=BOOK, formats=("pdf",))
    logger = logging.getLogger(w.LOGGERS[1])
    epub = logger.makeRecord(logger.name, logging.WARNING, __file__, 1,
                             f"Doc file 'index.md' contains a link 'downloads/{BOOK}.epub', but the target is not "
                             "found among documentation files.", None, None)
    assert not collector.filter(epub)
    assert [f.message for f in collector.folded] == [
        "the book does not offer the EPUB (extra.downloads in mkdocs.yml): add epub there, or remove this link"]


def test_a_misspelt_download_of_an_offered_format_is_told_to_check_its_name() -> None:
    for link in (f"downloads/{BOOK}.epubb", "downloads/handouts/a/b.pdf"):
        message = f"Doc file 'index.md' contains a link '{link}', but the target is not found among documentation files."
        (found,) = w.explain(message, book=BOOK, formats=("pdf",))
        assert found.message.startswith(f"the link '{link}' leads to no page or file of the book: check the name")
