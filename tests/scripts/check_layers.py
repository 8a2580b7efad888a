#!/usr/bin/env python3
"""Checks the source tree keeps the layering docs/architecture.md describes, from #include lines
and route files alone:

  * kernel/ includes nothing of the control plane (control/, web_admin/) and names no
    control-plane concept (its settings, its default plugin names);
  * sim_bridge/ includes nothing from kernel/config/ or kernel/app/ (it shares code with the
    control plane only through libs/ and the plugin host);
  * libs/ includes nothing of either program (kernel/, control/, sim_bridge/, web_admin/);
  * the folders of control/ depend on each other only along ALLOWED below, so they form no cycle,
    and only control/api and control/app know HTTP (kernel/http): the services never do;
  * the route files (control/api/*_routes.cpp) are adapters: no storage access and no handler
    longer than MAX_HANDLER_LINES lines.

Usage: check_layers.py SOURCE_DIR   (prints every violation; exit status 1 when there is one)
"""
import os
import re
import sys

MAX_HANDLER_LINES = 40

# control/<folder> -> the control/ folders its files may include (besides its own).
ALLOWED = {
    "domain": set(),
    "common": {"domain"},
    "audit": {"domain", "common"},
    "access": {"domain", "common"},
    "cluster": {"domain", "common"},
    "events": {"audit", "domain", "common"},
    "estates": {"domain", "common"},
    "templates": {"domain", "common"},
    "simulators": {"domain", "common"},
    "operations": {"simulators", "domain", "common"},
    "placement": {"simulators", "domain", "common"},
    "regions": {"placement", "operations", "templates", "estates", "simulators", "audit",
                "domain", "common"},
    "snapshots": {"regions", "operations", "simulators", "audit", "domain", "common"},
    "migrations": {"snapshots", "regions", "placement", "operations", "simulators", "audit",
                   "domain", "common"},
    "rollouts": {"regions", "templates", "operations", "audit", "domain", "common"},
    "api": {"rollouts", "migrations", "snapshots", "regions", "placement", "operations", "templates", "estates",
            "simulators", "access", "audit", "cluster", "events", "domain", "common"},
    "app": {"api", "rollouts", "migrations", "snapshots", "regions", "placement", "operations", "templates", "estates",
            "simulators", "access", "audit", "cluster", "events", "domain", "common"},
}
# Blueprints (issue 17): sets of regions made through the regions' own create.
ALLOWED["blueprints"] = {"regions", "templates", "estates", "audit", "domain", "common"}
ALLOWED["api"].add("blueprints")
ALLOWED["app"].add("blueprints")

# The control/ folders that speak HTTP: the adapters and the composition.
HTTP_FOLDERS = {"api", "app"}

# Words that mean the control plane's domain; the kernel must not know them.
CONTROL_PLANE_WORDS = re.compile(
    r'PlacementSettings|SimulatorsSettings|LoginThrottle|"basic-rules"|"binpack"|"spread"')
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
STORAGE_USE = re.compile(r'\btx\s*\.|\bStore\b|\bStorageTransaction\b|\baccess_store\b|'
                         r'\bstore\s*\.\s*(read|write|command)\b')
SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".cc")


def sources(root, folder):
    base = os.path.join(root, folder)
    for directory, _, files in os.walk(base):
        for name in sorted(files):
            if name.endswith(SOURCE_SUFFIXES):
                path = os.path.join(directory, name)
                yield os.path.relpath(path, root), open(path, encoding="utf-8").read()


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def check_kernel(root, problems):
    for path, text in sources(root, "kernel"):
        for target in INCLUDE.findall(text):
            if target.startswith(("control/", "web_admin/")):
                problems.append(f"{path}: the kernel includes the control plane's {target}")
        for word in sorted(set(CONTROL_PLANE_WORDS.findall(strip_comments(text)))):
            problems.append(f"{path}: the kernel names the control plane's {word}")


def check_bridge(root, problems):
    for path, text in sources(root, "sim_bridge"):
        for target in INCLUDE.findall(text):
            if target.startswith(("kernel/config/", "kernel/app/", "control/")):
                problems.append(f"{path}: the bridge includes {target}")


def check_libs(root, problems):
    """libs/ is what both programs share: a library there (libs/service_notify among them) knows
    neither program."""
    for path, text in sources(root, "libs"):
        for target in INCLUDE.findall(text):
            if target.startswith(("kernel/", "control/", "sim_bridge/", "web_admin/")):
                problems.append(f"{path}: a shared library includes {target}")


def control_folder(path):
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "control" else None


def check_control_folders(root, problems):
    edges = {}
    for path, text in sources(root, "control"):
        folder = control_folder(path)
        if folder is None:
            continue
        if folder not in ALLOWED:
            problems.append(f"{path}: control/{folder}/ has no place in the layering "
                            "(add it to ALLOWED in tests/scripts/check_layers.py and to "
                            "docs/architecture.md)")
            continue
        for target in INCLUDE.findall(text):
            if target.startswith("kernel/http/") and folder not in HTTP_FOLDERS:
                problems.append(f"{path}: control/{folder}/ is a service layer and may not "
                                f"include {target} (HTTP belongs to control/api)")
            other = control_folder(target)
            if other is None or other == folder:
                continue
            edges.setdefault(folder, set()).add(other)
            if other not in ALLOWED[folder]:
                problems.append(f"{path}: control/{folder}/ may not include {target}")
    cycle = find_cycle(edges)
    if cycle:
        problems.append("control/ folders include each other in a cycle: " + " -> ".join(cycle))


def find_cycle(edges):
    state = {}
    stack = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def handler_spans(text):
    """(first line, line count) of each `router.add(...)` call, by parenthesis matching."""
    for match in re.finditer(r"\brouter\s*\.\s*add\s*\(", text):
        depth = 0
        for index in range(match.end() - 1, len(text)):
            if text[index] == "(":
                depth += 1
            elif text[index] == ")":
                depth -= 1
                if depth == 0:
                    first = text.count("\n", 0, match.start()) + 1
                    yield first, text.count("\n", match.start(), index) + 1
                    break


def check_routes(root, problems):
    for path, text in sources(root, os.path.join("control", "api")):
        if not path.endswith("_routes.cpp"):
            continue
        code = strip_comments(text)
        for number, line in enumerate(code.splitlines(), 1):
            if STORAGE_USE.search(line):
                problems.append(f"{path}:{number}: a route file reaches storage: {line.strip()}")
        for first, count in handler_spans(code):
            if count > MAX_HANDLER_LINES:
                problems.append(f"{path}:{first}: a route handler of {count} lines "
                                f"(at most {MAX_HANDLER_LINES}: move its work into a service)")


# A class or struct defined (not only declared) at the top of a control/ header.
TYPE_DEFINITION = re.compile(
    r"^(?:struct|class)\s+([A-Za-z_]\w*)(?:\s+final)?\s*(?::[^;{]*)?(?:\{|$)", re.M)


def check_control_type_names(root, problems):
    """Every control/ header is in namespace vergegrid::control: two folders defining a type of
    the same name is an ODR violation the linker does not report (one type's inline members end
    up used for the other's objects: a crash far from either)."""
    first_seen = {}
    for path, text in sources(root, "control"):
        if not path.endswith(".hpp"):
            continue
        for match in TYPE_DEFINITION.finditer(strip_comments(text)):
            name = match.group(1)
            if name in first_seen and first_seen[name] != path:
                problems.append(f"{path}: type {name} is also defined in {first_seen[name]} "
                                f"(both in namespace vergegrid::control): rename one")
            first_seen.setdefault(name, path)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    problems = []
    check_kernel(root, problems)
    check_bridge(root, problems)
    check_libs(root, problems)
    check_control_folders(root, problems)
    check_routes(root, problems)
    check_control_type_names(root, problems)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} layering violation(s); see docs/architecture.md", file=sys.stderr)
        return 1
    print("layering holds: kernel, bridge, libs, control/ folders and route files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
