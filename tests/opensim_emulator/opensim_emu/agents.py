"""Avatars on a region and the notices RemoteAdmin sends them (issue 13).

A test puts avatars on a region through the control endpoint (POST /regions/<r>/agents); then
admin_get_agents and admin_get_agent_count answer them in OpenSim's shape (RemoteAdminPlugin.cs
XmlRpcGetAgentsMethod, src; the empty answer verified on 0.9.2.2). admin_dialog and
admin_broadcast go to every region of the simulator (ForEachScene, src) and are recorded for
GET /messages, since the emulator has no viewer to show them in."""

import threading

from . import dotnet


class BadAgents(Exception):
    pass


def parse_agents(body):
    """The body of POST /regions/<r>/agents: {"agents": [{"name": "First Last", "id": UUID}, ...]}."""
    agents = body.get("agents")
    if not isinstance(agents, list):
        raise BadAgents("agents must be a list of {name, id}")
    parsed = []
    for agent in agents:
        if not isinstance(agent, dict):
            raise BadAgents("agents must be a list of {name, id}")
        name, agent_id = agent.get("name"), agent.get("id")
        if not isinstance(name, str) or len(name.split()) != 2:
            raise BadAgents("agents[].name must be 'First Last'")
        agent_id = dotnet.try_parse_uuid(agent_id) if isinstance(agent_id, str) else None
        if agent_id is None:
            raise BadAgents("agents[].id must be a UUID")
        parsed.append({"name": name, "id": agent_id})
    return parsed


def agent_struct(agent, parcel_id):
    """One avatar as XmlRpcGetAgentsMethod writes it: every value but name and id is a .NET
    ToString() (floats, "False"), the avatar standing at the region's centre."""
    return {"name": agent["name"], "id": agent["id"], "type": "User", "current_parcel_id": parcel_id,
            "pos_x": "128", "pos_y": "128", "pos_z": "25",
            "lookat_x": "1", "lookat_y": "0", "lookat_z": "0",
            "vel_x": "0", "vel_y": "0", "vel_z": "0",
            "is_flying": "False", "is_sat_on_ground": "False", "is_sat_on_object": "False"}


class Messages:
    """What admin_dialog and admin_broadcast sent, in order."""

    def __init__(self):
        self._lock = threading.Lock()
        self._messages = []

    def record(self, method, message, sender, regions):
        with self._lock:
            self._messages.append({"method": method, "message": message, "from": sender,
                                   "regions": regions})

    def all(self):
        with self._lock:
            return list(self._messages)
