package dev.quill.server.hostile;

import dev.quill.model.cli.Args;
import dev.quill.server.loadtest.Target;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The driver's settings. Every count is a bound: a behaviour makes at most that many connections
 * or attempts, spread over {@code durationS}; 0 turns it off.
 *
 * @param graceS how long attempts still in flight when the duration ends may take before everything is closed
 */
record HostileOptions(Target target, double durationS, double graceS, Path out,
                      int neverReaders, int historyRequests, int largeMessageKb,
                      int slowloris, double slowlorisIntervalS, int idle, int idleKeepAlive,
                      int tinyTemperature, int longBodies, double abandonAfterS,
                      int refusedRetries, int refusedWords, int disconnects) {

    static final Set<String> WITH_VALUE = Set.of("url", "api-key", "duration", "grace", "out", "never-readers",
            "history-requests", "large-message-kb", "slowloris", "slowloris-interval", "idle", "idle-keep-alive",
            "tiny-temperature", "long-bodies", "abandon-after", "refused-retries", "refused-words", "disconnects");
    static final Set<String> FLAGS = Set.of("help");

    static HostileOptions from(Args a) {
        if (!a.has("url")) {
            throw new IllegalArgumentException("--url is required");
        }
        Target target = Target.parse(a.get("url", null), a.get("api-key", null));
        requireLoopback(target.host());
        return new HostileOptions(target, seconds(a, "duration", 60), seconds(a, "grace", 15),
                a.has("out") ? Path.of(a.get("out", null)) : null,
                count(a, "never-readers", 2), count(a, "history-requests", 3000), count(a, "large-message-kb", 512),
                count(a, "slowloris", 50), seconds(a, "slowloris-interval", 5), count(a, "idle", 200),
                count(a, "idle-keep-alive", 100), count(a, "tiny-temperature", 20), count(a, "long-bodies", 10),
                seconds(a, "abandon-after", 3), count(a, "refused-retries", 4), count(a, "refused-words", 3000),
                count(a, "disconnects", 20));
    }

    /** Hostile traffic goes to a server on this machine and nowhere else. */
    static void requireLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    throw new IllegalArgumentException("--url must name a loopback address (127.0.0.1, ::1, localhost), not "
                            + host + ": this driver attacks only a server on this machine");
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--url: unknown host " + host);
        }
    }

    private static int count(Args a, String name, int otherwise) {
        Integer v = a.integer(name);
        if (v != null && v < 0) {
            throw new IllegalArgumentException("--" + name + " must not be negative");
        }
        return v == null ? otherwise : v;
    }

    private static double seconds(Args a, String name, double otherwise) {
        Double v = a.number(name);
        double s = v == null ? otherwise : v;
        if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("--" + name + " must be a positive number of seconds");
        }
        return s;
    }
}
