#!/usr/bin/env python3
"""The layering check catches each kind of violation it promises to (on a small made-up tree),
and passes a tree that keeps the rules."""
import os
import subprocess
import sys
import tempfile
import unittest

CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_layers.py")


def run_check(files):
    with tempfile.TemporaryDirectory() as root:
        for path, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as out:
                out.write(text)
        done = subprocess.run([sys.executable, CHECK, root], capture_output=True, text=True,
                              timeout=60)
        return done.returncode, done.stdout


GOOD = {
    "kernel/http/router.cpp": '#include "kernel/http/router.hpp"\n',
    "sim_bridge/main.cpp": '#include "kernel/logging/logging.hpp"\n',
    "control/regions/region_service.cpp": '#include "control/placement/placement_engine.hpp"\n',
    "control/api/region_routes.cpp":
        '#include "control/regions/region_service.hpp"\n'
        'void add(Router& router) {\n'
        '    router.add("GET", "/x", Permission::read, [](const Request&) {\n'
        '        return render(service.get());\n'
        '    });\n'
        '}\n',
}


class CheckLayers(unittest.TestCase):
    def assert_refused(self, changes, expected):
        code, output = run_check({**GOOD, **changes})
        self.assertEqual(code, 1, output)
        self.assertIn(expected, output)

    def test_a_tree_that_keeps_the_rules_passes(self):
        code, output = run_check(GOOD)
        self.assertEqual(code, 0, output)

    def test_a_shared_library_may_not_include_either_program(self):
        self.assert_refused({"libs/service_notify/service_notify.cpp":
                             '#include "kernel/http/server.hpp"\n'},
                            "a shared library includes kernel/http/server.hpp")
        self.assert_refused({"libs/logging/logging.cpp": '#include "sim_bridge/core/bridge.hpp"\n'},
                            "a shared library includes sim_bridge/core/bridge.hpp")

    def test_the_kernel_may_not_include_the_control_plane(self):
        self.assert_refused({"kernel/app/x.cpp": '#include "control/regions/region_service.hpp"\n'},
                            "the kernel includes the control plane's")

    def test_the_kernel_may_not_name_control_plane_settings(self):
        self.assert_refused({"kernel/config/settings.hpp": "struct PlacementSettings {};\n"},
                            "the kernel names the control plane's PlacementSettings")

    def test_two_control_folders_may_not_define_a_type_of_the_same_name(self):
        # The rollouts' and the placement plan's PlannedRegion: an ODR violation that crashed
        # POST /placement/plan until one was renamed.
        self.assert_refused(
            {"control/regions/plan.hpp": "struct PlannedRegion {\n    int a;\n};\n",
             "control/rollouts/plan.hpp": "class Foo;\nstruct PlannedRegion {};\n"},
            "type PlannedRegion is also defined in control/regions/plan.hpp")
        code, output = run_check({**GOOD, "control/rollouts/x.hpp": "struct PlannedRegion;\n",
                                  "control/regions/plan.hpp": "struct PlannedRegion {};\n",
                                  "control/rollouts/y.hpp": "class Sink final : public Base {\n};\n"})
        self.assertEqual(code, 0, output)  # a declaration is not a second definition

    def test_the_bridge_may_not_include_kernel_config(self):
        self.assert_refused({"sim_bridge/x.cpp": '#include "kernel/config/settings.hpp"\n'},
                            "the bridge includes kernel/config/settings.hpp")

    def test_a_folder_may_include_only_the_folders_below_it(self):
        self.assert_refused(
            {"control/operations/q.cpp": '#include "control/regions/region_change.hpp"\n'},
            "control/operations/ may not include control/regions/region_change.hpp")

    def test_a_service_may_not_speak_http(self):
        self.assert_refused(
            {"control/regions/region_service.cpp": '#include "kernel/http/api_error.hpp"\n'},
            "control/regions/ is a service layer and may not include kernel/http/api_error.hpp")

    def test_a_cycle_between_folders_is_named(self):
        self.assert_refused(
            {"control/placement/p.cpp": '#include "control/regions/r.hpp"\n'},
            "cycle: regions -> placement -> regions")

    def test_a_route_file_may_not_reach_storage(self):
        self.assert_refused(
            {"control/api/estate_routes.cpp": "auto x = store.write([&](auto& tx) {});\n"},
            "a route file reaches storage")

    def test_a_long_handler_is_refused(self):
        body = "".join(f"        step{i}();\n" for i in range(45))
        self.assert_refused(
            {"control/api/long_routes.cpp":
                 'void add(Router& router) {\n'
                 '    router.add("GET", "/x", Permission::read, [](const Request&) {\n'
                 + body + '        return ok();\n    });\n}\n'},
            "a route handler of 48 lines")


if __name__ == "__main__":
    unittest.main()
