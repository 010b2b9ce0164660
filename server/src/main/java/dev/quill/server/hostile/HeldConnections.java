package dev.quill.server.hostile;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * Raw TCP connections held open for the whole run: silent ones (never a byte), idle keep-alive
 * ones (one complete request, then silence), and slowloris ones (a request's headers, one byte
 * every few seconds, never finished). A server with idle and header-read timeouts closes them;
 * the report says how many it closed, after how long, and with what reply, and how many were
 * still open when the run ended.
 */
final class HeldConnections implements Behaviour {

    /** How the connection behaves once open. */
    enum Kind {
        IDLE("idle_connections"), KEEP_ALIVE_IDLE("idle_keep_alive"), SLOWLORIS("slowloris");

        final String reportName;

        Kind(String reportName) {
            this.reportName = reportName;
        }
    }

    private final Kind kind;
    private final int count;
    private final long byteIntervalMs;
    private final Tally tally = new Tally();
    private final List<NetSocket> open = new ArrayList<>();
    private final List<Long> timers = new ArrayList<>();
    private HostileClients c;
    private long startedAt;
    private double minHeldS = Double.NaN;
    private double maxHeldS = Double.NaN;

    /** @param byteIntervalMs for slowloris: the gap between header bytes */
    HeldConnections(Kind kind, int count, long byteIntervalMs) {
        this.kind = kind;
        this.count = count;
        this.byteIntervalMs = byteIntervalMs;
    }

    @Override
    public String name() {
        return kind.reportName;
    }

    @Override
    public void start(HostileClients clients) {
        c = clients;
        startedAt = System.nanoTime();
        for (int i = 0; i < count; i++) {
            c.net().connect(c.target().port(), c.target().host()).onComplete(ar -> {
                if (ar.failed()) {
                    tally.add("connect_failed");
                } else if (c.stopped()) {
                    ar.result().close();
                } else {
                    hold(ar.result());
                }
            });
        }
    }

    private void hold(NetSocket s) {
        tally.add("opened");
        open.add(s);
        long opened = System.nanoTime();
        boolean[] replied = new boolean[1];
        s.handler(b -> {
            if (!replied[0]) {
                replied[0] = true;
                tally.add("reply " + statusLine(b));
            }
        });
        s.closeHandler(v -> {
            if (open.remove(s)) { // not closed by us
                tally.add("closed_by_server");
                double held = (System.nanoTime() - opened) / 1e9;
                minHeldS = Double.isNaN(minHeldS) ? held : Math.min(minHeldS, held);
                maxHeldS = Double.isNaN(maxHeldS) ? held : Math.max(maxHeldS, held);
            }
        });
        s.exceptionHandler(e -> { });
        String head = "GET /health/live HTTP/1.1\r\nHost: " + c.target().host() + ":" + c.target().port() + "\r\n";
        switch (kind) {
            case IDLE -> { }
            case KEEP_ALIVE_IDLE -> s.write(head + "\r\n");
            case SLOWLORIS -> {
                s.write(head + "X-Slow: ");
                timers.add(c.vertx().setPeriodic(byteIntervalMs, id -> {
                    if (open.contains(s)) {
                        s.write("a");
                        tally.add("bytes_trickled");
                    }
                }));
            }
        }
    }

    private static String statusLine(Buffer b) {
        String text = b.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\r');
        String line = end < 0 ? text : text.substring(0, end);
        return line.length() > 40 ? line.substring(0, 40) : line;
    }

    @Override
    public Future<Void> stop() {
        timers.forEach(c.vertx()::cancelTimer);
        List<NetSocket> mine = new ArrayList<>(open);
        open.clear();
        tally.add("held_to_end", mine.size());
        return Future.join(mine.stream().map(NetSocket::close).toList()).mapEmpty();
    }

    @Override
    public JsonObject report() {
        return new JsonObject().put("connections", count).put("seen", tally.toJson())
                .put("closed_by_server_after_s", new JsonObject().put("min", nan(minHeldS)).put("max", nan(maxHeldS)))
                .put("ran_s", (System.nanoTime() - startedAt) / 1e9);
    }

    static Double nan(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
