"""Certificates and a token for the TLS tests, made with the openssl
command: a CA; hild's certificate for localhost and 127.0.0.1; client
certificates from the CA (alice, bob, and "spaced", whose common name
is "al ice") and one self-signed that names alice (mallory)."""
import os
import subprocess


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)


def make_certs(where, token):
    """Writes them into `where`; returns a function from a file name
    (ca.pem, server.key, alice.pem, token, ...) to its path."""
    p = lambda n: os.path.join(where, n)  # noqa: E731
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=hil test CA",
            "-keyout", p("ca.key"), "-out", p("ca.pem"))
    with open(p("san.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    for name, ext in (("server", ["-extfile", p("san.cnf")]), ("alice", []), ("bob", []),
                      ("spaced", [])):
        cn = {"server": "localhost", "spaced": "al ice"}.get(name, name)
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn,
                "-keyout", p(name + ".key"), "-out", p(name + ".csr"))
        openssl("x509", "-req", "-in", p(name + ".csr"), "-CA", p("ca.pem"), "-CAkey",
                p("ca.key"), "-CAcreateserial", "-days", "2", "-out", p(name + ".pem"), *ext)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=alice",
            "-keyout", p("mallory.key"), "-out", p("mallory.pem"))
    with open(p("token"), "w") as f:
        f.write(token + "\n")
    os.chmod(p("token"), 0o600)
    return p
