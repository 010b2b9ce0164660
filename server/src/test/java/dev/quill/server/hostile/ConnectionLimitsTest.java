package dev.quill.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.testing.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One client opening connection after connection, over raw sockets: past the limit per address
 * its next connection is closed at once while a client from another address is served; past the
 * total limit every new connection is, until one closes. Linux routes all of 127/8 to loopback,
 * so 127.0.0.2 is a second client.
 */
class ConnectionLimitsTest {

    @TempDir
    Path dir;

    private static boolean refused(Socket s) throws IOException {
        return RawHttp.closedWithin(s, Duration.ofSeconds(5));
    }

    private static int liveStatus(int port) throws IOException {
        return RawHttp.exchange(port, RawHttp.get("/health/live", "127.0.0.1", "Connection: close")).status();
    }

    @Test
    void aClientPastItsPerAddressLimitIsClosedWhileOthersAreServed() throws Exception {
        try (ServerFixture quill = ServerFixture.start(dir, Map.of("http.max_connections_per_address", "3"))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    held.add(RawHttp.connect("127.0.0.2", quill.port()));
                }
                try (Socket extra = RawHttp.connect("127.0.0.2", quill.port())) {
                    assertThat(refused(extra)).isTrue();
                }
                assertThat(liveStatus(quill.port())).isEqualTo(200); // 127.0.0.1 has its own allowance
                // the three held ones are still served
                RawHttp.send(held.get(0), RawHttp.get("/health/live", "127.0.0.1"));
                assertThat(RawHttp.read(held.get(0)).status()).isEqualTo(200);
                String metrics = RawHttp.exchange(quill.port(), RawHttp.get("/metrics", "127.0.0.1", "Connection: close")).body();
                assertThat(metrics).contains("quill_http_connections_refused_total{reason=\"per_address\"} 1");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void pastTheTotalLimitNewConnectionsAreClosedUntilOneLeaves() throws Exception {
        try (ServerFixture quill = ServerFixture.start(dir, Map.of("http.max_connections", "2"))) {
            Socket a = RawHttp.connect("127.0.0.2", quill.port());
            try (Socket b = RawHttp.connect("127.0.0.3", quill.port())) {
                // a's request answered proves the server has counted both before the third arrives
                RawHttp.send(a, RawHttp.get("/health/live", "127.0.0.1"));
                assertThat(RawHttp.read(a).status()).isEqualTo(200);
                RawHttp.send(b, RawHttp.get("/health/live", "127.0.0.1"));
                assertThat(RawHttp.read(b).status()).isEqualTo(200);
                try (Socket third = RawHttp.connect(quill.port())) {
                    assertThat(refused(third)).isTrue();
                }
                a.close();
                // the server hears a's close asynchronously: retry until a slot is free (bounded)
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                int status = -1;
                while (status != 200 && System.nanoTime() < deadline) {
                    try {
                        status = liveStatus(quill.port());
                    } catch (IOException refusedAgain) {
                        status = -1;
                    }
                }
                assertThat(status).isEqualTo(200);
            }
        }
    }
}
