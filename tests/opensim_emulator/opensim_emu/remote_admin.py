"""RemoteAdmin over XML-RPC, method by method as RemoteAdminPlugin.cs (0.9.2) does it: the same
parameter checks in the same order, the same answer structs, the same error strings."""

import os
import socketserver
import threading
import time
import uuid
import xmlrpc.server
from xmlrpc.client import Fault

from . import archive_methods, dotnet, region_files
from .agents import agent_struct
from .dotnet import DotNetError, cast_string
from .log import log
from .remote_admin_checks import (OpenSimError, is_given, check_integer_parameters, check_region_parameters,
                                  check_string_parameters)
from .simulator import HEALTHY_FLAGS, Scene, exit_process

VERSION = "Version: OpenSim 0.9.2.2 Yeti Release (SIMULATION/0.3 - SIMULATION/0.8)"


class RemoteAdmin:
    def __init__(self, simulator, password, region_file_template, console):
        self.sim = simulator
        self.password = password
        self.region_file_template = region_file_template
        self.console = console
        self.methods = {
            "admin_create_region": self.create_region,
            "admin_delete_region": self.delete_region,
            "admin_close_region": self.close_region,
            "admin_modify_region": self.modify_region,
            "admin_region_query": self.region_query,
            "admin_shutdown": self.shutdown,
            "admin_broadcast": self.broadcast,
            "admin_dialog": self.dialog,
            "admin_restart": self.restart,
            "admin_estate_reload": self.estate_reload,
            "admin_get_opensim_version": self.get_version,
            "admin_get_agent_count": self.get_agent_count,
            "admin_get_agents": self.get_agents,
            "admin_console_command": self.console_command,
            "admin_save_oar": lambda request, response: archive_methods.save_oar(self, request, response),
            "admin_load_oar": lambda request, response: archive_methods.load_oar(self, request, response),
            "admin_save_heightmap": lambda request, response: archive_methods.save_heightmap(self, request, response),
            "admin_load_heightmap": lambda request, response: archive_methods.load_heightmap(self, request, response),
        }

    # --- InvokeXmlRpcMethod: password check and the catch-all that turns exceptions into errors ---
    def dispatch(self, method, params):
        handler = self.methods.get(method)
        if handler is None:
            raise Fault(-32601, f"Requested method [{method}] not found")
        response = {}
        try:
            if not params:
                raise DotNetError(dotnet.INDEX_OUT_OF_RANGE)
            request = params[0]
            if not isinstance(request, dict):
                raise DotNetError(dotnet.INVALID_CAST)
            check_string_parameters(request, response, ["password"])
            if self.password and request["password"] != self.password:
                response["accepted"] = False
                raise OpenSimError("wrong password")
            handler(request, response)
        except DotNetError as error:
            log(f"[RADMIN]: Method {method} failed.  Exception {error}")
            response["success"] = False
            response["error"] = str(error)
        return response

    def scene_from_parameters(self, request, response):
        """GetSceneFromRegionParams: region_id first, then region_name."""
        if is_given(request, "region_id"):
            region_id = dotnet.parse_uuid(request["region_id"])
            scene = self.sim.scene_by_id(region_id)
            if scene is None:
                response["error"] = f"Region ID {region_id} not found"
                raise OpenSimError(f"Region ID {region_id} not found")
            return scene
        if is_given(request, "region_name"):
            name = request["region_name"]
            scene = self.sim.scene_by_name(name)
            if scene is None:
                response["error"] = f"Region {name} not found"
                raise OpenSimError(f"Region {name} not found")
            return scene
        response["error"] = "no region_name or region_id given"
        raise OpenSimError("no region_name or region_id given")

    # --- methods ---
    def get_version(self, request, response):
        response["version"] = VERSION
        response["success"] = True

    def region_query(self, request, response):
        response["success"] = True
        check_region_parameters(request, response)
        health, flags, message = 0, 0, ""
        try:
            scene = self.scene_from_parameters(request, response)
            health = scene.health
            flags = HEALTHY_FLAGS if health > 0 else 0
        except DotNetError:
            response["error"] = ""  # OpenSim sets error to null: the caller must look at health
        response["success"] = True
        response["health"] = health
        response["flags"] = flags
        response["message"] = message

    def create_region(self, request, response):
        log("[RADMIN]: CreateRegion: new request")
        with self.sim.request_lock:
            check_string_parameters(request, response,
                                    ["region_name", "listen_ip", "external_address", "estate_name"])
            check_integer_parameters(request, response, ["region_x", "region_y", "listen_port"])

            if "region_id" in request and cast_string(request["region_id"]):
                region_id = dotnet.parse_uuid(request["region_id"])
                other = self.sim.scene_by_id(region_id)
                if other:
                    raise OpenSimError(f"region UUID already in use by region {other.name}, UUID "
                                       f"{other.region_id}, <{other.x},{other.y}>")
            else:
                region_id = str(uuid.uuid4())

            name = request["region_name"]
            x = dotnet.to_uint32(request["region_x"])
            y = dotnet.to_uint32(request["region_y"])
            other = self.sim.scene_by_name(name)
            if other:
                raise OpenSimError(f"region name already in use by region {other.name}, UUID "
                                   f"{other.region_id}, <{other.x},{other.y}>")
            other = self.sim.scene_at(x, y)
            if other:
                raise OpenSimError(f"region location <{x},{y}> already in use by region {other.name}, "
                                   f"UUID {other.region_id}, <{other.x},{other.y}>")

            listen_ip = dotnet.parse_ip_address(request["listen_ip"])
            port = dotnet.check_port(dotnet.to_int32(request["listen_port"]))
            if port == 0:
                raise OpenSimError("listen_port is 0")
            # The duplicate-port check OpenSim has never matches (trap 3): no check here.
            external = request["external_address"]

            persist = dotnet.to_boolean(request.get("persist"))
            if persist:
                # Written before the estate checks: a create failing below leaves it (trap 2).
                self._persist(request, name, region_id, x, y, listen_ip, port, external)

            estate_id = self._choose_estate(request, region_id)
            # OpenSimBase.CreateRegion: an estate without owner asks on the console and the create
            # waits for the answer (trap 12), holding the request lock.
            self.console.ensure_estate_owner(estate_id)

            # OpenSimBase.CreateRegion + Scene.Start
            self.sim.faults.hang_while("hang_create")
            if self.sim.faults.is_set("exit_during_create"):
                # Grid registration failed: OpenSim calls Environment.Exit(1) (trap 6).
                exit_process(1, f"[GRID]: Registration of region {name} failed, Environment.Exit(1)")
            self.sim.wait_create()
            failure = self.sim.faults.take_failure()
            if failure:
                raise OpenSimError(failure)
            scene = Scene(name=name, region_id=region_id, x=x, y=y, internal_address=listen_ip,
                          port=port, external_host=external, estate_id=estate_id, persistent=persist)
            self.sim.add_scene(scene)

            # After the scene is up: a bad `public` or `enable_voice` fails the call, region stays.
            self.sim.estates.set_public(estate_id, dotnet.get_boolean(request, "public", True))
            scene.voice = dotnet.get_boolean(request, "enable_voice", False)
            if "heightmap_file" in request:
                heightmap = cast_string(request["heightmap_file"])
                log(f"[RADMIN]: Terrain Loading: {heightmap}")

            response["success"] = True
            response["region_name"] = name
            response["region_id"] = region_id
            log("[RADMIN]: CreateRegion: request complete")

    def _persist(self, request, name, region_id, x, y, listen_ip, port, external):
        regions_dir = self.sim.regions_dir
        if "region_file" in request:
            requested = os.path.join(regions_dir, cast_string(request["region_file"]) or "")
            directory = os.path.dirname(os.path.abspath(requested))
            # A string prefix test, as in OpenSim.
            if not directory.startswith(os.path.abspath(regions_dir)):
                raise OpenSimError("Invalid location for region file.")
            path = requested
        else:
            safe_name = name.replace(" ", "_").replace(":", "_").replace("/", "_")
            path = os.path.join(regions_dir, self.region_file_template.format(x, y, region_id, port, safe_name))
        if not path.lower().endswith(".ini"):
            raise OpenSimError("Invalid file type for region persistence.")
        log(f"[RADMIN] CreateRegion: persisting region {region_id} to {path}")
        try:
            region_files.write_region(path, name, region_id, x, y, listen_ip, port, external)
        except OSError:
            raise OpenSimError(f'Could not find a part of the path "{os.path.abspath(path)}".') from None

    def _choose_estate(self, request, region_id):
        estate_name = request["estate_name"]
        ids = self.sim.estates.ids_named(estate_name)
        if ids:
            self.sim.estates.link(region_id, ids[0])
            return ids[0]
        if "estate_owner_uuid" in request:
            owner = dotnet.parse_uuid(cast_string(request["estate_owner_uuid"]) or "")
            if self.sim.first_scene() is None:
                # CurrentOrFirstScene is null in an empty simulator (trap 5).
                raise DotNetError(dotnet.NULL_REFERENCE)
            if not self.sim.users.exists(owner):
                raise OpenSimError("Specified user was not found.")
        elif "estate_owner_first" in request and "estate_owner_last" in request:
            first = cast_string(request["estate_owner_first"])
            last = cast_string(request["estate_owner_last"])
            if self.sim.first_scene() is None:
                raise DotNetError(dotnet.NULL_REFERENCE)
            # Case-sensitive on a standalone SQLite simulator (verified: "ada" "lovelace" is not found).
            owner = self.sim.users.by_name(first or "", last or "")
            if owner is None:
                raise OpenSimError("Specified user was not found.")
        else:
            raise OpenSimError("Estate owner details not provided.")
        estate_id = self.sim.estates.create(estate_name, owner)
        self.sim.estates.link(region_id, estate_id)
        return estate_id

    def _teardown(self, request, response, hang_key, delay_ms, verb, delete=False):
        scene = self.scene_from_parameters(request, response)
        log(f"[RADMIN]: {verb} region {scene.name}")
        self.sim.faults.hang_while(hang_key)
        time.sleep(delay_ms / 1000)
        self.sim.remove_scene(scene, delete=delete)
        response["success"] = True
        response["region_name"] = scene.name
        response["region_id"] = ""  # a UUID object OpenSim's serializer writes as an empty value

    def close_region(self, request, response):
        with self.sim.request_lock:
            check_region_parameters(request, response)
            self._teardown(request, response, "hang_close", self.sim.timings.close_ms, "Closing")

    def delete_region(self, request, response):
        with self.sim.request_lock:
            # region_name is required even when region_id picks the region.
            check_string_parameters(request, response, ["region_name"])
            check_region_parameters(request, response)
            # Deletes the scene; the region's .ini stays on disk (trap 1).
            self._teardown(request, response, "hang_delete", self.sim.timings.delete_ms, "Deleting",
                           delete=True)

    def modify_region(self, request, response):
        with self.sim.request_lock:
            check_region_parameters(request, response)
            scene = self.scene_from_parameters(request, response)
            current = (self.sim.estates.get(scene.estate_id) or {}).get("public", True)
            # `public` belongs to the estate: every region of the estate changes.
            self.sim.estates.set_public(scene.estate_id, dotnet.get_boolean(request, "public", current))
            if "enable_voice" in request:
                scene.voice = dotnet.get_boolean(request, "enable_voice", True)
            response["success"] = True
            response["region_name"] = scene.name
            response["region_id"] = ""

    def restart(self, request, response):
        try:
            check_region_parameters(request, response)
            self.scene_from_parameters(request, response)
            response["success"] = False
            response["accepted"] = True
            response["rebooting"] = True
            if "alerts" in request:
                alerts = [dotnet.to_int32(a) for a in str(request["alerts"]).split(",")]
                if len(alerts) == 1 and alerts[0] == -1:
                    log("[RADMIN]: Request to cancel restart.")
                    response["success"] = True
                    response["rebooting"] = False
                    return
                countdown = alerts[0]
            else:
                countdown = 30
                if "milliseconds" in request:
                    countdown = dotnet.to_int32(str(request["milliseconds"])) // 1000
            log(f"[RADMIN]: Request to restart Region. All regions restart in {max(countdown, 0)} s")
            self.sim.restart_all(max(countdown, 0))
            response["success"] = True
        except DotNetError:
            response["rebooting"] = False
            raise

    def shutdown(self, request, response):
        log("[RADMIN]: Received Shutdown Administrator Request")
        response["accepted"] = True
        timer = 2000
        if cast_string(request.get("shutdown")) == "delayed" and "milliseconds" in request:
            timer = dotnet.to_int32(str(request["milliseconds"]))
        self.sim.shutdown_after(max(timer, 0))
        response["success"] = True

    def broadcast(self, request, response):
        """XmlRpcAlertMethod: a general alert to every region of the simulator. Neither method
        checks its parameters (verified on 0.9.2.2: a dialog without message answers success)."""
        message = cast_string(request.get("message"))
        log("[RADMIN]: Alert request started")
        log(f"[RADMIN]: Broadcasting: {message or ''}")
        response["accepted"] = True
        response["success"] = True
        self.sim.messages.record("admin_broadcast", message, None, [s.name for s in self.sim.scenes()])
        log("[RADMIN]: Alert request complete")

    def dialog(self, request, response):
        """XmlRpcDialogMethod: a notification from `from` to the users of every region of the
        simulator (ForEachScene), not only of one region."""
        message = cast_string(request.get("message"))
        sender = cast_string(request.get("from"))
        log("[RADMIN]: Dialog request started")
        log(f"[RADMIN]: Broadcasting: {message or ''}")
        response["accepted"] = True
        response["success"] = True
        self.sim.messages.record("admin_dialog", message, sender, [s.name for s in self.sim.scenes()])
        log("[RADMIN]: Dialog request complete")

    def estate_reload(self, request, response):
        # XmlRpcEstateReload (src): every scene reloads its estate settings from the database, so
        # an `estate set owner` / `estate set name` becomes what the regions report.
        self.sim.estates.reload()
        for scene in self.sim.scenes():
            self.sim.load_estate(scene)
        response["success"] = True

    def get_agent_count(self, request, response):
        check_region_parameters(request, response)
        scene = self.scene_from_parameters(request, response)
        response["count"] = len(scene.agents)  # Scene.GetRootAgentCount
        response["success"] = True

    def get_agents(self, request, response):
        # include_children is read with bool.TryParse((string) ...): a non-string throws. Every
        # avatar here is a root agent, so its value changes nothing else.
        cast_string(request.get("include_children"))
        scene = self.scene_from_parameters(request, response)
        parcels = self.sim.region_state(scene).parcels
        parcel_id = parcels[0]["GlobalID"] if parcels else "00000000-0000-0000-0000-000000000000"
        agents = [agent_struct(agent, parcel_id) for agent in list(scene.agents)]
        response["regions"] = [{"name": scene.name, "id": scene.region_id, "agents": agents}]
        log(f"[REMOTE ADMIN]: XmlRpcGetAgents found {len(agents)} agents in {scene.name}")
        response["success"] = True

    def console_command(self, request, response):
        check_string_parameters(request, response, ["command"])
        # The output goes to the simulator's console only; the answer is an empty struct, except
        # when the command throws: then InvokeXmlRpcMethod's catch makes it {success: false, error}
        # (verified with `estate create` in a region-less simulator and `region get`).
        self.console.run_command(str(request["command"]), from_remote=True)


class _Handler(xmlrpc.server.SimpleXMLRPCRequestHandler):
    rpc_paths = ()  # any path

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(socketserver.ThreadingMixIn, xmlrpc.server.SimpleXMLRPCServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(remote_admin, port):
    server = _Server(("127.0.0.1", port), requestHandler=_Handler, logRequests=False, allow_none=False)
    server.register_instance(_Dispatcher(remote_admin))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log(f"[RADMIN]: Remote Admin Plugin Enabled on 127.0.0.1:{port}")
    return server


class _Dispatcher:
    def __init__(self, remote_admin):
        self._remote_admin = remote_admin

    def _dispatch(self, method, params):
        return self._remote_admin.dispatch(method, params)
