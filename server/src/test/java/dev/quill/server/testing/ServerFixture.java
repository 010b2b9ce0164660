package dev.quill.server.testing;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.engine.Engine;
import dev.quill.model.engine.EngineOptions;
import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModelFixture;
import dev.quill.server.QuillServer;
import dev.quill.server.config.QuillConfig;
import dev.quill.server.config.Settings;
import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.MemoryConversationStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A real Quill on a free loopback port, serving a tiny random Qwen2-shaped model (ChatML
 * template, eos {@code <|im_end|>}). Settings can be overridden per test; the store too.
 */
public final class ServerFixture implements AutoCloseable {

    public final Vertx vertx;
    public final LanguageModel model;
    public final Engine engine;
    public final ConversationStore store;
    public final QuillServer server;
    public final QuillConfig config;

    private ServerFixture(Vertx vertx, LanguageModel model, Engine engine, ConversationStore store,
                          QuillServer server, QuillConfig config) {
        this.vertx = vertx;
        this.model = model;
        this.engine = engine;
        this.store = store;
        this.server = server;
        this.config = config;
    }

    /** Writes (once per directory) and serves the tiny model. */
    public static ServerFixture start(Path dir, Map<String, String> settings) throws IOException {
        return start(dir, settings, new VertxOptions());
    }

    /** With Vert.x options of the test's own (e.g. a short blocked-thread limit). */
    public static ServerFixture start(Path dir, Map<String, String> settings, VertxOptions vertxOptions) throws IOException {
        return start(dir, settings, c -> new MemoryConversationStore(c.idleExpiry(), Clock.systemUTC()), vertxOptions);
    }

    public static ServerFixture start(Path dir, Map<String, String> settings,
                                      Function<QuillConfig, ConversationStore> storeFactory) throws IOException {
        return start(dir, settings, storeFactory, new VertxOptions());
    }

    public static ServerFixture start(Path dir, Map<String, String> settings,
                                      Function<QuillConfig, ConversationStore> storeFactory,
                                      VertxOptions vertxOptions) throws IOException {
        Path modelDir = dir.resolve("tiny-qwen2");
        if (!Files.exists(modelDir.resolve("config.json"))) {
            TinyModelFixture.write(modelDir, Family.QWEN2, Dtype.F32, false, 7);
        }
        Map<String, String> s = new LinkedHashMap<>();
        s.put("server.port", "0");
        s.put("model.path", modelDir.toString());
        s.put("model.name", "tiny-qwen2");
        s.put("engine.slots", "4");
        s.put("engine.default_max_tokens", "16");
        s.putAll(settings);
        QuillConfig config = QuillConfig.from(Settings.defaults().with(s, "test"));
        LanguageModel model = LanguageModel.load(config.modelPath(),
                new DecoderOptions("cpu", config.slots(), config.maxLength()));
        Engine engine = new Engine(model.decoder(), model.tokenizer(), model.eosIds(),
                new EngineOptions(config.maxWaiting(), config.stepTokenBudget(), config.prefixCache()));
        ConversationStore store = storeFactory.apply(config);
        Vertx vertx = Vertx.vertx(vertxOptions);
        QuillServer server = QuillServer.start(vertx, config, model, engine, store)
                .toCompletionStage().toCompletableFuture().join();
        return new ServerFixture(vertx, model, engine, store, server, config);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
        engine.close();
        store.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        model.close();
    }
}
