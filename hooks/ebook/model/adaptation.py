"""What the original's licence allows this edition's: an edition is an adaptation of the
original, and so is a page adapted from another work: Creative Commons' licences say which
licences an adaptation may be shared under.

Creative Commons' own rules for an adapter's licence, from its FAQ "If I derive or adapt material
offered under a Creative Commons license, which CC license(s) can I use?" and the chart there
(creativecommons.org/faq/#if-i-derive-or-adapt-material-offered-under-a-creative-commons-license-which-cc-licenses-can-i-use):
- NoDerivatives: no adaptation may be shared at all;
- ShareAlike: the same licence, this version or a later one;
- Attribution and NonCommercial: the edition's licence keeps each of them (a CC0 edition of a
  CC BY original would drop the credit it asks for; a CC BY edition of a CC BY-NC one, its ban
  on commercial use).
The terms of each licence are in credits.LICENCES.
"""

from __future__ import annotations

from typing import Literal

from mkdocs.exceptions import PluginError

from ebook.model.credits import (ATTRIBUTION, LICENCES, NO_DERIVATIVES, NO_LICENCE, NON_COMMERCIAL, SHARE_ALIKE,
                                 Licence)


# What is adapted, as the messages name it: this edition of the original (mkdocs.yml), or a page
# adapted from another work (its front matter).
_NONE_MAY = {"edition": "no edition of it may be published", "page": "no page may adapt it"}
_ONE_OF = {"edition": "an edition of", "page": "a page adapted from"}
_THIS = {"edition": "this edition", "page": "this page"}


def check_adaptation(original: Licence, edition: Licence, *, where: str, edition_where: str,
                     adaptation: Literal["edition", "page"] = "edition") -> None:
    """Refuse an adaptation (`edition`: this edition; `page`: a page adapting another work) under a
    licence the original's forbids. `where` names the original's licence field, `edition_where`
    the adaptation's; a licence read wrong was told already."""
    if NO_LICENCE in (original, edition):
        return
    this = _THIS[adaptation]
    if NO_DERIVATIVES in original.terms:
        raise PluginError(
            f"{where}: {original.name} is a NoDerivatives licence: it lets anyone share the original "
            f"only as it is, never adapted, so {_NONE_MAY[adaptation]}. Ask its author for "
            "permission to adapt it, or adapt a work whose licence allows adaptations.")
    if SHARE_ALIKE in original.terms and (edition.terms != original.terms or edition.version < original.version):
        raise PluginError(
            f"{edition_where}: {_ONE_OF[adaptation]} a {original.name} work must be shared under {original.name} "
            f"too (ShareAlike), not {edition.name}: write license: {key_of(original)}, or leave it out to "
            "use the original's.")
    if NON_COMMERCIAL in original.terms and NON_COMMERCIAL not in edition.terms:
        raise PluginError(
            f"{edition_where}: {edition.name} would let anyone use {this} commercially, which the "
            f"original's {original.name} forbids (NonCommercial): write a NonCommercial licence, e.g. "
            f"{key_of(original)}, or leave it out to use the original's.")
    if ATTRIBUTION in original.terms and ATTRIBUTION not in edition.terms:
        raise PluginError(
            f"{edition_where}: {edition.name} would let anyone reuse {this} without crediting "
            f"the original's author, which the original's {original.name} requires (Attribution): write "
            f"a licence that asks for credit, e.g. {key_of(original)}, or leave it out to use the original's.")


def key_of(licence: Licence) -> str:
    """The licence as mkdocs.yml names it (CC-BY-4.0)."""
    return next(key for key, known in LICENCES.items() if known == licence)
