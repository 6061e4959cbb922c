#!/usr/bin/env python3
"""Copy the front-end files huanjie serves from node_modules/ into huanjie/static/vendor/.

huanjie runs on government intranets with no internet access, so every script, stylesheet and
font is served by huanjie itself; nothing is ever loaded from a CDN. The vendored files are
committed, so a fresh clone (and CI, and a deployment) needs no npm at all. npm is needed only to
change a version:

    edit package.json (exact versions only), then
    npm install                                # updates package-lock.json and node_modules/
    npm run vendor                             # = python3 scripts/vendor_assets.py
    python3 scripts/vendor_assets.py --check   # exit 1 if huanjie/static/vendor/ is stale

and commit package.json, package-lock.json and huanjie/static/vendor/ together
(huanjie/tests/test_assets.py checks that VERSIONS.json matches package-lock.json).

Only the files a page loads are copied (no source maps, no unminified or ESM or RTL variants),
each package's licence files beside them. Two edits are made on the way:

* the trailing ``sourceMappingURL`` comments are removed, as the maps are not shipped (a browser's
  developer tools would ask for them, and Django's ManifestStaticFilesStorage refuses a CSS or
  JS file whose source map is missing);
* bootstrap-icons' @font-face keeps only the WOFF2 font: every browser Bootstrap 5 supports reads
  WOFF2, so the WOFF copy (180 KB) would never be loaded.

Standard library only.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "huanjie" / "static" / "vendor"

_SOURCE_MAP = re.compile(rb"\s*(/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S*)\s*\Z")
_WOFF_SRC = re.compile(rb',\s*url\("?fonts/bootstrap-icons\.woff\?[0-9a-f]*"?\)\s*format\("woff"\)')


@dataclass(frozen=True)
class Package:
    """One npm package: which of its files go where under vendor/<dest>/."""

    name: str
    # (path in node_modules/<name>/, path under vendor/<dest>/)
    files: tuple[tuple[str, str], ...]
    # Licence files of this package and of what its dist files bundle: (path in node_modules/, name)
    licenses: tuple[tuple[str, str], ...]
    dest: str = ""
    drop_woff: bool = False

    @property
    def folder(self) -> str:
        return self.dest or self.name


PACKAGES: tuple[Package, ...] = (
    Package(
        name="htmx.org",
        files=(("dist/htmx.min.js", "htmx.min.js"),),
        licenses=(("htmx.org/LICENSE", "LICENSE"),),
    ),
    Package(
        name="bootstrap",
        files=(
            ("dist/css/bootstrap.min.css", "css/bootstrap.min.css"),
            # The bundle carries Popper (dropdowns, tooltips): its licence goes along.
            ("dist/js/bootstrap.bundle.min.js", "js/bootstrap.bundle.min.js"),
        ),
        licenses=(
            ("bootstrap/LICENSE", "LICENSE"),
            ("@popperjs/core/LICENSE.md", "LICENSE-popper.md"),
        ),
    ),
    Package(
        name="bootstrap-icons",
        files=(
            ("font/bootstrap-icons.min.css", "bootstrap-icons.min.css"),
            ("font/fonts/bootstrap-icons.woff2", "fonts/bootstrap-icons.woff2"),
        ),
        licenses=(("bootstrap-icons/LICENSE", "LICENSE"),),
        drop_woff=True,
    ),
    Package(
        name="echarts",
        # The common build: line, bar, pie, scatter, with grid, tooltip, legend, title, toolbox,
        # dataZoom, dataset, markers and aria; 0.7 MB against 1.1 MB for the full build. A page
        # that needs another chart type (map, gauge, funnel, ...) switches to dist/echarts.min.js.
        files=(("dist/echarts.common.min.js", "echarts.common.min.js"),),
        licenses=(
            ("echarts/LICENSE", "LICENSE"),
            ("echarts/NOTICE", "NOTICE"),
            ("echarts/licenses/LICENSE-d3", "LICENSE-d3"),
            ("zrender/LICENSE", "LICENSE-zrender"),
            ("tslib/LICENSE.txt", "LICENSE-tslib.txt"),
        ),
    ),
)


class VendorError(RuntimeError):
    pass


def installed_version(name: str) -> str:
    manifest = NODE_MODULES / name / "package.json"
    if not manifest.is_file():
        raise VendorError(f"{manifest} is missing: run `npm install` first")
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def locked_versions() -> dict[str, str]:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return {
        key.removeprefix("node_modules/"): str(entry["version"])
        for key, entry in lock["packages"].items()
        if key.startswith("node_modules/")
    }


def transform(data: bytes, package: Package, dest_name: str) -> bytes:
    if dest_name.endswith((".js", ".css")):
        data = _SOURCE_MAP.sub(b"\n", data)
    if package.drop_woff and dest_name.endswith(".css"):
        data, count = _WOFF_SRC.subn(b"", data)
        if count != 1:
            raise VendorError(
                f"{package.name}: expected one WOFF src in {dest_name}, found {count}"
            )
    return data


def build(out: Path) -> dict[str, str]:
    """Write every package's files under `out`; return {package: version}."""
    lock = locked_versions()
    versions: dict[str, str] = {}
    for package in PACKAGES:
        version = installed_version(package.name)
        if lock.get(package.name) != version:
            raise VendorError(
                f"node_modules/{package.name} is {version} but package-lock.json says "
                f"{lock.get(package.name)}: run `npm ci`"
            )
        versions[package.name] = version
        target = out / package.folder
        for src, dest in package.files:
            source = NODE_MODULES / package.name / src
            if not source.is_file():
                raise VendorError(f"{source} is missing")
            path = target / dest
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(transform(source.read_bytes(), package, dest))
        for src, dest in package.licenses:
            source = NODE_MODULES / src
            if not source.is_file():
                raise VendorError(f"{source} is missing")
            shutil.copyfile(source, target / dest)
    (out / "VERSIONS.json").write_text(
        json.dumps(versions, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    return versions


def managed_paths(root: Path) -> list[Path]:
    """Every file under `root` this script owns (not vendor/README.md)."""
    paths = [root / "VERSIONS.json"]
    for package in PACKAGES:
        folder = root / package.folder
        if folder.exists():
            paths.extend(p for p in folder.rglob("*") if p.is_file())
    return sorted(p for p in paths if p.exists())


def differences(fresh: Path, current: Path) -> list[str]:
    wanted = {p.relative_to(fresh) for p in managed_paths(fresh)}
    present = {p.relative_to(current) for p in managed_paths(current)}
    problems = [f"missing: {p}" for p in sorted(wanted - present)]
    problems += [f"not produced by this script: {p}" for p in sorted(present - wanted)]
    problems += [
        f"differs: {p}"
        for p in sorted(wanted & present)
        if not filecmp.cmp(fresh / p, current / p, shallow=False)
    ]
    return problems


def size_report(root: Path) -> str:
    lines = []
    total = 0
    for path in managed_paths(root):
        size = path.stat().st_size
        total += size
        lines.append(f"{size:>10,}  {path.relative_to(root)}")
    lines.append(f"{total:>10,}  total")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if huanjie/static/vendor/ is stale",
    )
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp)
            versions = build(fresh)
            if args.check:
                problems = differences(fresh, VENDOR)
                for problem in problems:
                    print(problem, file=sys.stderr)
                if problems:
                    print("huanjie/static/vendor/ is stale: run `npm run vendor`", file=sys.stderr)
                    return 1
                print("huanjie/static/vendor/ is up to date")
                return 0
            VENDOR.mkdir(parents=True, exist_ok=True)
            for package in PACKAGES:
                shutil.rmtree(VENDOR / package.folder, ignore_errors=True)
                shutil.copytree(fresh / package.folder, VENDOR / package.folder)
            shutil.copyfile(fresh / "VERSIONS.json", VENDOR / "VERSIONS.json")
    except VendorError as exc:
        print(f"vendor_assets: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(versions, ensure_ascii=False))
    print(size_report(VENDOR))
    return 0


if __name__ == "__main__":
    sys.exit(main())
