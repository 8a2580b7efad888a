"""The test-only fault switches and the control endpoint."""

import json
import os
import socket
import threading
import unittest
import urllib.error
import urllib.request

from harness import EmulatorTestCase, free_port


class Faults(EmulatorTestCase):
    def call_in_background(self, function):
        result = {}
        thread = threading.Thread(target=lambda: result.setdefault("answer", function()), daemon=True)
        thread.start()
        return thread, result

    def test_fail_next_create_fails_once_with_the_given_text(self):
        emulator, _ = self.start_with_region()
        self.assertEqual(emulator.faults({"fail_next_create": "grid said no"}), {"ok": True})
        self.assertEqual(emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM)),
                         {"success": False, "error": "grid said no"})
        self.assertEqual(emulator.health("Beta"), 0)
        self.assertIs(emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM))["success"], True)

    def test_fail_next_load_oar_fails_one_load_and_leaves_the_region_as_it_was(self):
        emulator, _ = self.start_with_region()
        path = os.path.join(self.sim_dir, "snap.oar")
        self.assertEqual(emulator.call("admin_save_oar", region_name="Alpha", filename=path), {"saved": True})
        self.assertTrue(emulator.wait_output("Finished writing out OAR for Alpha"))
        emulator.add_object("Alpha", "Kept")
        self.assertEqual(emulator.faults({"fail_next_load_oar": "disk said no"}), {"ok": True})
        # A settings-only load (skip-assets) does not take the fault.
        self.assertEqual(emulator.call("admin_load_oar", region_name="Alpha", filename=path,
                                       **{"skip-assets": "true"}), {"loaded": True})
        emulator.add_object("Alpha", "Kept")
        self.assertEqual(emulator.call("admin_load_oar", region_name="Alpha", filename=path),
                         {"loaded": False, "success": False, "error": "disk said no"})
        self.assertEqual([o["name"] for o in emulator.region_state("Alpha")["objects"]], ["Kept"])
        self.assertEqual(emulator.call("admin_load_oar", region_name="Alpha", filename=path), {"loaded": True})
        self.assertEqual(emulator.region_state("Alpha")["objects"], [])

    def assert_hangs_until_cleared(self, emulator, fault, call, after):
        emulator.faults({fault: True})
        thread, result = self.call_in_background(call)
        thread.join(0.7)
        self.assertTrue(thread.is_alive(), f"{fault}: the call answered")
        # Region queries do not take the request lock: they still answer during the hang.
        self.assertIn(emulator.health("Alpha"), (0, 4))
        emulator.faults({"clear": True})
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertIs(result["answer"]["success"], True, result)
        after()

    def test_hang_create(self):
        emulator, _ = self.start_with_region()
        self.assert_hangs_until_cleared(
            emulator, "hang_create", lambda: emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM)),
            lambda: self.assertEqual(emulator.health("Beta"), 4))

    def test_hang_close(self):
        emulator, _ = self.start_with_region()
        self.assert_hangs_until_cleared(
            emulator, "hang_close", lambda: emulator.call("admin_close_region", region_name="Alpha"),
            lambda: self.assertEqual(emulator.health("Alpha"), 0))

    def test_hang_delete(self):
        emulator, _ = self.start_with_region()
        self.assert_hangs_until_cleared(
            emulator, "hang_delete", lambda: emulator.call("admin_delete_region", region_name="Alpha"),
            lambda: self.assertEqual(emulator.health("Alpha"), 0))

    def test_a_hung_close_blocks_other_creates_like_the_request_lock_does(self):
        emulator, _ = self.start_with_region()
        emulator.faults({"hang_close": True})
        closing, _ = self.call_in_background(lambda: emulator.call("admin_close_region", region_name="Alpha"))
        self.assertTrue(emulator.wait_output("fault hang_close"))  # the close holds the request lock
        creating, created = self.call_in_background(
            lambda: emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM)))
        creating.join(0.5)
        self.assertTrue(creating.is_alive())
        emulator.faults({"clear": True})
        closing.join(10)
        creating.join(10)
        self.assertIs(created["answer"]["success"], True)

    def test_exit_during_create(self):
        emulator, _ = self.start_with_region()
        emulator.faults({"exit_during_create": True})
        with self.assertRaises(OSError):
            emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM))
        self.assertEqual(emulator.wait_exit(), 1)

    def test_state_lists_regions_pid_and_estates(self):
        emulator, port = self.start_with_region()
        state = emulator.state()
        self.assertEqual(state["pid"], emulator.process.pid)
        self.assertEqual([(r["name"], r["x"], r["y"], r["port"], r["estate"], r["health"]) for r in state["regions"]],
                         [("Alpha", 1000, 1000, port, "My Estate", 4)])
        self.assertEqual([e["name"] for e in state["estates"]], ["My Estate"])

    def test_bad_fault_requests_are_refused(self):
        emulator, _ = self.start_with_region()
        for body in ({"no_such_fault": True}, {"fail_next_create": True},
                     {"fail_next_load_oar": 1}, [1]):
            request = urllib.request.Request(f"http://127.0.0.1:{emulator.control_port}/faults",
                                             data=json.dumps(body).encode(), method="POST")
            with self.assertRaises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request, timeout=5)
            self.assertEqual(caught.exception.code, 400)
            caught.exception.close()


if __name__ == "__main__":
    unittest.main()
