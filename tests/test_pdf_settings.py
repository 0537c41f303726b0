"""The PDFs' settings (`extra.pdf`): defaults, and a mistake named with its field."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from ebook.model.settings import parse_pdf_settings


def test_pdf_settings_default_to_us_letter() -> None:
    settings = parse_pdf_settings(None)
    assert settings.paper == "letter"
    assert settings.writing_lines >= 6


def test_a4_is_a_setting() -> None:
    assert parse_pdf_settings({"paper": "A4"}).paper == "A4"
    assert parse_pdf_settings({"paper": "a4"}).paper == "A4"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"paper": "legal"}, "mkdocs.yml: extra.pdf.paper: 'legal' is not a paper size we print: use letter or a4."),
        ({"writing_lines": 3}, "mkdocs.yml: extra.pdf.writing_lines: 3: give a number of ruled lines from 6 to 40."),
        ({"chapters_per_print": 0}, "mkdocs.yml: extra.pdf.chapters_per_print: 0: give how many chapters' handouts to print in one go, from 1 to 100."),
        ({"keywords": "peer support"}, "mkdocs.yml: extra.pdf.keywords: expected a list"),
        ({"papr": "a4"}, "mkdocs.yml: extra.pdf: unknown field papr; allowed: chapters_per_print, keywords, paper, writing_lines."),
        (["letter"], "mkdocs.yml: extra.pdf: expected a mapping"),
    ],
)
def test_bad_pdf_settings_stop_the_build_naming_the_field(raw: object, message: str) -> None:
    with pytest.raises(PluginError) as error:
        parse_pdf_settings(raw)
    assert message in str(error.value)
