"""Make the README's images from the real app: ``python -m bench.readme_images``.

1. ``docs/screenshot.png``: the pipeline view at 1920x1080, from the top to the end of the 3D view, taken
   once the page is idle, every chart is drawn and the 3D canvas has pixels (no placeholder, no skeleton).
2. ``docs/typing.gif``: presenter mode at the 3D step (1280x720): a sentence typed into the box key by key,
   the page following after each pause, and the points moving to their new places.

It starts its own ``streamlit run app.py`` and drives Debian's Chromium with the browser tests' launcher
and waits (``tests/browser/conftest.py``). The GIF is put together with Pillow from screenshots taken
while typing (no ffmpeg needed); its frame times are the real times between the screenshots, so the
animation runs at the speed the page really had on this machine. It prints each file's size; the
animation must stay under 2 MB (the README shows it).
"""

from __future__ import annotations

import argparse
import io
import itertools
import sys
import time
from pathlib import Path

from PIL import Image

from bench.common import REPO_ROOT, browser_helpers

H = browser_helpers()

DOCS = REPO_ROOT / "docs"
CANVAS = ".st-key-space3d .gl-container canvas"
SENTENCE = "The quick brown fox jumps over the lazy dog"
MAX_GIF_BYTES = 2_000_000


def canvas_drawn(page) -> bool:
    """Whether the 3D canvas has pixels in more than one colour (WebGL drew the points)."""
    png = page.locator(CANVAS).first.screenshot()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    return len(colours) > 1 and 1 - max(c for c, _ in colours) / (image.width * image.height) > 0.005


def wait_drawn(page, timeout: float = 60) -> None:
    """Idle page, no skeleton or spinner left, and a 3D canvas with pixels."""
    H.wait_idle(page)
    page.locator(CANVAS).first.wait_for(state="visible", timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while not canvas_drawn(page) or page.locator('[data-testid="stSkeleton"], .stSpinner').count():
        if time.monotonic() > deadline:
            raise RuntimeError("the 3D chart was not drawn in time")
        page.wait_for_timeout(250)
    H.wait_idle(page)


def hero(browser, url: str, out: Path) -> None:
    """The pipeline view from the top to the end of the 3D view."""
    page = H.new_instrumented_context(browser, viewport={"width": 1920, "height": 1080}).new_page()
    H.open_app(page, url)
    wait_drawn(page)
    path = H.screenshot(page, "readme-hero")
    chart = page.locator(".st-key-space3d").first.bounding_box()
    image = Image.open(path)
    bottom = min(image.height, int(chart["y"] + chart["height"]) + 90) if chart else image.height
    image.crop((0, 0, image.width, bottom)).save(out, optimize=True)
    page.context.close()


def typing_gif(browser, url: str, out: Path, width: int = 960) -> None:
    """A sentence typed in presenter mode's 3D step, one frame per key and a few per pause."""
    page = H.new_instrumented_context(browser, viewport={"width": 1280, "height": 720}).new_page()
    H.open_app(page, f"{url}/?presenter=true&step=4&text=The")
    wait_drawn(page)
    box = H.sentence_box(page)
    box.click()
    box.press("End")
    frames: list[tuple[Image.Image, float]] = []

    def grab() -> None:
        shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
        shot = shot.resize((width, round(shot.height * width / shot.width)), Image.LANCZOS)
        frames.append((shot, time.monotonic()))

    grab()
    for word in SENTENCE.split(" ")[1:]:
        for char in " " + word:
            box.press(char if char != " " else "Space")
            grab()
        pause_end = time.monotonic() + 1.2  # the live pause commits; the points move
        while time.monotonic() < pause_end:
            grab()
    H.wait_idle(page)
    for _ in range(3):
        grab()
    page.context.close()
    images = [image.quantize(colors=128, method=Image.Quantize.MEDIANCUT) for image, _ in frames]
    durations = [max(40, round(1000 * (b[1] - a[1]))) for a, b in itertools.pairwise(frames)]
    durations.append(2500)  # rest on the last frame before the loop starts again
    images[0].save(out, save_all=True, append_images=images[1:], duration=durations, loop=0, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DOCS, help="folder for the images (default: docs/)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    server = H.start_streamlit(REPO_ROOT / "app.py", H.ARTIFACTS / "readme-images-server.log")
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = H.launch_chromium(playwright)
            try:
                hero(browser, server.url, args.out / "screenshot.png")
                typing_gif(browser, server.url, args.out / "typing.gif")
            finally:
                browser.close()
    finally:
        server.stop()
    for name in ("screenshot.png", "typing.gif"):
        size = (args.out / name).stat().st_size
        print(f"{name}: {size / 1e6:.2f} MB")
    gif = (args.out / "typing.gif").stat().st_size
    if gif > MAX_GIF_BYTES:
        print(f"typing.gif is {gif / 1e6:.2f} MB, over the README's {MAX_GIF_BYTES / 1e6:.0f} MB budget")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
