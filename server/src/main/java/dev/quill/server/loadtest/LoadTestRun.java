package dev.quill.server.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Drives one run: the sessions, the arrival schedule, the bounds on time and requests, the
 * {@code /metrics} scraper and the progress line. It always ends by itself: no request is sent
 * after the warm-up plus the duration (or once the request limit is reached), and whatever is
 * still in flight a grace period later is cut off.
 *
 * <p>Everything (sessions, timers, the clients' callbacks) runs on the one Vert.x context the
 * run was started on, so its state needs no locks and no session has a thread of its own.
 */
final class LoadTestRun {

    /**
     * What a run leaves behind. Times are nanoseconds since it started.
     *
     * @param records every request, warm-up included, in the order they ended
     * @param measureStartNanos the end of the warm-up
     * @param droppedArrivals open-loop arrivals still waiting for a free session when sending stopped
     * @param history the {@code --verify-history} result ({@link HistoryCheck}), or null without it
     * @param connectionRetries SSE requests sent again because a reused connection closed under them ({@link PooledPost})
     */
    record Outcome(List<RequestRecord> records, long measureStartNanos, long endNanos, JsonObject serverMetrics,
                   String model, String stopReason, int droppedArrivals, JsonObject history, int connectionRetries) {
    }

    /** A session and where it is in its conversation. */
    private static final class User {
        final int index;
        final ChatSession chat;
        int conversation; // which conversation of the run (for the prompt source)
        int turn;         // turns done in it

        User(int index, ChatSession chat) {
            this.index = index;
            this.chat = chat;
        }
    }

    /** How long a session waits after its connection was refused before it tries again. */
    static final long CONNECT_RETRY_MS = 1000;

    private final Vertx vertx;
    private final LoadTestOptions o;
    private final PrintStream progress;
    private final Random random;
    private long t0 = System.nanoTime(); // reset when sending begins, after the preflight
    private final LongSupplier clock = () -> System.nanoTime() - t0;
    private final List<User> users = new ArrayList<>();
    private final ArrayDeque<User> idle = new ArrayDeque<>();
    private final ArrayDeque<Long> arrivals = new ArrayDeque<>(); // open loop: arrival times waiting for a user
    private final List<RequestRecord> records = new ArrayList<>();
    private final List<Long> timers = new ArrayList<>();
    private final Promise<Outcome> done = Promise.promise();
    private final WebSocketClient wsClient;
    private final HttpClient httpClient;
    private final PooledPost post; // the SSE sessions' requests, retried when a reused connection was closed under them
    private final HttpClient metricsClient;
    private final MetricsScraper scraper;
    private final long warmupEnd;
    private final long deadline;
    private long nextArrival;
    private long arrivalTimer = -1;
    private int inFlight;
    private long sent;
    private long measuredSent;
    private int ok;
    private int failed;
    private long chunks;
    private long chunksAtLastLine;
    private int conversations;
    private int dropped;
    private String stopReason;
    private boolean finished;

    private LoadTestRun(Vertx vertx, LoadTestOptions o, PrintStream progress) {
        this.vertx = vertx;
        this.o = o;
        this.progress = progress;
        this.random = new Random(o.seed());
        this.warmupEnd = o.warmup().toNanos();
        this.deadline = warmupEnd + o.duration().toNanos();
        this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(o.sessions()));
        this.httpClient = vertx.createHttpClient(PooledPost.options(), new PoolOptions().setHttp1MaxSize(o.sessions()));
        this.post = new PooledPost(httpClient);
        this.metricsClient = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(1)); // never behind the streams
        this.scraper = o.scrapeMetrics() ? new MetricsScraper(vertx, metricsClient, o.target(), clock) : null;
    }

    /**
     * Checks the server answers (and, for SSE without {@code --model}, asks it for its model),
     * then runs. The future fails only when the server cannot be used at all.
     *
     * @param progress where the \r-updated progress line goes, or null
     */
    static Future<Outcome> start(Vertx vertx, LoadTestOptions o, PrintStream progress) {
        Context context = vertx.getOrCreateContext();
        Promise<Outcome> result = Promise.promise();
        context.runOnContext(v -> {
            LoadTestRun run = new LoadTestRun(vertx, o, progress);
            run.preflight().compose(model -> run.begin(model)).onComplete(result);
        });
        return result.future();
    }

    /** SSE: the model to name; WebSocket: one handshake, so a wrong URL or key fails here, once. */
    private Future<String> preflight() {
        if (o.protocol() == LoadTestOptions.Protocol.WS) {
            return wsClient.connect(o.target().socket())
                    .compose(ws -> ws.close())
                    .map(v -> (String) null)
                    .recover(e -> Future.failedFuture("cannot open " + o.target().describe() + "/ws: " + e.getMessage()));
        }
        return post.request(o.target().models())
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> {
                    if (resp.statusCode() == 200) {
                        JsonArray data = new JsonObject(body).getJsonArray("data", new JsonArray());
                        if (o.model() != null) {
                            return o.model();
                        }
                        if (!data.isEmpty()) {
                            return data.getJsonObject(0).getString("id");
                        }
                    } else if (resp.statusCode() == 401 || resp.statusCode() == 403) {
                        throw new IllegalStateException("the server refused the API key (HTTP " + resp.statusCode() + ")");
                    } else if (o.model() != null) {
                        return o.model(); // no model list here; the name given is all there is
                    }
                    throw new IllegalStateException("no model in " + o.target().describe() + "/v1/models; give --model");
                }))
                .recover(e -> Future.failedFuture(e instanceof IllegalStateException ? e.getMessage()
                        : "cannot reach " + o.target().describe() + ": " + e.getMessage()));
    }

    private Future<Outcome> begin(String model) {
        t0 = System.nanoTime();
        for (int i = 0; i < o.sessions(); i++) {
            ChatSession chat = o.protocol() == LoadTestOptions.Protocol.WS
                    ? new WsSession(wsClient, o.target(), i, o.verifyHistory()) : new SseSession(post, o.target(), model);
            User u = new User(i, chat);
            users.add(u);
            idle.add(u);
        }
        timers.add(vertx.setTimer(Math.max(1, deadline / 1_000_000), id -> stopSending("time")));
        timers.add(vertx.setTimer(Math.max(1, (deadline + o.grace().toNanos()) / 1_000_000), id -> cutOff()));
        if (progress != null) {
            timers.add(vertx.setPeriodic(1000, id -> printProgress()));
        }
        if (scraper != null) {
            scraper.start();
        }
        if (o.schedule() instanceof ArrivalSchedule.Poisson) {
            arrive();
        } else {
            pump();
        }
        return done.future();
    }

    /** Open loop: queue every arrival that is due, then wait for the next one. */
    private void arrive() {
        if (stopReason != null) {
            return;
        }
        ArrivalSchedule.Poisson poisson = (ArrivalSchedule.Poisson) o.schedule();
        long now = clock.getAsLong();
        while (nextArrival <= now) {
            arrivals.add(nextArrival); // the time it was due: client queueing counts from there
            nextArrival += poisson.nextGapNanos(random);
        }
        pump();
        if (stopReason == null) { // scheduled times accumulate, so timer granularity does not skew the rate
            arrivalTimer = vertx.setTimer(Math.max(1, (nextArrival - now) / 1_000_000), id -> arrive());
        }
    }

    /** Sends as much as the schedule allows and a session is free for. */
    private void pump() {
        while (stopReason == null && !idle.isEmpty()) {
            long arrival;
            if (o.schedule() instanceof ArrivalSchedule.Closed closed) {
                if (inFlight >= closed.concurrency()) {
                    return;
                }
                arrival = clock.getAsLong();
            } else if (arrivals.isEmpty()) {
                return;
            } else {
                arrival = arrivals.poll();
            }
            launch(idle.poll(), arrival);
        }
    }

    private void launch(User u, long arrival) {
        boolean warmup = clock.getAsLong() < warmupEnd;
        if (u.turn == 0) {
            u.conversation = conversations++;
        }
        ChatSession.Turn turn = new ChatSession.Turn(u.turn == 0 ? o.system() : null,
                o.prompts().prompt(u.conversation, u.turn, random),
                o.maxTokens().sample(random), o.ignoreEos(), o.temperature(),
                JsonAnswers.pick(o.jsonShare(), o.seed(), u.conversation, u.turn));
        RequestTrace trace = new RequestTrace(u.index, u.conversation, u.turn, warmup, arrival, clock, () -> chunks++);
        inFlight++;
        sent++;
        u.chat.send(turn, trace).onComplete(ar -> ended(u, ar.result()));
        if (!warmup && ++measuredSent == o.maxRequests()) {
            stopSending("requests");
        }
    }

    private void ended(User u, RequestRecord r) {
        inFlight--;
        records.add(r);
        if (r.ok()) {
            ok++;
        } else if (r.status() == RequestRecord.Status.FAILED) {
            failed++;
        }
        // a failed turn ends its conversation too, unless only the way to the server broke
        boolean continues = !r.ok() && r.status() == RequestRecord.Status.FAILED && u.chat.continuesAfter(r.error());
        if ((!r.ok() && !continues) || ++u.turn >= o.turns()) {
            u.turn = 0;
            u.chat.newConversation();
        }
        if (!r.ok() && "connect_failed".equals(r.error()) && stopReason == null) {
            // a server that refuses connections (or died) is not hammered in a tight loop of failures
            timers.add(vertx.setTimer(CONNECT_RETRY_MS, id -> free(u)));
        } else {
            free(u);
        }
    }

    private void free(User u) {
        idle.add(u);
        if (stopReason == null) {
            pump();
        } else if (inFlight == 0) {
            finish();
        }
    }

    private void stopSending(String why) {
        if (stopReason != null) {
            return;
        }
        stopReason = why;
        dropped = arrivals.size();
        arrivals.clear();
        if (inFlight == 0) {
            finish();
        }
    }

    /** The grace period is over: whatever still streams is cut off and the run ends. */
    private void cutOff() {
        stopSending("time");
        for (User u : users) {
            u.chat.abort(); // completes its turn INCOMPLETE at once; ended() finishes the run at the last
        }
        finish();
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        long end = clock.getAsLong();
        timers.forEach(vertx::cancelTimer);
        vertx.cancelTimer(arrivalTimer);
        if (scraper != null) {
            scraper.stop();
        }
        if (progress != null) {
            printProgress();
            progress.println();
        }
        String model = users.stream().map(u -> u.chat.model()).filter(m -> m != null).findFirst().orElse(null);
        JsonObject metrics = scraper == null ? new JsonObject().put("source", (String) null).put("note", "--no-metrics")
                : scraper.toJson();
        Future.all(users.stream().map(u -> u.chat.close()).toList())
                .eventually(() -> Future.all(wsClient.close(), httpClient.close(), metricsClient.close()))
                .transform(ar -> verifyHistory())
                .onComplete(ar -> done.complete(new Outcome(List.copyOf(records), warmupEnd, end, metrics, model,
                        stopReason, dropped, ar.succeeded() ? ar.result()
                                : new JsonObject().put("history_error", String.valueOf(ar.cause())), post.retries())));
    }

    /** After the streams are closed, so their last stores have landed: each conversation read back and compared. */
    private Future<JsonObject> verifyHistory() {
        if (!o.verifyHistory()) {
            return Future.succeededFuture(null);
        }
        if (progress != null) {
            progress.println("loadtest: reading back " + users.stream().mapToInt(u -> u.chat.transcripts().size()).sum()
                    + " conversations to verify their stored history");
        }
        return HistoryCheck.run(vertx, o.target(), users.stream().flatMap(u -> u.chat.transcripts().stream()).toList(),
                users.stream().mapToInt(u -> u.chat.unnamedConversations()).sum());
    }

    private void printProgress() {
        long now = clock.getAsLong();
        String phase = finished ? "done" : stopReason != null ? "finishing" : now < warmupEnd ? "warm-up" : "measuring";
        String line = String.format("[%5.0fs] %-9s | sent %d | ok %d | failed %d | in flight %d | ~%d tok/s",
                now / 1e9, phase, sent, ok, failed, inFlight, chunks - chunksAtLastLine);
        chunksAtLastLine = chunks;
        Double rss = scraper == null ? null : scraper.latest("resident_memory_bytes");
        if (rss != null) {
            line += String.format(" | server RSS %.0f MiB", rss / (1024 * 1024)); // a leak shows here as it happens
        }
        progress.print("\r" + line + "   ");
        progress.flush();
    }
}
