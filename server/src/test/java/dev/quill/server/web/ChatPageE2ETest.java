package dev.quill.server.web;

import dev.quill.model.engine.EngineError;
import dev.quill.model.engine.GenerationRequest;
import dev.quill.model.engine.RequestHandle;
import dev.quill.model.engine.TokenListener;
import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.testing.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The chat page in a real headless Chromium: runs {@code node --test web/test/} (Playwright,
 * {@code web/test/chat-page.e2e.test.js}) against real servers with the tiny model, and passes
 * when every JavaScript test passes and none was skipped.
 *
 * <p>Needs Node 20+, Chromium ({@code /usr/bin/chromium}, or {@code QUILL_CHROMIUM}) and
 * {@code npm ci} run in {@code web/test}; {@code .ci/run} installs all three. Without them this
 * test fails and says what is missing; it never skips.
 */
class ChatPageE2ETest {

    private static final long TIMEOUT_MINUTES = 8;

    /** Markdown and HTML that the page must render as structure and as text, respectively. */
    static final String SEEDED_ANSWER = """
            ## Markdown from the store
            Some **bold**, some *italic* and `inline code`.

            - first item
            - second item

            1. one
            2. two

            ```java
            int x = 1 < 2 ? 3 : 4; // <b>not bold</b>
            ```
            <img src=x onerror="window.__pwned = 1"> <script>window.__pwned = 2</script>""";

    @TempDir
    Path dir;

    @Test
    void theChatPageWorksInARealBrowser() throws Exception {
        Path root = repositoryRoot();
        String node = requireTools(root);
        String chromium = chromium();
        try (ServerFixture quill = ServerFixture.start(dir, Map.of("server.max_body_bytes", "8192"));
             ServerFixture busy = ServerFixture.start(dir, Map.of("engine.slots", "1", "engine.max_waiting", "0"))) {
            String seeded = seedConversation(quill);
            try (Pacer paced = Pacer.start(quill, 20); HeldSlot held = HeldSlot.hold(busy)) {
                Path screenshot = Path.of("target", "chat-page.png").toAbsolutePath();
                ProcessBuilder pb = new ProcessBuilder(node, "--test", "web/test/")
                        .directory(root.toFile())
                        .redirectErrorStream(true);
                pb.environment().putAll(Map.of(
                        "QUILL_URL", "http://127.0.0.1:" + quill.port() + "/",
                        "QUILL_BUSY_URL", "http://127.0.0.1:" + busy.port() + "/",
                        "QUILL_SEEDED_CONVERSATION", seeded,
                        "QUILL_CHROMIUM", chromium,
                        "QUILL_SCREENSHOT", screenshot.toString()));
                Process p = pb.start();
                StringBuilder out = new StringBuilder();
                Thread pump = new Thread(() -> copyOutput(p, out), "node-output");
                pump.start();
                if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    fail("node --test web/test/ did not finish within " + TIMEOUT_MINUTES + " minutes");
                }
                pump.join(10_000);
                assertThat(p.exitValue()).as("exit code of node --test web/test/ (its output is above)").isZero();
                assertThat(out).as("the JavaScript tests ran, none skipped").contains("# pass ").contains("# skipped 0");
                assertThat(screenshot).exists();
            }
        }
    }

    /**
     * A conversation with a Markdown answer holding HTML, stored as if a model had written it: the
     * page must show the structure, and the tags as text.
     */
    private static String seedConversation(ServerFixture quill) {
        String conversation = "conv-seeded-" + System.nanoTime();
        long now = System.currentTimeMillis();
        quill.store.append(conversation, new StoredMessage("seed:u", "user", "Show me some Markdown", null, now))
                .compose(v -> quill.store.append(conversation,
                        new StoredMessage("seed:a", "assistant", SEEDED_ANSWER, "stop", now + 1)))
                .toCompletionStage().toCompletableFuture().join();
        return conversation;
    }

    /**
     * Paces the engine like a slower model: a background generation whose listener takes {@code
     * millis} per token on the engine thread, so no step is shorter, resubmitted whenever it ends.
     * The tiny model writes hundreds of tokens a second; paced, an answer of 200 tokens takes
     * seconds, and the page's Stop and a dropped connection land while it is being written.
     */
    private static final class Pacer implements AutoCloseable {
        private final ServerFixture quill;
        private final long millis;
        private volatile boolean closed;
        private volatile RequestHandle handle;

        private Pacer(ServerFixture quill, long millis) {
            this.quill = quill;
            this.millis = millis;
        }

        static Pacer start(ServerFixture quill, long millis) {
            Pacer pacer = new Pacer(quill, millis);
            pacer.submit();
            return pacer;
        }

        /** Called from the test thread, then from the engine thread when the last one ends. */
        private void submit() {
            if (closed) {
                return;
            }
            int[] prompt = quill.model.encodePrompt("Hello");
            SamplingParams params = SamplingParams.builder().maxTokens(quill.engine.maxLength() - prompt.length)
                    .ignoreEos(true).build();
            handle = quill.engine.submit(new GenerationRequest(prompt, params, new TokenListener() {
                @Override
                public void onToken(String text, int tokenId) {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void onDone(FinishReason reason, Usage usage) {
                    submit();
                }

                @Override
                public void onError(EngineError error) {
                    // shutting down; nothing to pace
                }
            }));
        }

        @Override
        public void close() {
            closed = true;
            handle.cancel();
        }
    }

    /**
     * Holds the only slot of a server with no waiting room, so its next chat is refused as
     * overloaded however fast the model is: a generation whose listener waits, on the engine
     * thread, until the test lets it go. It stands for a long answer someone else is reading.
     */
    private static final class HeldSlot implements AutoCloseable {
        private final CountDownLatch release = new CountDownLatch(1);
        private RequestHandle handle;

        static HeldSlot hold(ServerFixture busy) throws InterruptedException {
            HeldSlot held = new HeldSlot();
            CountDownLatch running = new CountDownLatch(1);
            int[] prompt = busy.model.encodePrompt("Hello");
            SamplingParams params = SamplingParams.builder().maxTokens(8).build();
            held.handle = busy.engine.submit(new GenerationRequest(prompt, params, new TokenListener() {
                @Override
                public void onToken(String text, int tokenId) {
                    running.countDown();
                    await(held.release);
                }

                @Override
                public void onDone(FinishReason reason, Usage usage) {
                    running.countDown();
                }

                @Override
                public void onError(EngineError error) {
                    running.countDown();
                }
            }));
            assertThat(running.await(60, TimeUnit.SECONDS)).as("the held generation started").isTrue();
            return held;
        }

        private static void await(CountDownLatch latch) {
            try {
                latch.await(TIMEOUT_MINUTES + 1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            handle.cancel();
            release.countDown();
        }
    }

    private static void copyOutput(Process p, StringBuilder out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println("[web] " + line);
                synchronized (out) {
                    out.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            System.out.println("[web] output lost: " + e);
        }
    }

    /** The folder holding web/test/package.json: the repository root, above server/ where Maven runs tests. */
    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("web/test/package.json"))) {
                return p;
            }
        }
        return fail("web/test/package.json not found above " + Path.of("").toAbsolutePath());
    }

    /** Node 20+ and web/test's dependencies, or a failure that says how to get them. */
    private static String requireTools(Path root) throws InterruptedException {
        String node = System.getenv().getOrDefault("QUILL_NODE", "node");
        String version;
        try {
            Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
        } catch (IOException e) {
            return fail("Node.js 20 or newer is needed for the chat page's browser test, and `" + node
                    + "` cannot be run (" + e.getMessage() + "). Install it (.ci/run shows how) or set QUILL_NODE.");
        }
        int major = version.matches("v\\d+\\..*") ? Integer.parseInt(version.substring(1, version.indexOf('.'))) : 0;
        if (major < 20) {
            fail("Node.js 20 or newer is needed for the chat page's browser test; `" + node + " --version` says " + version);
        }
        if (!Files.exists(root.resolve("web/test/node_modules/playwright-core/package.json"))) {
            fail("web/test/node_modules/playwright-core is missing: run `npm ci` in web/test (.ci/run does)");
        }
        return node;
    }

    private static String chromium() {
        String path = System.getenv().getOrDefault("QUILL_CHROMIUM", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(path))) {
            fail("Chromium is needed for the chat page's browser test and " + path + " is not there: "
                    + "apt-get install chromium (.ci/run does), or set QUILL_CHROMIUM to its path");
        }
        return path;
    }
}
