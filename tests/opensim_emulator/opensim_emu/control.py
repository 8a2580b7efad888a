"""The test-only control endpoint (JSON over HTTP on 127.0.0.1): never part of RemoteAdmin.

GET /state lists the live regions, estates and the process id; POST /faults sets fault switches.
/regions/<name or UUID>/... reads a region's runtime state back and changes it behind the control
plane's back, so a test can check that a restore really restored (see README.md)."""

import http.server
import json
import threading
import urllib.parse
import uuid

from . import dotnet
from .agents import BadAgents, parse_agents
from .region_state import ALL_SETTINGS
from .users import ZERO_UUID
from .simulator import Faults

NUMERIC_FAULTS = ("slow_oar_write_s",)


class BadRequest(Exception):
    pass


def _number(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRequest(f"{what} must be a number")
    return float(value)


def _fault_problem(body):
    unknown = sorted(set(body) - set(Faults.KNOWN) - {"clear"})
    if unknown:
        return f"unknown fault {unknown[0]}"
    for key in ("fail_next_create", "fail_next_load_oar"):
        if key in body and not isinstance(body[key], str):
            return f"{key} must be the error text"
    for key in NUMERIC_FAULTS:
        if key in body and (isinstance(body[key], bool) or not isinstance(body[key], (int, float)) or body[key] < 0):
            return f"{key} must be a number of seconds >= 0"
    return None


class _Handler(http.server.BaseHTTPRequestHandler):
    simulator = None

    def log_message(self, format, *args):  # noqa: A002
        pass

    def _reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _region_route(self):
        """(scene, action) for /regions/<name or UUID>/<action>, or None."""
        parts = self.path.split("/")
        if len(parts) != 4 or parts[0] != "" or parts[1] != "regions":
            return None
        scene = self.simulator.scene_by_name_or_id(urllib.parse.unquote(parts[2]))
        return scene, parts[3]

    def do_GET(self):  # noqa: N802
        if self.path == "/state":
            self._reply(200, self.simulator.state())
            return
        if self.path == "/messages":
            self._reply(200, {"messages": self.simulator.messages.all()})
            return
        route = self._region_route()
        if route and route[1] == "state":
            scene = route[0]
            if scene is None:
                self._reply(404, {"error": "no such region"})
                return
            body = self.simulator.region_summary(scene)
            body.update(self.simulator.region_state(scene).summary())
            self._reply(200, body)
            return
        self._reply(404, {"error": f"no such resource {self.path}"})

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except ValueError as error:
            self._reply(400, {"error": f"body is not JSON: {error}"})
            return
        if not isinstance(body, dict):
            self._reply(400, {"error": "body must be a JSON object"})
            return
        try:
            if self.path == "/users":
                self._reply(200, self._add_user(body))
                return
            if self.path == "/faults":
                problem = _fault_problem(body)
                if problem:
                    raise BadRequest(problem)
                self.simulator.faults.apply(body)
                self._reply(200, {"ok": True})
                return
            route = self._region_route()
            if route and route[1] == "agents":
                self._set_agents(route[0], body)
                return
            changes = {"objects": self._add_object, "terrain": self._change_terrain,
                       "settings": self._change_settings, "parcel": self._change_parcel}
            if not route or route[1] not in changes:
                self._reply(404, {"error": f"no such resource {self.path}"})
                return
            if route[0] is None:
                self._reply(404, {"error": "no such region"})
                return
            answer = changes[route[1]](self.simulator.region_state(route[0]), body)
            self.simulator.persist(route[0])
            self._reply(200, answer)
        except BadRequest as error:
            self._reply(400, {"error": str(error)})

    def _set_agents(self, scene, body):
        """POST /regions/<region>/agents {"agents": [{"name", "id"}]}: the avatars now on the
        region (replacing those before; [] empties it)."""
        if scene is None:
            self._reply(404, {"error": "no such region"})
            return
        try:
            scene.agents = parse_agents(body)
        except BadAgents as error:
            raise BadRequest(str(error)) from None
        self._reply(200, {"agents": scene.agents})

    def _add_user(self, body):
        """POST /users {"first", "last", "id"?}: an account of the simulator's user service (what
        `create user` on a real console makes)."""
        first, last, user_id = body.get("first"), body.get("last"), body.get("id")
        for key, value in (("first", first), ("last", last)):
            if not isinstance(value, str) or not value or " " in value:
                raise BadRequest(f"{key} must be one non-empty word")
        if user_id is None:
            user_id = str(uuid.uuid4())
        elif not isinstance(user_id, str) or dotnet.try_parse_uuid(user_id) in (None, ZERO_UUID):
            raise BadRequest("id must be a UUID other than the zero UUID")
        user_id = dotnet.try_parse_uuid(user_id)
        if self.simulator.users.by_name(first, last) not in (None, user_id):
            raise BadRequest(f"a user named {first} {last} already exists")
        self.simulator.users.add(user_id, first, last)
        return {"id": user_id, "first": first, "last": last}

    @staticmethod
    def _add_object(state, body):
        name = body.get("name")
        position = body.get("position", [128, 128, 25])
        if not isinstance(name, str) or not name or "/" in name:
            raise BadRequest("name must be a non-empty string without '/'")
        if not isinstance(position, list) or len(position) != 3:
            raise BadRequest("position must be [x, y, z]")
        position = [_number(value, "position") for value in position]
        script_state = body.get("script_state")
        if script_state is not None and not isinstance(script_state, str):
            raise BadRequest("script_state must be a string")
        asset_bytes = body.get("asset_bytes", 0)
        if not isinstance(asset_bytes, int) or isinstance(asset_bytes, bool) or not 0 <= asset_bytes <= 1 << 32:
            raise BadRequest("asset_bytes must be an integer from 0 to 4 GiB")
        scene_object = state.add_object(name, position, script_state=script_state,
                                        with_texture=bool(body.get("texture")), with_mesh=bool(body.get("mesh")),
                                        asset_bytes=asset_bytes)
        return scene_object.summary()

    @staticmethod
    def _change_terrain(state, body):
        if "fill" in body:
            state.fill_terrain(_number(body["fill"], "fill"))
        for point in body.get("points", []):
            if not isinstance(point, list) or len(point) != 3:
                raise BadRequest("points must be [[x, y, height], ...]")
            x, y = int(_number(point[0], "x")), int(_number(point[1], "y"))
            if not (0 <= x < state.size and 0 <= y < state.size):
                raise BadRequest(f"point {x},{y} is outside the region")
            with state.lock:
                state.terrain[y * state.size + x] = _number(point[2], "height")
        return {"ok": True}

    @staticmethod
    def _change_settings(state, body):
        for key, value in body.items():
            if key not in ALL_SETTINGS:
                raise BadRequest(f"unknown setting {key}")
            if type(value) is not type(ALL_SETTINGS[key]) and not (
                    isinstance(ALL_SETTINGS[key], float) and type(value) is int):
                raise BadRequest(f"{key} must be a {type(ALL_SETTINGS[key]).__name__}")
        with state.lock:
            for key, value in body.items():
                state.settings[key] = float(value) if isinstance(ALL_SETTINGS[key], float) else value
        return {"ok": True}

    @staticmethod
    def _change_parcel(state, body):
        name = body.get("name")
        if not isinstance(name, str):
            raise BadRequest("name must be a string")
        with state.lock:
            state.parcels[0]["Name"] = name
        return {"ok": True}


def serve(simulator, port):
    handler = type("ControlHandler", (_Handler,), {"simulator": simulator})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
