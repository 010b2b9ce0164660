package dev.quill.model.engine;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * EngineBenchmark's {@code --compare-passes ROUNDS [--budgets 128,256,512]}: one packed pass per
 * step against the decodes and each prompt chunk in passes of their own, at each step token budget,
 * on the same decoder, interleaved (the order rotates each round) so that a shared machine's drift
 * falls on every variant. The workload is the one packing is for: 16
 * clients in a closed loop, each sending requests with fresh 64–256-token prompts (no prefix
 * reuse) for 32 greedy tokens, so that most steps carry decodes and some prompt chunk together.
 */
final class StepPassesComparison {

    private static final int CLIENTS = 16;
    private static final int TURNS = 3;
    private static final int ANSWER = 32;

    private StepPassesComparison() {
    }

    record Result(double seconds, double outputTps, double ttftP50, double tpotP50, long steps, long passes) {
        @Override
        public String toString() {
            return String.format("%6.1f s, %6.1f output tok/s, TTFT p50 %6.0f ms, TPOT p50 %5.0f ms, %4d steps, %4d passes",
                    seconds, outputTps, ttftP50, tpotP50, steps, passes);
        }
    }

    /** One way to run the workload: how steps become passes, and the step's token budget. */
    record Variant(ModelRunner.Passes passes, int budget) {
        @Override
        public String toString() {
            return passes + ", budget " + budget;
        }
    }

    /** Every variant in each round, the order rotating from round to round; then each one's medians. */
    static void run(Path dir, int rounds, List<Integer> budgets) throws Exception {
        List<Variant> variants = new ArrayList<>();
        for (int budget : budgets) {
            for (ModelRunner.Passes p : ModelRunner.Passes.values()) {
                variants.add(new Variant(p, budget));
            }
        }
        try (LanguageModel m = LanguageModel.load(dir, DecoderOptions.cpu(CLIENTS, 256 + ANSWER + 8))) {
            System.out.printf("step passes: %d clients x %d turns, prompts 64-256 fresh tokens, %d-token answers%n",
                    CLIENTS, TURNS, ANSWER);
            for (ModelRunner.Passes p : ModelRunner.Passes.values()) {
                once(m, new Variant(p, budgets.get(0)), 1); // warm-up
            }
            Map<Variant, List<Result>> results = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < variants.size(); i++) {
                    Variant v = variants.get((i + r) % variants.size());
                    String load = loadAverage();
                    Result res = once(m, v, TURNS);
                    results.computeIfAbsent(v, k -> new ArrayList<>()).add(res);
                    System.out.printf("round %d %-35s %s  [load before %s]%n", r + 1, v, res, load);
                }
            }
            for (Variant v : variants) {
                System.out.printf("median %-35s %s%n", v, median(results.get(v)));
            }
        }
    }

    private static Result once(LanguageModel m, Variant variant, int turns) throws Exception {
        long[] passCount = new long[1];
        ForwardPass counted = chunks -> {
            passCount[0]++; // engine thread only
            return m.decoder().forward(chunks);
        };
        List<double[]> perRequest = new ArrayList<>(); // ttft ms, tpot ms
        long outputTokens = 0;
        long t0 = System.nanoTime();
        long steps;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(CLIENTS);
        try (Engine engine = new Engine(m.decoder(), counted, m.tokenizer(), m.eosIds(),
                new EngineOptions(256, variant.budget(), false), variant.passes())) {
            List<CompletableFuture<List<double[]>>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(CompletableFuture.supplyAsync(() -> client(engine, client, turns), pool)); // each blocks
            }
            for (CompletableFuture<List<double[]>> c : clients) {
                List<double[]> r = c.get(30, TimeUnit.MINUTES);
                perRequest.addAll(r);
                outputTokens += (long) r.size() * ANSWER;
            }
            steps = engine.metrics().steps.sum();
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(seconds, outputTokens / seconds, p50(perRequest, 0), p50(perRequest, 1), steps, passCount[0]);
    }

    /** One client's turns, one after another; per request its time to first token and per output token. */
    private static List<double[]> client(Engine engine, int client, int turns) {
        Random rnd = new Random(1000 + client);
        List<double[]> out = new ArrayList<>();
        try {
            for (int t = 0; t < turns; t++) {
                int[] prompt = new int[64 + rnd.nextInt(193)];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = rnd.nextInt(30000);
                }
                Timing timing = new Timing();
                long start = System.nanoTime();
                engine.submit(new GenerationRequest(prompt, SamplingParams.builder().temperature(0).maxTokens(ANSWER)
                        .ignoreEos(true).build(), timing));
                timing.done.get(30, TimeUnit.MINUTES);
                out.add(new double[] {(timing.first - start) / 1e6, (timing.last - timing.first) / 1e6 / (ANSWER - 1)});
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static final class Timing implements TokenListener {
        final CompletableFuture<FinishReason> done = new CompletableFuture<>();
        volatile long first;
        volatile long last;

        @Override
        public void onToken(String text, int tokenId) {
            long now = System.nanoTime();
            if (first == 0) {
                first = now;
            }
            last = now;
        }

        @Override
        public void onDone(FinishReason reason, Usage usage) {
            done.complete(reason);
        }

        @Override
        public void onError(EngineError error) {
            done.completeExceptionally(error);
        }
    }

    private static double p50(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v[v.length / 2];
    }

    private static Result median(List<Result> rs) {
        return new Result(med(rs, Result::seconds), med(rs, Result::outputTps), med(rs, Result::ttftP50),
                med(rs, Result::tpotP50), (long) med(rs, r -> r.steps()), (long) med(rs, r -> r.passes()));
    }

    private static double med(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
