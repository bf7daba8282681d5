"""A board whose UART is a serial device, for the tty transport's test:
a pseudo-terminal whose far end is the board top's Verilator model.

    pty_board.py MODEL COMMAND ARGS...   (PTY in ARGS becomes the slave's path)

Bytes move between the pty's master and the model's socket until the
command exits; its exit status is ours."""
import os
import selectors
import socket
import subprocess
import sys


def main():
    model, cmd = sys.argv[1], sys.argv[2:]
    master, slave = os.openpty()
    path = os.ttyname(slave)
    ours, theirs = socket.socketpair()
    board = subprocess.Popen([model, "--fd", str(theirs.fileno())],
                             pass_fds=[theirs.fileno()])
    theirs.close()
    cmd = [a.replace("PTY", path) for a in cmd]
    child = subprocess.Popen(cmd)
    sel = selectors.DefaultSelector()
    sel.register(master, selectors.EVENT_READ, "host")
    sel.register(ours, selectors.EVENT_READ, "board")
    while child.poll() is None:
        for key, _ in sel.select(timeout=0.05):
            try:
                if key.data == "host":
                    ours.sendall(os.read(master, 65536))
                else:
                    data = ours.recv(65536)
                    if not data:
                        sys.exit("pty_board: the board model exited")
                    os.write(master, data)
            except OSError:
                pass
    ours.close()
    board.wait()
    sys.exit(child.returncode)


main()
