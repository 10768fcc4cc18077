"""Checks that a server on 127.0.0.1:PORT really is a line echo before it is measured.

The load generator only ever sends whole 16-byte lines, so a server that mishandles a line
split across reads, several lines in one read, a long line, or a client that writes faster
than it reads would still look fine in the tables. run.sh runs this once per line server,
right after starting it; any difference fails the run with what was expected and what came
back. Every step has a timeout; the whole check takes well under a second.

usage: /usr/bin/python3 check_line_echo.py PORT [MAX_LINE]

MAX_LINE (default 40000) is the length of the long line sent in the third step: a server whose
longest line is fixed below 40,000 bytes (the inline echo: 16,384) is checked with a line of
exactly its limit, given in servers.conf's optional sixth field (max-line=N).
"""
import socket
import sys
import threading
import time

TIMEOUT_S = 10.0
LONG_LINE = 40000


def recv_exact(sock, n):
    data = bytearray()
    while len(data) < n:
        try:
            chunk = sock.recv(min(65536, n - len(data)))
        except socket.timeout:
            raise AssertionError("no more bytes within %.0f s after %d of %d expected: %r"
                                 % (TIMEOUT_S, len(data), n, bytes(data[:60]))) from None
        if not chunk:
            raise AssertionError("connection closed after %d of %d expected bytes" % (len(data), n))
        data += chunk
    return bytes(data)


def expect(sock, want, what):
    got = recv_exact(sock, len(want))
    if got != want:
        raise AssertionError("%s: expected %r, got %r" % (what, want[:60], got[:60]))


def main(port, long_line=LONG_LINE):
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S)
    sock.settimeout(TIMEOUT_S)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for part in (b"hel", b"lo wor", b"ld\n"):
        sock.sendall(part)
        time.sleep(0.02)  # separate segments, so the server sees separate reads
    expect(sock, b"hello world\n", "a line split over three writes")
    sock.sendall(b"a\nbb\ncc")
    time.sleep(0.02)
    sock.sendall(b"c\n")
    expect(sock, b"a\nbb\nccc\n", "two and a half lines in one write")
    big = b"x" * long_line + b"\n"
    sock.sendall(big)
    expect(sock, big, "a %d-byte line" % long_line)
    # 1.76 MB written without reading meanwhile: the server must hold back, not drop bytes.
    bulk = b"".join(b"line %07d\n" % i for i in range(160000))
    got = []
    failed = []

    def read_all():
        try:
            got.append(recv_exact(sock, len(bulk)))
        except (OSError, AssertionError) as e:
            failed.append(e)

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    sock.sendall(bulk)
    reader.join(TIMEOUT_S)
    if failed or not got:
        raise AssertionError("bulk echo of %d bytes: %s" % (len(bulk), failed[0] if failed else "timed out"))
    if got[0] != bulk:
        at = next(i for i in range(len(bulk)) if got[0][i] != bulk[i])
        raise AssertionError("bulk echo differs at byte %d: expected %r, got %r"
                             % (at, bulk[at:at + 24], got[0][at:at + 24]))
    sock.close()


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: check_line_echo.py PORT [MAX_LINE]")
    try:
        main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) == 3 else LONG_LINE)
    except (OSError, AssertionError) as e:
        sys.exit("line-echo check failed on port %s: %s" % (sys.argv[1], e))
    print("line-echo check passed on port %s" % sys.argv[1])
