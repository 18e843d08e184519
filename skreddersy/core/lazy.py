"""Modules imported on first use.

The analysis stack (numpy, pandas, scipy, statsmodels, matplotlib, pyreadstat) costs about
250 MiB and three seconds per worker process; only the insight pages and the measure matching
need it. Modules along the URL configuration name it through these stand-ins, so a worker loads
it when a request first uses it, not at start (``tests/core/test_lazy_imports.py`` holds it to that).
"""

from __future__ import annotations

import importlib
import types


class LazyModule(types.ModuleType):
    """Stands in for the module ``name`` and imports it on the first attribute read."""

    def __init__(self, name: str):
        super().__init__(name)
        self.__dict__["_lazy_name"] = name

    def _load(self) -> types.ModuleType:
        module = importlib.import_module(self.__dict__["_lazy_name"])
        return module

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return getattr(self._load(), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_lazy_name']!r}>"


def lazy(name: str) -> LazyModule:
    return LazyModule(name)


numpy = lazy("numpy")
pandas = lazy("pandas")
pyreadstat = lazy("pyreadstat")
