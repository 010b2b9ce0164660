package dev.quill.server.ws;

import dev.quill.server.testing.ServerFixture;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** {@link ConversationOpsTest} over the in-memory store. */
class MemoryConversationOpsTest extends ConversationOpsTest {

    @BeforeAll
    static void startServer() throws Exception {
        quill = ServerFixture.start(dir, Map.of("auth.api_keys", "k1,k2"));
    }
}
