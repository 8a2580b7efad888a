"""The console's estate lines and the simulator's user service, with the texts a real OpenSim
0.9.2.2 printed for the same lines (README "Facts → tests")."""

import os
import socket
import unittest
import urllib.error

from harness import ALPHA_ID, EmulatorTestCase, free_port

OWNER = "3e0a2d7c-5f7b-4c4e-9d3a-000000000001"  # the emulator's default estate owner, "Test User"
ADA = "44444444-4444-4444-4444-444444444444"
BETA_ID = "22222222-2222-2222-2222-222222222222"


class EstateConsole(EmulatorTestCase):
    def start_two(self, *args):
        emulator, _ = self.start_with_region("--user", f"Ada Lovelace={ADA}", *args)
        emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM), region_id=BETA_ID)
        return emulator

    def console(self, emulator, line, *expected):
        """Run the line through RemoteAdmin: the answer is {} and the console shows each expected line."""
        self.assertEqual(emulator.call("admin_console_command", command=line), {})
        for text in expected:
            self.assertTrue(emulator.wait_output(text + "\n"), f"{line!r}: no {text!r} in\n{emulator.output()[-2000:]}")

    def estates(self, emulator):
        return {e["id"]: (e["name"], e["owner"]) for e in emulator.state()["estates"]}

    def test_estate_show_prints_a_table_per_region(self):
        emulator = self.start_two()
        self.console(emulator, "change region Alpha")
        # Not filtered by the selected region: both tables, in region order.
        self.console(emulator, "estate show",
                     "Estate information for region Alpha\n"
                     "Estate Name          ID      Owner               \n"
                     "My Estate            101     Test User           \n"
                     "\n"
                     "Estate information for region Beta\n"
                     "Estate Name          ID      Owner               \n"
                     "My Estate            101     Test User           ")

    def test_estate_create(self):
        emulator = self.start_two()
        self.console(emulator, "estate create", "No user specified.")
        self.console(emulator, "estate create notauuid Foo", "notauuid is not a valid UUID")
        self.console(emulator, f"estate create {OWNER}", "No estate name specified.")
        self.console(emulator, "estate create 00000000-0000-0000-0000-000000000000 Zero Estate",
                     "Could not find user 00000000-0000-0000-0000-000000000000")
        self.console(emulator, "estate create 55555555-5555-5555-5555-555555555555 Nobody Estate",
                     "Could not find user 55555555-5555-5555-5555-555555555555")
        self.console(emulator, f"estate create {OWNER} My Estate", 'An estate named "My Estate" already exists.')
        self.console(emulator, f"estate create {ADA}  Second   Estate  ", 'Estate 102 created as "Second Estate"')
        self.console(emulator, f"estate create {OWNER} my estate", 'Estate 103 created as "my estate"')
        self.console(emulator, f'estate create {OWNER} "Quoted Estate"', 'Estate 104 created as "Quoted Estate"')
        self.assertEqual(self.estates(emulator), {101: ("My Estate", OWNER), 102: ("Second Estate", ADA),
                                                  103: ("my estate", OWNER), 104: ("Quoted Estate", OWNER)})

    def test_estate_set_owner(self):
        emulator = self.start_two()
        self.console(emulator, f"estate create {OWNER} Second", 'Estate 102 created as "Second"')
        self.console(emulator, "estate set owner", "No estate specified.")
        self.console(emulator, "estate set owner x", '"x" is not a valid ID for an Estate')
        self.console(emulator, "estate set owner 102", "No user specified.")
        self.console(emulator, "estate set owner 102 notauuid", "Invalid UUID notauuid")
        self.console(emulator, "estate set owner 102 00000000-0000-0000-0000-000000000000",
                     "Could not find user 00000000-0000-0000-0000-000000000000")
        self.console(emulator, f"estate set owner 102 {OWNER}",
                     f"Estate already belongs to {OWNER} (Test User)")
        self.console(emulator, f"estate set owner 999 {OWNER}", "No estate found with ID 999")
        self.console(emulator, "estate set owner 102 ada lovelace", "Could not find user ada lovelace")
        self.console(emulator, "estate set owner 102 Ada Lovelace",
                     f"Estate owner changed to {ADA} (Ada Lovelace)")
        self.assertTrue(emulator.wait_output(f"[ESTATE]: Estate Owner for Second changed to {ADA} (Ada Lovelace)"))
        self.console(emulator, f"estate set owner 101 {ADA}", f"Estate owner changed to {ADA} (Ada Lovelace)")
        self.assertEqual(self.estates(emulator), {101: ("My Estate", ADA), 102: ("Second", ADA)})

    def test_an_owner_change_reaches_the_regions_at_admin_estate_reload(self):
        emulator = self.start_two()
        self.console(emulator, f"estate set owner 101 {ADA}")
        # The running regions keep the estate they loaded (verified: estate show still says Test User).
        self.assertEqual(emulator.region_state("Alpha")["estate"]["owner"], OWNER)
        self.console(emulator, "estate show", "My Estate            101     Test User           ")
        self.assertIs(emulator.call("admin_estate_reload")["success"], True)
        self.assertEqual(emulator.region_state("Alpha")["estate"],
                         {"id": 101, "name": "My Estate", "owner": ADA, "owner_name": "Ada Lovelace"})
        self.console(emulator, "estate show", "My Estate            101     Ada Lovelace        ")

    def test_estate_set_name(self):
        emulator = self.start_two()
        self.console(emulator, f"estate create {OWNER} Second", 'Estate 102 created as "Second"')
        self.console(emulator, "estate set name", "No estate specified.")
        self.console(emulator, "estate set name abc Foo", '"abc" is not a valid ID for an Estate')
        self.console(emulator, "estate set name 102", "No name specified.")
        self.console(emulator, "estate set name 102 Second", 'Estate 102 is already named "Second"')
        self.console(emulator, "estate set name 102 My Estate", 'An estate named "My Estate" already exists.')
        self.console(emulator, "estate set name 999 Whatever", "No estate found with ID 999")
        self.console(emulator, "estate set name 102  Renamed   Estate ", 'Estate 102 renamed to "Renamed Estate"')
        self.assertTrue(emulator.wait_output('[ESTATE]: Estate 102 renamed from "Second" to "Renamed Estate"'))
        self.assertEqual(self.estates(emulator)[102], ("Renamed Estate", OWNER))

    def test_estate_link_region_moves_the_running_region(self):
        emulator = self.start_two()
        self.console(emulator, f"estate create {ADA} Second", 'Estate 102 created as "Second"')
        self.console(emulator, "estate link region", "No estate specified.")
        self.console(emulator, "estate link region 102", "No region specified.")
        self.console(emulator, "estate link region 102 notauuid", '"notauuid" is not a valid UUID for a Region')
        self.console(emulator, "estate link region 102 99999999-9999-9999-9999-999999999999",
                     'No access to Region "99999999-9999-9999-9999-999999999999"')
        self.console(emulator, f"estate link region 999 {BETA_ID}", "No estate found with ID 999")
        self.console(emulator, f"estate link region 101 {BETA_ID}", '"Beta" is already part of estate 101')
        self.console(emulator, f"estate link region 102 {BETA_ID}",
                     f"Region {BETA_ID} is now attached to estate 102")
        self.assertTrue(emulator.wait_output(f"[ESTATE]: Region {BETA_ID} (Beta) moved to Estate 102 (Second)."))
        self.console(emulator, "estate show", "Second               102     Ada Lovelace        ")
        self.assertEqual(emulator.region_state("Beta")["estate"],
                         {"id": 102, "name": "Second", "owner": ADA, "owner_name": "Ada Lovelace"})
        self.assertEqual([r["estate_id"] for r in emulator.state()["regions"]], [101, 102])
        # The link is in the database: a re-created Beta joins estate 102 again.
        emulator.call("admin_close_region", region_name="Beta")
        emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM), region_id=BETA_ID)
        self.assertEqual(emulator.region_state("Beta")["estate"]["id"], 101)  # estate_name wins for RemoteAdmin

    def test_estate_lines_in_a_region_less_simulator_throw(self):
        emulator = self.start("--allow-regionless", "true")
        error = {"success": False, "error": "Object reference not set to an instance of an object"}
        self.assertEqual(emulator.call("admin_console_command", command=f"estate create {OWNER} Foo"), error)
        self.assertEqual(emulator.call("admin_console_command", command="estate set owner 101 Test User"), error)
        self.assertEqual(emulator.call("admin_console_command", command="estate set name 101 Foo"), error)
        self.assertEqual(emulator.call("admin_console_command", command="estate show"), {})
        self.console(emulator, f"estate link region 101 {ALPHA_ID}", f'No access to Region "{ALPHA_ID}"')
        self.assertEqual(emulator.state()["estates"], [])


class Users(EmulatorTestCase):
    def test_users_from_the_command_line_and_the_control_endpoint_outlive_a_restart(self):
        emulator, _ = self.start_with_region("--user", f"Ada Lovelace={ADA}", "--user", "Alan Turing")
        users = {(u["first"], u["last"]): u["id"] for u in emulator.state()["users"]}
        self.assertEqual(users[("Test", "User")], OWNER)
        self.assertEqual(users[("Ada", "Lovelace")], ADA)
        self.assertIn(("Alan", "Turing"), users)
        added = emulator.control_post("/users", {"first": "Grace", "last": "Hopper"})
        self.assertEqual((added["first"], added["last"]), ("Grace", "Hopper"))
        emulator.stop()
        restarted = self.start()
        self.assertIn(added, restarted.state()["users"])
        self.assertEqual(restarted.call("admin_console_command", command=f"estate set owner 101 {added['id']}"), {})
        self.assertTrue(restarted.wait_output(f"Estate owner changed to {added['id']} (Grace Hopper)"))

    def test_bad_users_are_refused(self):
        emulator, _ = self.start_with_region()
        for body in ({"first": "", "last": "X"}, {"first": "A B", "last": "X"}, {"first": "A"},
                     {"first": "A", "last": "B", "id": "00000000-0000-0000-0000-000000000000"},
                     {"first": "A", "last": "B", "id": "nope"}, {"first": "Test", "last": "User"}):
            with self.assertRaises(urllib.error.HTTPError, msg=body) as caught:
                emulator.control_post("/users", body)
            self.assertEqual(caught.exception.code, 400, body)
            caught.exception.close()

    def test_bad_user_option(self):
        emulator = self.start("--user", "Ada", wait=False)
        self.assertEqual(emulator.wait_exit(), 2)


if __name__ == "__main__":
    unittest.main()
