package dev.quill.server.loadtest;

import dev.quill.model.cli.Args;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * One run's settings, from the command line.
 *
 * @param sessions simulated users, each with its own connection and conversation
 * @param turns messages per conversation; then the session starts a new one
 * @param duration how long requests are sent after the warm-up
 * @param maxRequests measured requests to send at most (0: as many as the duration allows)
 * @param warmup requests sent in this first stretch are run but left out of the numbers
 * @param grace how long requests still in flight at the end may take to finish before they are cut
 * @param model the {@code model} field of SSE requests; null: the first of {@code /v1/models}
 * @param system a system prompt sent with each conversation's first turn, or null
 * @param verifyHistory at the end, read every conversation back from the server and compare (WebSocket only)
 * @param jsonShare the share of requests, 0 to 1, that ask for a JSON answer ({@code response_format}
 *     json_schema, {@link JsonAnswers}); SSE only
 */
record LoadTestOptions(Target target, Protocol protocol, int sessions, int turns, ArrivalSchedule schedule,
                              Duration duration, long maxRequests, Duration warmup, Duration grace,
                              PromptSource prompts, Distribution maxTokens, String model, boolean ignoreEos,
                              Double temperature, long seed, boolean scrapeMetrics, Path out, Path report,
                              String system, boolean verifyHistory, double jsonShare) {

    public enum Protocol { WS, SSE }

    static final Set<String> WITH_VALUE = Set.of("url", "sessions", "turns", "rate", "concurrency", "protocol",
            "duration", "requests", "prompt-tokens", "max-tokens", "dataset", "warmup", "grace", "out", "report",
            "api-key", "model", "temperature", "seed", "system", "json-share");
    static final Set<String> FLAGS = Set.of("respect-eos", "no-metrics", "help", "verify-history");

    /** The hard bound on the run's wall time: warm-up, duration, then the grace for the last answers. */
    public Duration wallLimit() {
        return warmup.plus(duration).plus(grace);
    }

    static LoadTestOptions from(Args a) throws java.io.IOException {
        if (a.has("rate") && a.has("concurrency")) {
            throw new IllegalArgumentException("give --rate or --concurrency, not both");
        }
        Integer concurrency = positive(a, "concurrency", null);
        int sessions = positive(a, "sessions", concurrency != null ? concurrency : 8);
        if (concurrency != null && concurrency > sessions) {
            throw new IllegalArgumentException("--concurrency " + concurrency + " needs at least as many --sessions");
        }
        ArrivalSchedule schedule = a.has("rate") ? new ArrivalSchedule.Poisson(a.number("rate"))
                : new ArrivalSchedule.Closed(concurrency != null ? concurrency : sessions);
        Protocol protocol = switch (a.get("protocol", "ws").toLowerCase()) {
            case "ws" -> Protocol.WS;
            case "sse" -> Protocol.SSE;
            default -> throw new IllegalArgumentException("--protocol is ws or sse");
        };
        PromptSource prompts = a.has("dataset") ? PromptSource.dataset(Path.of(a.get("dataset", null)))
                : PromptSource.generated(Distribution.parse(a.get("prompt-tokens", "128")));
        if (a.has("verify-history") && protocol != Protocol.WS) {
            throw new IllegalArgumentException("--verify-history reads the history over the WebSocket: use --protocol ws");
        }
        Integer requests = a.integer("requests");
        if (requests != null && requests < 0) {
            throw new IllegalArgumentException("--requests must not be negative");
        }
        double jsonShare = a.has("json-share") ? a.number("json-share") : 0;
        if (!(jsonShare >= 0 && jsonShare <= 1)) {
            throw new IllegalArgumentException("--json-share is a share of requests, from 0 to 1");
        }
        if (jsonShare > 0 && protocol != Protocol.SSE) {
            throw new IllegalArgumentException("--json-share asks for response_format, an OpenAI field: use --protocol sse");
        }
        return new LoadTestOptions(Target.parse(a.get("url", "http://127.0.0.1:8080"), a.get("api-key", null)),
                protocol, sessions, positive(a, "turns", 1), schedule,
                seconds(a, "duration", 60, false), requests == null ? 0 : requests,
                seconds(a, "warmup", 0, true), seconds(a, "grace", 30, true),
                prompts, Distribution.parse(a.get("max-tokens", "128")), a.get("model", null), !a.has("respect-eos"),
                a.number("temperature"), a.integer("seed") == null ? 0 : a.integer("seed"),
                !a.has("no-metrics"), path(a, "out"), path(a, "report"), a.get("system", null), a.has("verify-history"), jsonShare);
    }

    private static Integer positive(Args a, String name, Integer otherwise) {
        Integer v = a.integer(name);
        if (v == null) {
            return otherwise;
        }
        if (v < 1) {
            throw new IllegalArgumentException("--" + name + " must be at least 1");
        }
        return v;
    }

    private static Duration seconds(Args a, String name, double otherwise, boolean zeroAllowed) {
        Double v = a.number(name);
        double s = v == null ? otherwise : v;
        if (s < 0 || (!zeroAllowed && s == 0) || Double.isNaN(s) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("--" + name + " must be a " + (zeroAllowed ? "non-negative" : "positive")
                    + " number of seconds");
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    private static Path path(Args a, String name) {
        return a.has(name) ? Path.of(a.get(name, null)) : null;
    }
}
