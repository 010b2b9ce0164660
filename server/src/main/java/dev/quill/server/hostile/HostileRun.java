package dev.quill.server.hostile;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the behaviours for the duration, then stops them: no attempt starts after the duration,
 * attempts in flight get the grace period, and then every connection is closed and the report is
 * made. It always ends by itself, within the duration plus the grace plus a few seconds.
 *
 * <p>Everything runs on the one Vert.x context it was started on.
 */
final class HostileRun {

    static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024; // a history reply may be MBs; the client must not be what closes

    private HostileRun() {
    }

    static Future<JsonObject> start(Vertx vertx, HostileOptions o) {
        Context context = vertx.getOrCreateContext();
        Promise<JsonObject> result = Promise.promise();
        context.runOnContext(v -> run(vertx, o).onComplete(result));
        return result.future();
    }

    static List<Behaviour> behaviours(HostileOptions o) {
        List<Behaviour> all = new ArrayList<>();
        if (o.neverReaders() > 0) {
            all.add(new NeverReader(o.neverReaders(), o.historyRequests(), o.largeMessageKb()));
        }
        if (o.slowloris() > 0) {
            all.add(new HeldConnections(HeldConnections.Kind.SLOWLORIS, o.slowloris(), Math.round(o.slowlorisIntervalS() * 1000)));
        }
        if (o.idle() > 0) {
            all.add(new HeldConnections(HeldConnections.Kind.IDLE, o.idle(), 0));
        }
        if (o.idleKeepAlive() > 0) {
            all.add(new HeldConnections(HeldConnections.Kind.KEEP_ALIVE_IDLE, o.idleKeepAlive(), 0));
        }
        if (o.tinyTemperature() > 0) {
            all.add(new TinyTemperature(o.tinyTemperature()));
        }
        if (o.longBodies() > 0) {
            all.add(new LongBodies(o.longBodies(), Math.round(o.abandonAfterS() * 1000)));
        }
        if (o.refusedRetries() > 0) {
            all.add(new RefusedRetries(o.refusedRetries(), o.refusedWords()));
        }
        if (o.disconnects() > 0) {
            all.add(new MidStreamDisconnects(o.disconnects()));
        }
        return all;
    }

    private static Future<JsonObject> run(Vertx vertx, HostileOptions o) {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000),
                new PoolOptions().setHttp1MaxSize(64));
        WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(64)
                .setConnectTimeout(10_000).setMaxMessageSize(MAX_MESSAGE_BYTES).setMaxFrameSize(MAX_MESSAGE_BYTES));
        NetClient net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10_000));
        long started = System.nanoTime();
        return model(http, o).compose(model -> {
            HostileClients clients = new HostileClients(vertx, o.target(), http, ws, net, model, Math.round(o.durationS() * 1000));
            List<Behaviour> behaviours = behaviours(o);
            behaviours.forEach(b -> b.start(clients));
            Promise<String> ended = Promise.promise();
            vertx.setTimer(clients.durationMs(), t -> {
                List<Future<?>> stops = new ArrayList<>();
                stops.add(clients.stop());
                behaviours.forEach(b -> stops.add(b.stop()));
                Future.join(stops).onComplete(ar -> ended.tryComplete("everything in flight finished"));
                vertx.setTimer(Math.round(o.graceS() * 1000), g -> ended.tryComplete("the grace period ran out"));
            });
            return ended.future().compose(how -> Future.join(http.close(), ws.close(), net.close())
                    .transform(ar -> Future.succeededFuture(report(o, behaviours, how, started))));
        });
    }

    /** The model to name in requests: the first of {@code /v1/models}; also proves the server answers. */
    private static Future<String> model(HttpClient http, HostileOptions o) {
        return http.request(o.target().request(HttpMethod.GET, "/v1/models"))
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(b -> {
                    if (resp.statusCode() != 200) {
                        return null;
                    }
                    JsonArray data = new JsonObject(b).getJsonArray("data", new JsonArray());
                    return data.isEmpty() ? null : data.getJsonObject(0).getString("id");
                }))
                .recover(e -> Future.failedFuture("cannot reach " + o.target().describe() + ": " + e.getMessage()));
    }

    private static JsonObject report(HostileOptions o, List<Behaviour> behaviours, String ended, long started) {
        JsonObject each = new JsonObject();
        behaviours.forEach(b -> each.put(b.name(), b.report()));
        return new JsonObject().put("tool", "quill hostile").put("date", Instant.now().toString())
                .put("url", o.target().describe()).put("duration_s", o.durationS()).put("grace_s", o.graceS())
                .put("ran_s", (System.nanoTime() - started) / 1e9).put("ended", ended).put("behaviours", each);
    }
}
