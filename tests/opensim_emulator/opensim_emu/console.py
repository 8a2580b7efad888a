"""The simulator console on stdin: start-up prompts (OpenSim's CmdPrompt) and commands.

A headless simulator needs stdin kept open: at a start-up prompt, end of input stops it (trap 8)."""

import sys
import threading
import time
import uuid

from .console_commands import ConsoleCommands
from .log import log, prompt_text
from .simulator import exit_process

EXIT_COMMANDS = ("shutdown", "quit")


class Console:
    def __init__(self, simulator):
        self.sim = simulator
        self.commands = ConsoleCommands(simulator)

    def _read_line(self, what):
        line = sys.stdin.readline()
        if line == "":
            exit_process(1, f"[CONSOLE]: end of input on stdin while waiting for {what}")
        return line.rstrip("\r\n")

    def prompt(self, label, default):
        prompt_text(f"{label} [{default}]: ")
        answer = self._read_line(label).strip()
        if answer in EXIT_COMMANDS:
            exit_process(0, f"[CONSOLE]: {answer} at the start-up prompt")
        return answer or default

    def ask_region_name(self):
        """RegionLoaderFileSystem with no region files and allow_regionless = false."""
        log("=====================================")
        log("We are now going to ask a couple of questions about your region.")
        log("You can press 'enter' without typing anything to use the default")
        log("the default is displayed between [ ] brackets.")
        log("=====================================")
        while True:
            name = self.prompt("New region name", "")
            if name.strip():
                return name.strip()
            log("Cannot interactively create region with no name")

    def ask_estate_owner(self, estates, estate_id):
        """OpenSimBase.SetUpEstateOwner (src): an estate without an owner makes the region loader
        ask on the console (trap 12); an unknown user is created after two more questions. Start-up
        waits for the answers; end of input stops it."""
        estate = estates.get(estate_id)
        log(f"Estate {estate['name']} has no owner set.")
        first = self.prompt("Estate owner first name", "Test")
        last = self.prompt("Estate owner last name", "User")
        owner = next((user_id for user_id, (f, l) in self.sim.users.items()
                      if f.lower() == first.lower() and l.lower() == last.lower()), None)
        if owner is None:
            self.prompt("Password", "")
            self.prompt("Email", "")
            owner = str(uuid.uuid4())
            self.sim.users[owner] = (first, last)
            log(f"[USER ACCOUNT SERVICE]: Account {first} {last} {owner} created successfully")
        estates.set_owner(estate_id, owner)
        log(f"[ESTATE]: Estate {estate['name']} owner is now {first} {last}")

    def run(self):
        """The console after start-up: commands until 'shutdown' or 'quit'. End of input leaves
        the simulator running without a console."""
        while True:
            prompt_text(self.commands.prompt())
            line = sys.stdin.readline()
            if line == "":
                log("[CONSOLE]: stdin closed; the simulator keeps running without a console")
                threading.Event().wait()
            self.run_command(line.strip(), from_remote=False)

    def run_command(self, command, from_remote):
        if command in EXIT_COMMANDS:
            if from_remote:
                # Let the XML-RPC answer leave before the process goes.
                threading.Thread(target=lambda: (time.sleep(0.1), exit_process(0, f"console command {command}")),
                                 daemon=True).start()
            else:
                exit_process(0, f"console command {command}")
            return
        if command == "":
            return
        if command == "show regions":
            for scene in self.sim.scenes():
                log(f"{scene.name:<20} {scene.region_id} <{scene.x},{scene.y}> port {scene.port} health {scene.health}")
            return
        if self.commands.run(command):
            return
        log(f"Invalid command: {command}")
