"""Social cards: a 1200x630 PNG per page, so shared links show a proper preview.

Input: a title, an optional key figure with its label, and the site name. Output: PNG
bytes, drawn by Pillow with Source Sans Pro, a font that comes as a Python package (it
has Cyrillic, so Russian cards need nothing from the system and no network). Each card is
a "card" node of the dependency graph (reuse/graph.py), keyed by its text: an unchanged card
is not redrawn.
"""

from __future__ import annotations

import functools
import hashlib
import io
import struct
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..messages import N_
from ..rendering.parallel import fresh_process_map
from ..reuse.graph import MISSING, DependencyGraph
from ..reuse.store import FileStore

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
TEXT_WIDTH = WIDTH - 2 * MARGIN
BACKGROUND = (0x12, 0x3A, 0x5E)
ACCENT = (0x8C, 0xBC, 0xF0)
WHITE = (0xFF, 0xFF, 0xFF)
# Anti-aliased text only ever blends one ink into the background, so 16 shades of each
# ink are every colour a card has: the card is saved as a 32-colour palette PNG, which
# encodes about three times faster than full colour and is half the size.
SHADES = 16
# A card is drawn one pixel right of a column of zeros: a PNG row starts with its filter type,
# 0 (none), so the image's bytes are the PNG's rows as they stand (see palette_png).
LEFT = 1
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SOCIAL_CARDS = N_("social cards")  # what the progress line counts while cards are drawn


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
        return _card_key(self)


@functools.lru_cache(maxsize=50_000)
def _card_key(card: CardText) -> str:
    # Cached: every build asks for the key of every card, three times.
    return hashlib.sha256(repr(card).encode()).hexdigest()[:16]


@functools.cache
def card_font(weight: str, size: int):
    import font_source_sans_pro
    from PIL import ImageFont

    return ImageFont.truetype(font_source_sans_pro.font_files_ttf[f"SourceSansPro{weight}"], size)


def wrap(text: str, font, width: int, max_lines: int) -> list[str]:
    """Break text into lines no wider than `width` pixels; an overlong last line ends in '…'."""
    # A line's width is the sum of its words' and spaces' widths, each measured once: measuring
    # every candidate line anew cost more than drawing the card's text.
    space = _text_length(font, " ")
    lines: list[tuple[str, float]] = []
    for word in text.split():
        length = _text_length(font, word)
        if lines and lines[-1][1] + space + length <= width:
            lines[-1] = (f"{lines[-1][0]} {word}", lines[-1][1] + space + length)
        else:
            lines.append((word, length))
    wrapped = [line for line, _length in lines]
    if len(wrapped) > max_lines:
        last = wrapped[max_lines - 1]
        while last and font.getlength(f"{last}…") > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        wrapped = [*wrapped[: max_lines - 1], f"{last}…"]
    return wrapped


@functools.lru_cache(maxsize=100_000)
def _text_length(font, text: str) -> float:
    return font.getlength(text)


@functools.cache
def _palette() -> list[int]:
    def ramp(ink):
        return [round(b + (i - b) * step / (SHADES - 1)) for step in range(SHADES) for b, i in zip(BACKGROUND, ink, strict=True)]

    return ramp(WHITE) + ramp(ACCENT)


# Accent coverage 0..255 -> palette index: 0 stays background, the rest are accent shades.
_ACCENT_INDEX = [SHADES + value * SHADES // 256 if value * SHADES // 256 else 0 for value in range(256)]


@functools.lru_cache(maxsize=64)
def _accent_layer(site: str, figure: str | None):
    """Return a card's accent parts in palette indices: the bar, the site's name, the figure.

    Every card of a site shares them (and the few with a key figure share that too), so
    they are drawn once and copied.
    """
    from PIL import Image, ImageDraw

    layer = Image.new("L", (LEFT + WIDTH, HEIGHT))
    draw = ImageDraw.Draw(layer)
    draw.rectangle((LEFT, 0, LEFT + 15, HEIGHT - 1), fill=255)
    draw.text((LEFT + MARGIN, 66), site, font=card_font("", 30), fill=255)
    if figure:
        draw.text((LEFT + MARGIN, 410), figure, font=card_font("Bold", 88), fill=255)
    return layer.point(_ACCENT_INDEX)


def draw_card(card: CardText) -> bytes:
    """Return one card as PNG bytes (a function of its text alone, so it can run in a worker)."""
    from PIL import ImageDraw

    # The card is drawn straight into palette indices: the accent parts as coverage, mapped
    # to accent shades; then white text with ink SHADES - 1, whose anti-aliased edges blend
    # into the background's index 0 as white shades 0 to 15. The two inks never overlap.
    card_image = _accent_layer(card.site, card.figure).copy()
    draw = ImageDraw.Draw(card_image)
    title_lines = wrap(card.title, card_font("Bold", 64), TEXT_WIDTH, 4)
    title_font = card_font("Bold", 64) if len(title_lines) <= 3 else card_font("Bold", 54)
    if title_font.size != 64:
        title_lines = wrap(card.title, title_font, TEXT_WIDTH, 4)
    for number, line in enumerate(title_lines):
        draw.text((LEFT + MARGIN, 130 + number * round(title_font.size * 1.2)), line, font=title_font, fill=SHADES - 1)
    if card.figure:
        # The label says what the figure counts: two lines, so it is not cut mid-thought.
        for number, line in enumerate(wrap(card.figure_label or "", card_font("", 26), TEXT_WIDTH, 2)):
            draw.text((LEFT + MARGIN, 525 + number * 36), line, font=card_font("", 26), fill=SHADES - 1)
    return palette_png(card_image, _palette())


def palette_png(rows, palette: list[int]) -> bytes:
    """Return PNG bytes of an 8-bit palette image drawn right of a column of zeros (LEFT), deflated by zlib-ng.

    Pillow's PNG writer deflates with the zlib its wheel finds on the system, which took
    half of a card's time; zlib-ng does the same job five times faster. Pillow still
    writes the chunks. The column of zeros makes each row start with filter type 0 (none):
    flat colour needs no filtering, and the image's bytes need no copying into rows.
    """
    from PIL.PngImagePlugin import putchunk
    from zlib_ng import zlib_ng

    width, height = rows.width - LEFT, rows.height
    # Run-length matching suits a card of flat colour: 40% smaller than the default
    # strategy, and faster; at level 1 it is as small as at 9.
    deflate = zlib_ng.compressobj(1, zlib_ng.DEFLATED, 15, 9, zlib_ng.Z_RLE)
    png = io.BytesIO()
    png.write(PNG_SIGNATURE)
    putchunk(png, b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0))  # 8 bits, palette colour
    putchunk(png, b"PLTE", bytes(palette))
    putchunk(png, b"IDAT", deflate.compress(rows.tobytes()) + deflate.flush())
    putchunk(png, b"IEND", b"")
    return png.getvalue()


def _draw_into_store(store_folder: Path, card: CardText) -> str:
    """Draw one card into the build's file store; return its digest (what a card worker runs)."""
    return FileStore(store_folder).put(draw_card(card))


class CardRenderer:
    """Draw social cards into the build's file store, each distinct card once, on every core."""

    def __init__(self, store: FileStore, graph: DependencyGraph) -> None:
        self.store = store
        self.graph = graph  # card key -> digest of its PNG in the store

    def draw(self, cards: list[CardText], jobs: int, progress: Callable[[int, int, str], None] | None = None) -> int:
        """Draw every card not drawn before; return how many were drawn."""
        return self.start_drawing(cards, jobs, progress)()

    def start_drawing(self, cards: list[CardText], jobs: int,
                      progress: Callable[[int, int, str], None] | None = None) -> Callable[[], int]:
        """Start drawing every card not drawn before, while the build goes on; return the function
        that waits for them, keeps them and returns how many were drawn."""
        missing = list({card.key: card for card in cards if self.graph.current("card", card.key, {}) is MISSING}.values())
        if not missing:
            return lambda: 0
        if progress:
            progress(0, len(missing), SOCIAL_CARDS)
        # Fresh interpreters rather than forked ones: cards are drawn late in a build, when a
        # forked worker would carry every rendered page along (see rendering/parallel.py).
        # A thread waits for them, so that the build makes its other files meanwhile.
        waiter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cards")
        drawing = waiter.submit(fresh_process_map, _draw_into_store, self.store.folder, missing, jobs)
        waiter.shutdown(wait=False)

        def finish() -> int:  # in the build's thread: the graph is recorded into there only
            for card, digest in zip(missing, drawing.result(), strict=True):
                self.graph.record("card", card.key, {}, digest, stored=(digest,))  # the key is a digest of its text
            if progress:
                progress(len(missing), len(missing), SOCIAL_CARDS)
            return len(missing)

        return finish

    def digest(self, card: CardText) -> str:
        """Return the store digest of a card drawn by `draw` (or draw it now)."""
        digest = self.graph.current("card", card.key, {})
        if digest is MISSING:
            self.draw([card], jobs=1)
            digest = self.graph.current("card", card.key, {})
        return digest
