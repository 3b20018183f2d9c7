#!/usr/bin/env python3
"""Checks the layering of the Swift sources (ARCHITECTURE.md): dependencies point down only,

    cofail (CLI) → Reports → Decisions → Engines → Statistics → Kernels → Import → Data → Core

so a file may use what its own layer and the layers below it declare, never what a layer above
declares; `import CKernels` appears only in Kernels/; `Unsafe` (pointers, buffers) only in Kernels/,
Core/ and Data's byte readers. A use is a word in the code (comments and string literals removed)
that names a top-level type, protocol or type alias declared in another layer.

    python3 scripts/checks/layering.py [ROOT]     exit 1 and one line per violation
    python3 scripts/checks/layering.py --self-test
        copies the tree, plants one violation of each rule, and checks that each is reported
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ORDER = ["Core", "Data", "Import", "Kernels", "Statistics", "Engines", "Decisions", "Reports", "cofail"]
UNSAFE_ALLOWED = ["Sources/CoFail/Kernels/", "Sources/CoFail/Core/", "Sources/CoFail/Data/ByteInput.swift",
                  "Sources/CoFail/Data/CSVReader.swift", "Sources/CoFail/Data/Cells.swift",
                  "Sources/CoFail/Data/WideLoader.swift"]
DECLARATION = re.compile(
    r"^(?:public |internal |fileprivate |private |final |indirect |@\w+ )*"
    r"(?:struct|enum|class|protocol|typealias|actor)\s+([A-Z]\w*)", re.M)


def layer(path):
    """The layer of a source file: its folder under Sources/CoFail (files at the top are Core)."""
    parts = path.split(os.sep)
    if "cofail" in parts and "CoFail" not in parts:
        return "cofail"
    i = parts.index("CoFail")
    return parts[i + 1] if len(parts) > i + 2 else "Core"


def code_only(text):
    """The text without comments and string literals (kept as blanks so lines keep their numbers)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('"""', i):
            j = text.find('"""', i + 3)
            j = n if j < 0 else j + 3
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] not in '"\n':
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            out.append('""')
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def sources(root):
    for base in ["Sources/CoFail", "Sources/cofail"]:
        for d, _, files in os.walk(os.path.join(root, base)):
            for f in files:
                if f.endswith(".swift"):
                    full = os.path.join(d, f)
                    yield os.path.relpath(full, root)


def check(root):
    files = {p: code_only(open(os.path.join(root, p), encoding="utf-8").read()) for p in sources(root)}
    declared = {}
    for p, text in files.items():
        # top-level declarations only: the pattern is anchored at an unindented line start
        for name in DECLARATION.findall(text):
            declared.setdefault(name, set()).add(layer(p))
    problems = []
    for p, text in sorted(files.items()):
        mine = ORDER.index(layer(p))
        lines = text.split("\n")
        for k, line in enumerate(lines, 1):
            if re.match(r"\s*(@\w+\s+)*(internal |public |@_implementationOnly )?import\s+CKernels\b", line) \
                    and layer(p) != "Kernels":
                problems.append("%s:%d: imports CKernels outside Kernels/" % (p, k))
            if "Unsafe" in line and not any(p.startswith(a) for a in UNSAFE_ALLOWED):
                problems.append("%s:%d: uses Unsafe outside Kernels/, Core/ and Data's byte readers" % (p, k))
            for word in set(re.findall(r"\b[A-Za-z_]\w*\b", line)):
                homes = declared.get(word)
                if not homes or layer(p) in homes:
                    continue
                above = [h for h in homes if ORDER.index(h) > mine]
                if above and not any(ORDER.index(h) <= mine for h in homes):
                    problems.append("%s:%d: %s (%s) uses %s of %s" % (p, k, layer(p), p.split("/")[-1], word,
                                                                      "/".join(sorted(above))))
    return problems


def self_test(root):
    tmp = tempfile.mkdtemp(prefix="cofail-layering-")
    try:
        for base in ["Sources"]:
            shutil.copytree(os.path.join(root, base), os.path.join(tmp, base))
        if check(tmp):
            sys.exit("layering self-test: the copied tree already has violations")
        with open(os.path.join(tmp, "Sources/CoFail/Core/Planted.swift"), "w") as f:
            f.write("import CKernels\n\nfunc planted(_ r: Report) -> Int { 0 }\n")
        with open(os.path.join(tmp, "Sources/CoFail/Decisions/Planted.swift"), "w") as f:
            f.write("func planted(_ p: UnsafePointer<Int>) -> Int { p.pointee }\n")
        found = check(tmp)
        wanted = ["imports CKernels outside Kernels/", "uses Report of Reports", "uses Unsafe outside"]
        missing = [w for w in wanted if not any(w in line for line in found)]
        if missing:
            sys.exit("layering self-test: planted violations not reported: %s" % missing)
        print("layering self-test: %d planted violations reported" % len(wanted))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    args = sys.argv[1:]
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if args and args[0] == "--self-test":
        self_test(root)
        return
    if args:
        root = args[0]
    problems = check(root)
    for line in problems:
        print(line)
    print("layering: %d files, %d violations" % (len(list(sources(root))), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
