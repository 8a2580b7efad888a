"""The simulator's user account service (OpenSim's UserAccounts table in a standalone simulator).

Kept in DIR/emulator-users.json like OpenSim keeps accounts in its database: an account created at
the estate-owner prompt or through the control endpoint is still there after a restart. Name look-ups
are case-sensitive, as a standalone 0.9.2.2 on SQLite does them (verified: `estate set owner 102 ada
lovelace` → "Could not find user ada lovelace"; admin_create_region with estate_owner_first "ada" →
"Specified user was not found.")."""

import json
import os
import threading

ZERO_UUID = "00000000-0000-0000-0000-000000000000"


class UserService:
    def __init__(self, path, initial=()):
        self._path = path
        self._lock = threading.Lock()
        self._users = {}  # uuid -> (first, last), in creation order
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                for user in json.load(handle):
                    self._users[user["id"]] = (user["first"], user["last"])
        for user_id, first, last in initial:
            self._users[user_id] = (first, last)
        self._save()

    def _save(self):
        if not self._path:
            return
        temporary = self._path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(self.all_unlocked(), handle, indent=1)
        os.replace(temporary, self._path)

    def all_unlocked(self):
        return [{"id": k, "first": v[0], "last": v[1]} for k, v in self._users.items()]

    def all(self):
        with self._lock:
            return self.all_unlocked()

    def add(self, user_id, first, last):
        with self._lock:
            self._users[user_id] = (first, last)
            self._save()

    def exists(self, user_id):
        """The zero UUID is never a user (facts page, trap 11)."""
        with self._lock:
            return user_id != ZERO_UUID and user_id in self._users

    def by_name(self, first, last):
        """The UUID of the account named exactly First Last, or None."""
        with self._lock:
            return next((k for k, (f, l) in self._users.items() if f == first and l == last), None)

    def name(self, user_id):
        """(first, last) or None."""
        with self._lock:
            return self._users.get(user_id)

    def display_name(self, user_id):
        """UserManagementModule.GetUserName: "First Last"; an unknown UUID gets the placeholder the
        0.9.2.2 module builds (src: its "Unknown User" + "UMMAU43" strings)."""
        name = self.name(user_id)
        return f"{name[0]} {name[1]}" if name else "Unknown UserUMMAU43"
