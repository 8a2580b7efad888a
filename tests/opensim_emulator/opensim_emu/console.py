"""The simulator console on stdin: start-up prompts (OpenSim's CmdPrompt) and commands.

A headless simulator needs stdin kept open: at a start-up prompt, end of input stops it (trap 8).
After start-up the command loop owns stdin; a question asked later by another thread (the
estate-owner question of a create, trap 12, or the prompts of `create region`) takes the next
line the loop reads, and that thread waits until it comes: the create hangs as in OpenSim."""

import queue
import sys
import threading
import time
import uuid

from .console_commands import ConsoleCommands
from .dotnet import DotNetError
from .log import log, output, prompt_text
from .simulator import exit_process
from .users import ZERO_UUID

EXIT_COMMANDS = ("shutdown", "quit")


class Console:
    def __init__(self, simulator, ask_estate_owner=False):
        self.sim = simulator
        # --no-default-estate-owner: [Estates] DefaultEstateOwner* missing, so an owner-less estate
        # is resolved by asking on the console instead of from the configuration.
        self.ask_for_owner = ask_estate_owner
        self.commands = ConsoleCommands(simulator, self)
        self._loop_running = False
        self._answers = None                     # a Queue while a later question waits for its line
        self._question_lock = threading.RLock()  # one conversation at a time (OpenSim's console lock)

    def _read_line(self, what):
        line = sys.stdin.readline()
        if line == "":
            exit_process(1, f"[CONSOLE]: end of input on stdin while waiting for {what}")
        return line.rstrip("\r\n")

    def prompt(self, label, default):
        with self._question_lock:
            if self._loop_running:
                answers = self._answers = queue.Queue()
                prompt_text(f"{label} [{default}]: ")
                answer = answers.get()
                self._answers = None
            else:
                prompt_text(f"{label} [{default}]: ")
                answer = self._read_line(label)
        answer = answer.strip()
        if answer in EXIT_COMMANDS:
            exit_process(0, f"[CONSOLE]: {answer} at a console question")
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

    def ensure_estate_owner(self, estate_id):
        """OpenSimBase.SetUpEstateOwner, run while a region is being loaded or created into an
        estate whose owner is the zero UUID: the configured default owner when [Estates] has one,
        else the console questions (trap 12)."""
        estates = self.sim.estates
        if estates.get(estate_id)["owner"] != ZERO_UUID:
            return
        if not self.ask_for_owner:
            estates.set_owner(estate_id, self.sim.default_owner)
            return
        with self._question_lock:
            estate = estates.get(estate_id)
            if estate["owner"] != ZERO_UUID:  # answered meanwhile for another region
                return
            output(f"Estate {estate['name']} has no owner set.")
            first = self.prompt("Estate owner first name", "Test")
            last = self.prompt("Estate owner last name", "User")
            owner = self.sim.users.by_name(first, last)
            if owner is None:
                self.prompt("Password", "")
                self.prompt("Email", "")
                owner = str(uuid.uuid4())
                self.sim.users.add(owner, first, last)
                log(f"[USER ACCOUNT SERVICE]: Account {first} {last} {owner} created successfully")
            estates.set_owner(estate_id, owner)
            log(f"[ESTATE]: Estate {estate['name']} owner is now {first} {last}")

    def run(self):
        """The console after start-up: commands until 'shutdown' or 'quit'. End of input leaves
        the simulator running without a console (a later question then waits for ever, as a real
        simulator does)."""
        self._loop_running = True
        while True:
            if self._answers is None:
                prompt_text(self.commands.prompt())
            line = sys.stdin.readline()
            if line == "":
                log("[CONSOLE]: stdin closed; the simulator keeps running without a console")
                threading.Event().wait()
            answers = self._answers
            if answers is not None:
                answers.put(line.rstrip("\r\n"))
                time.sleep(0.05)  # let the asking thread print its next question first
                continue
            try:
                self.run_command(line.strip(), from_remote=False)
            except DotNetError as error:
                log(f"[CONSOLE]: Exception {error}")

    def run_command(self, command, from_remote):
        """A console line. A command that throws raises DotNetError: RemoteAdmin reports it as
        {success: false, error} (verified: the only case where admin_console_command is not {})."""
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
