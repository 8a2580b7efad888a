"""Avatars and notices (issue 13): admin_get_agents, admin_get_agent_count, admin_dialog and
admin_broadcast as a real 0.9.2.2 answers them, with avatars a test puts on a region."""

import json
import socket
import urllib.error
import urllib.request

from harness import ALPHA_ID, EmulatorTestCase, free_port

ADA = {"name": "Ada Lovelace", "id": "aaaaaaaa-0000-0000-0000-000000000001"}
BOB = {"name": "Bob Builder", "id": "bbbbbbbb-0000-0000-0000-000000000002"}


class Agents(EmulatorTestCase):
    def set_agents(self, emulator, region, agents):
        return emulator.change(region, "agents", {"agents": agents})

    def messages(self, emulator):
        with urllib.request.urlopen(f"http://127.0.0.1:{emulator.control_port}/messages", timeout=5) as reply:
            return json.loads(reply.read())["messages"]

    def test_no_avatar_answers_one_region_with_an_empty_list(self):
        # Verified on 0.9.2.2: {success: true, regions: [{name, id, agents: []}]}, by name or id.
        emulator, _ = self.start_with_region()
        expected = {"success": True, "regions": [{"name": "Alpha", "id": ALPHA_ID, "agents": []}]}
        self.assertEqual(emulator.call("admin_get_agents", region_name="Alpha"), expected)
        self.assertEqual(emulator.call("admin_get_agents", region_id=ALPHA_ID), expected)
        self.assertEqual(emulator.call("admin_get_agents", region_name="Alpha", include_children="true"), expected)

    def test_region_errors(self):
        emulator, _ = self.start_with_region()
        self.assertError(emulator.call("admin_get_agents", region_name="Nowhere"), "Region Nowhere not found")
        self.assertError(emulator.call("admin_get_agents"), "no region_name or region_id given")
        self.assertError(emulator.call("admin_get_agent_count", region_name="Nowhere"), "Region Nowhere not found")

    def test_avatars_set_by_the_test_are_listed_in_opensims_shape_and_counted(self):
        emulator, _ = self.start_with_region()
        self.assertEqual(self.set_agents(emulator, "Alpha", [ADA, BOB]), {"agents": [ADA, BOB]})
        answer = emulator.call("admin_get_agents", region_name="Alpha")
        self.assertIs(answer["success"], True)
        (region,) = answer["regions"]
        self.assertEqual((region["name"], region["id"]), ("Alpha", ALPHA_ID))
        self.assertEqual([(a["name"], a["id"], a["type"]) for a in region["agents"]],
                         [(ADA["name"], ADA["id"], "User"), (BOB["name"], BOB["id"], "User")])
        # Every other value is a .NET ToString(), as XmlRpcGetAgentsMethod writes it.
        self.assertEqual(region["agents"][0]["is_flying"], "False")
        self.assertIsInstance(region["agents"][0]["pos_x"], str)
        self.assertEqual(emulator.call("admin_get_agent_count", region_name="Alpha"), {"success": True, "count": 2})
        self.set_agents(emulator, "Alpha", [])
        self.assertEqual(emulator.call("admin_get_agents", region_name="Alpha")["regions"][0]["agents"], [])
        self.assertEqual(emulator.call("admin_get_agent_count", region_name="Alpha")["count"], 0)

    def test_avatars_leave_with_a_closed_region(self):
        emulator, _ = self.start_with_region()
        self.set_agents(emulator, "Alpha", [ADA])
        emulator.call("admin_close_region", region_name="Alpha")
        self.assertError(emulator.call("admin_get_agents", region_name="Alpha"), "Region Alpha not found")

    def test_avatars_are_logged_out_by_a_restart(self):
        emulator, _ = self.start_with_region()
        self.set_agents(emulator, "Alpha", [ADA])
        emulator.call("admin_restart", region_name="Alpha", milliseconds="0")
        self.assertTrue(emulator.wait_output("[RESTART]: All regions are back"))
        self.assertEqual(emulator.call("admin_get_agent_count", region_name="Alpha")["count"], 0)

    def test_bad_agent_bodies_are_refused_by_field(self):
        emulator, _ = self.start_with_region()
        for body, field in (({"agents": "x"}, "agents"), ({"agents": [{"name": "Ada", "id": ADA["id"]}]}, "name"),
                            ({"agents": [{"name": "Ada Lovelace", "id": "nope"}]}, "id")):
            with self.assertRaises(urllib.error.HTTPError) as raised:
                emulator.change("Alpha", "agents", body)
            self.assertEqual(raised.exception.code, 400)
            self.assertIn(field, json.loads(raised.exception.read())["error"])
        with self.assertRaises(urllib.error.HTTPError) as raised:
            emulator.change("Nowhere", "agents", {"agents": []})
        self.assertEqual(raised.exception.code, 404)

    def test_dialog_and_broadcast_reach_every_region_and_are_recorded(self):
        emulator, _ = self.start_with_region()
        emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM))
        # Verified on 0.9.2.2: {accepted: true, success: true}, also without message or from.
        self.assertEqual(emulator.call("admin_dialog", message="Alpha moves in 30 s", **{"from": "VergeGrid"}),
                         {"accepted": True, "success": True})
        self.assertEqual(emulator.call("admin_dialog", **{"from": "VergeGrid"}), {"accepted": True, "success": True})
        self.assertEqual(emulator.call("admin_broadcast", message="Alpha moves"), {"accepted": True, "success": True})
        self.assertEqual(self.messages(emulator), [
            {"method": "admin_dialog", "message": "Alpha moves in 30 s", "from": "VergeGrid", "regions": ["Alpha", "Beta"]},
            {"method": "admin_dialog", "message": None, "from": "VergeGrid", "regions": ["Alpha", "Beta"]},
            {"method": "admin_broadcast", "message": "Alpha moves", "from": None, "regions": ["Alpha", "Beta"]}])
        self.assertTrue(emulator.wait_output("[RADMIN]: Broadcasting: Alpha moves in 30 s"))

    def test_wrong_password(self):
        emulator, _ = self.start_with_region()
        self.assertError(emulator.call("admin_dialog", password="nope", message="x"), "wrong password")
        self.assertEqual(self.messages(emulator), [])
