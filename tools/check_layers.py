#!/usr/bin/env python3
"""The library's calls go one way: checks src/'s layering, from its includes and, given a
build directory, from the symbols its objects define and use.

  tools/check_layers.py [BUILD_DIR]

Layers, lowest first: common; numerics and io (each sees common only); silo, baselines and
generate (each sees common and numerics); the method table in src/ itself sees them all.
A file includes a header with its folder ("numerics/select.h"; the top's own headers have
none), of its own layer or of one it may see. No header includes itself through others (no include cycle), and, from the
objects, no two files call each other through any chain (every file is below the ones
that call it). Programs (tools/, bench/, examples/) include only the public header and the programs'
own helpers in tools/.
Prints what is wrong and exits 1, or prints a one-line summary and exits 0.
"""
import collections
import os
import re
import subprocess
import sys

SEES = {
    "common": set(),
    "numerics": {"common"},
    "io": {"common"},
    "silo": {"common", "numerics"},
    "baselines": {"common", "numerics"},
    "generate": {"common", "numerics"},
    "": {"common", "numerics", "io", "silo", "baselines", "generate"},  # the method table
}
PUBLIC = {"robustmean.h", "robustmean_generate.h", "robustmean_version.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
src = os.path.join(root, "src")
problems = []


def layer_of(rel):  # rel: path below src/
    return rel.split("/")[0] if "/" in rel else ""


def sources(top, exts=(".c", ".h", ".cpp")):
    for dirpath, _, files in os.walk(top):
        for f in sorted(files):
            if f.endswith(exts):
                yield os.path.join(dirpath, f)


# Includes of the library's files.
includes = {}
for path in sources(src):
    rel = os.path.relpath(path, src)
    with open(path, encoding="utf-8") as f:
        includes[rel] = INCLUDE.findall(f.read())
for rel, incs in sorted(includes.items()):
    layer = layer_of(rel)
    for inc in incs:
        if inc in PUBLIC:
            continue
        if "/" not in inc and layer:
            problems.append(f"src/{rel}: includes \"{inc}\" without its folder")
            continue
        if inc not in includes:
            problems.append(f"src/{rel}: includes \"{inc}\", which is not in src/")
            continue
        target = layer_of(inc)
        if target != layer and target not in SEES[layer]:
            problems.append(f"src/{rel}: includes \"{inc}\": layer {layer or 'src/'} "
                            f"may not see {target}")

# Programs over the library see its public header alone (and the programs' own helpers).
for folder in ("tools", "bench", "examples"):
    for path in sources(os.path.join(root, folder)):
        here = os.path.dirname(path)
        with open(path, encoding="utf-8") as f:
            for inc in INCLUDE.findall(f.read()):
                if inc not in PUBLIC and not os.path.exists(os.path.join(here, inc)) and \
                        not os.path.exists(os.path.join(root, "tools", inc)):
                    problems.append(f"{os.path.relpath(path, root)}: includes \"{inc}\", "
                                    "not the public header")


def cycles(graph):
    """The strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


header_graph = {rel: {i for i in incs if i in includes and i.endswith(".h")}
                for rel, incs in includes.items() if rel.endswith(".h")}
for c in cycles(header_graph):
    problems.append("include cycle: " + " -> ".join(c))

# Calls, from the objects: who defines and who uses each symbol.
calls_checked = 0
if len(sys.argv) > 1:
    objdir = os.path.join(sys.argv[1], "src", "CMakeFiles", "robustmean_objects.dir")
    objects = {}
    for dirpath, _, files in os.walk(objdir):
        for f in files:
            if f.endswith(".o"):
                full = os.path.join(dirpath, f)
                rel = os.path.relpath(full, objdir)[:-2]  # "silo/run.c"
                if rel in includes:  # (not an object of a file since removed)
                    objects[rel] = full
    if not objects:
        problems.append(f"no objects of the library under {objdir}")
    defined, used = {}, collections.defaultdict(set)
    for rel, obj in objects.items():
        out = subprocess.run(["nm", "--defined-only", "-g", obj], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3:
                defined[parts[2]] = rel
        out = subprocess.run(["nm", "-u", obj], capture_output=True, text=True,
                             check=True).stdout
        used[rel] = {line.split()[-1] for line in out.splitlines() if line.strip()}
    call_graph = {}
    for rel in objects:
        targets = {defined[s] for s in used[rel] if s in defined and defined[s] != rel}
        call_graph[rel] = targets
        layer = layer_of(rel)
        for t in sorted(targets):
            calls_checked += 1
            if layer_of(t) != layer and layer_of(t) not in SEES[layer]:
                names = sorted(s for s in used[rel] if defined.get(s) == t)
                problems.append(f"src/{rel} calls src/{t} ({', '.join(names[:3])}): layer "
                                f"{layer or 'src/'} may not see {layer_of(t)}")
    for c in cycles(call_graph):
        problems.append("files that call each other: " + " <-> ".join("src/" + x for x in c))

for p in problems:
    print("check_layers: " + p)
if problems:
    sys.exit(1)
print(f"check_layers: {len(includes)} files of src/ include downwards only"
      + (f"; {calls_checked} calls between their objects go one way" if calls_checked else ""))
