package dev.quill.server;

import dev.quill.model.LanguageModel;
import dev.quill.model.cli.GenerateCommand;
import dev.quill.model.cli.TrainCommand;
import dev.quill.model.cli.MklCodePath;
import dev.quill.model.cli.TorchThreads;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.decoder.KvCache;
import dev.quill.model.engine.Engine;
import dev.quill.model.engine.EngineOptions;
import dev.quill.model.engine.KvBudget;
import dev.quill.model.config.ModelConfig;
import dev.quill.model.config.ModelConfigReader;
import dev.quill.server.config.QuillConfig;
import dev.quill.server.config.Settings;
import dev.quill.server.loadtest.LoadTestCommand;
import dev.quill.server.store.ConversationStore;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code quill serve [--config FILE] [--key value ...]}, {@code quill generate ...}, {@code quill train ...} and {@code quill loadtest ...}. */
public final class Main {

    private static final Map<String, String> SHORT_FLAGS = Map.of(
            "port", "server.port", "host", "server.host", "model", "model.path", "device", "model.device",
            "redis", "store.redis");

    private Main() {
    }

    public static void main(String[] argv) {
        if (argv.length > 0 && argv[0].equals("generate")) {
            GenerateCommand.main(Arrays.copyOfRange(argv, 1, argv.length));
            return;
        }
        if (argv.length > 0 && argv[0].equals("loadtest")) {
            LoadTestCommand.main(Arrays.copyOfRange(argv, 1, argv.length));
            return;
        }
        if (argv.length > 0 && argv[0].equals("hostile")) {
            dev.quill.server.hostile.HostileCommand.main(Arrays.copyOfRange(argv, 1, argv.length));
            return;
        }
        if (argv.length > 0 && argv[0].equals("train")) {
            TrainCommand.main(Arrays.copyOfRange(argv, 1, argv.length));
            return;
        }
        if (argv.length == 0 || !argv[0].equals("serve")) {
            System.err.println("usage: quill serve [--config FILE] [--port N] [--model DIR] [--redis URI] [--section.key VALUE ...]\n"
                    + "       quill generate [--model DIR] --prompt TEXT [...]\n"
                    + "       quill train --corpus FILE --out DIR [...]\n"
                    + "       quill loadtest --url URL [--sessions N] [--turns T] [...] (--help lists every flag)");
            System.exit(2);
        }
        QuillConfig config;
        try {
            config = QuillConfig.from(settings(Arrays.copyOfRange(argv, 1, argv.length), System.getenv()));
        } catch (IllegalArgumentException e) {
            System.err.println("serve: " + e.getMessage());
            System.exit(2);
            return;
        }
        serve(config);
    }

    /** Defaults, then --config, then QUILL_* variables, then flags. */
    static Settings settings(String[] argv, Map<String, String> env) {
        Map<String, String> flags = new LinkedHashMap<>();
        Path file = null;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < argv.length) {
                value = argv[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (name.equals("config")) {
                file = Path.of(value);
            } else {
                flags.put(SHORT_FLAGS.getOrDefault(name, name), value);
            }
        }
        Settings s = Settings.defaults();
        if (file != null) {
            s = s.withFile(file);
        }
        return s.withEnvironment(env).with(flags, "command line");
    }

    private static void serve(QuillConfig config) {
        TorchThreads.configure(config.threads(), config.interopThreads());
        MklCodePath.startUp(config.device()).ifPresent(System.out::println);
        LanguageModel model;
        try {
            ModelConfig mc = ModelConfigReader.read(config.modelPath());
            int maxLength = config.maxLength() == 0 ? mc.maxPositions() : Math.min(config.maxLength(), mc.maxPositions());
            long kvTokens = KvBudget.poolTokens(mc, maxLength, config.slots(), config.kvBudgetTokens());
            model = LanguageModel.load(config.modelPath(), new DecoderOptions(config.device(), config.slots(), maxLength, kvTokens));
            System.out.printf("KV cache: %d blocks of %d tokens (%.1f MB), shared by up to %d sequences of %d tokens%n",
                    model.decoder().cache().blocks(), KvCache.BLOCK_SIZE, model.decoder().cache().bytes() / 1e6,
                    config.slots(), maxLength);
        } catch (RuntimeException e) {
            System.err.println("serve: cannot load the model: " + e.getMessage());
            System.exit(1);
            return;
        }
        Engine engine = new Engine(model.decoder(), model.tokenizer(), model.eosIds(),
                new EngineOptions(config.maxWaiting(), config.stepTokenBudget(), config.prefixCache()));
        ConversationStore store = Stores.open(config);
        Vertx vertx = Vertx.vertx();
        QuillServer server = QuillServer.start(vertx, config, model, engine, store)
                .toCompletionStage().toCompletableFuture().join(); // main thread, not an event loop
        System.out.printf("Quill serving %s on http://%s:%d (store: %s)%n", config.modelName(), config.host(),
                server.port(), config.usesRedis() ? config.redisUri() : "memory");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close().toCompletionStage().toCompletableFuture().join();
            engine.close();
            store.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            model.close();
        }, "quill-shutdown"));
    }
}
