"""Lets pytest run hil's Python tests from the source tree (`pytest`,
`pytest examples/counter`, ...): host/python goes on the path and hil's
pytest plugin is loaded. An installed hil registers the same plugin under
the same name, so it is never loaded twice."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "host", "python"))
pytest_plugins = ["hil.pytest_plugin"]
