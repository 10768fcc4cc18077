"""Twisted's line echo on its epoll reactor: the design Braid re-expresses in Java.

A LineReceiver with b"\\n" as its delimiter echoes every line with sendLine(), the
textbook Twisted echo. The epoll reactor is installed explicitly (it is the default on
Linux, but a benchmark should not depend on that), TCP_NODELAY is set on every
connection as the other servers do, and the listening backlog matches theirs (4096)
so a thousand simultaneous connects are not dropped.

Run with the system interpreter and Debian's python3-twisted:
    /usr/bin/python3 line_echo_server.py PORT
Listens on 127.0.0.1 until the process is killed.
"""
import resource
import sys

from twisted.internet import epollreactor

epollreactor.install()

from twisted.internet import protocol, reactor  # noqa: E402  (after install())
from twisted.protocols.basic import LineReceiver  # noqa: E402

MAX_LINE = 64 * 1024
BACKLOG = 4096


class LineEcho(LineReceiver):
    """Sends every received line back, delimiter included."""

    delimiter = b"\n"
    MAX_LENGTH = MAX_LINE

    def connectionMade(self):
        self.transport.setTcpNoDelay(True)

    def lineReceived(self, line):
        self.sendLine(line)


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: line_echo_server.py PORT")
    port = int(argv[1])
    # Like the other servers: as many descriptors as the hard limit allows.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    reactor.listenTCP(port, protocol.Factory.forProtocol(LineEcho), backlog=BACKLOG,
                      interface="127.0.0.1")
    print("Twisted line echo listening on 127.0.0.1:%d (epoll reactor)" % port,
          file=sys.stderr, flush=True)
    reactor.run()


if __name__ == "__main__":
    main(sys.argv)
