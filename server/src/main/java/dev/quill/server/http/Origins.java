package dev.quill.server.http;

import io.netty.util.NetUtil;
import io.vertx.core.net.SocketAddress;

import java.net.URI;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which host names and browser origins are this server's own, decided without trusting the
 * request's {@code Host} header (a DNS-rebinding page controls the name in it, while the
 * connection's local address and port are the server's).
 *
 * <ul>
 *   <li>A host name is ours when it is an IP address (a rebinding page names a domain: an IP
 *       in {@code Host} means the client connected to that address), {@code localhost}, the
 *       name the server listens on, or one listed in {@code http.allowed_hosts}.</li>
 *   <li>An origin is ours when it is listed in {@code auth.allowed_origins}, or when it is
 *       {@code http:} (Quill serves no TLS) on the port the connection came in on, with a host
 *       that is {@code localhost}, the very address the connection came in on, or a listed name.</li>
 * </ul>
 * Immutable; safe on any thread.
 */
public final class Origins {

    private final Set<String> hostNames; // lower case, no trailing dot; the listen host's name too
    private final boolean anyHost;
    private final Set<String> allowedOrigins; // normalized: scheme://host:port

    public Origins(List<String> allowedHosts, List<String> allowedOrigins, String listenHost) {
        this.anyHost = allowedHosts.contains("*");
        Set<String> names = new HashSet<>();
        allowedHosts.stream().filter(h -> !h.equals("*")).map(Origins::cleanName).forEach(names::add);
        String listen = cleanName(listenHost);
        if (!isIpLiteral(listen) && !listen.isEmpty()) {
            names.add(listen); // a server told to listen on a name is reached by that name
        }
        this.hostNames = Set.copyOf(names);
        this.allowedOrigins = allowedOrigins.stream().map(Origins::normalize).filter(Objects::nonNull)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a request naming this {@code Host} is meant for this server. */
    public boolean hostAllowed(String hostHeader) {
        if (anyHost) {
            return true;
        }
        String name = hostName(hostHeader);
        return name != null && (isIpLiteral(name) || name.equals("localhost") || hostNames.contains(name));
    }

    /** Whether a page from {@code origin} may use this server through a connection to {@code local}. */
    public boolean originAllowed(String origin, SocketAddress local) {
        URI u = parse(origin);
        if (u == null) {
            return false;
        }
        if (allowedOrigins.contains(normalize(u))) {
            return true;
        }
        if (!"http".equals(u.getScheme().toLowerCase(Locale.ROOT)) || local == null || port(u) != local.port()) {
            return false;
        }
        String host = cleanName(u.getHost());
        if (isIpLiteral(host)) {
            return sameAddress(host, local.hostAddress());
        }
        return host.equals("localhost") || hostNames.contains(host);
    }

    /** {@code scheme://host:port} in lower case with the port always written; null when not an origin. */
    static String normalize(String origin) {
        URI u = parse(origin);
        return u == null ? null : normalize(u);
    }

    private static String normalize(URI u) {
        return u.getScheme().toLowerCase(Locale.ROOT) + "://" + cleanName(u.getHost()) + ":" + port(u);
    }

    private static URI parse(String origin) {
        try {
            URI u = new URI(origin.trim());
            String scheme = u.getScheme();
            return scheme == null || u.getHost() == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    ? null : u;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** The host part of a {@code Host} header ({@code name}, {@code name:port}, {@code [v6]:port}). */
    static String hostName(String authority) {
        String h = authority.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return cleanName(colon < 0 ? h : h.substring(0, colon));
    }

    private static String cleanName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static boolean isIpLiteral(String name) {
        return name.startsWith("[") && name.endsWith("]")
                ? NetUtil.isValidIpV6Address(name.substring(1, name.length() - 1))
                : NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name);
    }

    private static boolean sameAddress(String literal, String localAddress) {
        String bare = literal.startsWith("[") ? literal.substring(1, literal.length() - 1) : literal;
        byte[] a = NetUtil.createByteArrayFromIpAddressString(bare);
        byte[] b = NetUtil.createByteArrayFromIpAddressString(localAddress);
        return a != null && Arrays.equals(a, b);
    }
}
