#!/usr/bin/env python3
"""Lists functions longer than the house allows: 80 lines in the core, the
CLI and the other crates, 120 for a UI component in src/ (ARCHITECTURE.md).
Tests, benches, fuzz targets and build output are left out. Exits 1 when one
is found.

    python3 scripts/long-functions.py [--core N] [--ui N]
"""
import argparse
import re
import subprocess
import sys


def strip(src):
    """Comments and literals out, so that braces inside them do not count."""
    src = re.sub(r"//[^\n]*", "", src)
    src = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    src = re.sub(r"b?'(\\.|[^'\\])'", "''", src)  # before strings: b'"' is a char
    src = re.sub(r'r#+"(.*?)"#+', '""', src, flags=re.S)
    return re.sub(r'"(\\.|[^"\\])*"', '""', src)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--core", type=int, default=80)
    ap.add_argument("--ui", type=int, default=120)
    args = ap.parse_args()
    files = subprocess.run(["git", "ls-files", "*.rs"], capture_output=True, text=True,
                           check=True).stdout.split()
    skip = re.compile(r"^(fuzz|target)/|/tests/|^tests/|/benches/")
    long = []
    for path in files:
        if skip.search(path):
            continue
        src = strip(open(path, encoding="utf-8").read())
        limit = args.ui if path.startswith("src/") else args.core
        for m in re.finditer(r"\bfn\s+(\w+)[^;{]*\{", src):
            j, depth = m.end(), 1
            while depth and j < len(src):
                depth += {"{": 1, "}": -1}.get(src[j], 0)
                j += 1
            lines = src[m.start():j].count("\n") + 1
            if lines > limit:
                long.append((lines, path, m.group(1), limit))
    for lines, path, name, limit in sorted(long, reverse=True):
        print(f"{path}: fn {name} is {lines} lines (limit {limit})")
    if not long:
        print(f"no function over {args.core} lines (UI components: {args.ui})")
    return 1 if long else 0


if __name__ == "__main__":
    sys.exit(main())
