"""admin_save_oar / admin_load_oar as the facts page's section "Region state, settings and estates"
describes them: real gzip'd tars in OpenSim's layout, the >= 5 s answer that proves nothing, the
region cleared before a load, merge."""

import gzip
import io
import os
import socket
import struct
import tarfile
import threading
import time
import unittest
import xml.etree.ElementTree as ET

from harness import ALPHA_ID, EmulatorTestCase, free_port


def entries(path):
    with tarfile.open(path, "r:gz") as archive:
        return {member.name: archive.extractfile(member).read() for member in archive.getmembers()}


def gzip_is_whole(path):
    try:
        with gzip.open(path, "rb") as handle:
            handle.read()
        return True
    except EOFError:
        return False


class SaveOar(EmulatorTestCase):
    def save(self, emulator, name="snap.oar", **options):
        path = os.path.join(self.sim_dir, name)
        answer = emulator.call("admin_save_oar", region_name="Alpha", filename=path, **options)
        return path, answer

    def test_archive_has_opensims_layout(self):
        emulator, _ = self.start_with_region()
        box = emulator.add_object("Alpha", "Box", (10.4, 20.6, 30), script_state="<Running>True</Running>",
                                  texture=True, mesh=True)
        path, answer = self.save(emulator)
        self.assertEqual(answer, {"saved": True})
        self.assertTrue(emulator.wait_output("[ARCHIVER]: Finished writing out OAR for Alpha"))
        files = entries(path)
        parcel = emulator.region_state("Alpha")["parcels"][0]["id"]
        script, texture = (item["asset_id"] for item in box["items"])
        self.assertEqual(list(files), [
            "archive.xml", "settings/Alpha.xml", f"landdata/{parcel}.xml", "terrains/Alpha.r32",
            f"objects/Box_010-021-030__{box['id']}.xml",
            f"assets/{script}_script.lsl", f"assets/{texture}_texture.jp2", f"assets/{box['mesh']}_mesh.llmesh"])
        control = ET.fromstring(files["archive.xml"].decode())
        self.assertEqual((control.get("major_version"), control.get("minor_version")), ("0", "8"))
        self.assertEqual(control.findtext("creation_info/id"), ALPHA_ID)
        self.assertEqual(control.findtext("assets_included"), "True")
        # terrains/<region>.r32: 4-byte little-endian floats, 256 x 256; a fresh region is flat 21 m.
        terrain = files["terrains/Alpha.r32"]
        self.assertEqual(len(terrain), 4 * 256 * 256)
        self.assertEqual(set(struct.unpack("<65536f", terrain)), {21.0})
        obj = ET.fromstring(files[f"objects/Box_010-021-030__{box['id']}.xml"].decode())
        self.assertEqual(obj.findtext("SceneObjectPart/Name"), "Box")
        self.assertEqual(obj.findtext("GroupScriptStates/SavedScriptState/State/ScriptState"),
                         "<Running>True</Running>")

    def test_xml_declares_utf16_but_is_utf8(self):
        emulator, _ = self.start_with_region()
        emulator.add_object("Alpha", "Caf\u00e9")
        path, _ = self.save(emulator)
        self.assertTrue(emulator.wait_output("Finished writing out OAR"))
        xml_files = {name: data for name, data in entries(path).items() if name.endswith(".xml")}
        self.assertEqual(len(xml_files), 4)
        for name, data in xml_files.items():
            self.assertTrue(data.startswith(b'<?xml version="1.0" encoding="utf-16"?>'), name)
            data.decode("utf-8")  # really UTF-8
            with self.assertRaises(ET.ParseError, msg=name):
                ET.fromstring(data)  # a strict parser believes the declaration and refuses the bytes
        settings = ET.fromstring(xml_files["settings/Alpha.xml"].decode("utf-8"))
        self.assertEqual(settings.findtext("Terrain/WaterHeight"), "20")
        self.assertEqual(settings.findtext("General/AgentLimit"), "40")
        self.assertEqual(settings.findtext("General/AllowDamage"), "False")

    def test_noassets_leaves_out_assets(self):
        emulator, _ = self.start_with_region()
        emulator.add_object("Alpha", "Box", script_state="s", texture=True)
        path, answer = self.save(emulator, noassets="true")
        self.assertEqual(answer, {"saved": True})
        self.assertTrue(emulator.wait_output("Finished writing out OAR"))
        files = entries(path)
        self.assertFalse([name for name in files if name.startswith("assets/")])
        self.assertEqual(ET.fromstring(files["archive.xml"].decode()).findtext("assets_included"), "False")

    def test_an_empty_region_is_a_small_archive(self):
        emulator, _ = self.start_with_region()
        path, _ = self.save(emulator)
        self.assertTrue(emulator.wait_output("Finished writing out OAR"))
        self.assertTrue(1000 < os.path.getsize(path) < 3000, os.path.getsize(path))  # facts: about 1.8 KB

    def test_all_writes_a_multi_region_archive(self):
        emulator, _ = self.start_with_region()
        emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM))
        path, answer = self.save(emulator, all="true")
        self.assertEqual(answer, {"saved": True})
        self.assertTrue(emulator.wait_output("Finished writing out OAR"))
        files = entries(path)
        self.assertIn("regions/Alpha/terrains/Alpha.r32", files)
        self.assertIn("regions/Beta/settings/Beta.xml", files)
        self.assertEqual(ET.fromstring(files["archive.xml"].decode()).get("major_version"), "1")

    def test_answers_after_the_fixed_wait_even_when_writing_finished_long_before(self):
        emulator, _ = self.start_with_region("--save-oar-delay-ms", "1500")
        started = time.monotonic()
        path, answer = self.save(emulator)
        elapsed = time.monotonic() - started
        self.assertEqual(answer, {"saved": True})
        self.assertGreaterEqual(elapsed, 1.5)
        self.assertTrue(emulator.wait_output("Save OAR Request complete"))
        finished = emulator.output().index("Finished writing out OAR for Alpha")
        self.assertLess(finished, emulator.output().index("Save OAR Request complete"))

    def test_the_default_wait_is_five_seconds(self):
        emulator, _ = self.start_with_region(fast=False)
        started = time.monotonic()
        _, answer = self.save(emulator)
        self.assertEqual(answer, {"saved": True})
        self.assertGreaterEqual(time.monotonic() - started, 5.0)

    def test_saved_true_while_the_archive_is_still_incomplete(self):
        emulator, _ = self.start_with_region()
        emulator.faults({"slow_oar_write_s": 2})
        path, answer = self.save(emulator)
        self.assertEqual(answer, {"saved": True})
        # The answer came; the archive is not whole yet and the log has not said it finished.
        self.assertNotIn("Finished writing out OAR", emulator.output())
        self.assertTrue(os.path.exists(path))
        self.assertFalse(gzip_is_whole(path))
        self.assertTrue(emulator.wait_output("[ARCHIVER]: Finished writing out OAR for Alpha"))
        self.assertTrue(gzip_is_whole(path))
        self.assertIn("terrains/Alpha.r32", entries(path))

    def test_the_simulator_dies_mid_write_and_leaves_a_truncated_archive(self):
        emulator, _ = self.start_with_region()
        emulator.add_object("Alpha", "Box")
        emulator.faults({"die_during_oar_write": True})
        with self.assertRaises(OSError):  # the connection goes with the process
            self.save(emulator)
        self.assertEqual(emulator.wait_exit(), 1)
        path = os.path.join(self.sim_dir, "snap.oar")
        self.assertGreater(os.path.getsize(path), 0)
        self.assertFalse(gzip_is_whole(path))
        with self.assertRaises((EOFError, tarfile.ReadError)):
            entries(path)
        self.assertNotIn("Finished writing out OAR", emulator.output())

    def test_dying_after_the_answer(self):
        emulator, _ = self.start_with_region()
        emulator.faults({"die_during_oar_write": True, "slow_oar_write_s": 2})
        path, answer = self.save(emulator)
        self.assertEqual(answer, {"saved": True})
        self.assertEqual(emulator.wait_exit(), 1)
        self.assertFalse(gzip_is_whole(path))

    def test_a_missing_directory_fails_at_once(self):
        emulator, _ = self.start_with_region("--save-oar-delay-ms", "3000")
        path = os.path.join(self.sim_dir, "no", "such", "dir", "x.oar")
        started = time.monotonic()
        answer = emulator.call("admin_save_oar", region_name="Alpha", filename=path)
        self.assertLess(time.monotonic() - started, 1.0)
        self.assertEqual(answer, {"saved": False, "success": False,
                                  "error": f'Could not find a part of the path "{path}".'})

    def test_parameter_errors(self):
        emulator, _ = self.start_with_region()
        self.assertError(emulator.call("admin_save_oar", region_name="Nowhere", filename="x.oar"),
                         "Region Nowhere not found")
        self.assertError(emulator.call("admin_save_oar", filename="x.oar"), "no region_name or region_id given")
        self.assertError(emulator.call("admin_save_oar", region_name="Alpha"), "missing string parameter filename")
        self.assertError(emulator.call("admin_save_oar", region_name="Alpha", filename="x.oar", noassets=True),
                         "Specified cast is not valid.")

    def test_saves_are_not_serialised_with_creates(self):
        emulator, _ = self.start_with_region("--save-oar-delay-ms", "1500")
        saving = threading.Thread(target=lambda: self.save(emulator), daemon=True)
        saving.start()
        time.sleep(0.2)
        started = time.monotonic()
        self.assertIs(emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM))["success"], True)
        self.assertLess(time.monotonic() - started, 1.0)
        saving.join(5)


class LoadOar(EmulatorTestCase):
    def saved(self, emulator, name="snap.oar"):
        path = os.path.join(self.sim_dir, name)
        self.assertEqual(emulator.call("admin_save_oar", region_name="Alpha", filename=path), {"saved": True})
        self.assertTrue(emulator.wait_output(f"Finished writing out OAR for Alpha"))
        return path

    def test_load_clears_the_region_then_restores_terrain_settings_parcels_and_objects(self):
        emulator, _ = self.start_with_region()
        kept = emulator.add_object("Alpha", "Kept", (50, 60, 22), script_state="<State>kept</State>", texture=True)
        emulator.change("Alpha", "terrain", {"points": [[3, 4, 33.5]]})
        emulator.call("admin_console_command", command="set water height 25 1000 1000")
        emulator.change("Alpha", "parcel", {"name": "Old Parcel"})
        emulator.change("Alpha", "settings", {"BlockFly": True, "AgentLimit": 12, "TerrainRaiseLimit": 4.5})
        path = self.saved(emulator)
        before = emulator.region_state("Alpha")

        # Behind VergeGrid's back: other terrain, water, parcel, objects.
        emulator.call("admin_console_command", command="terrain fill 3")
        emulator.call("admin_console_command", command="set water height 10")
        emulator.change("Alpha", "parcel", {"name": "New Parcel"})
        emulator.change("Alpha", "settings", {"BlockFly": False, "AgentLimit": 30, "TerrainRaiseLimit": 100})
        emulator.add_object("Alpha", "Intruder")
        changed = emulator.region_state("Alpha")
        self.assertNotEqual(changed["terrain"]["sha256"], before["terrain"]["sha256"])
        self.assertEqual(changed["object_count"], 2)

        started = time.monotonic()
        self.assertEqual(emulator.call("admin_load_oar", region_name="Alpha", filename=path), {"loaded": True})
        self.assertLess(time.monotonic() - started, 2.0)  # synchronous, no fixed wait
        after = emulator.region_state("Alpha")
        self.assertEqual(after["terrain"], before["terrain"])
        self.assertEqual(after["settings"], before["settings"])
        self.assertEqual((after["settings"]["WaterHeight"], after["settings"]["AgentLimit"],
                          after["settings"]["BlockFly"], after["settings"]["TerrainRaiseLimit"]), (25.0, 12, True, 4.5))
        self.assertEqual(after["parcels"], before["parcels"])
        self.assertEqual([o["name"] for o in after["objects"]], ["Kept"])
        self.assertEqual(after["objects"][0], kept)
        self.assertTrue(emulator.wait_output("[ARCHIVER]: Clearing all existing scene objects"))

    def test_an_archive_without_parcels_or_terrain_keeps_the_regions_own(self):
        emulator, _ = self.start_with_region()
        emulator.change("Alpha", "parcel", {"name": "Own Parcel"})
        emulator.call("admin_console_command", command="terrain fill 33")
        emulator.add_object("Alpha", "Cleared")
        before = emulator.region_state("Alpha")
        path = os.path.join(self.sim_dir, "settings-only.oar")
        full = entries(self.saved(emulator))
        with tarfile.open(path, "w:gz") as archive:
            for name, data in full.items():
                if name == "archive.xml" or name.startswith("settings/"):
                    member = tarfile.TarInfo(name)
                    member.size = len(data)
                    archive.addfile(member, io.BytesIO(data))
        self.assertEqual(emulator.call("admin_load_oar", region_name="Alpha", filename=path), {"loaded": True})
        after = emulator.region_state("Alpha")
        self.assertEqual(after["parcels"], before["parcels"])
        self.assertEqual(after["terrain"], before["terrain"])
        self.assertEqual(after["object_count"], 0)  # without merge the objects go all the same
        self.assertTrue(emulator.wait_output("[ARCHIVER]: No parcels to load, or skiping load"))

    def test_merge_adds_objects_and_keeps_terrain_and_settings(self):
        emulator, _ = self.start_with_region()
        emulator.add_object("Alpha", "FromArchive")
        path = self.saved(emulator)
        emulator.call("admin_console_command", command="terrain fill 7")
        emulator.call("admin_console_command", command="set water height 12")
        emulator.add_object("Alpha", "Local")
        answer = emulator.call("admin_load_oar", region_name="Alpha", filename=path, merge="true")
        self.assertEqual(answer, {"loaded": True})
        state = emulator.region_state("Alpha")
        self.assertEqual(state["terrain"]["mean"], 7.0)
        self.assertEqual(state["settings"]["WaterHeight"], 12.0)
        # The archived object is in the scene already (same UUID): merge keeps the one there.
        self.assertEqual(sorted(o["name"] for o in state["objects"]), ["FromArchive", "Local"])

    def test_load_into_another_region(self):
        emulator, _ = self.start_with_region()
        emulator.add_object("Alpha", "Box")
        emulator.call("admin_console_command", command="terrain fill 42")
        path = self.saved(emulator)
        emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM))
        self.assertEqual(emulator.call("admin_load_oar", region_name="Beta", filename=path), {"loaded": True})
        state = emulator.region_state("Beta")
        self.assertEqual(state["terrain"]["mean"], 42.0)
        self.assertEqual([o["name"] for o in state["objects"]], ["Box"])

    def test_skip_assets(self):
        emulator, _ = self.start_with_region()
        emulator.add_object("Alpha", "Box", texture=True)
        path = self.saved(emulator)
        emulator.create("Beta", 1001, 1000, free_port(socket.SOCK_DGRAM))
        emulator.call("admin_load_oar", region_name="Beta", filename=path, **{"skip-assets": "true"})
        self.assertEqual(emulator.region_state("Beta")["assets"], [])
        emulator.call("admin_load_oar", region_name="Beta", filename=path)
        self.assertEqual(len(emulator.region_state("Beta")["assets"]), 1)

    def test_missing_file(self):
        emulator, _ = self.start_with_region()
        path = os.path.join(self.sim_dir, "none.oar")
        self.assertEqual(emulator.call("admin_load_oar", region_name="Alpha", filename=path),
                         {"loaded": False, "success": False, "error": f'Could not find file "{path}"'})
        self.assertError(emulator.call("admin_load_oar", region_name="Nowhere", filename=path),
                         "Region Nowhere not found")

    def test_a_truncated_archive_is_abandoned_in_the_log_but_answers_loaded(self):
        emulator, _ = self.start_with_region()
        emulator.add_object("Alpha", "Box")
        path = self.saved(emulator)
        with open(path, "rb") as handle:
            data = handle.read()
        truncated = os.path.join(self.sim_dir, "truncated.oar")
        with open(truncated, "wb") as handle:
            handle.write(data[: len(data) // 2])
        emulator.add_object("Alpha", "Present")
        answer = emulator.call("admin_load_oar", region_name="Alpha", filename=truncated)
        self.assertEqual(answer, {"loaded": True})  # OpenSim swallows the error (src)
        self.assertTrue(emulator.wait_output("[ARCHIVER]: Aborting load with error in archive file"))
        # Aborted before the objects: the region was not cleared.
        self.assertEqual(sorted(o["name"] for o in emulator.region_state("Alpha")["objects"]), ["Box", "Present"])

    def test_not_an_archive(self):
        emulator, _ = self.start_with_region()
        path = os.path.join(self.sim_dir, "garbage.oar")
        with open(path, "wb") as handle:
            handle.write(b"this is not gzip")
        self.assertEqual(emulator.call("admin_load_oar", region_name="Alpha", filename=path), {"loaded": True})
        self.assertTrue(emulator.wait_output("Aborting load with error in archive file NONE"))

    def test_restores_survive_close_and_recreate_with_the_same_uuid(self):
        # OpenSim keeps a region's state in its database by UUID: a close and create finds it again.
        emulator, port = self.start_with_region()
        emulator.call("admin_console_command", command="terrain fill 9")
        emulator.call("admin_close_region", region_name="Alpha")
        emulator.create("Alpha", 1000, 1000, port, region_id=ALPHA_ID)
        self.assertEqual(emulator.region_state("Alpha")["terrain"]["mean"], 9.0)

    def test_delete_removes_objects_but_keeps_terrain(self):
        emulator, port = self.start_with_region()
        emulator.add_object("Alpha", "Box")
        emulator.call("admin_console_command", command="terrain fill 9")
        emulator.call("admin_delete_region", region_name="Alpha")
        emulator.create("Alpha", 1000, 1000, port, region_id=ALPHA_ID)
        state = emulator.region_state("Alpha")
        self.assertEqual((state["object_count"], state["terrain"]["mean"]), (0, 9.0))


if __name__ == "__main__":
    unittest.main()
