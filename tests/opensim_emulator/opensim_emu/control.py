"""The test-only control endpoint (JSON over HTTP on 127.0.0.1): never part of RemoteAdmin.

GET /state lists the live regions, estates and the process id; POST /faults sets fault switches."""

import http.server
import json
import threading

from .simulator import Faults


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

    def do_GET(self):  # noqa: N802
        if self.path == "/state":
            self._reply(200, self.simulator.state())
        else:
            self._reply(404, {"error": f"no such resource {self.path}"})

    def do_POST(self):  # noqa: N802
        if self.path != "/faults":
            self._reply(404, {"error": f"no such resource {self.path}"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except ValueError as error:
            self._reply(400, {"error": f"body is not JSON: {error}"})
            return
        if not isinstance(body, dict):
            self._reply(400, {"error": "body must be a JSON object"})
            return
        unknown = sorted(set(body) - set(Faults.KNOWN) - {"clear"})
        if unknown:
            self._reply(400, {"error": f"unknown fault {unknown[0]}"})
            return
        if "fail_next_create" in body and not isinstance(body["fail_next_create"], str):
            self._reply(400, {"error": "fail_next_create must be the error text"})
            return
        self.simulator.faults.apply(body)
        self._reply(200, {"ok": True})


def serve(simulator, port):
    handler = type("ControlHandler", (_Handler,), {"simulator": simulator})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
