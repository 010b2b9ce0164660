package dev.quill.server.hostile;

import dev.quill.server.testing.ServerFixture;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** {@link TenancyTest} over the in-memory store. */
class MemoryTenancyTest extends TenancyTest {

    @BeforeAll
    static void startServer() throws Exception {
        start(ServerFixture.start(dir, Map.of("auth.api_keys", "k1,k2")));
    }
}
