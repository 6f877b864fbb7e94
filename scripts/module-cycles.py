#!/usr/bin/env python3
"""Lists import cycles between the modules of each crate.

A module depends on another when its code names it: a `use` of it, a path
through `crate::`, `super::` or one of its own child modules. A parent's
`pub use child::Item` only re-exports and is not counted. Test modules
(`#[cfg(test)]` to the end of a file) are left out. Prints each cycle (a set
of modules that reach each other) and exits 1 when there is one.

    python3 scripts/module-cycles.py            # every crate of the workspace
"""
import os
import re
import sys

CRATES = ["core/src", "src", "cli/src", "candidates/src", "exchange/src", "first/src", "bench/src"]
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def modules(root):
    """File path → module path (a tuple; () is the crate root)."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), root)
            parts = rel[:-3].split(os.sep)
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            out[os.path.join(root, rel)] = tuple(parts)
    return out


def raw_code(path):
    text = open(path, encoding="utf-8").read()
    cut = text.find("#[cfg(test)]")
    if cut >= 0:
        text = text[:cut]
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"b?'(\\.|[^'\\])'", "''", text)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


REEXPORT = re.compile(r"\bpub(\([^)]*\))?\s+use\s[^;]*;")


def code_of(path):
    """The code, less its re-exports: they name, they do not depend."""
    return REEXPORT.sub("", raw_code(path))


def reexports(path):
    """Name → the path it is re-exported from (`pub use a::b::{C, D}`)."""
    out = {}
    for m in REEXPORT.finditer(raw_code(path)):
        for p in expand_uses(re.sub(r"^pub(\([^)]*\))?\s+", "", m.group(0))):
            name = p.split("::")[-1]
            out[name if name != "*" else "*" + p] = p
    return out


def expand_uses(text):
    """`use a::{b, c::{d}}` → ["a::b", "a::c::d"], and every other path."""
    paths = []

    def walk(prefix, body):
        depth, start, items = 0, 0, []
        for i, ch in enumerate(body + ","):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(body[start:i].strip())
                start = i + 1
        for item in filter(None, items):
            m = re.match(r"^(.*?)::\{(.*)\}$", item, re.S)
            if m:
                walk(prefix + m.group(1) + "::", m.group(2))
            else:
                paths.append(prefix + item.split(" as ")[0].strip())

    for m in re.finditer(r"\buse\s+([^;]+);", text):
        walk("", m.group(1).strip())
    paths += re.findall(rf"\b(?:crate|super)(?:::{IDENT})+", text)
    return paths


def resolve(path, here, known, exported=None, depth=0):
    parts = path.split("::")
    if parts[0] == "crate":
        base, rest = (), parts[1:]
    elif parts[0] == "super":
        base, rest = here, parts
        while rest and rest[0] == "super":
            base, rest = base[:-1], rest[1:]
    elif parts[0] == "self":
        base, rest = here, parts[1:]
    elif here + (parts[0],) in known:
        base, rest = here, parts
    else:
        return None
    best, used = None, 0
    for n in range(len(rest) + 1):
        if base + tuple(rest[:n]) in known:
            best, used = base + tuple(rest[:n]), n
    # An item the module only re-exports lives where the re-export points.
    if exported and best is not None and used < len(rest) and depth < 8:
        via = exported.get(best, {}).get(rest[used])
        if via:
            return resolve(via, best, known, exported, depth + 1) or best
    return best


def cycles(edges, nodes):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            strong(v)
    return out


def main():
    found = 0
    for root in CRATES:
        if not os.path.isdir(root):
            continue
        files = modules(root)
        known = set(files.values())
        exported = {here: reexports(path) for path, here in files.items()}
        edges = {}
        for path, here in files.items():
            for p in expand_uses(code_of(path)):
                target = resolve(p, here, known, exported)
                if target is not None and target != here:
                    edges.setdefault(here, set()).add(target)
        for comp in cycles(edges, known):
            found += 1
            names = ", ".join("::".join(("crate",) + m) for m in comp)
            print(f"{root}: cycle: {names}")
    if not found:
        print(f"no import cycles in {', '.join(c for c in CRATES if os.path.isdir(c))}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
