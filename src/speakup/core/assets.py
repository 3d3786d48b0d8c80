"""Copy the NHS.UK frontend's compiled assets into build/static, served from our own host.

The published stylesheet loads the Frutiger web font from an NHS host; a speaker's page must
load nothing from another host, so those @font-face rules are removed and the design system's
own fallback (Arial) is used. Run by `make install`: python -m speakup.core.assets SRC DEST
"""

import re
import shutil
import sys
from pathlib import Path

EXTERNAL_FONT_FACE = re.compile(r"@font-face\s*{[^}]*url\(\s*[\"']?https?://[^}]*}")
EXTERNAL_URL = re.compile(r"url\(\s*[\"']?(https?:)?//")


def strip_external_fonts(css: str) -> str:
    cleaned = EXTERNAL_FONT_FACE.sub("", css)
    if EXTERNAL_URL.search(cleaned):
        raise SystemExit("the NHS.UK stylesheet still refers to another host after cleaning")
    return cleaned


def build(source: Path, destination: Path) -> None:
    dist = source / "dist" / "nhsuk"
    if not dist.is_dir():
        raise SystemExit(f"{dist} is missing: run npm ci first")
    destination.mkdir(parents=True, exist_ok=True)
    css = (dist / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    (destination / "nhsuk-frontend.min.css").write_text(strip_external_fonts(css), encoding="utf-8")
    js = (dist / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    (destination / "nhsuk-frontend.min.js").write_text(js, encoding="utf-8")
    shutil.copytree(dist / "assets" / "images", destination / "images", dirs_exist_ok=True)
    shutil.copy2(dist / "assets" / "manifest.json", destination / "manifest.json")


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
