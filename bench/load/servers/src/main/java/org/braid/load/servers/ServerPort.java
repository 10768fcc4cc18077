package org.braid.load.servers;

/**
 * Reads the TCP port a peer server listens on from its command line.
 *
 * <p>Called once from {@code main}, on the main thread.
 */
final class ServerPort {

    private ServerPort() {
    }

    /**
     * Returns the port given as the only argument.
     *
     * @param args the command line: exactly one argument, a port in [1, 65535]
     * @param usage the program's usage line, shown when the argument is missing or wrong
     * @return the port
     * @throws IllegalArgumentException when the argument is missing, not a number or out of range
     */
    static int parse(String[] args, String usage) {
        if (args.length != 1) {
            throw new IllegalArgumentException(
                    "expected 1 argument (the port), got " + args.length + "; usage: " + usage);
        }
        int port;
        try {
            port = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number: '" + args[0] + "'; usage: " + usage, e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside [1, 65535]; usage: " + usage);
        }
        return port;
    }
}
