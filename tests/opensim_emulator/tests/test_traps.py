"""The traps of the design facts, one test each."""

import os
import socket
import unittest
import xmlrpc.client

from harness import EmulatorTestCase, free_port, udp_port_in_use


class Traps(EmulatorTestCase):
    def test_1_delete_leaves_the_ini_and_the_region_returns_on_the_next_start(self):
        emulator, _ = self.start_with_region()
        self.assertIs(emulator.call("admin_delete_region", region_name="Alpha")["success"], True)
        self.assertEqual(self.region_files(), ["Alpha.ini"])
        emulator.stop()
        emulator = self.start()
        self.assertEqual(emulator.health("Alpha"), 4)

    def test_2_failed_create_with_persist_leaves_an_ini_that_halts_the_next_start(self):
        emulator, _ = self.start_with_region()
        port = free_port(socket.SOCK_DGRAM)
        failed = emulator.create("Beta", 1001, 1000, port, persist="true", estate_name="New Estate")
        self.assertEqual(failed, {"success": False, "error": "Estate owner details not provided."})
        self.assertEqual(emulator.health("Beta"), 0)
        self.assertEqual(len(self.region_files()), 2, self.region_files())  # Alpha.ini + the leftover
        retried = emulator.create("Beta", 1001, 1000, port, persist="true")
        self.assertIs(retried["success"], True)
        emulator.stop()
        restarted = self.start()
        self.assertEqual(restarted.wait_exit(), 1)
        self.assertIn("Halting startup due to conflicts in region configurations", restarted.output())

    def test_3_duplicate_ports_are_allowed(self):
        emulator, alpha_port = self.start_with_region()
        answer = emulator.create("Beta", 1001, 1000, alpha_port)
        self.assertIs(answer["success"], True, answer)
        self.assertEqual(emulator.health("Alpha"), 4)
        self.assertEqual(emulator.health("Beta"), 4)
        self.assertEqual([r["port"] for r in emulator.state()["regions"]], [alpha_port, alpha_port])

    def test_4_restart_restarts_all_regions(self):
        emulator, _ = self.start_with_region("--restart-delay-ms", "800")
        emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM))
        emulator.call("admin_restart", region_name="Beta", milliseconds=0)
        self.assertTrue(emulator.wait_state(lambda state: all(r["health"] == 0 for r in state["regions"])),
                        "the regions did not go down together")
        self.assertTrue(emulator.wait_health("Alpha", lambda h: h == 4))
        self.assertTrue(emulator.wait_health("Beta", lambda h: h == 4))

    def test_5_first_region_with_a_new_estate_fails(self):
        emulator = self.start("--allow-regionless", "true")
        owner = emulator.state()["users"][0]["id"]
        port = free_port(socket.SOCK_DGRAM)
        answer = emulator.create("First", 1000, 1000, port, estate_name="Brand New", estate_owner_uuid=owner)
        self.assertEqual(answer, {"success": False,
                                  "error": "Object reference not set to an instance of an object."})
        self.assertIs(emulator.create("First", 1000, 1000, port)["success"], True)  # default estate
        answer = emulator.create("Second", 1001, 1000, free_port(socket.SOCK_DGRAM), estate_name="Brand New",
                                 estate_owner_uuid=owner)
        self.assertIs(answer["success"], True, answer)

    def test_6_exit_during_create_kills_the_simulator(self):
        emulator, _ = self.start_with_region()
        emulator.faults({"exit_during_create": True})
        with self.assertRaises((ConnectionError, xmlrpc.client.ProtocolError, OSError)):
            emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM))
        self.assertEqual(emulator.wait_exit(), 1)

    def test_7_conflicting_region_files_halt_start_up(self):
        # Each kind of conflict is in test_loader; this is the trap as the bridge meets it.
        emulator, port = self.start_with_region()
        emulator.stop()
        with open(os.path.join(self.regions_dir, "Copy.ini"), "w") as handle:
            handle.write(f"[Copy]\nRegionUUID = 99999999-9999-9999-9999-999999999999\nLocation = 1005,1005\n"
                         f"InternalAddress = 127.0.0.1\nInternalPort = {port}\nExternalHostName = 127.0.0.1\n")
        restarted = self.start()
        self.assertEqual(restarted.wait_exit(), 1)
        self.assertIn("Halting startup due to conflicts in region configurations", restarted.output())

    def test_8_no_region_files_blocks_at_a_prompt_and_needs_stdin(self):
        emulator = self.start(wait=False)
        self.assertTrue(emulator.wait_output("New region name []: "), emulator.output())
        # RemoteAdmin answers while start-up is blocked: "RemoteAdmin is up" is not "regions are up".
        self.assertIs(emulator.call("admin_get_opensim_version")["success"], True)
        self.assertEqual(emulator.state()["regions"], [])
        self.assertIsNone(emulator.process.poll())
        emulator.close_stdin()
        self.assertNotIn(emulator.wait_exit(), (None, 0))

    def test_8_headless_with_stdin_at_end_of_input_stops_at_the_prompt(self):
        emulator = self.start(wait=False, stdin_open=False)
        self.assertNotIn(emulator.wait_exit(), (None, 0))

    def test_8_allow_regionless_starts_without_a_prompt(self):
        emulator = self.start("--allow-regionless", "true", stdin_open=False)
        self.assertIn("Startup complete, 0 region(s) up", emulator.output())
        self.assertIsNone(emulator.process.poll())
        port = free_port(socket.SOCK_DGRAM)
        self.assertIs(emulator.create("First", 1000, 1000, port)["success"], True)
        self.assertTrue(udp_port_in_use(port))


if __name__ == "__main__":
    unittest.main()
