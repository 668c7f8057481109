"""Social cards: a 1200x630 PNG per page, so shared links show a proper preview.

Input: a title, an optional key figure with its label, and the site name. Output: PNG
bytes, drawn from an SVG by vl-convert's bundled renderer, which carries its own fonts
and needs no network. Cards are cached by their text: an unchanged card is not redrawn.
"""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .parallel import parallel_map

WIDTH, HEIGHT = 1200, 630
BACKGROUND = "#123a5e"
ACCENT = "#8cbcf0"


@dataclass(frozen=True)
class CardText:
    """What a card says."""

    site: str
    title: str
    figure: str | None = None
    figure_label: str | None = None

    @property
    def key(self) -> str:
        """Return a hash of the card's text, its cache key."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]


def card_svg(card: CardText) -> str:
    """Return the card as SVG text."""
    title_lines = textwrap.wrap(card.title, width=28)[:4]
    title_size = 64 if len(title_lines) <= 3 else 54
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{BACKGROUND}"/>',
        f'<rect x="0" y="0" width="16" height="{HEIGHT}" fill="{ACCENT}"/>',
        f'<text x="72" y="96" font-family="sans-serif" font-size="30" fill="{ACCENT}">{escape(card.site)}</text>',
    ]
    for number, line in enumerate(title_lines):
        y = 190 + number * int(title_size * 1.2)
        parts.append(f'<text x="72" y="{y}" font-family="sans-serif" font-size="{title_size}" '
                     f'font-weight="bold" fill="#ffffff">{escape(line)}</text>')
    if card.figure:
        parts.append(f'<text x="72" y="500" font-family="sans-serif" font-size="88" font-weight="bold" '
                     f'fill="{ACCENT}">{escape(card.figure)}</text>')
        # The label says what the figure counts: two lines, so it is not cut mid-thought.
        for number, line in enumerate(textwrap.wrap(card.figure_label or "", width=70)[:2]):
            parts.append(f'<text x="72" y="{550 + number * 36}" font-family="sans-serif" font-size="26" '
                         f'fill="#ffffff">{escape(line)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def draw_card(_state, card: CardText) -> bytes:
    """Return one card as PNG bytes (a function of its text alone, so it can run in a worker)."""
    import vl_convert

    return bytes(vl_convert.svg_to_png(card_svg(card)))


class CardRenderer:
    """Draw social cards, each distinct card once, on every core."""

    def __init__(self) -> None:
        self.png_by_key: dict[str, bytes] = {}

    def draw(self, cards: list[CardText], jobs: int) -> int:
        """Draw every card not drawn before; return how many were drawn."""
        missing = list({card.key: card for card in cards if card.key not in self.png_by_key}.values())
        for card, png in zip(missing, parallel_map(draw_card, None, missing, jobs), strict=True):
            self.png_by_key[card.key] = png
        return len(missing)

    def png(self, card: CardText) -> bytes:
        """Return a card drawn by `draw` (or draw it now)."""
        if card.key not in self.png_by_key:
            self.draw([card], jobs=1)
        return self.png_by_key[card.key]
