package dev.quill.server.hostile;

import dev.quill.server.loadtest.Target;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.net.NetClient;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * What every behaviour shares: the one server, the clients that reach it, the model to name, and
 * the clock of the run. {@link #spread} schedules a behaviour's attempts evenly over the duration
 * and forgets those not yet due when the run stops; {@link #track} counts attempts in flight, so
 * the run can end as soon as the last one has. Event-loop confined.
 */
final class HostileClients {

    private final Vertx vertx;
    private final Target target;
    private final HttpClient http;
    private final WebSocketClient ws;
    private final NetClient net;
    private final String model;
    private final long durationMs;
    private final List<Long> timers = new ArrayList<>();
    private final Promise<Void> drained = Promise.promise();
    private int inFlight;
    private boolean stopped;

    /** @param model the model field for HTTP requests (the first of {@code /v1/models}), or null */
    HostileClients(Vertx vertx, Target target, HttpClient http, WebSocketClient ws, NetClient net, String model, long durationMs) {
        this.vertx = vertx;
        this.target = target;
        this.http = http;
        this.ws = ws;
        this.net = net;
        this.model = model;
        this.durationMs = durationMs;
    }

    Vertx vertx() {
        return vertx;
    }

    Target target() {
        return target;
    }

    HttpClient http() {
        return http;
    }

    WebSocketClient ws() {
        return ws;
    }

    NetClient net() {
        return net;
    }

    long durationMs() {
        return durationMs;
    }

    /** Runs {@code attempt(i)} for i in [0, count), the first at once and the rest evenly over the duration. */
    /** {@link #spread}, the even attempts over HTTP and the odd ones over a WebSocket. */
    void spreadAlternately(int count, Runnable http, IntConsumer socket) {
        spread(count, i -> {
            if (i % 2 == 0) {
                http.run();
            } else {
                socket.accept(i);
            }
        });
    }

    void spread(int count, IntConsumer attempt) {
        for (int i = 0; i < count; i++) {
            int n = i;
            long at = durationMs * i / count;
            if (at == 0) {
                attempt.accept(n);
            } else {
                timers.add(vertx.setTimer(at, id -> {
                    if (!stopped) {
                        attempt.accept(n);
                    }
                }));
            }
        }
    }

    /** Counts an attempt as in flight until {@code f} completes. */
    <T> Future<T> track(Future<T> f) {
        inFlight++;
        return f.andThen(ar -> {
            if (--inFlight == 0 && stopped) {
                drained.tryComplete();
            }
        });
    }

    boolean stopped() {
        return stopped;
    }

    /** No attempt starts after this; the future completes when the last one in flight has ended. */
    Future<Void> stop() {
        stopped = true;
        timers.forEach(vertx::cancelTimer);
        if (inFlight == 0) {
            drained.tryComplete();
        }
        return drained.future();
    }

    /** The model field of a request body, as JSON text: {@code "model":"…",} or nothing. */
    String modelField() {
        return model == null ? "" : "\"model\":" + io.vertx.core.json.Json.encode(model) + ",";
    }
}
