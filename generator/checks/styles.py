"""Formatting as Word resolves it: direct formatting, character style, paragraph style (with
their ``basedOn`` chains), the table's style, then the document defaults.

Only what the NĐ30 rules look at is resolved: the fonts of the ascii and hAnsi slots
(Vietnamese letters are drawn from hAnsi), size, bold, italic, alignment, first-line indent
and keep-with-next. Theme fonts are looked up in the document's theme.
"""

from __future__ import annotations

from collections.abc import Iterator

from docx.oxml.ns import qn
from lxml import etree

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_OFF = ("0", "false", "off")
_FONT_SLOTS = ("ascii", "hAnsi")
THEME_UNKNOWN = "?theme"


_RPR, _PPR, _RSTYLE, _RFONTS, _SZ, _VAL = (
    qn("w:rPr"), qn("w:pPr"), qn("w:rStyle"), qn("w:rFonts"), qn("w:sz"), qn("w:val")
)  # fmt: skip
_PSTYLE = qn("w:pStyle")
_SLOT_ATTRIBUTES = {slot: (qn(f"w:{slot}Theme"), qn(f"w:{slot}")) for slot in _FONT_SLOTS}


def number(value: str | None) -> float | None:
    """A measure written in the file, or None when it is missing or not a number."""
    try:
        return None if value is None else float(value)
    except ValueError:
        return None


def _on(element) -> bool:
    return element.get(qn("w:val"), "true") not in _OFF


class StyleSheet:
    """The styles part and the theme's fonts of one document."""

    def __init__(self, styles: etree._Element | None, theme: etree._Element | None) -> None:
        self.styles: dict[str, etree._Element] = {}
        self.default_paragraph: str | None = None
        self.default_character: str | None = None
        self.default_table: str | None = None
        self.run_defaults = self.paragraph_defaults = None
        self._cache: dict[tuple[str | None, str], list] = {}
        if styles is not None:
            self._read(styles)
        self.theme_fonts = _theme_fonts(theme)

    def _read(self, styles: etree._Element) -> None:
        for style in styles.iter(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            self.styles[style_id] = style
            if style.get(qn("w:default")) in ("1", "true", "on"):
                kind = style.get(qn("w:type"))
                if kind == "paragraph":
                    self.default_paragraph = style_id
                elif kind == "character":
                    self.default_character = style_id
                elif kind == "table":
                    self.default_table = style_id
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is not None:
            self.run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            self.paragraph_defaults = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")

    def _chain(self, style_id: str | None) -> Iterator[etree._Element]:
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            based = style.find(qn("w:basedOn"))
            style_id = None if based is None else based.get(qn("w:val"))

    def _props(self, style_id: str | None, tag: str) -> list:
        """The ``tag`` (rPr or pPr) elements of a style and the styles it is based on."""
        key = (style_id, tag)
        if key not in self._cache:
            found = [style.find(tag) for style in self._chain(style_id)]
            self._cache[key] = [element for element in found if element is not None]
        return self._cache[key]

    def _run_levels(self, run, paragraph, table_style: str | None) -> Iterator:
        """The rPr elements that may set a run's property, strongest first."""
        rpr = run.find(_RPR)
        yield rpr
        named = None if rpr is None else rpr.find(_RSTYLE)
        char_style = None if named is None else named.get(_VAL)
        yield from self._props(char_style or self.default_character, _RPR)
        yield from self._props(self.paragraph_style(paragraph), _RPR)
        yield from self._props(table_style, _RPR)
        yield self.run_defaults

    def _paragraph_levels(self, paragraph, table_style: str | None) -> Iterator:
        yield paragraph.find(_PPR)
        yield from self._props(self.paragraph_style(paragraph), _PPR)
        yield from self._props(table_style, _PPR)
        yield self.paragraph_defaults

    def paragraph_style(self, paragraph) -> str | None:
        ppr = paragraph.find(_PPR)
        named = None if ppr is None else ppr.find(_PSTYLE)
        return self.default_paragraph if named is None else named.get(_VAL)

    # --- run properties ---------------------------------------------------------------

    def fonts(self, run, paragraph, table_style: str | None = None) -> dict[str, str | None]:
        """The font of each of the ascii and hAnsi slots (None: not set anywhere)."""
        found: dict[str, str | None] = dict.fromkeys(_FONT_SLOTS)
        for rpr in self._run_levels(run, paragraph, table_style):
            fonts = None if rpr is None else rpr.find(_RFONTS)
            if fonts is None:
                continue
            for slot, (theme_key, key) in _SLOT_ATTRIBUTES.items():
                if found[slot] is not None:
                    continue
                theme = fonts.get(theme_key)
                if theme is not None:
                    found[slot] = self.theme_fonts.get(theme, THEME_UNKNOWN)
                elif fonts.get(key) is not None:
                    found[slot] = fonts.get(key)
            if all(found.values()):
                break
        return found

    def size(self, run, paragraph, table_style: str | None = None) -> float:
        """Points; Word's own default (10 pt) when nothing sets it."""
        for rpr in self._run_levels(run, paragraph, table_style):
            size = None if rpr is None else rpr.find(_SZ)
            value = None if size is None else number(size.get(_VAL))
            if value is not None:
                return value / 2
        return 10.0

    def toggle(self, run, paragraph, tag: str, table_style: str | None = None) -> bool:
        """Bold (``w:b``), italic (``w:i``) or capitals (``w:caps``)."""
        for rpr in self._run_levels(run, paragraph, table_style):
            element = None if rpr is None else rpr.find(qn(tag))
            if element is not None:
                return _on(element)
        return False

    # --- paragraph properties ---------------------------------------------------------

    def alignment(self, paragraph, table_style: str | None = None) -> str:
        """ "left", "center", "right" or "both" (justified)."""
        for ppr in self._paragraph_levels(paragraph, table_style):
            jc = None if ppr is None else ppr.find(qn("w:jc"))
            if jc is not None:
                value = jc.get(qn("w:val"), "left")
                return {"start": "left", "end": "right", "distribute": "both"}.get(value, value)
        return "left"

    def first_line_twips(self, paragraph, table_style: str | None = None) -> int:
        """The first line's indent in twips (negative for a hanging indent)."""
        for ppr in self._paragraph_levels(paragraph, table_style):
            ind = None if ppr is None else ppr.find(qn("w:ind"))
            if ind is None:
                continue
            hanging, first = number(ind.get(qn("w:hanging"))), number(ind.get(qn("w:firstLine")))
            if hanging is not None:
                return -int(hanging)
            if first is not None:
                return int(first)
        return 0

    def spacing(self, paragraph, attribute: str, table_style: str | None = None) -> str | None:
        """A ``w:spacing`` attribute (before, after, line, lineRule) as Word resolves it."""
        key = qn(f"w:{attribute}")
        for ppr in self._paragraph_levels(paragraph, table_style):
            spacing = None if ppr is None else ppr.find(qn("w:spacing"))
            if spacing is not None and spacing.get(key) is not None:
                return spacing.get(key)
        return None

    def keeps_with_next(self, paragraph, table_style: str | None = None) -> bool:
        for ppr in self._paragraph_levels(paragraph, table_style):
            keep = None if ppr is None else ppr.find(qn("w:keepNext"))
            if keep is not None:
                return _on(keep)
        return False


def _theme_fonts(theme: etree._Element | None) -> dict[str, str]:
    """Theme font names (minorHAnsi …) to the typeface the theme gives them."""
    if theme is None:
        return {}
    fonts = {}
    for kind in ("major", "minor"):
        latin = theme.find(f".//{{{_A}}}{kind}Font/{{{_A}}}latin")
        if latin is not None:
            for slot in ("Ascii", "HAnsi"):
                fonts[f"{kind}{slot}"] = latin.get("typeface")
    return fonts
