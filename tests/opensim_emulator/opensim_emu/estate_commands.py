"""The console's estate lines as OpenSim 0.9.2.2 runs them (OpenSim.cs CreateEstateCommand,
SetEstateOwnerCommand, SetEstateNameCommand, EstateLinkRegionCommand; EstateManagementModule;
EstateManagementCommands.ShowEstatesCommand). Every text below was read from a real 0.9.2.2's
console (see README "Facts → tests"). The answers are console lines without a time stamp; the
changes log an `[ESTATE]:` line with one.

What a running region reports as its estate is the copy it loaded (Scene.estate_*): `estate link
region` refreshes the moved region's copy at once, `estate set owner` (verified) and `estate set
name` (src: the same propagation path) change only the database until admin_estate_reload or the
region's next load."""

from . import dotnet
from .log import log, output

NULL_REFERENCE = "Object reference not set to an instance of an object"  # Mono's text, no period


def _int32(text):
    try:
        return dotnet.to_int32(text)
    except dotnet.DotNetError:
        return None


class EstateCommands:
    def __init__(self, simulator, current_or_first_scene):
        self.sim = simulator
        self._current_or_first_scene = current_or_first_scene

    def run(self, words):
        """words: the whole line split; True when it was an estate line."""
        if words[:2] == ["estate", "show"]:
            self._show()
        elif words[:2] == ["estate", "create"]:
            self._create(words)
        elif words[:3] == ["estate", "set", "owner"]:
            self._set_owner(words)
        elif words[:3] == ["estate", "set", "name"]:
            self._set_name(words)
        elif words[:3] == ["estate", "link", "region"]:
            self._link_region(words)
        else:
            return False
        return True

    def _scene_or_throw(self):
        scene = self._current_or_first_scene()
        if scene is None:
            # SceneManager.CurrentOrFirstScene is null in a region-less simulator (verified: the
            # RemoteAdmin answer is {success: false, error: "Object reference not set to an
            # instance of an object"}).
            raise dotnet.DotNetError(NULL_REFERENCE)
        return scene

    def _show(self):
        # Registered once per scene and not filtered by the selected region: every region prints
        # its table, whatever `change region` selected (verified). Nothing without regions.
        for scene in self.sim.scenes():
            output(f"Estate information for region {scene.name}")
            output(f"{'Estate Name':<20} {'ID':<7} {'Owner':<20}")
            owner = self.sim.users.display_name(scene.estate_owner)
            output(f"{scene.estate_name:<20} {scene.estate_id:<7} {owner:<20}")
            output("")

    def _create(self, words):
        if len(words) == 2:
            output("No user specified.")
            return
        user_id = dotnet.try_parse_uuid(words[2])
        if user_id is None:
            output(f"{words[2]} is not a valid UUID")
            return
        if len(words) == 3:
            output("No estate name specified.")
            return
        self._scene_or_throw()
        if not self.sim.users.exists(user_id):
            output(f"Could not find user {user_id}")
            return
        name = " ".join(words[3:]).strip()
        if not name:
            output("No estate name specified.")
            return
        if self.sim.estates.ids_named(name):
            output(f'An estate named "{name}" already exists.')
            return
        estate_id = self.sim.estates.create(name, user_id)
        output(f'Estate {estate_id} created as "{name}"')

    def _estate_id(self, words):
        """(estate id, None) or (None, answer)."""
        if len(words) == 3:
            return None, "No estate specified."
        estate_id = _int32(words[3])
        if estate_id is None:
            return None, f'"{words[3]}" is not a valid ID for an Estate'
        return estate_id, None

    def _set_owner(self, words):
        self._scene_or_throw()
        estate_id, answer = self._estate_id(words)
        if answer is None and len(words) == 4:
            answer = "No user specified."
        if answer is None:
            if len(words) == 5:
                user_id = dotnet.try_parse_uuid(words[4])
                if user_id is None:
                    answer = f"Invalid UUID {words[4]}"
                elif not self.sim.users.exists(user_id):
                    answer = f"Could not find user {words[4]}"
            else:
                user_id = self.sim.users.by_name(words[4], words[5])
                if user_id is None:
                    answer = f"Could not find user {words[4]} {words[5]}"
        if answer is None:
            answer = self._change_owner(estate_id, user_id)
        output(answer)

    def _change_owner(self, estate_id, user_id):
        first, last = self.sim.users.name(user_id)
        estate = self.sim.estates.get(estate_id)
        if estate is None:
            return f"No estate found with ID {estate_id}"
        if estate["owner"] == user_id:
            return f"Estate already belongs to {user_id} ({first} {last})"
        self.sim.estates.set_owner(estate_id, user_id)
        log(f"[ESTATE]: Estate Owner for {estate['name']} changed to {user_id} ({first} {last})")
        return f"Estate owner changed to {user_id} ({first} {last})"

    def _set_name(self, words):
        self._scene_or_throw()
        estate_id, answer = self._estate_id(words)
        if answer is None and len(words) == 4:
            answer = "No name specified."
        if answer is None:
            name = " ".join(words[4:])
            estate = self.sim.estates.get(estate_id)
            if estate is None:
                answer = f"No estate found with ID {estate_id}"
            elif estate["name"] == name:
                answer = f'Estate {estate_id} is already named "{name}"'
            elif self.sim.estates.ids_named(name):
                answer = f'An estate named "{name}" already exists.'
            else:
                self.sim.estates.rename(estate_id, name)
                log(f'[ESTATE]: Estate {estate_id} renamed from "{estate["name"]}" to "{name}"')
                answer = f'Estate {estate_id} renamed to "{name}"'
        output(answer)

    def _link_region(self, words):
        estate_id, answer = self._estate_id(words)
        scene = None
        if answer is None:
            if len(words) == 4:
                answer = "No region specified."
            else:
                region_id = dotnet.try_parse_uuid(words[4])
                if region_id is None:
                    answer = f'"{words[4]}" is not a valid UUID for a Region'
                else:
                    scene = self.sim.scene_by_id(region_id)
                    if scene is None:
                        answer = f'No access to Region "{words[4]}"'
        if answer is None:
            answer = self._move(scene, estate_id)
        output(answer)

    def _move(self, scene, estate_id):
        if scene.estate_id == estate_id:
            return f'"{scene.name}" is already part of estate {estate_id}'
        estate = self.sim.estates.get(estate_id)
        if estate is None:
            return f"No estate found with ID {estate_id}"
        self.sim.estates.link(scene.region_id, estate_id)
        self.sim.load_estate(scene, estate_id)
        log(f"[ESTATE]: Region {scene.region_id} ({scene.name}) moved to Estate {estate_id} ({estate['name']}).")
        return f"Region {scene.region_id} is now attached to estate {estate_id}"
