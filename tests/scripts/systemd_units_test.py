#!/usr/bin/env python3
"""Checks deploy/systemd/'s units as systemd reads them: `systemd-analyze verify` must accept
each one without a word (it exits 0 for an unknown key or a bad value and only prints the
problem, so any output fails the test), with its ExecStart pointing at the binary this build made
(verify insists the command exists; the units name /usr/bin/..., where the package puts it). The
bridge is also verified with deploy/systemd/opensim.conf.example applied. Prints each unit's
`systemd-analyze security --offline=yes` exposure score; the score itself fails nothing.

Usage: systemd_units_test.py SOURCE_DIR CONTROL_BINARY BRIDGE_BINARY
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

UNITS = {
    "vergegrid-control.service": ("vergegrid-control", "/etc/vergegrid/control.ini"),
    "vergegrid-bridge.service": ("vergegrid-bridge", "/etc/vergegrid/bridge.ini"),
}


def analyze(*args):
    result = subprocess.run(["systemd-analyze", *args], capture_output=True, text=True)
    return result.returncode, (result.stdout + result.stderr).strip()


def built_copy(source, binary, program, config, folder, extra=""):
    """The unit with its ExecStart on the built binary; fails when ExecStart is not the one the
    packages install."""
    text = open(source, encoding="utf-8").read()
    expected = f"ExecStart=/usr/bin/{program} --config {config}"
    lines = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    if lines != [expected]:
        raise SystemExit(f"{source}: ExecStart is {lines}, expected [{expected!r}]")
    copy = os.path.join(folder, os.path.basename(source))
    with open(copy, "w", encoding="utf-8") as out:
        out.write(text.replace(expected, f"ExecStart={binary} --config {config}") + extra)
    return copy


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    source_dir, control_binary, bridge_binary = sys.argv[1:]
    control_binary, bridge_binary = os.path.abspath(control_binary), os.path.abspath(bridge_binary)
    binaries = {"vergegrid-control": control_binary, "vergegrid-bridge": bridge_binary}
    deploy = os.path.join(source_dir, "deploy", "systemd")
    drop_in = open(os.path.join(deploy, "opensim.conf.example"), encoding="utf-8").read()
    failures = 0
    folder = tempfile.mkdtemp(prefix="vergegrid-units-")
    try:
        cases = []
        for name, (program, config) in UNITS.items():
            unit = built_copy(os.path.join(deploy, name), binaries[program], program, config,
                              folder)
            cases.append((name, unit))
        with_drop_in = os.path.join(folder, "with-drop-in")
        os.mkdir(with_drop_in)
        program, config = UNITS["vergegrid-bridge.service"]
        cases.append(("vergegrid-bridge.service + opensim.conf.example",
                      built_copy(os.path.join(deploy, "vergegrid-bridge.service"),
                                 bridge_binary, program, config, with_drop_in,
                                 "\n" + drop_in)))
        for label, unit in cases:
            status, output = analyze("verify", "--recursive-errors=no", unit)
            if status != 0 or output:
                print(f"FAIL {label}: systemd-analyze verify exit {status}:\n{output}")
                failures += 1
            else:
                print(f"ok   {label}: systemd-analyze verify is silent")
        for name, unit in cases[:2]:
            status, output = analyze("security", "--offline=yes", "--no-pager", unit)
            score = re.search(r"Overall exposure level for \S+: (.*)", output)
            print(f"     {name}: exposure {score.group(1) if score else '(no score: ' + output[-200:] + ')'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if failures:
        print(f"{failures} unit check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
