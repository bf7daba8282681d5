"""Lets pytest run the examples' Python tests from the source tree: loads
hil's pytest plugin from host/python unless hil is installed
(`pip install ./host/python` registers the plugin by itself)."""
import os
import sys
from importlib.metadata import entry_points

if not any(ep.name == "hil" for ep in entry_points(group="pytest11")):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                    "host", "python"))
    pytest_plugins = ["hil.pytest_plugin"]
