package dev.quill.model.engine;

import dev.quill.model.LanguageModel;
import dev.quill.model.bench.BenchModel;
import dev.quill.model.cli.TorchThreads;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The engine benchmark (a command, not a test): aggregate decode tokens/s at 1, 4, 16 and 64
 * concurrent streams, time to first token for a newcomer while 15 others decode, and second-turn
 * time to first token with and without prefix reuse for a 1000-token history. All on a GPT-2
 * small-shaped random fp32 model (the decoder benchmark's {@link BenchModel#GPT2_124M}) loaded through the real path; ratios are measured in one run.
 *
 * <pre>./mvnw -q -B -pl model test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.quill.model.engine.EngineBenchmark \
 *     [-Dexec.args="--streams 1,4,16,64 --tokens 64 --threads 1 --streams-only"]</pre>
 * or, alone, one packed pass per step against prompt chunks in passes of their own
 * ({@link StepPassesComparison}): {@code --compare-passes ROUNDS [--budgets 128,512] [--model llama-125m]}.
 */
public final class EngineBenchmark {


    private EngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        String streamsArg = "1,4,16,64";
        int decodeTokens = 64;
        Integer threads = null;
        boolean streamsOnly = false;
        int compareRounds = 0;
        String modelId = "gpt2-124m";
        List<Integer> budgets = List.of(512); // the default EngineOptions' step token budget
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--compare-passes" -> compareRounds = Integer.parseInt(args[++i]); // only the comparison
                case "--model" -> modelId = args[++i];
                case "--budgets" -> budgets = java.util.Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--streams" -> streamsArg = args[++i];
                case "--tokens" -> decodeTokens = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.valueOf(args[++i]);
                case "--streams-only" -> streamsOnly = true; // skip the time-to-first-token parts
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        // Before DJL starts: PyTorch fixes its thread pools then. Same default as serve and generate.
        TorchThreads.configure(threads, null);
        Path dir = BenchModel.byId(modelId).folder(BenchModel.defaultRoot()); // the decoder benchmark's models
        System.out.printf("threads: intra-op %s, cores %d%n", System.getProperty("ai.djl.pytorch.num_threads"),
                Runtime.getRuntime().availableProcessors());
        if (compareRounds > 0) {
            StepPassesComparison.run(dir, compareRounds, budgets);
            return;
        }

        List<Integer> streams = java.util.Arrays.stream(streamsArg.split(",")).map(Integer::valueOf).toList();
        int maxStreams = streams.stream().mapToInt(Integer::intValue).max().orElse(1);
        double single = 0;
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(Math.max(maxStreams, 16), 160));
             Engine engine = new Engine(m.decoder(), m.tokenizer(), m.eosIds(), new EngineOptions(256, 512, false))) {
            run(engine, 1, 8, 16); // warm-up: first passes allocate and JIT
            for (int n : streams) {
                double tps = run(engine, n, 32, decodeTokens);
                if (n == 1) {
                    single = tps;
                }
                System.out.printf("streams %3d: %8.1f tokens/s aggregate%s%n", n, tps,
                        single > 0 && n > 1 ? String.format("  (%.1fx one stream)", tps / single) : "");
            }
            if (!streamsOnly) {
                newcomerTtft(engine);
            }
        }
        if (!streamsOnly) {
            prefixReuse(dir);
        }
    }

    /** N greedy streams from 32-token prompts; tokens/s over the span in which all of them decode. */
    private static double run(Engine engine, int n, int promptLength, int tokens) throws Exception {
        Random rnd = new Random(n);
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Probe p = new Probe();
            engine.submit(new GenerationRequest(prompt(rnd, promptLength), greedy(tokens), p));
            probes.add(p);
        }
        for (Probe p : probes) {
            p.done.get(10, TimeUnit.MINUTES);
        }
        long firstStart = probes.stream().mapToLong(p -> p.firstTokenAt).max().orElseThrow(); // all decoding
        long end = probes.stream().mapToLong(p -> p.doneAt).max().orElseThrow();
        long tokensAfter = 0;
        for (Probe p : probes) {
            tokensAfter += p.tokensAfter(firstStart);
        }
        return tokensAfter * 1e9 / (end - firstStart);
    }

    private static void newcomerTtft(Engine engine) throws Exception {
        Random rnd = new Random(99);
        List<Probe> background = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            Probe p = new Probe();
            engine.submit(new GenerationRequest(prompt(rnd, 32), greedy(120), p));
            background.add(p);
        }
        for (Probe p : background) {
            p.first.await();
        }
        Probe newcomer = new Probe();
        long t0 = System.nanoTime();
        engine.submit(new GenerationRequest(prompt(rnd, 128), greedy(4), newcomer));
        newcomer.first.await();
        System.out.printf("time to first token, 128-token prompt, while 15 others decode: %.0f ms%n",
                (newcomer.firstTokenAt - t0) / 1e6);
        for (Probe p : background) {
            p.done.get(10, TimeUnit.MINUTES);
        }
    }

    private static void prefixReuse(Path dir) throws Exception {
        double[] ttft = new double[2];
        for (int reuse = 0; reuse < 2; reuse++) {
            try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(2, 0));
                 Engine engine = new Engine(m.decoder(), m.tokenizer(), m.eosIds(), new EngineOptions(8, 512, reuse == 1))) {
                Random rnd = new Random(7);
                int[] turn1 = prompt(rnd, 990);
                Probe first = new Probe();
                engine.submit(new GenerationRequest(turn1, greedy(10), first));
                first.done.get(10, TimeUnit.MINUTES);
                int[] turn2 = concat(turn1, first.tokens(), prompt(rnd, 20));
                Probe second = new Probe();
                long t0 = System.nanoTime();
                engine.submit(new GenerationRequest(turn2, greedy(4), second));
                second.done.get(10, TimeUnit.MINUTES);
                ttft[reuse] = (second.firstTokenAt - t0) / 1e6;
                System.out.printf("second turn (%d-token history) time to first token %s prefix reuse: %.0f ms (%d cached tokens)%n",
                        turn2.length, reuse == 1 ? "with" : "without", ttft[reuse], second.usage.cachedTokens());
            }
        }
        System.out.printf("prefix reuse speed-up to first token: %.1fx%n", ttft[0] / ttft[1]);
    }

    private static SamplingParams greedy(int tokens) {
        return SamplingParams.builder().temperature(0).maxTokens(tokens).ignoreEos(true).build();
    }

    private static int[] prompt(Random rnd, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = rnd.nextInt(50000);
        }
        return p;
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    /** Records token arrival times on the engine thread. */
    private static final class Probe implements TokenListener {
        final CompletableFuture<FinishReason> done = new CompletableFuture<>();
        final CountDownLatch first = new CountDownLatch(1);
        final List<Long> times = new ArrayList<>();
        final List<Integer> ids = new ArrayList<>();
        volatile long firstTokenAt;
        volatile long doneAt;
        volatile Usage usage;

        @Override
        public synchronized void onToken(String text, int tokenId) {
            long now = System.nanoTime();
            if (tokenId >= 0) {
                times.add(now);
                ids.add(tokenId);
            }
            if (firstTokenAt == 0) {
                firstTokenAt = now;
                first.countDown();
            }
        }

        @Override
        public void onDone(FinishReason reason, Usage u) {
            usage = u;
            doneAt = System.nanoTime();
            done.complete(reason);
        }

        @Override
        public void onError(EngineError error) {
            done.completeExceptionally(error);
        }

        synchronized long tokensAfter(long t) {
            return times.stream().filter(x -> x > t).count();
        }

        synchronized int[] tokens() {
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
