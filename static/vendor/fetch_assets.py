#!/usr/bin/env python
"""Rebuild ``static/vendor/`` -- the browser assets folium maps need -- from npm.

Why: folium 0.20 / branca / streamlit-folium load Leaflet, jQuery, Bootstrap,
Font Awesome, awesome-markers, Leaflet.heat and d3 from public CDNs.  Police and
council networks often block CDNs, and then a map is a blank iframe.  The app
serves these files itself (Streamlit static serving: ``static/`` is served at
``/app/static/``) and ``harm.ui.maps`` points every CDN URL at them.

Usage (from anywhere; needs ``npm`` and access to the npm registry)::

    python static/vendor/fetch_assets.py           # rebuild the folder + MANIFEST.md
    python static/vendor/fetch_assets.py --check   # verify the folder matches, change nothing

Every file comes from ``npm pack <package>@<exact version>`` (npm checks the
registry's integrity hash), read straight out of the tarball.  Three files are
not plain copies, and say so in MANIFEST.md:

* ``bootstrap3-glyphicons/bootstrap-glyphicons.css`` -- folium links Bootstrap
  3.0.0's stand-alone glyphicons stylesheet, which is not on npm.  It is cut out
  of ``bootstrap@3.3.7``'s ``dist/css/bootstrap.css`` (the ``@font-face`` and
  ``.glyphicon*`` rules), with the font list trimmed to the woff2/woff files
  kept here.
* ``awesome-markers/leaflet.awesome.rotate.min.css`` -- folium's own
  ``.fa-rotate-1`` ... ``.fa-rotate-360`` helper classes; generated here.
* ``leaflet-heat/leaflet_heat.min.js`` -- the file folium's HeatMap links
  (``folium/templates/leaflet_heat.min.js``): Leaflet.heat 0.2.0 with folium's
  weights patch (Leaflet.heat PR #78).  npm's ``leaflet.heat@0.2.0`` lacks that
  patch, so the file is copied from the installed folium 0.20.0 wheel (whose
  URL folium itself uses); the licence texts come from npm.

Source maps, TrueType/EOT/SVG fonts and unminified builds are left out.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
KEEP = {"fetch_assets.py"}  # files in static/vendor/ that are not generated

FOLIUM_VERSION = "0.20.0"


@dataclass
class Package:
    spec: str  # npm name@version
    licence: str
    files: dict[str, str]  # path inside the tarball (below package/) -> dest path
    note: str = ""


PACKAGES: list[Package] = [
    Package(
        "leaflet@1.9.3",
        "BSD-2-Clause",
        {
            "dist/leaflet.js": "leaflet/leaflet.js",
            "dist/leaflet.css": "leaflet/leaflet.css",
            "dist/images/layers.png": "leaflet/images/layers.png",
            "dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
            "dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
            "dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
            "LICENSE": "leaflet/LICENSE",
        },
    ),
    Package(
        "jquery@3.7.1",
        "MIT",
        {
            "dist/jquery.min.js": "jquery/jquery-3.7.1.min.js",
            "LICENSE.txt": "jquery/LICENSE.txt",
        },
    ),
    Package(
        "bootstrap@5.2.2",
        "MIT",
        {
            "dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
            "dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
            "LICENSE": "bootstrap/LICENSE",
        },
    ),
    Package(
        "bootstrap@3.3.7",
        "MIT",
        {
            "dist/fonts/glyphicons-halflings-regular.woff2":
                "bootstrap3-glyphicons/fonts/glyphicons-halflings-regular.woff2",
            "dist/fonts/glyphicons-halflings-regular.woff":
                "bootstrap3-glyphicons/fonts/glyphicons-halflings-regular.woff",
            "LICENSE": "bootstrap3-glyphicons/LICENSE",
        },
        note="plus bootstrap-glyphicons.css, cut out of dist/css/bootstrap.css",
    ),
    Package(
        "@fortawesome/fontawesome-free@6.2.0",
        "CC-BY-4.0 (icons), OFL-1.1 (fonts), MIT (code)",
        {
            "css/all.min.css": "fontawesome/css/all.min.css",
            "webfonts/fa-brands-400.woff2": "fontawesome/webfonts/fa-brands-400.woff2",
            "webfonts/fa-regular-400.woff2": "fontawesome/webfonts/fa-regular-400.woff2",
            "webfonts/fa-solid-900.woff2": "fontawesome/webfonts/fa-solid-900.woff2",
            "webfonts/fa-v4compatibility.woff2":
                "fontawesome/webfonts/fa-v4compatibility.woff2",
            "LICENSE.txt": "fontawesome/LICENSE.txt",
        },
        note="TrueType fallbacks (.ttf) omitted: every current browser takes the woff2",
    ),
    Package(
        # Same code as cdnjs' Leaflet.awesome-markers/2.0.2 (lvoogdt), republished on npm.
        "drmonty-leaflet-awesome-markers@2.0.2",
        "MIT",
        {
            "js/leaflet.awesome-markers.js": "awesome-markers/leaflet.awesome-markers.js",
            "css/leaflet.awesome-markers.css": "awesome-markers/leaflet.awesome-markers.css",
            "css/images/markers-soft.png": "awesome-markers/images/markers-soft.png",
            "css/images/markers-soft@2x.png": "awesome-markers/images/markers-soft@2x.png",
            "css/images/markers-shadow.png": "awesome-markers/images/markers-shadow.png",
            "css/images/markers-shadow@2x.png":
                "awesome-markers/images/markers-shadow@2x.png",
        },
    ),
    Package(
        # The drmonty shim ships no licence file; this is the same author's MIT text.
        "leaflet.awesome-markers@2.0.5",
        "MIT",
        {"LICENSE": "awesome-markers/LICENSE"},
        note="licence text only",
    ),
    Package(
        "leaflet.heat@0.2.0",
        "BSD-2-Clause",
        {"LICENSE": "leaflet-heat/LICENSE-Leaflet.heat"},
        note="licence text only; the script is folium's patched build (see below)",
    ),
    Package(
        "d3@3.5.5",
        "BSD-3-Clause",
        {"d3.min.js": "d3-3/d3.min.js", "LICENSE": "d3-3/LICENSE"},
    ),
    Package(
        "d3@4.13.0",
        "BSD-3-Clause",
        {"build/d3.min.js": "d3-4/d3.min.js", "LICENSE": "d3-4/LICENSE"},
    ),
]


@dataclass
class Built:
    files: dict[str, bytes] = field(default_factory=dict)
    sources: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # dest -> (source, licence, how)

    def add(self, dest: str, data: bytes, source: str, licence: str, how: str = "copy") -> None:
        if dest in self.files:
            raise SystemExit(f"two sources for {dest}")
        self.files[dest] = data
        self.sources[dest] = (source, licence, how)


def npm_pack(spec: str, workdir: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm not found: install Node.js/npm to fetch the vendored assets")
    out = subprocess.run(
        [npm, "pack", spec, "--silent", "--pack-destination", str(workdir)],
        cwd=workdir, capture_output=True, text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"npm pack {spec} failed:\n{out.stderr}")
    name = out.stdout.strip().splitlines()[-1]
    return workdir / name


def read_members(tgz: Path, wanted: list[str]) -> dict[str, bytes]:
    got: dict[str, bytes] = {}
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            rel = member.name.split("/", 1)[1] if "/" in member.name else member.name
            if rel in wanted and member.isfile():
                got[rel] = tar.extractfile(member).read()
    missing = set(wanted) - set(got)
    if missing:
        raise SystemExit(f"{tgz.name}: missing {sorted(missing)}")
    return got


def glyphicons_css(bootstrap3_css: str) -> str:
    """Cut the glyphicons rules out of Bootstrap 3's bootstrap.css."""
    start = bootstrap3_css.index("@font-face {\n  font-family: 'Glyphicons Halflings';")
    pos = start
    rules: list[str] = []
    rule_re = re.compile(r"\s*([^{}]+)\{[^{}]*\}")
    while True:
        match = rule_re.match(bootstrap3_css, pos)
        if not match:
            break
        selector = match.group(1).strip()
        if rules and not selector.startswith(".glyphicon"):
            break
        rules.append(match.group(0).strip())
        pos = match.end()
    if len(rules) < 200:
        raise SystemExit("could not find the glyphicons rules in bootstrap.css")
    font_face = (
        "@font-face {\n  font-family: 'Glyphicons Halflings';\n"
        "  src: url('fonts/glyphicons-halflings-regular.woff2') format('woff2'),"
        " url('fonts/glyphicons-halflings-regular.woff') format('woff');\n}"
    )
    header = (
        "/*! Glyphicons Halflings rules from Bootstrap v3.3.7 (http://getbootstrap.com),\n"
        " * Copyright 2011-2016 Twitter, Inc. Licensed under MIT.\n"
        " * Cut out of dist/css/bootstrap.css by static/vendor/fetch_assets.py to replace\n"
        " * netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css. */\n"
    )
    return header + "\n".join([font_face] + rules[1:]) + "\n"


def rotate_css() -> str:
    rules = "".join(
        f".fa-rotate-{d}{{-ms-transform:rotate({d}deg);-webkit-transform:rotate({d}deg);"
        f"transform:rotate({d}deg)}}"
        for d in range(1, 361)
    )
    return (
        "/* folium's leaflet.awesome.rotate helper classes (MIT, python-visualization/folium),"
        " generated by static/vendor/fetch_assets.py */\n" + rules + "\n"
    )


def folium_heat_js() -> tuple[bytes, bytes]:
    try:
        import importlib.metadata as md

        import folium
    except ImportError as exc:  # pragma: no cover
        raise SystemExit(f"folium {FOLIUM_VERSION} must be installed: {exc}")
    version = md.version("folium")
    if version != FOLIUM_VERSION:
        raise SystemExit(f"need folium {FOLIUM_VERSION} for leaflet_heat.min.js, found {version}")
    pkg = Path(folium.__file__).parent
    js = (pkg / "templates" / "leaflet_heat.min.js").read_bytes()
    dist = md.distribution("folium")
    licence = next(
        (f for f in dist.files or [] if f.name.upper().startswith("LICENSE")), None
    )
    if licence is None:
        raise SystemExit("folium's LICENSE file not found in its dist-info")
    return js, Path(dist.locate_file(licence)).read_bytes()


def build(workdir: Path) -> Built:
    built = Built()
    bootstrap3_css = None
    for pkg in PACKAGES:
        tgz = npm_pack(pkg.spec, workdir)
        wanted = list(pkg.files)
        if pkg.spec == "bootstrap@3.3.7":
            wanted.append("dist/css/bootstrap.css")
        members = read_members(tgz, wanted)
        for src, dest in pkg.files.items():
            built.add(dest, members[src], f"npm {pkg.spec}: {src}", pkg.licence)
        if pkg.spec == "bootstrap@3.3.7":
            bootstrap3_css = members["dist/css/bootstrap.css"].decode("utf-8")
    assert bootstrap3_css is not None
    built.add(
        "bootstrap3-glyphicons/bootstrap-glyphicons.css",
        glyphicons_css(bootstrap3_css).encode("utf-8"),
        "npm bootstrap@3.3.7: dist/css/bootstrap.css (glyphicons rules)",
        "MIT",
        "derived",
    )
    built.add(
        "awesome-markers/leaflet.awesome.rotate.min.css",
        rotate_css().encode("utf-8"),
        "generated (equivalent of folium's leaflet.awesome.rotate.min.css)",
        "MIT",
        "generated",
    )
    heat, folium_licence = folium_heat_js()
    built.add(
        "leaflet-heat/leaflet_heat.min.js",
        heat,
        f"folium {FOLIUM_VERSION} wheel: folium/templates/leaflet_heat.min.js",
        "BSD-2-Clause (Leaflet.heat, simpleheat)",
        "copy (not npm)",
    )
    built.add(
        "leaflet-heat/LICENSE-folium.txt",
        folium_licence,
        f"folium {FOLIUM_VERSION} wheel: LICENSE.txt",
        "MIT",
    )
    return built


def cdn_table() -> dict[str, str]:
    """The CDN URL -> vendored path table from harm.ui.maps (for the manifest)."""
    sys.path.insert(0, str(REPO_ROOT))
    try:
        from harm.ui.maps import CDN_TO_VENDOR
    except Exception as exc:  # noqa: BLE001 - the manifest just loses a column
        print(f"note: could not import harm.ui.maps ({exc}); no URL table", file=sys.stderr)
        return {}
    return dict(CDN_TO_VENDOR)


def manifest(built: Built) -> str:
    total = sum(len(b) for b in built.files.values())
    lines = [
        "# static/vendor — browser assets for offline maps",
        "",
        "Generated by `python static/vendor/fetch_assets.py` (do not edit by hand; "
        "`--check` verifies the folder). Served by Streamlit at `/app/static/vendor/...` "
        "(`server.enableStaticServing = true`); `harm.ui.maps` points folium's CDN links here.",
        "",
        f"{len(built.files)} files, {total:,} bytes.",
        "",
        "| File | Bytes | SHA-256 (first 16) | Source | Licence | How |",
        "|---|---:|---|---|---|---|",
    ]
    for dest in sorted(built.files):
        data = built.files[dest]
        source, licence, how = built.sources[dest]
        digest = hashlib.sha256(data).hexdigest()[:16]
        lines.append(f"| `{dest}` | {len(data):,} | `{digest}` | {source} | {licence} | {how} |")
    table = cdn_table()
    if table:
        lines += [
            "",
            "## CDN URL → local file (`harm.ui.maps.CDN_TO_VENDOR`)",
            "",
            "| CDN URL | Local file |",
            "|---|---|",
        ]
        lines += [f"| {url} | `{path}` |" for url, path in table.items()]
    lines += [
        "",
        "## Notes",
        "",
        "- `bootstrap3-glyphicons/bootstrap-glyphicons.css` is derived: Bootstrap 3.0.0's "
        "stand-alone glyphicons sheet is not on npm, so the same rules are cut out of "
        "`bootstrap@3.3.7`'s `dist/css/bootstrap.css`, font list trimmed to woff2/woff.",
        "- `awesome-markers/leaflet.awesome.rotate.min.css` is generated (360 one-line "
        "`.fa-rotate-N` rules, as in folium's own file).",
        "- `leaflet-heat/leaflet_heat.min.js` is the exact file folium's `HeatMap` links "
        "(Leaflet.heat 0.2.0 + folium's weights patch, Leaflet.heat PR #78), copied from the "
        "installed folium wheel because npm's `leaflet.heat@0.2.0` lacks the patch.",
        "- `drmonty-leaflet-awesome-markers@2.0.2` is an npm republication of "
        "lvoogdt/Leaflet.awesome-markers 2.0.2 (the version folium links from cdnjs); its "
        "licence text comes from `leaflet.awesome-markers@2.0.5` (same author, MIT).",
        "- Left out on purpose: source maps, `.ttf`/`.eot`/`.svg` fonts, unminified builds.",
        "",
    ]
    return "\n".join(lines)


def existing_files(dest: Path) -> dict[str, bytes]:
    out = {}
    for p in dest.rglob("*"):
        rel = p.relative_to(dest).as_posix()
        if p.is_file() and rel not in KEEP and rel != "MANIFEST.md" and "__pycache__" not in rel:
            out[rel] = p.read_bytes()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=HERE, help="target folder (default: this one)")
    parser.add_argument("--check", action="store_true", help="only verify the folder")
    args = parser.parse_args(argv)
    dest: Path = args.dest.resolve()

    with tempfile.TemporaryDirectory(prefix="harm-vendor-") as tmp:
        built = build(Path(tmp))
    text = manifest(built)

    if args.check:
        have = existing_files(dest)
        problems = [f"missing: {p}" for p in sorted(set(built.files) - set(have))]
        problems += [f"unexpected: {p}" for p in sorted(set(have) - set(built.files))]
        problems += [
            f"differs: {p}" for p in sorted(set(have) & set(built.files))
            if have[p] != built.files[p]
        ]
        manifest_path = dest / "MANIFEST.md"
        if not manifest_path.exists() or manifest_path.read_text("utf-8") != text:
            problems.append("MANIFEST.md is out of date")
        for line in problems:
            print(line)
        print("static/vendor is up to date" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0

    dest.mkdir(parents=True, exist_ok=True)
    if dest != HERE and any(dest.iterdir()) and not (dest / "MANIFEST.md").exists():
        raise SystemExit(f"refusing to clear {dest}: not empty and has no MANIFEST.md")
    for child in dest.iterdir():  # clear everything this script generates
        if child.name in KEEP:
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    for rel, data in built.files.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (dest / "MANIFEST.md").write_text(text, "utf-8")
    total = sum(len(b) for b in built.files.values())
    print(f"wrote {len(built.files)} files ({total:,} bytes) to {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
