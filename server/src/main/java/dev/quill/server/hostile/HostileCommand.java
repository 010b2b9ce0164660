package dev.quill.server.hostile;

import dev.quill.model.cli.Args;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.CompletionException;

/**
 * {@code quill hostile ...}: hostile and careless clients against one server on this machine, for
 * a bounded time, beside a {@code loadtest} that measures whether anyone else noticed (issue 12's
 * mixed run, bench/mixed.sh). Prints and writes a JSON report of what each behaviour did and saw.
 */
public final class HostileCommand {

    static final String USAGE = """
            usage: hostile --url URL [--duration S] [--grace S] [--api-key K] [--out report.json] [counts ...]
              --url URL               the server; only a loopback address is accepted
              --duration S            seconds of hostile traffic (default 60); then it stops by itself
              --grace S               how long attempts in flight at the end may take (default 15)
              --never-readers N       WebSockets that stop reading and ask for history again and again (default 2)
              --history-requests N    history requests each of them sends (default 3000)
              --large-message-kb K    the message each tries to store first, to make history large (default 512)
              --slowloris N           connections sending a request's headers a byte at a time (default 50)
              --slowloris-interval S  seconds between those bytes (default 5)
              --idle N                connections that never send a byte (default 200)
              --idle-keep-alive N     connections idle after one complete request (default 100)
              --tiny-temperature N    requests with temperature 1e-320 (HTTP) and 5e-324 (WebSocket) (default 20)
              --long-bodies N         1,000-message chat requests, abandoned when unanswered (default 10)
              --abandon-after S       how long those wait for an answer to begin (default 3)
              --refused-retries N     refused turns retried 3 times with the same turn id / Idempotency-Key (default 4)
              --refused-words W       the refused message's length in words, past the context (default 3000)
              --disconnects N         streams whose client leaves after the first piece of text (default 20)
            A count of 0 turns that behaviour off. Exit status 0 once it has run, whatever the server did.
            """;

    private HostileCommand() {
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        HostileOptions o;
        try {
            Args a = Args.parse(argv, HostileOptions.WITH_VALUE, HostileOptions.FLAGS);
            if (a.has("help")) {
                out.print(USAGE);
                return 0;
            }
            o = HostileOptions.from(a);
        } catch (IllegalArgumentException e) {
            err.println("hostile: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        err.printf("hostile: %s for %.0fs (then up to %.0fs of grace)%n", o.target().describe(), o.durationS(), o.graceS());
        Vertx vertx = Vertx.vertx();
        JsonObject report;
        try {
            report = HostileRun.start(vertx, o).toCompletionStage().toCompletableFuture().join(); // main thread
        } catch (CompletionException e) {
            err.println("hostile: " + e.getCause().getMessage());
            return 1;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        out.println(report.encodePrettily());
        if (o.out() != null) {
            try {
                Files.writeString(o.out(), report.encodePrettily(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("hostile: cannot write " + o.out() + ": " + e.getMessage());
                return 1;
            }
            err.println("hostile: wrote " + o.out());
        }
        return 0;
    }

    public static void main(String[] argv) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.exit(run(argv, out, System.err));
    }
}
