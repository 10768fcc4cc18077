package org.braid.reactor.internal;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.regex.Pattern;

/**
 * How addresses appear in logs, descriptions and messages, and which host strings are literal
 * addresses (parsed without a name lookup). Any thread (stateless).
 */
public final class Addresses {
  private static final Pattern IPV4_LITERAL =
      Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private Addresses() {}

  /**
   * Formats an address for people: {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code
   * example.com:80} (unresolved), {@code unix:/run/app.sock}, {@code unix:(unnamed)}.
   *
   * @param address the address, or {@code null}
   * @return the text; {@code "(none)"} for {@code null}
   */
  public static String format(SocketAddress address) {
    if (address == null) {
      return "(none)";
    }
    if (address instanceof InetSocketAddress inet) {
      String host;
      if (inet.isUnresolved()) {
        host = inet.getHostString();
      } else if (inet.getAddress() instanceof Inet6Address) {
        host = "[" + inet.getAddress().getHostAddress() + "]";
      } else {
        host = inet.getAddress().getHostAddress();
      }
      return host + ":" + inet.getPort();
    }
    if (address instanceof UnixDomainSocketAddress unix) {
      String path = unix.getPath().toString();
      return path.isEmpty() ? "unix:(unnamed)" : "unix:" + path;
    }
    return address.toString();
  }

  /**
   * Tells whether {@code host} is a literal IPv4 or IPv6 address, which {@link
   * java.net.InetAddress#getByName} parses without asking a name service.
   *
   * @param host a host name or address
   * @return whether it is a literal address
   */
  public static boolean isLiteral(String host) {
    return IPV4_LITERAL.matcher(host).matches() || host.indexOf(':') >= 0;
  }

  /**
   * A short name for an object in descriptions: its class's simple name, or for an anonymous or
   * lambda class the name of what it extends.
   *
   * @param object any object
   * @return the name
   */
  public static String nameOf(Object object) {
    Class<?> type = object.getClass();
    while (type.isAnonymousClass() || type.isSynthetic() || type.getSimpleName().isEmpty()) {
      Class<?> superclass = type.getSuperclass();
      if (superclass == null || superclass == Object.class) {
        break;
      }
      type = superclass;
    }
    return type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName();
  }
}
