"""The traps of the design facts, one test each."""

import os
import socket
import threading
import time
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
        self.assertEqual(emulator.state()["estates"], [])
        with open(os.path.join(self.regions_dir, "First.ini"), "w") as handle:
            handle.write(f"[First]\nRegionUUID = 99999999-9999-9999-9999-999999999999\nLocation = 1000,1000\n"
                         f"InternalAddress = 127.0.0.1\nInternalPort = {port}\nExternalHostName = 127.0.0.1\n")
        self.assertEqual(emulator.call("admin_console_command", command="create region First.ini"), {})
        answer = emulator.create("Second", 1001, 1000, free_port(socket.SOCK_DGRAM), estate_name="Brand New",
                                 estate_owner_uuid=owner)
        self.assertIs(answer["success"], True, answer)

    def test_11_a_region_less_simulator_has_no_estate_to_create_into(self):
        emulator = self.start("--allow-regionless", "true")
        owner = emulator.state()["users"][0]
        port = free_port(socket.SOCK_DGRAM)
        self.assertEqual(emulator.create("First", 1000, 1000, port),
                         {"success": False, "error": "Estate owner details not provided."})
        self.assertEqual(emulator.create("First", 1000, 1000, port, estate_owner_first=owner["first"],
                                         estate_owner_last=owner["last"]),
                         {"success": False, "error": "Object reference not set to an instance of an object."})
        self.assertEqual(emulator.state()["regions"], [])

    def test_11_the_first_stub_region_creates_the_default_estate_then_creates_work(self):
        emulator, _ = self.start_with_region("--allow-regionless", "true")
        self.assertEqual([(e["id"], e["name"]) for e in emulator.state()["estates"]], [(101, "My Estate")])
        self.assertIs(emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM))["success"], True)

    def test_11_a_new_estate_needs_an_existing_owner(self):
        emulator, _ = self.start_with_region("--user", "Ada Lovelace=44444444-4444-4444-4444-444444444444")
        for owner in ({"estate_owner_uuid": "00000000-0000-0000-0000-000000000000"},
                      {"estate_owner_uuid": "55555555-5555-5555-5555-555555555555"},
                      {"estate_owner_first": "ada", "estate_owner_last": "lovelace"},
                      {"estate_owner_first": "Nobody", "estate_owner_last": "Here"}):
            self.assertEqual(emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM), estate_name="New",
                                             **owner),
                             {"success": False, "error": "Specified user was not found."}, owner)
        answer = emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM), estate_name="New",
                                 estate_owner_first="Ada", estate_owner_last="Lovelace")
        self.assertIs(answer["success"], True, answer)
        self.assertEqual([e["owner"] for e in emulator.state()["estates"] if e["name"] == "New"],
                         ["44444444-4444-4444-4444-444444444444"])

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

    def test_10_remoteadmin_answers_before_the_region_loader_has_finished(self):
        emulator, _ = self.start_with_region("--region-load-delay-ms", "1500", wait=False)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                answer = emulator.call("admin_get_opensim_version")
                break
            except OSError:
                time.sleep(0.02)
        self.assertIs(answer["success"], True)
        answered = time.monotonic()
        self.assertEqual(emulator.health("Alpha"), 0)  # the stub region is not loaded yet
        self.assertTrue(emulator.wait_health("Alpha", lambda health: health == 4))
        self.assertGreater(time.monotonic() - answered, 1.0)

    def test_10_the_measured_0_6_s(self):
        emulator, _ = self.start_with_region("--region-load-delay-ms", "600", wait=False)
        self.assertTrue(emulator.wait_output("Remote Admin Plugin Enabled"))
        self.assertEqual(emulator.health("Alpha"), 0)
        self.assertTrue(emulator.wait_health("Alpha", lambda health: health == 4))

    def test_12_an_estate_without_owner_asks_on_stdout_and_start_up_waits(self):
        emulator, _ = self.start_with_region("--no-default-estate-owner", wait=False)
        self.assertTrue(emulator.wait_output("Estate My Estate has no owner set."), emulator.output())
        self.assertTrue(emulator.wait_output("Estate owner first name [Test]: "))
        self.assertIs(emulator.call("admin_get_opensim_version")["success"], True)
        self.assertEqual(emulator.health("Alpha"), 0)  # start-up hangs on the question
        emulator.send_stdin("Test\n")
        self.assertTrue(emulator.wait_output("Estate owner last name [User]: "))
        emulator.send_stdin("User\n")
        self.assertTrue(emulator.wait_health("Alpha", lambda health: health == 4))
        owner = [e["owner"] for e in emulator.state()["estates"] if e["name"] == "My Estate"]
        self.assertEqual(owner, [emulator.state()["users"][0]["id"]])

    def test_12_an_unknown_owner_is_created_after_two_more_questions(self):
        emulator, _ = self.start_with_region("--no-default-estate-owner", wait=False)
        self.assertTrue(emulator.wait_output("Estate owner first name [Test]: "))
        emulator.send_stdin("Ada\nLovelace\nsecret\nada@example.org\n")
        self.assertTrue(emulator.wait_health("Alpha", lambda health: health == 4))
        self.assertIn("Password []: ", emulator.output())
        self.assertIn(("Ada", "Lovelace"), [(u["first"], u["last"]) for u in emulator.state()["users"]])

    def _create_in_background(self, emulator, call):
        answers = []
        thread = threading.Thread(target=lambda: answers.append(call()), daemon=True)
        thread.start()
        return thread, answers

    def test_12_a_create_into_an_estate_without_owner_asks_and_hangs_until_answered(self):
        # The estate exists without owner (a simulator stopped at the question earlier).
        emulator = self.start("--allow-regionless", "true", "--no-default-estate-owner", "--default-estate-at-start")
        thread, answers = self._create_in_background(
            emulator, lambda: emulator.create("First", 1000, 1000, free_port(socket.SOCK_DGRAM)))
        self.assertTrue(emulator.wait_output("Estate My Estate has no owner set.\nEstate owner first name [Test]: "),
                        emulator.output())
        time.sleep(0.3)
        self.assertTrue(thread.is_alive())  # the create waits for the answer
        self.assertEqual(emulator.health("First"), 0)
        emulator.send_stdin("Test\n")
        self.assertTrue(emulator.wait_output("Estate owner last name [User]: "))
        emulator.send_stdin("User\n")
        thread.join(10)
        self.assertIs(answers[0]["success"], True, answers)
        self.assertEqual(emulator.health("First"), 4)
        self.assertEqual([e["owner"] for e in emulator.state()["estates"]], [emulator.state()["users"][0]["id"]])

    def test_12_console_create_region_of_a_region_less_simulator_asks_too(self):
        emulator = self.start("--allow-regionless", "true", "--no-default-estate-owner")
        port = free_port(socket.SOCK_DGRAM)
        with open(os.path.join(self.regions_dir, "First.ini"), "w") as handle:
            handle.write(f"[First]\nRegionUUID = 99999999-9999-9999-9999-999999999999\nLocation = 1000,1000\n"
                         f"InternalAddress = 127.0.0.1\nInternalPort = {port}\nExternalHostName = 127.0.0.1\n")
        thread, answers = self._create_in_background(
            emulator, lambda: emulator.call("admin_console_command", command="create region First.ini"))
        self.assertTrue(emulator.wait_output("Estate owner first name [Test]: "), emulator.output())
        # The estate is stored before the question: a simulator stopped now keeps an owner-less estate.
        self.assertEqual([(e["name"], e["owner"]) for e in emulator.state()["estates"]],
                         [("My Estate", "00000000-0000-0000-0000-000000000000")])
        emulator.send_stdin("Ada\nLovelace\nsecret\nada@example.org\n")
        thread.join(10)
        self.assertEqual(answers, [{}])
        self.assertEqual(emulator.health("First"), 4)

    def test_12_an_owner_less_estate_asks_again_at_the_next_start(self):
        emulator, _ = self.start_with_region("--no-default-estate-owner", wait=False, stdin_open=False)
        self.assertEqual(emulator.wait_exit(), 1)
        again, _ = self.start_with_region("--no-default-estate-owner", wait=False)
        self.assertTrue(again.wait_output("Estate My Estate has no owner set."))

    def test_12_a_headless_simulator_stops_at_the_question(self):
        emulator, _ = self.start_with_region("--no-default-estate-owner", wait=False, stdin_open=False)
        self.assertEqual(emulator.wait_exit(), 1)
        self.assertIn("Estate My Estate has no owner set.", emulator.output())

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
        # Its first region cannot come from RemoteAdmin (trap 11), but a region file can be loaded.
        port = free_port(socket.SOCK_DGRAM)
        self.assertIs(emulator.create("First", 1000, 1000, port)["success"], False)
        with open(os.path.join(self.regions_dir, "First.ini"), "w") as handle:
            handle.write(f"[First]\nRegionUUID = 99999999-9999-9999-9999-999999999999\nLocation = 1000,1000\n"
                         f"InternalAddress = 127.0.0.1\nInternalPort = {port}\nExternalHostName = 127.0.0.1\n")
        emulator.call("admin_console_command", command="create region First.ini")
        self.assertEqual(emulator.health("First"), 4)
        self.assertTrue(udp_port_in_use(port))

    def test_8_default_estate_at_start_keeps_the_old_region_less_create(self):
        emulator = self.start("--allow-regionless", "true", "--default-estate-at-start", stdin_open=False)
        self.assertIs(emulator.create("First", 1000, 1000, free_port(socket.SOCK_DGRAM))["success"], True)


if __name__ == "__main__":
    unittest.main()
