"""For the kiosk processes a test starts: passwords hashed at the tests' low argon2id cost.

Only on the PYTHONPATH that `station_env` (tests/conftest.py) gives a test's subprocesses, never
the product's: `kiosk.users` keeps its production hasher, and this replaces it right after the
module is first imported in such a process, as the `cheap_password_hashing` fixture does in the
test process (same parameters as `seeded_stations.TEST_HASHER`; tests/test_fast_fixtures.py
checks a subprocess's hash). Then the interpreter's own sitecustomize (Debian has one) runs.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import runpy
import sys
from pathlib import Path
from types import ModuleType


class _CheapHashingOnImport(importlib.abc.MetaPathFinder):
    """Finds `kiosk.users` as usual and lowers its hasher's cost once the module has run."""

    def find_spec(self, fullname: str, path: object, target: ModuleType | None = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "kiosk.users":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)  # type: ignore[arg-type]
        if spec is None or spec.loader is None:
            return None
        run_module = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run_module(module)
            from argon2 import PasswordHasher
            from argon2.low_level import Type

            module._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1,
                                            type=Type.ID)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


sys.meta_path.insert(0, _CheapHashingOnImport())

_here = Path(__file__).resolve()
for _entry in sys.path:
    _other = Path(_entry or ".") / "sitecustomize.py"
    if _other.is_file() and _other.resolve() != _here:
        runpy.run_path(str(_other))
        break
