package org.braid.reactor;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.braid.reactor.internal.Addresses;

/**
 * Endpoints from strings, in Twisted's syntax ({@code twisted.internet.endpoints}), so where to
 * listen or connect can live in configuration.
 *
 * <pre>{@code
 * ServerEndpoint server = Endpoints.serverFromString(reactor, "tcp:8080:interface=127.0.0.1");
 * server.listen(Factory.forProtocol(Echo::new));
 *
 * ClientEndpoint client = Endpoints.clientFromString(reactor, "tcp:host=127.0.0.1:port=8080:timeout=5");
 * client.connect(Greeter::new).addCallback(greeter -> greeter.greet("hello"));
 * }</pre>
 *
 * <table>
 *   <caption>Supported descriptions</caption>
 *   <tr><th>Server</th><th>Parameters</th></tr>
 *   <tr><td>{@code tcp:PORT} or {@code tcp:port=PORT}</td>
 *       <td>{@code interface} (default all), {@code backlog} (default 50)</td></tr>
 *   <tr><td>{@code unix:PATH}, {@code unix:path=PATH} or {@code unix:address=PATH}</td>
 *       <td>none</td></tr>
 *   <tr><th>Client</th><th>Parameters</th></tr>
 *   <tr><td>{@code tcp:HOST:PORT} or {@code tcp:host=HOST:port=PORT}</td>
 *       <td>{@code timeout} in seconds, may be fractional (default 30), {@code bindAddress} (a
 *       literal IP address)</td></tr>
 *   <tr><td>{@code unix:PATH} or {@code unix:path=PATH}</td>
 *       <td>{@code timeout} in seconds (default 30)</td></tr>
 * </table>
 *
 * A backslash makes the next character literal: {@code tcp:80:interface=\:\:1}. A bad string
 * gets an {@link IllegalArgumentException} that quotes the string and names the bad part. Parsing
 * does no I/O and may run on any thread; the endpoints' methods run on the reactor thread.
 */
public final class Endpoints {
  private static final Set<String> TCP_SERVER = Set.of("port", "interface", "backlog");
  private static final Set<String> UNIX_SERVER = Set.of("path", "address");
  private static final Set<String> TCP_CLIENT = Set.of("host", "port", "timeout", "bindAddress");
  private static final Set<String> UNIX_CLIENT = Set.of("path", "timeout");

  private Endpoints() {}

  /**
   * Parses a server endpoint description.
   *
   * @param reactor the reactor the endpoint listens with
   * @param description e.g. {@code "tcp:8080:interface=127.0.0.1:backlog=50"}, {@code "unix:/run/app.sock"}
   * @return the endpoint
   * @throws IllegalArgumentException naming the bad part
   */
  public static ServerEndpoint serverFromString(Reactor reactor, String description) {
    Objects.requireNonNull(reactor, "reactor");
    EndpointDescription parsed = EndpointDescription.parse(description);
    return switch (parsed.type()) {
      case "tcp" -> {
        parsed.check("tcp server", TCP_SERVER, 1);
        int port = parsed.port(parsed.required("port", 0), 0);
        String iface = parsed.value("interface", -1);
        String backlog = parsed.value("backlog", -1);
        yield new TcpServerEndpoint(
            reactor,
            port,
            backlog == null ? TcpServerEndpoint.DEFAULT_BACKLOG : parsed.positiveInt("backlog", backlog),
            iface == null ? "" : iface);
      }
      case "unix" -> {
        parsed.check("unix server", UNIX_SERVER, 1);
        String path = parsed.value("path", 0);
        String address = parsed.value("address", -1);
        if (path != null && address != null) {
          throw parsed.fail("the path is given twice ('" + path + "' and address='" + address + "')");
        }
        yield new UnixServerEndpoint(reactor, path(parsed, path != null ? path : address));
      }
      default -> throw parsed.fail("unknown type '" + parsed.type() + "' (server types: tcp, unix)");
    };
  }

  /**
   * Parses a client endpoint description.
   *
   * @param reactor the reactor the endpoint connects with
   * @param description e.g. {@code "tcp:host=127.0.0.1:port=8080:timeout=5"}, {@code "unix:path=/run/app.sock"}
   * @return the endpoint
   * @throws IllegalArgumentException naming the bad part
   */
  public static ClientEndpoint clientFromString(Reactor reactor, String description) {
    Objects.requireNonNull(reactor, "reactor");
    EndpointDescription parsed = EndpointDescription.parse(description);
    return switch (parsed.type()) {
      case "tcp" -> {
        parsed.check("tcp client", TCP_CLIENT, 2);
        String host = parsed.required("host", 0);
        int port = parsed.port(parsed.required("port", 1), 1);
        yield new TcpClientEndpoint(reactor, host, port, timeout(parsed), bindAddress(parsed));
      }
      case "unix" -> {
        parsed.check("unix client", UNIX_CLIENT, 1);
        yield new UnixClientEndpoint(reactor, path(parsed, parsed.value("path", 0)), timeout(parsed));
      }
      default -> throw parsed.fail("unknown type '" + parsed.type() + "' (client types: tcp, unix)");
    };
  }

  private static Duration timeout(EndpointDescription parsed) {
    String timeout = parsed.value("timeout", -1);
    return timeout == null ? TcpClientEndpoint.DEFAULT_TIMEOUT : parsed.seconds("timeout", timeout);
  }

  private static InetSocketAddress bindAddress(EndpointDescription parsed) {
    String bind = parsed.value("bindAddress", -1);
    if (bind == null) {
      return null;
    }
    if (!Addresses.isLiteral(bind)) {
      throw parsed.fail("bindAddress '" + bind + "' is not a literal IP address");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(bind), 0);
    } catch (UnknownHostException e) {
      throw parsed.fail("bindAddress '" + bind + "' is not a valid IP address");
    }
  }

  private static Path path(EndpointDescription parsed, String path) {
    if (path == null || path.isEmpty()) {
      throw parsed.fail("the path is missing");
    }
    try {
      return Path.of(path);
    } catch (InvalidPathException e) {
      throw parsed.fail("path '" + path + "' is not a valid path: " + e.getReason());
    }
  }

  /** Escapes ':', '=' and '\' so a value survives {@link EndpointDescription#parse}. */
  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ':' || c == '=' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** A duration as seconds in an endpoint string: {@code 5}, {@code 0.25}. */
  static String seconds(Duration duration) {
    return BigDecimal.valueOf(duration.getSeconds())
        .add(BigDecimal.valueOf(duration.getNano(), 9))
        .stripTrailingZeros()
        .toPlainString();
  }
}
