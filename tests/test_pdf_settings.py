"""The PDFs' settings (`extra.pdf`): defaults, and a mistake named with its field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from ebook.model import settings
from ebook.model.settings import WritingLines, parse_pdf_settings
from tests.helpers import ROOT


def test_pdf_settings_default_to_us_letter() -> None:
    settings = parse_pdf_settings(None)
    assert settings.paper == "letter"
    assert settings.writing_lines.fewest >= 6


def test_room_to_write_grows_with_the_questions_a_prompt_asks_within_its_bounds() -> None:
    room = parse_pdf_settings({"writing_lines": {"per_question": 3, "fewest": 5, "most": 10}}).writing_lines
    assert room == WritingLines(per_question=3, fewest=5, most=10)
    assert [room.for_questions(n) for n in (0, 1, 2, 3, 4)] == [5, 5, 6, 9, 10]
    # Fields left out keep their defaults; a single number gives every prompt that many lines.
    assert parse_pdf_settings({"writing_lines": {"most": 20}}).writing_lines.most == 20
    assert {parse_pdf_settings({"writing_lines": 7}).writing_lines.for_questions(n) for n in (1, 5)} == {7}


def test_a4_is_a_setting() -> None:
    assert parse_pdf_settings({"paper": "A4"}).paper == "A4"
    assert parse_pdf_settings({"paper": "a4"}).paper == "A4"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"paper": "legal"}, "mkdocs.yml: extra.pdf.paper: 'legal' is not a paper size we print: use letter or a4."),
        ({"writing_lines": 1}, "mkdocs.yml: extra.pdf.writing_lines: 1: give a number of ruled lines from 2 to 40."),
        ({"writing_lines": "eight"}, "mkdocs.yml: extra.pdf.writing_lines: 'eight': give a number of ruled lines "
                                     "for every prompt, or per_question, fewest and most, e.g. {per_question: 4, "
                                     "fewest: 6, most: 14}."),
        ({"writing_lines": {"per_question": 0}}, "mkdocs.yml: extra.pdf.writing_lines.per_question: 0: give a "
                                                 "number of ruled lines from 1 to 40."),
        ({"writing_lines": {"fewest": 8, "most": 4}}, "mkdocs.yml: extra.pdf.writing_lines: most (4) is fewer "
                                                      "than fewest (8): give most at least as many lines"),
        ({"writing_lines": {"least": 4}}, "mkdocs.yml: extra.pdf.writing_lines: unknown field least; allowed: "
                                          "fewest, most, per_question."),
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



def test_a_wrong_pdf_setting_gives_its_line_in_the_configuration(tmp_path: Path) -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    written = re.search(r"^    writing_lines: .*$", config, re.MULTILINE)
    assert written is not None
    line = config[:written.start()].count("\n") + 1
    for folder in ("docs", "overrides", "hooks", "templates"):  # what the configuration names
        (tmp_path / folder).symlink_to(ROOT / folder)
    path = tmp_path / "mkdocs.yml"
    path.write_text(config.replace(written.group(0), "    writing_lines: {per_question: 4, fewest: 16, most: 14}"),
                    encoding="utf-8")
    with pytest.raises(PluginError) as error:
        settings.parse_settings(load_config(str(path)), {})
    assert str(error.value).startswith("mkdocs.yml: extra.pdf.writing_lines: most (14) is fewer than fewest (16)")
    assert str(error.value).endswith(f"(line {line} of mkdocs.yml)")
