#!/usr/bin/env python3
"""Cycles among each crate's top-level modules.

A module's dependencies are the `crate::<module>` paths its files name (in
`use` items and in code), and the `crate::<Name>` paths whose name the crate
root re-exports from a module (`pub use error::Error;` makes `crate::Error`
name `error`); tests and comments left out. Two top-level
modules that name each other, directly or around a loop, are a cycle. Prints
every cycle and exits 1 when there is one; `--quiet` prints only the count.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = re.compile(r"\bcrate::(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)")
GROUP_ITEM = re.compile(r"(?:^|[{,])\s*([A-Za-z_][A-Za-z0-9_]*)")


def crate_roots() -> list[Path]:
    roots = [ROOT / "src"]
    roots += sorted(p / "src" for p in (ROOT / "crates").iterdir() if (p / "src").is_dir())
    return [r for r in roots if r.is_dir()]


def top_module(root: Path, file: Path) -> str | None:
    parts = file.relative_to(root).with_suffix("").parts
    if parts[0] in ("lib", "main"):
        return None
    return parts[0]


def code_of(text: str) -> str:
    """The text without comments and without `#[cfg(test)]` modules."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    at = text.find("#[cfg(test)]\nmod ")
    return text if at < 0 else text[:at]


REEXPORT = re.compile(r"pub(?:\(crate\))?\s+use\s+([a-z_][a-z0-9_]*)::(\{[^;]*\}|[A-Za-z_][A-Za-z0-9_]*)\s*;", re.S)
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def reexports(root: Path, modules: set[str]) -> dict[str, str]:
    """Names the crate root re-exports, each with the module it comes from."""
    names: dict[str, str] = {}
    for entry in ("lib.rs", "main.rs"):
        path = root / entry
        if not path.is_file():
            continue
        for match in REEXPORT.finditer(code_of(path.read_text())):
            module, items = match.group(1), match.group(2)
            if module not in modules:
                continue
            # Only the first segment of each item in a group names what is exported.
            for item in re.split(r",", items.strip("{}")):
                item = item.strip()
                if not item:
                    continue
                last = NAME.findall(item.split(" as ")[-1])
                if last:
                    names[last[-1]] = module
    return names


def dependencies(root: Path) -> dict[str, set[str]]:
    modules = {top_module(root, f) for f in root.rglob("*.rs")} - {None}
    edges: dict[str, set[str]] = {m: set() for m in modules if m}
    exported = reexports(root, set(edges))
    for file in root.rglob("*.rs"):
        here = top_module(root, file)
        if here is None:
            continue
        for match in PATH.finditer(code_of(file.read_text())):
            named = match.group(1)
            targets = GROUP_ITEM.findall(named) if named.startswith("{") else [named]
            for target in targets:
                target = exported.get(target, target)
                if target in edges and target != here:
                    edges[here].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for next_node in sorted(edges[node]):
            if next_node not in index:
                visit(next_node)
                low[node] = min(low[node], low[next_node])
            elif next_node in on_stack:
                low[node] = min(low[node], index[next_node])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def main() -> int:
    quiet = "--quiet" in sys.argv
    total = 0
    for root in crate_roots():
        crate = root.parent.name if root.parent != ROOT else "qod"
        for component in cycles(dependencies(root)):
            total += 1
            if not quiet:
                print(f"{crate}: {' <-> '.join(component)}")
    print(f"{total} module cycles")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
