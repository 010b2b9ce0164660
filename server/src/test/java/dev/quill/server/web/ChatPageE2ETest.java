package dev.quill.server.web;

import dev.quill.server.store.StoredMessage;
import dev.quill.server.testing.HeldSlot;
import dev.quill.server.testing.Pacer;
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

    /** A table, highlighted code and math, for web/test/rendering.e2e.test.js. */
    static final String RENDERING_ANSWER = """
            Here is a comparison:

            | Model | Parameters | Context |
            |:------|-----------:|:-------:|
            | tiny | 0.1 M | 256 |
            | demo | 2 M | 512 |

            ```python
            def greet(name):
                # say hello
                return f"Hello, {name}! <b>"
            ```

            Euler's identity: $e^{i\\pi} + 1 = 0$, and the sum

            $$
            \\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}
            $$""";

    @TempDir
    Path dir;

    @Test
    void theChatPageWorksInARealBrowser() throws Exception {
        Path root = repositoryRoot();
        String node = requireTools(root);
        String chromium = chromium();
        try (ServerFixture quill = ServerFixture.start(dir, Map.of("server.max_body_bytes", "8192"));
             ServerFixture busy = ServerFixture.start(dir, Map.of("engine.slots", "1", "engine.max_waiting", "0"))) {
            String seeded = seedConversation(quill, "conv-seeded-", SEEDED_ANSWER);
            String rendering = seedConversation(quill, "conv-rendering-", RENDERING_ANSWER);
            try (Pacer paced = Pacer.start(quill, 20); HeldSlot held = HeldSlot.hold(busy)) {
                Path screenshot = Path.of("target", "chat-page.png").toAbsolutePath();
                ProcessBuilder pb = new ProcessBuilder(node, "--test", "web/test/")
                        .directory(root.toFile())
                        .redirectErrorStream(true);
                pb.environment().putAll(Map.of(
                        "QUILL_URL", "http://127.0.0.1:" + quill.port() + "/",
                        "QUILL_BUSY_URL", "http://127.0.0.1:" + busy.port() + "/",
                        "QUILL_SEEDED_CONVERSATION", seeded,
                        "QUILL_RENDERING_CONVERSATION", rendering,
                        "QUILL_RENDERING_ANSWER", RENDERING_ANSWER,
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
     * A conversation with a Markdown answer (holding HTML, or tables, code and math), stored as if
     * a model had written it: the page must show the structure, and any tags as text.
     */
    private static String seedConversation(ServerFixture quill, String prefix, String answer) {
        String conversation = prefix + System.nanoTime();
        long now = System.currentTimeMillis();
        quill.store.append(conversation, new StoredMessage("seed:u", "user", "Show me some Markdown", null, now))
                .compose(v -> quill.store.append(conversation,
                        new StoredMessage("seed:a", "assistant", answer, "stop", now + 1)))
                .toCompletionStage().toCompletableFuture().join();
        return conversation;
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
