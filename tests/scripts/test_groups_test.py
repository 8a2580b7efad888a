#!/usr/bin/env python3
"""cmake/VergeGridTestGroupsDiscover.cmake, as ctest reads what it writes.

A stand-in test program prints a --gtest_list_tests listing (plain, parameterised and disabled
tests, and the listing of a filter); the script turns it into a CTest file, and
`ctest --show-only=json-v1` on a folder that includes that file must list one test per suite with
the right command, working directory, timeout and properties.

Usage: test_groups_test.py <source dir>
"""
import json
import os
import subprocess
import sys
import tempfile
import textwrap

SOURCE = os.path.abspath(sys.argv[1])
SCRIPT = os.path.join(SOURCE, "cmake", "VergeGridTestGroupsDiscover.cmake")

LISTING = """\
Running main() from ./googletest/src/gtest_main.cc
Clock.
  TicksForward
  DISABLED_WaitsAnHour
  StaysClose
Backends/Contract.
  Reads/sqlite  # GetParam() = 0x1
  Writes/sqlite  # GetParam() = 0x2
DISABLED_Slow.
  EverythingAtOnce
"""
FILTERED = """\
Backends/Contract.
  Reads/sqlite  # GetParam() = 0x1
  Writes/sqlite  # GetParam() = 0x2
"""


def discover(folder, filter_="", properties=""):
    program = os.path.join(folder, "fake_tests")
    with open(program, "w") as f:
        # Prints the filtered listing when asked with --gtest_filter, as gtest would.
        f.write("#!/bin/sh\n")
        f.write('case "$2" in --gtest_filter=*) cat "%s/filtered";; *) cat "%s/all";; esac\n'
                % (folder, folder))
    os.chmod(program, 0o755)
    for name, text in (("all", LISTING), ("filtered", FILTERED)):
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)
    tests_file = os.path.join(folder, "groups-tests.cmake")
    params = os.path.join(folder, "params.cmake")
    with open(params, "w") as f:
        f.write(textwrap.dedent(f"""\
            set(_executable [==[{program}]==])
            set(_prefix [==[unit.]==])
            set(_filter [==[{filter_}]==])
            set(_properties [==[{properties}]==])
            set(_working_dir [==[{folder}]==])
            set(_discovery_timeout 10)
            set(_ctest_file [==[{tests_file}]==])
            """))
    subprocess.run(["cmake", "-D", "PARAMS=" + params, "-P", SCRIPT], check=True)
    with open(os.path.join(folder, "CTestTestfile.cmake"), "w") as f:
        f.write(f'include("{tests_file}")\n')
    shown = subprocess.run(["ctest", "--show-only=json-v1"], cwd=folder, check=True,
                           capture_output=True, text=True).stdout
    return program, {t["name"]: t for t in json.loads(shown)["tests"]}


def properties(test):
    return {p["name"]: p["value"] for p in test.get("properties", [])}


failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


with tempfile.TemporaryDirectory() as folder:
    program, tests = discover(folder)
    # One test per suite; the disabled suite is left out, as gtest leaves it out.
    check(sorted(tests) == ["unit.Backends/Contract", "unit.Clock"], f"groups: {sorted(tests)}")
    clock = tests.get("unit.Clock", {})
    check(clock.get("command") == [program, "--gtest_filter=Clock.*"],
          f"command: {clock.get('command')}")
    check(properties(clock).get("WORKING_DIRECTORY") == folder, f"{properties(clock)}")
    check("TIMEOUT" not in properties(clock), "no TIMEOUT asked, none set")

with tempfile.TemporaryDirectory() as folder:
    env = "VERGEGRID_TEST_ENV=/tmp/x/env"
    program, tests = discover(folder, "*/sqlite",
                              f"TIMEOUT;120;FIXTURES_REQUIRED;db;ENVIRONMENT;{env}")
    check(sorted(tests) == ["unit.Backends/Contract"], f"filtered groups: {sorted(tests)}")
    group = tests.get("unit.Backends/Contract", {})
    # A filter names the group's tests one by one.
    check(group.get("command") ==
          [program, "--gtest_filter=Backends/Contract.Reads/sqlite:Backends/Contract.Writes/sqlite"],
          f"filtered command: {group.get('command')}")
    props = properties(group)
    check(props.get("TIMEOUT") == 240, f"TIMEOUT per test x 2 tests: {props.get('TIMEOUT')}")
    check(props.get("FIXTURES_REQUIRED") == ["db"], f"FIXTURES_REQUIRED: {props}")
    check(props.get("ENVIRONMENT") == [env], f"ENVIRONMENT: {props}")

with tempfile.TemporaryDirectory() as folder:
    _, tests = discover(folder, "", "TIMEOUT;600")
    # Two tests at 600 s would be 1,200: a group waits at most 900 s.
    check(properties(tests["unit.Clock"]).get("TIMEOUT") == 900,
          f"capped TIMEOUT: {properties(tests['unit.Clock'])}")

with tempfile.TemporaryDirectory() as folder:
    program = os.path.join(folder, "broken_tests")
    with open(program, "w") as f:
        f.write("#!/bin/sh\necho 'cannot start' >&2\nexit 3\n")
    os.chmod(program, 0o755)
    params = os.path.join(folder, "params.cmake")
    with open(params, "w") as f:
        f.write(f"set(_executable [==[{program}]==])\nset(_prefix x.)\nset(_filter \"\")\n"
                f"set(_properties \"\")\nset(_working_dir [==[{folder}]==])\n"
                f"set(_discovery_timeout 10)\nset(_ctest_file [==[{folder}/out.cmake]==])\n")
    run = subprocess.run(["cmake", "-D", "PARAMS=" + params, "-P", SCRIPT],
                         capture_output=True, text=True)
    # A program that cannot list its tests fails the build, saying why.
    check(run.returncode != 0 and "cannot start" in run.stderr, f"broken program: {run.stderr}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("test groups: ok")
