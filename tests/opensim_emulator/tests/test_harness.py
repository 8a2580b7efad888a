"""The harness's start-up wait: a port taken between free_port() and the emulator's bind is the
harness's problem to solve (a fresh start on other ports), never a refused call in a test."""

import socket
import unittest
from unittest import mock

import harness
from harness import EmulatorTestCase


class HarnessStartup(EmulatorTestCase):
    def taken_tcp_port(self):
        """A loopback port something else listens on, as a parallel test's server would."""
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(holder.close)
        holder.bind(("127.0.0.1", harness.free_port()))
        holder.listen()
        return holder.getsockname()[1]

    def first_tcp_pick(self, port):
        """free_port() whose first TCP answer is `port`; UDP and later picks stay real."""
        real = harness.free_port
        picks = []

        def pick(kind=socket.SOCK_STREAM):
            if kind == socket.SOCK_STREAM and not picks:
                picks.append(port)
                return port
            return real(kind)
        return mock.patch.object(harness, "free_port", side_effect=pick)

    def test_a_remoteadmin_port_taken_before_the_bind_starts_the_emulator_again(self):
        taken = self.taken_tcp_port()
        with self.first_tcp_pick(taken):
            emulator, _ = self.start_with_region()
        self.assertNotEqual(emulator.port, taken)
        self.assertIn(f"cannot listen on 127.0.0.1:{taken}", emulator.output())
        self.assertEqual(emulator.health("Alpha"), 4)

    def test_an_emulator_that_exits_for_another_reason_is_not_started_again(self):
        emulator = self.start("--start-delay-ms", "-1")
        self.assertEqual(emulator.process.returncode, 2)
        self.assertIn("--start-delay-ms must not be negative", emulator.output())


if __name__ == "__main__":
    unittest.main()
