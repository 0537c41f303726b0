"""A page's content stream read from its bytes: the instructions artifact marking looks at.

Chromium shows each glyph of a page with an instruction of its own, so a page it prints holds a
few thousand instructions, and pikepdf's parser makes a Python object of every one. The artifact
marking (`tagging_content`) looks only at the few hundred that open or close marked content, text
objects and paths, or paint something other than text, and at where the text shown between them
starts. `scan` finds those in the bytes with regular expressions and plain searches, in under
half the time, and says where each instruction begins and ends, so that the marks are written
between the page's own bytes.

Written here because no library reads a content stream with the places of its instructions:
pikepdf's parser and qpdf's tokenizer give the instructions, not where they are. What this reads
is kept small enough to read safely: a stream holding anything else (a literal string outside a
marked-content property list, a comment, an inline image, the ' and " operators, a hex string
with spaces, a name with an escape) is not scanned, and the page is parsed by pikepdf as before.
A test compares both readings on every page of PDFs Chromium prints.

The text of a page's links is read from a parse of only the text objects it is in, and of the
marked content around them (`text_objects_of`): the rest of the page is not parsed.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

_WHITESPACE = b" \t\r\n\f"
_DELIMITERS = _WHITESPACE + b"/[]<>(){}%"
_OPERAND_ENDS = b"])>}"  # the last character of a string, array or dictionary
# A token ends before a delimiter or whitespace, or at the end of the stream.
_ENDS = rb"(?![^\s/\[\]<>(){}%])"
_NAME = rb"/[^\s/\[\]<>(){}%]*"
_LITERAL = rb"\((?:[^()\\]|\\.)*\)"
_HEX = rb"<[0-9A-Fa-f]*>"
# An inline property list (no dictionary inside it, as Chromium writes them: /MCID, /ActualText).
_PROPERTIES = rb"<<(?:[^<>()]|" + _LITERAL + rb"|" + _HEX + rb")*>>"

# The operators artifact marking looks at, found by their names: one that follows no space (or,
# for a marked-content sequence, no property list) is part of a name or hex string instead.
_OPERATORS = re.compile(rb"(BDC|BMC|EMC|BT|ET|Do|sh|re|m|S|s|f\*|f|F|B\*|B|b\*|b|n)" + _ENDS)
_NAME_TOKEN = re.compile(_NAME)
_PROPERTIES_TOKEN = re.compile(_PROPERTIES)
_LITERALS = re.compile(_LITERAL)
_BRACKETS = re.compile(rb"[\[\]]")
# A property list's entries as this reads them: each a key and a whole number, string or name
# (its strings emptied first). A tagged sequence's has the key /MCID and a number.
_ENTRY = rb"(/[A-Za-z]+)\s*(\d+|\(\)|<[0-9A-Fa-f]*>|" + _NAME + rb")\s*"
_ENTRIES = re.compile(rb"<<\s*(?:" + _ENTRY + rb")*>>")
_ENTRY_PAIRS = re.compile(_ENTRY)
# A path's first point: the numbers before m (2) or re (4).
_POINTS = {b"m": 2, b"re": 4}
_NUMBER = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)")
_NUMBER_CHARACTERS = b"0123456789.+-"
# The numbers alone on their line (as Chromium writes a path's first point): the quick way.
_NUMBERS_LINE = {count: re.compile(rb"[ \t]*(?:%s[ \t]+){%d}" % (_NUMBER.pattern, count)) for count in _POINTS.values()}
_TEXT_SHOWN = (b"Tj", b"TJ")  # after a hex string, or an array of them and numbers
# What the scan does not read: a hex string with spaces in it (a letter of it could be taken for
# an operator), and a comment, an escaped character of a name, an inline image, ' and ".
# NUL and the vertical tab are spaces to qpdf, not to the expressions here.
_HEX_WITH_SPACE = re.compile(rb"<[0-9A-Fa-f]*\s")
_UNREAD = (b"%", b"#", b"BI", b"'", b'"', b"\x00", b"\x0b")
# An operator with no operands first in the stream, with no space before it to find it by.
_FIRST = re.compile(rb"(?:EMC|BT|ET|S|s|f\*|f|F|B\*|B|b\*|b|n)" + _ENDS)


class Scanned(NamedTuple):
    """The instructions of a content stream that artifact marking looks at, in order: each one's
    operator, where it begins (its first operand) and ends, whether a marked-content sequence it
    begins says what its content is (tagged: with an MCID, or properties named in the page's
    resources; or an artifact) and the MCID its own property list gives it, and the name a Do
    draws. A run of text shown with nothing else between is one instruction here, its first."""

    ops: list[bytes]
    starts: list[int]
    ends: list[int]
    covers: list[bool]
    names: list[str | None]
    mcids: list[int | None]


def scan(data: bytes) -> Scanned | None:
    """The stream's instructions that artifact marking looks at, or None if it holds anything
    this does not read (see the module's docstring)."""
    if any(unread in data for unread in _UNREAD) or _HEX_WITH_SPACE.search(data) or _FIRST.match(data):
        return None
    literals = [found.span() for found in _LITERALS.finditer(data)]
    if sum(data.count(b"(", a, b) for a, b in literals) != data.count(b"("):
        return None  # a string with a string in it
    if not _arrays_closed(_LITERALS.sub(b"()", data) if literals else data):
        return None  # the parser stops at an array left open, and there only
    read = Scanned([], [], [], [], [], [])
    literal = 0  # the first literal string that does not end before the operator being read
    in_properties = 0  # how many literal strings are inside the property lists read
    done = 0  # the end of the last instruction read
    for found in _OPERATORS.finditer(data):
        at = found.start()
        while literal < len(literals) and literals[literal][1] <= at:
            literal += 1
        if literal < len(literals) and literals[literal][0] < at:
            continue  # inside a string
        op = found.group(1)
        name = None
        covers = False
        mcid: int | None = None
        begins: int | None = at
        if op == b"BDC" or op == b"BMC":
            operands = _mark_operands(data, at, op)
            if operands is None:
                return None
            begins, tag, properties = operands
            in_properties += len(_LITERALS.findall(properties))
            emptied = _LITERALS.sub(b"()", properties)
            if properties.startswith(b"<<") and not _ENTRIES.fullmatch(emptied):
                return None
            inline = properties.startswith(b"<<")  # else the name of a property list in the resources
            own = [value for key, value in _ENTRY_PAIRS.findall(emptied) if key == b"/MCID"] if inline else []
            if len(own) > 1:
                return None  # which of them a reader takes is the parser's to say
            covers = tag == b"/Artifact" or (op == b"BDC" and (not inline or any(value.isdigit() for value in own)))
            mcid = int(own[0]) if own and own[0].isdigit() else None
        elif at > 0 and data[at - 1] in _OPERAND_ENDS + b")":
            return None  # an operator touching an operand: the parser's to read
        elif at == 0 or data[at - 1] not in _WHITESPACE:
            continue  # part of a name or a hex string
        elif op == b"Do" or op == b"sh":
            begins = _name_before(data, at)
            drawn = b"" if begins is None else data[begins:_skip_space_back(data, at)]
            name = drawn.decode("ascii") if drawn.isascii() else None  # pikepdf reads others as UTF-8
            begins = begins if name else None
        elif op in _POINTS:
            begins = _numbers_before(data, at, _POINTS[op], done)
        if begins is None or not _after_an_operator(data, begins):
            return None  # operands this does not read, or more than the operator takes
        # Text shown before the instruction, not in its operands (a property list's string).
        if data.find(b"T", done, begins) >= 0 and not _add_text_shown(read, data, done, begins):
            return None
        done = found.end()
        _add(read, op, begins, done, covers, name, mcid)
    if not _add_text_shown(read, data, done, len(data)):
        return None
    marks = read.ops.count(b"BDC") + read.ops.count(b"BMC")
    if marks != data.count(b"BDC") + data.count(b"BMC") or in_properties != len(literals):
        return None  # a marked-content sequence not read, or a string outside a property list
    return read


def _add(read: Scanned, op: bytes, start: int, end: int, covers: bool, name: str | None,
         mcid: int | None = None) -> None:
    read.ops.append(op)
    read.starts.append(start)
    read.ends.append(end)
    read.covers.append(covers)
    read.names.append(name)
    read.mcids.append(mcid)


def text_objects_of(data: bytes, read: Scanned, mcids: Collection[int]) -> bytes | None:
    """What reading the text of the marked-content sequences `mcids` needs of a stream `scan`
    read, in its order: every instruction that opens or closes marked content, and each text
    object (BT … ET) that overlaps one of those sequences; the rest of the page (its other text,
    its drawings) is left out. None when the text read could depend on what is left out: text
    shown outside a text object, a text object begun inside another, a line broken by T*.

    Each text object Chromium prints sets its font and its place before showing anything, so
    the text a reader takes from one does not depend on the text objects before it
    (`tagging_links.marked_texts_in_bytes` makes sure of the font)."""
    if b"T*" in data:
        return None
    wanted: list[tuple[int, int]] = []  # where each sequence of `mcids` begins and ends
    texts: list[tuple[int, int]] = []  # where each text object begins and ends
    marks: list[int] = []  # the sequences open, by their index in `read`
    text_begins: int | None = None
    for index, op in enumerate(read.ops):
        if op in (b"BDC", b"BMC"):
            marks.append(index)
        elif op == b"EMC" and marks:
            opened = marks.pop()
            if read.mcids[opened] in mcids:
                wanted.append((read.starts[opened], read.ends[index]))
        elif op == b"BT":
            if text_begins is not None:
                return None
            text_begins = read.starts[index]
        elif op == b"ET" and text_begins is not None:
            texts.append((text_begins, read.ends[index]))
            text_begins = None
        elif op in _TEXT_SHOWN and text_begins is None:
            return None
    wanted += [(read.starts[opened], len(data)) for opened in marks if read.mcids[opened] in mcids]
    if text_begins is not None:
        texts.append((text_begins, len(data)))
    kept = [(begins, ends) for begins, ends in texts
            if any(begins < wanted_ends and wanted_begins < ends for wanted_begins, wanted_ends in wanted)]
    kept += [(read.starts[index], read.ends[index]) for index, op in enumerate(read.ops)
             if op in (b"BDC", b"BMC", b"EMC")]
    parts: list[tuple[int, int]] = []
    for begins, ends in sorted(kept):
        if parts and begins < parts[-1][1]:  # a sequence's start or end inside a text object kept
            continue
        parts.append((begins, ends))
    return b"\n".join(data[begins:ends] for begins, ends in parts)


def _arrays_closed(data: bytes) -> bool:
    """Whether each array of the stream (its strings emptied) is closed after it is opened."""
    depth = 0
    for bracket in _BRACKETS.findall(data):
        depth += 1 if bracket == b"[" else -1
        if depth < 0:
            return False
    return depth == 0


def _skip_space_back(data: bytes, end: int) -> int:
    while end > 0 and data[end - 1] in _WHITESPACE:
        end -= 1
    return end


def _name_before(data: bytes, end: int) -> int | None:
    """Where the name that ends (but for spaces) at `end` begins, or None."""
    end = _skip_space_back(data, end)
    slash = data.rfind(b"/", 0, end)
    return slash if slash >= 0 and _NAME_TOKEN.fullmatch(data, slash, end) else None


def _after_an_operator(data: bytes, begins: int) -> bool:
    """Whether an instruction that begins at `begins` follows another one's operator (or begins
    the stream): not an operand left over, which would belong to this instruction."""
    end = _skip_space_back(data, begins)
    if end == 0:
        return True
    if data[end - 1] in _OPERAND_ENDS:
        return False
    start = end
    while start > 0 and data[start - 1] not in _DELIMITERS:
        start -= 1
    token = data[start:end]
    return not (start > 0 and data[start - 1] == ord("/")) and not _NUMBER.fullmatch(token) \
        and token not in (b"true", b"false", b"null")


def _numbers_before(data: bytes, end: int, count: int, since: int) -> int | None:
    """Where the `count` numbers that end (but for spaces) at `end` begin, or None. `since`: the
    end of the instruction before, where the search for their line's start stops."""
    line = max(data.rfind(b"\n", since, end) + 1, since)
    if _NUMBERS_LINE[count].fullmatch(data, line, end):
        return line + len(data[line:end]) - len(data[line:end].lstrip())
    for _ in range(count):
        end = start = _skip_space_back(data, end)
        while start > 0 and data[start - 1] in _NUMBER_CHARACTERS:
            start -= 1
        if not _NUMBER.fullmatch(data, start, end):
            return None
        end = start
    return end


def _mark_operands(data: bytes, at: int, op: bytes) -> tuple[int, bytes, bytes] | None:
    """Where the BDC or BMC at `at` begins, its tag and its properties (b"" for BMC), or None if
    they are not a name and an inline property list or a name, as this reads them."""
    end = _skip_space_back(data, at)
    properties = b""
    if op == b"BDC":
        if data.endswith(b">>", 0, end):
            opening = data.rfind(b"<<", 0, end)
            if opening < 0 or not _PROPERTIES_TOKEN.fullmatch(data, opening, end):
                return None
        elif end == at:  # no space: a name just before BDC is part of it
            return None
        else:
            named = _name_before(data, end)
            if named is None:
                return None
            opening = named
        properties, end = data[opening:end], opening
    elif end == at:
        return None
    tag = _name_before(data, end)
    return None if tag is None else (tag, data[tag:_skip_space_back(data, end)], properties)


def _add_text_shown(read: Scanned, data: bytes, start: int, end: int) -> bool:
    """Add the first text shown between `start` and `end`, if any, as an instruction that begins
    at its string or array; False if its operand is not one this reads."""
    first = -1
    for operator in _TEXT_SHOWN:
        at = data.find(operator, start, end)
        while at >= 0 and not (at > 0 and data[at - 1] in _WHITESPACE + b">]"
                               and (at + 2 == len(data) or data[at + 2] in _DELIMITERS)):
            at = data.find(operator, at + 1, end)
        if at >= 0 and (first < 0 or at < first):
            first = at
    if first < 0:
        return True
    last = _skip_space_back(data, first) - 1
    opening = {ord(">"): b"<", ord("]"): b"["}.get(data[last]) if last >= 0 else None
    begins = data.rfind(opening, 0, last) if opening else -1
    if begins < 0:
        return False
    _add(read, data[first:first + 2], begins, first + 2, False, None)
    return True
