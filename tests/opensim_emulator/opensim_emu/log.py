"""Log lines on stdout, one at a time, flushed (the bridge and the tests read them live)."""

import sys
import threading
import time

_lock = threading.Lock()


def log(message):
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    with _lock:
        sys.stdout.write(f"{stamp} {message}\n")
        sys.stdout.flush()


def prompt_text(text):
    """A console prompt: no newline, like OpenSim's CmdPrompt."""
    with _lock:
        sys.stdout.write(text)
        sys.stdout.flush()


def output(message):
    """MainConsole.Instance.Output: a console line without the log's time stamp (estate show, the
    estate commands' answers, region get)."""
    with _lock:
        sys.stdout.write(f"{message}\n")
        sys.stdout.flush()
