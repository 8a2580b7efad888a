"""The region loader: Regions/*.ini read at start-up as the design facts describe."""

import json
import os
import socket
import threading
import time
import unittest

from harness import ALPHA_ID, EmulatorTestCase, free_port, region_keys, udp_port_in_use, write_ini

A = "aaaaaaaa-0000-0000-0000-000000000001"
B = "bbbbbbbb-0000-0000-0000-000000000002"


class Loader(EmulatorTestCase):
    def regions(self, emulator):
        return {r["name"]: r for r in emulator.state()["regions"]}

    def test_required_keys_alone_load_without_prompt_into_the_default_estate(self):
        port = free_port(socket.SOCK_DGRAM)
        write_ini(os.path.join(self.regions_dir, "a.ini"), {"Alpha": region_keys(A, 1000, 1001, port)})
        emulator = self.start(stdin_open=False)  # a prompt would meet end of input and stop it
        region = self.regions(emulator)["Alpha"]
        self.assertEqual((region["id"], region["x"], region["y"], region["port"], region["estate"], region["health"]),
                         (A, 1000, 1001, port, "My Estate", 4))
        self.assertIsNone(emulator.process.poll())

    def test_optional_and_extra_keys(self):
        keys = region_keys(A, 1000, 1000, free_port(socket.SOCK_DGRAM))
        keys.update({"SizeX": "512", "SizeY": "512", "SizeZ": "4096", "ResolveAddress": "False",
                     "RegionType": "Mainland", "DefaultLanding": "<128,128,30>", "NonPhysicalPrimMin": "0.001",
                     "NonPhysicalPrimMax": "256", "PhysicalPrimMin": "0.01", "PhysicalPrimMax": "64",
                     "ClampPrimSize": "False", "MaxPrims": "15000", "MaxPrimsPerUser": "-1",
                     "LinksetPrims": "0", "MaptileStaticUUID": "00000000-0000-0000-0000-000000000000",
                     "MaptileStaticFile": "", "MaxAgents": "40", "ScopeID": "00000000-0000-0000-0000-000000000000",
                     "AllowAlternatePorts": "False", "NonphysicalPrimMax": "10"})
        write_ini(os.path.join(self.regions_dir, "a.ini"), {"Alpha": keys})
        emulator = self.start(stdin_open=False)
        self.assertEqual(emulator.health("Alpha"), 4)

    def test_a_region_inside_a_larger_region_halts_start_up(self):
        keys = region_keys(A, 1000, 1000, free_port(socket.SOCK_DGRAM))
        keys.update({"SizeX": "512", "SizeY": "512"})
        # A 512 m region covers <1000..1001, 1000..1001>.
        self.assert_halts({"a.ini": {"Alpha": keys},
                           "b.ini": {"Beta": region_keys(B, 1001, 1001, free_port(socket.SOCK_DGRAM))}})

    def test_several_regions_in_one_file_and_lf_line_endings(self):
        write_ini(os.path.join(self.regions_dir, "two.ini"),
                  {"Alpha": region_keys(A, 1000, 1000, free_port(socket.SOCK_DGRAM)),
                   "Beta": region_keys(B, 1001, 1000, free_port(socket.SOCK_DGRAM))}, newline="\n")
        emulator = self.start(stdin_open=False)
        self.assertEqual(sorted(self.regions(emulator)), ["Alpha", "Beta"])

    def test_crlf_comments_and_files_that_are_not_ini_are_skipped(self):
        port = free_port(socket.SOCK_DGRAM)
        with open(os.path.join(self.regions_dir, "a.ini"), "w", newline="") as handle:
            handle.write(f"; a comment\r\n[Alpha]\r\nRegionUUID = {A}\r\nLocation = 1000,1000 ; here\r\n"
                         f"InternalAddress = 127.0.0.1\r\nInternalPort = {port}\r\n"
                         f"ExternalHostName = \"127.0.0.1\"\r\n")
        with open(os.path.join(self.regions_dir, "notes.txt"), "w") as handle:
            handle.write("[Ignored]\nRegionUUID = nonsense\n")
        emulator = self.start(stdin_open=False)
        self.assertEqual(list(self.regions(emulator)), ["Alpha"])

    def test_regions_dir_option(self):
        other = os.path.join(self.sim_dir, "elsewhere")
        os.makedirs(other)
        write_ini(os.path.join(other, "a.ini"), {"Alpha": region_keys(A, 1000, 1000, free_port(socket.SOCK_DGRAM))})
        emulator = self.start("--regions-dir", other, stdin_open=False)
        self.assertEqual(list(self.regions(emulator)), ["Alpha"])

    def assert_halts(self, files):
        for name, sections in files.items():
            write_ini(os.path.join(self.regions_dir, name), sections)
        emulator = self.start(wait=False)
        self.assertEqual(emulator.wait_exit(), 1)
        self.assertIn("Halting startup due to conflicts in region configurations", emulator.output())

    def test_duplicate_uuid_across_files_halts(self):
        self.assert_halts({"a.ini": {"Alpha": region_keys(A, 1000, 1000, free_port(socket.SOCK_DGRAM))},
                           "b.ini": {"Beta": region_keys(A, 1001, 1000, free_port(socket.SOCK_DGRAM))}})

    def test_duplicate_location_across_files_halts(self):
        self.assert_halts({"a.ini": {"Alpha": region_keys(A, 1000, 1000, free_port(socket.SOCK_DGRAM))},
                           "b.ini": {"Beta": region_keys(B, 1000, 1000, free_port(socket.SOCK_DGRAM))}})

    def test_duplicate_port_across_files_halts(self):
        port = free_port(socket.SOCK_DGRAM)
        self.assert_halts({"a.ini": {"Alpha": region_keys(A, 1000, 1000, port)},
                           "b.ini": {"Beta": region_keys(B, 1001, 1000, port)}})

    def test_bad_value_stops_start_up(self):
        keys = region_keys(A, 1000, 1000, 9000)
        keys["InternalPort"] = "ninety"
        write_ini(os.path.join(self.regions_dir, "a.ini"), {"Alpha": keys})
        emulator = self.start(wait=False)
        self.assertEqual(emulator.wait_exit(), 1)
        self.assertIn("Input string was not in a correct format.", emulator.output())

    def test_target_estate_by_name_and_by_id_only_while_the_region_has_no_estate(self):
        with open(os.path.join(self.sim_dir, "emulator-estates.json"), "w") as handle:
            json.dump({"estates": [{"id": 101, "name": "My Estate", "owner": "x", "public": True},
                                   {"id": 102, "name": "Second", "owner": "x", "public": True},
                                   {"id": 103, "name": "Third", "owner": "x", "public": True}], "links": {}}, handle)
        alpha = region_keys(A, 1000, 1000, free_port(socket.SOCK_DGRAM))
        alpha["TargetEstate"] = "Second"
        beta = region_keys(B, 1001, 1000, free_port(socket.SOCK_DGRAM))
        beta["TargetEstate"] = "103"
        write_ini(os.path.join(self.regions_dir, "a.ini"), {"Alpha": alpha, "Beta": beta})
        emulator = self.start(stdin_open=False)
        self.assertEqual({n: r["estate"] for n, r in self.regions(emulator).items()},
                         {"Alpha": "Second", "Beta": "Third"})
        emulator.stop()
        alpha["TargetEstate"] = "Third"  # ignored: Alpha already belongs to an estate
        write_ini(os.path.join(self.regions_dir, "a.ini"), {"Alpha": alpha, "Beta": beta})
        emulator = self.start(stdin_open=False)
        self.assertEqual(self.regions(emulator)["Alpha"]["estate"], "Second")


class StartupPrompt(EmulatorTestCase):
    def test_missing_required_key_prompts_and_takes_the_answer(self):
        keys = region_keys(A, 1000, 1000, free_port(socket.SOCK_DGRAM))
        del keys["Location"]
        write_ini(os.path.join(self.regions_dir, "a.ini"), {"Alpha": keys})
        emulator = self.start(wait=False)
        self.assertTrue(emulator.wait_output("Region Location [1000,1000]: "), emulator.output())
        emulator.send_stdin("1002,1003\n")
        emulator.wait_ready()
        region = emulator.state()["regions"][0]
        self.assertEqual((region["x"], region["y"]), (1002, 1003))

    def test_missing_required_key_with_stdin_closed_stops(self):
        keys = region_keys(A, 1000, 1000, free_port(socket.SOCK_DGRAM))
        del keys["RegionUUID"]
        write_ini(os.path.join(self.regions_dir, "a.ini"), {"Alpha": keys})
        emulator = self.start(wait=False, stdin_open=False)
        self.assertNotIn(emulator.wait_exit(), (None, 0))
        self.assertIn("RegionUUID [", emulator.output())

    def test_region_made_at_the_prompt_is_written_to_regions_ini(self):
        emulator = self.start(wait=False)
        self.assertTrue(emulator.wait_output("New region name []: "))
        port = free_port(socket.SOCK_DGRAM)
        emulator.send_stdin(f"Typed\n{A}\n1000,1000\n127.0.0.1\n{port}\n127.0.0.1\n")
        emulator.wait_ready()
        self.assertEqual(emulator.health("Typed"), 4)
        self.assertEqual(self.region_files(), ["Regions.ini"])



class CreateRegionConsole(EmulatorTestCase):
    """`create region ["region name"] <region_file.ini>` (OpenSim.cs HandleCreateRegion, 0.9.2.2)."""

    def command(self, emulator, line):
        return emulator.call("admin_console_command", command=line)

    def write(self, name, sections):
        write_ini(os.path.join(self.regions_dir, name), sections)

    def test_loads_a_named_region_and_the_first_region_of_a_file_without_restart(self):
        emulator, _ = self.start_with_region()
        beta_port, gamma_port = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
        beta = region_keys("22222222-2222-2222-2222-222222222222", 1001, 1000, beta_port)
        beta.update({"MaxAgents": "50", "MaxPrims": "1234"})
        self.write("More Regions.ini", {"Beta": beta,
                                        "Gamma": region_keys("33333333-3333-3333-3333-333333333333", 1002, 1000,
                                                             gamma_port)})
        pid = emulator.state()["pid"]
        self.assertEqual(self.command(emulator, 'create region "More Regions.ini"'), {})  # the first region
        self.assertEqual(emulator.health("Beta"), 4)
        self.assertEqual(emulator.health("Gamma"), 0)
        self.assertEqual(self.command(emulator, 'create region Gamma "More Regions.ini"'), {})
        self.assertEqual(emulator.health("Gamma"), 4)
        self.assertTrue(udp_port_in_use(gamma_port))
        self.assertEqual(emulator.state()["pid"], pid)
        state = emulator.region_state("Beta")
        self.assertEqual((state["max_agents"], state["max_prims"], state["region_file"], state["persistent"]),
                         (50, 1234, "Regions/More Regions.ini", True))
        self.assertEqual(state["estate"]["name"], "My Estate")

    def test_a_region_with_a_spaced_name_is_quoted(self):
        emulator, _ = self.start_with_region()
        self.write("spaced.ini", {"Far Away": region_keys("22222222-2222-2222-2222-222222222222", 1005, 1000,
                                                         free_port(socket.SOCK_DGRAM))})
        self.command(emulator, 'create region "Far Away" spaced.ini')
        self.assertEqual(emulator.health("Far Away"), 4)

    def test_usage_and_a_live_uuid(self):
        emulator, _ = self.start_with_region()
        self.command(emulator, "create region")
        self.assertTrue(emulator.wait_output('Usage: create region ["region name"] <region_file.ini>\n'))
        self.command(emulator, "create region Alpha.txt")
        # The answer comes on the console: wait for it rather than count what has arrived so far.
        deadline = time.monotonic() + 10
        while emulator.output().count("Usage: create region") < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(emulator.output().count("Usage: create region"), 2)
        self.assertEqual(self.command(emulator, "create region Alpha.ini"), {})
        self.assertTrue(emulator.wait_output(f"ERROR: Cannot create region Alpha with ID {ALPHA_ID}, this ID is "
                                             "already assigned to region Alpha"))

    def test_a_missing_file_is_asked_for_and_written(self):
        emulator, _ = self.start_with_region()
        port = free_port(socket.SOCK_DGRAM)
        answers = []
        thread = threading.Thread(target=lambda: answers.append(self.command(emulator, "create region New new.ini")),
                                  daemon=True)
        thread.start()
        self.assertTrue(emulator.wait_output("RegionUUID ["), emulator.output())
        emulator.send_stdin("55555555-5555-5555-5555-555555555555\n")
        self.assertTrue(emulator.wait_output("Region Location [1000,1000]: "))
        emulator.send_stdin(f"1003,1000\n127.0.0.1\n{port}\n127.0.0.1\n")
        thread.join(10)
        self.assertEqual(answers, [{}])
        self.assertEqual(emulator.health("New"), 4)
        with open(os.path.join(self.regions_dir, "new.ini"), encoding="utf-8") as handle:
            self.assertIn("[New]", handle.read())

    def test_typed_on_the_console_it_asks_on_the_console_too(self):
        emulator, _ = self.start_with_region()
        port = free_port(socket.SOCK_DGRAM)
        emulator.send_stdin("create region Typed typed.ini\n")
        self.assertTrue(emulator.wait_output("RegionUUID ["), emulator.output())
        emulator.send_stdin(f"66666666-6666-6666-6666-666666666666\n1004,1000\n127.0.0.1\n{port}\n127.0.0.1\n")
        self.assertTrue(emulator.wait_health("Typed", lambda health: health == 4))

    def test_physics_is_the_simulators_not_the_regions(self):
        # 0.9.2.2 reads no per-region physics key (verified: a region file with Physics and
        # PhysicsEngine = basicphysics got BulletSim); the engine is [Startup] physics.
        keys = region_keys(ALPHA_ID, 1000, 1000, free_port(socket.SOCK_DGRAM))
        keys.update({"Physics": "basicphysics", "PhysicsEngine": "basicphysics"})
        write_ini(os.path.join(self.regions_dir, "Alpha.ini"), {"Alpha": keys})
        emulator = self.start()
        self.assertEqual(emulator.region_state("Alpha")["physics"], "BulletSim")
        emulator.stop()
        restarted = self.start("--physics", "ubODE")
        self.assertEqual(restarted.region_state("Alpha")["physics"], "ubODE")


if __name__ == "__main__":
    unittest.main()
