"""pytest integration: the `dut` fixture opens the test's DUT through hild,
on a simulator by default and on a board with --hil-target; the `hild`
fixture starts a hild for the test session when none answers. A test
names its DUT and board type with the `hil` marker (docs/python.md)."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from . import dut as dutmod
from .client import Client
from .errors import HilError, NotRunning
from .wire import Connection, default_address


def pytest_addoption(parser):
    g = parser.getgroup("hil", "hil: DUTs through hild")
    g.addoption("--hil-target", default="sim", metavar="WHERE",
                help="where each test's DUT runs: sim (default, a simulator of the "
                "DUT that hild starts), local (the simulator in pytest's own process "
                "through libhil, no hild), board (a board of the type the test's "
                "hil marker names), type=T (a board of type T) or NAME (that board "
                "of hild's boards file)")
    g.addoption("--hil-hild", default=None, metavar="ADDRESS",
                help="the hild to use: a socket path or tcp:HOST:PORT (default "
                "$HIL_HILD, else its default socket; when none answers there, a "
                "hild is started for the test session)")
    g.addoption("--hil-config", default=None, metavar="FILE",
                help="the boards file of the hild started for the test session")
    g.addoption("--hil-hild-bin", default=None, metavar="PATH",
                help="the hild program to start (default: hild on PATH, else "
                "build/bin/hild of this source tree)")
    g.addoption("--hil-trace-dir", default=None, metavar="DIR",
                help="write each test's trace (hil run's format) to DIR/TOP.TEST.trace")
    g.addoption("--hil-waves", default=None, metavar="DIR",
                help="write every DUT signal of each test to DIR/TOP.TEST.fst (the "
                "simulator, run in the test's process)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "hil(dut=DIR, board_type=T, top=NAME, params={NAME: VALUE}, "
        "internals=True): the DUT the test drives (default: the test file's "
        "directory), the board type it runs on with --hil-target board, its top "
        "module (default: DIR's name), the top's parameter overrides (simulated "
        "targets) and whether the test reads signals inside the DUT, dut.u_acc.sum "
        "(simulated targets)")


def _hild_program(opt):
    for cand in (opt, os.environ.get("HIL_HILD_BIN"), shutil.which("hild"),
                 os.path.join(os.path.dirname(__file__), "..", "..", "..", "build", "bin",
                              "hild")):
        if cand and os.access(cand, os.X_OK):
            return os.path.abspath(cand)
    raise HilError("not_running", "no hild answers and there is none to start: build it "
                   "(make host), put it on PATH, or give --hil-hild-bin")


def _probe(address):
    """None when a hild answers at address, else why not."""
    try:
        Connection(address, client="pytest-probe", timeout=10).close()
        return None
    except NotRunning as e:
        return e


@pytest.fixture(scope="session")
def hild(request):
    """The address of a running hild: the one asked for, the default one,
    or one started for this test session (stopped at its end)."""
    opt = request.config.getoption("--hil-hild")
    address = opt or default_address()
    why = _probe(address)
    if why is None:
        yield address
        return
    if opt:
        raise why
    prog = _hild_program(request.config.getoption("--hil-hild-bin"))
    work = tempfile.mkdtemp(prefix="hil-pytest-")
    sock = os.path.join(work, "hild.sock")
    cmd = [prog, "--foreground", "--socket", sock, "--state", os.path.join(work, "state")]
    config = request.config.getoption("--hil-config")
    if config:
        cmd += ["--config", os.path.abspath(config)]
    log = open(os.path.join(work, "hild.log"), "w")
    p = subprocess.Popen(cmd, stderr=log)
    for _ in range(200):
        if p.poll() is not None:
            break
        if os.path.exists(sock) and _probe(sock) is None:
            break
        time.sleep(0.05)
    if p.poll() is not None or not os.path.exists(sock):
        p.kill()
        p.wait()
        log.close()
        with open(log.name) as f:
            raise HilError("not_running", "the hild started for the tests did not come "
                           "up: %s" % f.read().strip())
    try:
        yield sock
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def _marker(request):
    m = request.node.get_closest_marker("hil")
    kw = dict(m.kwargs) if m else {}
    here = os.path.dirname(str(request.node.fspath))
    d = kw.get("dut") or here
    if not os.path.isabs(d):
        d = os.path.join(here, d)
    d = os.path.normpath(d)
    return (d, kw.get("board_type"), kw.get("top") or os.path.basename(d), kw.get("params"),
            bool(kw.get("internals")))


def _target(request, dut_dir, board_type):
    where = request.config.getoption("--hil-target")
    if where == "sim":
        return "hild:sim:" + dut_dir
    if where == "board":
        if not board_type:
            pytest.fail("--hil-target board: this test's hil marker names no board_type "
                        "(@pytest.mark.hil(board_type=\"icebreaker\"))", pytrace=False)
        return "hild:type=" + board_type
    if where.startswith("type=") or re.fullmatch(r"[A-Za-z0-9_.-]+", where):
        return "hild:" + where
    pytest.fail("--hil-target %s: use sim, board, type=T or a board name" % where,
                pytrace=False)


@pytest.fixture
def dut(request):
    """The test's DUT, leased through hild for the test and closed after
    (with --hil-target local: run in this process)."""
    dut_dir, board_type, top, params, internals = _marker(request)
    waves_dir = request.config.getoption("--hil-waves")
    where = request.config.getoption("--hil-target")
    waves = None
    if waves_dir:
        if where not in ("sim", "local"):
            pytest.fail("--hil-waves: every DUT signal comes from the simulator; with "
                        "--hil-target %s use --hil-trace-dir for the trace" % where,
                        pytrace=False)
        os.makedirs(waves_dir, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)
        waves = os.path.join(waves_dir, "%s.%s.fst" % (top, name))
    if where == "local" or waves:
        target, hild = "sim:" + dut_dir, None
    else:
        target = _target(request, dut_dir, board_type)
        hild = request.getfixturevalue("hild")
    d = dutmod.open_session(target, address=hild, client="pytest " + request.node.nodeid,
                            params=params, waves=waves, internals=internals)
    try:
        if d.top != top:
            pytest.fail("%s runs DUT %s (board %s); this test drives %s: give the board "
                        "%s's bitstream or pick another board" % (target, d.top, d.board,
                                                                 top, top), pytrace=False)
        yield d
        out = request.config.getoption("--hil-trace-dir")
        if out:
            os.makedirs(out, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)
            d.write_trace(os.path.join(out, "%s.%s.trace" % (top, name)))
    finally:
        d.close()


@pytest.fixture
def hil_client(hild):
    """A connection to the same hild without a session: boards, topics,
    monitors, jobs."""
    c = Client(hild, client="pytest")
    try:
        yield c
    finally:
        c.close()
