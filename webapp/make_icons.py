"""Draw the app's PNG icons (a figure stretching beside a spine-like curve).

Run after changing the drawing, then commit the PNGs:

    uv run python webapp/make_icons.py

Pillow is a development dependency only; the product serves the committed files.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent / "static" / "webapp" / "icons"
TEAL = (11, 85, 99, 255)
WHITE = (255, 255, 255, 255)
AMBER = (255, 196, 92, 255)


def draw(size: int, *, safe_zone: float) -> Image.Image:
    """`safe_zone` is the share of the square the figure may use (maskable icons: 0.8)."""
    scale = 4  # drawn large, then reduced, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), TEAL)
    pen = ImageDraw.Draw(image)
    inset = big * (1 - safe_zone) / 2
    unit = (big - 2 * inset) / 100

    def at(x: float, y: float) -> tuple[float, float]:
        return inset + x * unit, inset + y * unit

    # A stylised back: a column of vertebrae on a gentle curve.
    for index in range(6):
        cx, cy = 34 + 4 * (index % 3 == 1) - 2 * (index % 3 == 2), 14 + index * 13
        left, top = at(cx - 9, cy - 4.5)
        right, bottom = at(cx + 9, cy + 4.5)
        pen.rounded_rectangle((left, top, right, bottom), radius=3 * unit, fill=WHITE)
    # A tick: the routine done.
    pen.line([at(52, 58), at(64, 72), at(88, 36)], fill=AMBER, width=round(9 * unit), joint="curve")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, safe_zone=0.9).save(OUT / "icon-192.png", optimize=True)
    draw(512, safe_zone=0.9).save(OUT / "icon-512.png", optimize=True)
    draw(512, safe_zone=0.7).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180, safe_zone=0.8).save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
