"""The simulator console on stdin: start-up prompts (OpenSim's CmdPrompt) and commands.

A headless simulator needs stdin kept open: at a start-up prompt, end of input stops it (trap 8).
After start-up the command loop owns stdin; a question asked later by another thread (the
estate-owner question of a create, trap 12, or the prompts of `create region`) takes the next
line the loop reads, and that thread waits until it comes: the create hangs as in OpenSim."""

import contextlib
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
        self._loop_thread = None
        self._question_lock = threading.RLock()  # one conversation at a time (OpenSim's console lock)
        self._asking = 0                         # > 0 while a conversation holds the console
        self._answers = queue.Queue()            # lines the command loop read during a conversation

    def _read_line(self, what):
        line = sys.stdin.readline()
        if line == "":
            exit_process(1, f"[CONSOLE]: end of input on stdin while waiting for {what}")
        return line.rstrip("\r\n")

    @contextlib.contextmanager
    def conversation(self):
        """Questions asked together (the owner's names, a region's keys): from the first question to
        the last, every line the command loop reads is an answer."""
        with self._question_lock:
            self._asking += 1
            try:
                yield
            finally:
                self._asking -= 1

    def prompt(self, label, default):
        with self.conversation():
            prompt_text(f"{label} [{default}]: ")
            # A question from the command loop's own thread (a stdin `create region` that asks)
            # reads stdin itself; any other thread waits for the loop to hand it the line.
            from_loop = self._loop_running and threading.current_thread() is not self._loop_thread
            answer = self._answers.get() if from_loop else self._read_line(label)
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
        with self.conversation():
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
        self._loop_thread = threading.current_thread()
        self._loop_running = True
        while True:
            if not self._asking:
                prompt_text(self.commands.prompt())
            line = sys.stdin.readline()
            if line == "":
                log("[CONSOLE]: stdin closed; the simulator keeps running without a console")
                threading.Event().wait()
            if self._asking:
                self._answers.put(line.rstrip("\r\n"))
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
