package dev.quill.model.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.quill.model.cli.Args;
import dev.quill.model.cli.MklCodePath;
import dev.quill.model.cli.TorchThreads;
import dev.quill.model.decoder.Decoder;
import dev.quill.model.decoder.DecoderLoader;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.decoder.SequenceChunk;
import dev.quill.model.decoder.StepAnatomy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The decoder benchmark: prefill and batch-1 decode speed of GPT-2-small- and Llama-shaped fp32
 * models on CPU, where a decode step's time goes, and how close it comes to the memory-bandwidth
 * roofline measured in the same run. docs/BENCHMARKS.md explains the method and holds the results.
 *
 * <p>A command, not a test (surefire runs only {@code *Test} classes):
 * <pre>
 * ./mvnw -q -B -pl model test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.quill.model.bench.DecoderBenchmark -Dexec.args="--threads 2"
 * </pre>
 * PyTorch fixes its thread pools when the engine starts, so one run measures one thread count;
 * {@code bench/decoder.sh} runs one JVM per setting.
 */
public final class DecoderBenchmark {

    static final String USAGE = """
            usage: DecoderBenchmark [options]
              --threads N            PyTorch intra-op threads (default %d, the CLI's default)
              --interop-threads N    PyTorch inter-op threads (default %d)
              --models LIST          comma-separated, of gpt2-124m,llama-125m,llama-135m (default all three)
              --models-dir DIR       where model folders are written once and reused (default model/target/bench-models)
              --prompt-tokens N      prefill prompt length (default 512)
              --decode-tokens N      tokens decoded per run (default 256)
              --repeats N            prefill and decode runs per model (default 5 and 3 when unset)
              --bandwidth-mib N      array size for the bandwidth measurement (default 1024)
              --label TEXT           printed with every result line (e.g. "2 threads, one core busy")
              --skip-recompute       skip the cache-versus-recomputation comparison (the slow part)
              --packing              only this: engine-shaped steps as one packed pass against decodes
                                     and prompt chunks in passes of their own, alternating (PackedSteps)
              --pairs N              packed/apart pairs per step shape with --packing (default 15)
            """.formatted(TorchThreads.DEFAULT_INTRA_OP, TorchThreads.DEFAULT_INTER_OP);

    private static final int SHORT_PROMPT = 8;

    private final Args args;
    private final int promptTokens;
    private final int decodeTokens;
    private final String label;
    private final long bandwidthBytes;

    private DecoderBenchmark(Args args) {
        this.args = args;
        this.promptTokens = intOr("prompt-tokens", 512);
        this.decodeTokens = intOr("decode-tokens", 256);
        this.label = args.get("label", "");
        this.bandwidthBytes = (long) intOr("bandwidth-mib", 1024) << 20;
    }

    private int repeats(int def) {
        return intOr("repeats", def);
    }

    public static void main(String[] argv) throws Exception {
        Args a;
        try {
            a = Args.parse(argv, Set.of("threads", "interop-threads", "models", "models-dir", "prompt-tokens",
                    "decode-tokens", "repeats", "bandwidth-mib", "label", "pairs"), Set.of("skip-recompute", "packing", "help"));
            if (a.has("help")) {
                System.out.print(USAGE);
                return;
            }
            // Before anything touches DJL: the engine reads these once, when it starts.
            TorchThreads.configure(a.integer("threads"), a.integer("interop-threads"));
            MklCodePath.install("cpu"); // as serve does: MKL's Intel path on AMD unless QUILL_MKL_INTEL_PATH=off
        } catch (IllegalArgumentException e) {
            System.err.println("DecoderBenchmark: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        new DecoderBenchmark(a).run();
    }

    private void run() throws Exception {
        Path root = Path.of(args.get("models-dir", BenchModel.defaultRoot().toString()));
        List<BenchModel> models = Arrays.stream(args.get("models", "gpt2-124m,llama-125m,llama-135m").split(","))
                .map(String::trim).map(BenchModel::byId).toList();
        List<Path> dirs = new ArrayList<>();
        for (BenchModel m : models) {
            dirs.add(m.folder(root)); // before timing anything: writing is slow and allocates a lot
        }
        System.gc();

        Engine engine = Engine.getEngine("PyTorch");
        int threads = JniUtils.getNumThreads();
        System.out.printf("%nQuill decoder benchmark — %s%n", label.isEmpty() ? threads + " intra-op threads" : label);
        System.out.printf("machine: %s, %d cores, %s RAM; Java %s; %s %s; intra-op threads %d, inter-op %d%n",
                Machine.cpuModel(), Runtime.getRuntime().availableProcessors(), Machine.memory(),
                Runtime.version(), engine.getEngineName(), engine.getVersion(), threads, JniUtils.getNumInteropThreads());

        if (args.has("packing")) {
            for (int i = 0; i < models.size(); i++) {
                System.out.printf("%n== %s: one packed pass per step against prompt chunks apart ==%n", models.get(i).id);
                try (Decoder decoder = DecoderLoader.load(dirs.get(i), DecoderOptions.cpu(PackedSteps.SLOTS, PackedSteps.MAX_LENGTH))) {
                    PackedSteps.measure(decoder, intOr("pairs", 15), label);
                    PackedSteps.budgetSweep(decoder, intOr("pairs", 15), label);
                }
            }
            return;
        }
        Stats torchBw;
        try (NDManager m = NDManager.newBaseManager()) {
            torchBw = MemoryBandwidth.torchSum(m, bandwidthBytes, 7);
        }
        Stats javaBw = MemoryBandwidth.javaLoop(bandwidthBytes, threads, 7);
        System.out.printf("memory read bandwidth over %d MiB: PyTorch sum %s GB/s; Java loop on %d thread(s) %s GB/s%n",
                bandwidthBytes >> 20, torchBw.describe("%.1f"), threads, javaBw.describe("%.1f"));
        System.out.printf("rows times a matrix, %s, GB/s of weights read:%n", RowProducts.shape());
        try (NDManager m = NDManager.newBaseManager()) {
            RowProducts.measure(m, 7).forEach((what, gbs) -> System.out.printf("  %-20s %s%n", what, gbs.describe("%.1f")));
        }

        for (int i = 0; i < models.size(); i++) {
            benchmark(models.get(i), dirs.get(i));
        }
    }

    private void benchmark(BenchModel model, Path dir) throws Exception {
        System.out.printf("%n== %s: %s, fp32, %.1fM parameters ==%n", model.id, model.config.family(),
                model.parameters() / 1e6);
        try (Decoder decoder = DecoderLoader.load(dir, DecoderOptions.cpu(1, 0));
             StepAnatomy anatomy = new StepAnatomy(decoder);
             NDManager scratch = NDManager.newBaseManager()) {
            Random rnd = new Random(7);
            int vocab = decoder.config().vocabSize();
            int[] longPrompt = randomTokens(rnd, promptTokens, vocab);
            int[] shortPrompt = randomTokens(rnd, SHORT_PROMPT, vocab);

            // Warm-up: first calls allocate PyTorch's buffers and compile the Java side.
            decoder.forward(List.of(new SequenceChunk(0, 0, longPrompt)));
            decode(decoder, shortPrompt, 32);

            // 1. Prefill: one forward pass over the whole prompt.
            double[] prefill = new double[repeats(5)];
            for (int i = 0; i < prefill.length; i++) {
                long t0 = System.nanoTime();
                decoder.forward(List.of(new SequenceChunk(0, 0, longPrompt)));
                prefill[i] = promptTokens / seconds(t0);
            }
            Stats prefillRate = Stats.of(prefill);
            print("prefill %d tokens: %s tokens/s", promptTokens, prefillRate.describe("%.0f"));

            // 2. Decode at batch 1, one token per forward pass, between two bandwidth measurements:
            //    the machine is shared, so the roofline is measured right around what it bounds.
            double[] bandwidth = new double[10];
            System.arraycopy(MemoryBandwidth.torchSum(scratch, bandwidthBytes, 5).samples(), 0, bandwidth, 0, 5);
            double[] decodeRuns = new double[repeats(3)];
            List<Double> steps = new ArrayList<>();
            Generated first = null;
            for (int i = 0; i < decodeRuns.length; i++) {
                Generated g = decode(decoder, shortPrompt, decodeTokens);
                first = first == null ? g : first;
                decodeRuns[i] = decodeTokens / Arrays.stream(g.stepSeconds).sum();
                Arrays.stream(g.stepSeconds).forEach(steps::add);
            }
            System.arraycopy(MemoryBandwidth.torchSum(scratch, bandwidthBytes, 5).samples(), 0, bandwidth, 5, 5);
            Stats decodeRate = Stats.of(decodeRuns);
            Stats stepMs = Stats.of(steps.stream().mapToDouble(s -> s * 1e3).toArray());
            Stats bw = Stats.of(bandwidth);
            print("decode %d tokens at batch 1 after a %d-token prompt: %s tokens/s; per step %s ms",
                    decodeTokens, SHORT_PROMPT, decodeRate.describe("%.1f"), stepMs.describe("%.2f"));
            Generated late = decode(decoder, longPrompt, decodeTokens);
            print("decode %d tokens at batch 1 after the %d-token prompt: %.1f tokens/s (1 run)",
                    decodeTokens, promptTokens, decodeTokens / Arrays.stream(late.stepSeconds).sum());

            // 3. Where a step's time goes: its weight products alone, and the operators it dispatches.
            Stats products = productsAlone(anatomy);
            OperatorCount ops = operatorsPerStep(decoder, shortPrompt);
            double opUs = microsPerTrivialOp(decoder);
            double step = stepMs.median();
            double rest = step - products.median();
            print("step anatomy (medians): %.2f ms = %d weight products alone %.2f ms (%.0f%%) + the rest %.2f ms (%.0f%%)",
                    step, anatomy.productCount(), products.median(), 100 * products.median() / step, rest, 100 * rest / step);
            print("  the step dispatches %d PyTorch operators; at %.1f µs for a one-token operator that is ≈ %.2f ms of dispatch",
                    ops.perStep, opUs, ops.perStep * opUs / 1e3);
            print("  operators per step: %s", ops.byName);

            // 4. Roofline: a batch-1 step must stream every weight from memory once.
            long bytes = anatomy.weightBytesPerToken();
            double roofline = bw.median() * 1e9 / bytes;
            double bestRoofline = bw.max() * 1e9 / bytes;
            print("roofline: %.1f MB of weights per token / %s GB/s (PyTorch sum, around the decode runs) = %.1f tokens/s",
                    bytes / 1e6, bw.describe("%.1f"), roofline);
            print("  decode reaches %.0f%% of it (median run / median bandwidth; best run / best bandwidth %.0f%%); "
                            + "the weight products alone %.0f%%",
                    100 * decodeRate.median() / roofline, 100 * decodeRate.max() / bestRoofline,
                    100 * (1e3 / products.median()) / roofline);

            // 5. The cache against recomputing the whole sequence at every step.
            double speedUp = args.has("skip-recompute") ? Double.NaN
                    : cacheVersusRecomputation(decoder, shortPrompt, first.tokens);

            // One line per model and setting, for the table in docs/BENCHMARKS.md.
            System.out.printf("summary | %s | %s | prefill %.0f | decode %.1f (best %.1f) | step %.2f ms = products %.2f + rest %.2f"
                            + " | %d ops | bandwidth %.1f (best %.1f) GB/s | roofline %.1f | %.0f%% (best %.0f%%) | cache %s%n",
                    model.id, label, prefillRate.median(), decodeRate.median(), decodeRate.max(), step, products.median(), rest,
                    ops.perStep, bw.median(), bw.max(), roofline, 100 * decodeRate.median() / roofline,
                    100 * decodeRate.max() / bestRoofline, Double.isNaN(speedUp) ? "-" : String.format("%.1fx", speedUp));
        }
    }

    /** Milliseconds for one step's weight products, run alone 32 times per sample. */
    private static Stats productsAlone(StepAnatomy anatomy) {
        double[] ms = new double[7];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < 32; s++) {
                anatomy.runProducts();
            }
            ms[i] = seconds(t0) * 1e3 / 32;
        }
        return Stats.of(ms);
    }

    private record OperatorCount(int perStep, String byName) {
    }

    /** Operators of 8 decode steps, less those of the prompt's prefill that decode() runs first, per step. */
    private static OperatorCount operatorsPerStep(Decoder decoder, int[] prompt) throws Exception {
        Map<String, Integer> ops = OpCount.of(() -> decode(decoder, prompt, 8),
                Files.createTempFile("quill-decode-trace", ".json"));
        Map<String, Integer> prefillOps = OpCount.of(() -> decoder.forward(List.of(new SequenceChunk(0, 0, prompt))),
                Files.createTempFile("quill-prefill-trace", ".json"));
        return new OperatorCount((int) Math.round((OpCount.total(ops) - OpCount.total(prefillOps)) / 8.0),
                perStep(ops, prefillOps, 8));
    }

    /** Same tokens both ways: 256 one-token cached steps, and 256 full passes over the growing sequence. */
    private double cacheVersusRecomputation(Decoder decoder, int[] prompt, int[] generated) {
        int[] sequence = concat(prompt, generated);
        decoder.forward(List.of(new SequenceChunk(0, 0, prompt)));
        long t0 = System.nanoTime();
        for (int i = 0; i < generated.length; i++) {
            decoder.forward(List.of(new SequenceChunk(0, prompt.length + i, new int[] {generated[i]})));
        }
        double cached = seconds(t0);
        t0 = System.nanoTime();
        for (int i = 0; i < generated.length; i++) {
            decoder.forward(List.of(new SequenceChunk(0, 0, Arrays.copyOf(sequence, prompt.length + i + 1))));
        }
        double recomputed = seconds(t0);
        print("KV cache: %d cached steps %.2f s vs recomputing the sequence (%d→%d tokens) at every step %.2f s: %.1f× faster",
                generated.length, cached, prompt.length + 1, sequence.length, recomputed, recomputed / cached);
        return recomputed / cached;
    }

    private record Generated(int[] tokens, double[] stepSeconds) {
    }

    /** Greedy decoding into slot 0 after {@code prompt}; times each one-token step. */
    private static Generated decode(Decoder decoder, int[] prompt, int n) {
        float[][] logits = decoder.forward(List.of(new SequenceChunk(0, 0, prompt)));
        int[] tokens = new int[n];
        double[] seconds = new double[n];
        int next = argmax(logits[0]);
        for (int i = 0; i < n; i++) {
            tokens[i] = next;
            long t0 = System.nanoTime();
            logits = decoder.forward(List.of(new SequenceChunk(0, prompt.length + i, new int[] {next})));
            next = argmax(logits[0]);
            seconds[i] = seconds(t0);
        }
        return new Generated(tokens, seconds);
    }

    /** The round trip of an operator on one token's activations: JNI, dispatch, allocation, close. */
    private static double microsPerTrivialOp(Decoder decoder) {
        try (NDManager m = NDManager.newBaseManager(decoder.device())) {
            NDArray a = m.ones(new Shape(1, 1, decoder.config().hiddenSize()));
            NDArray b = m.ones(new Shape(1, 1, decoder.config().hiddenSize()));
            double[] us = new double[7];
            for (int r = 0; r < us.length; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 20_000; i++) {
                    a.add(b).close();
                }
                us[r] = (System.nanoTime() - t0) / 1e3 / 20_000;
            }
            return Stats.of(us).median();
        }
    }

    private static String perStep(Map<String, Integer> decodeOps, Map<String, Integer> prefillOps, int steps) {
        StringBuilder sb = new StringBuilder();
        decodeOps.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - prefillOps.getOrDefault(e.getKey(), 0)) / (double) steps))
                .filter(e -> e.getValue() > 0)
                .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .forEach(e -> sb.append(sb.length() == 0 ? "" : ", ")
                        .append(e.getKey().replace("aten::", "")).append(' ')
                        .append(String.format(e.getValue() % 1 == 0 ? "%.0f" : "%.1f", e.getValue())));
        return sb.toString();
    }

    private void print(String format, Object... values) {
        System.out.printf("  " + format + (label.isEmpty() ? "" : "  [" + label + "]") + "%n", values);
    }

    private int intOr(String name, int def) {
        Integer v = args.integer(name);
        return v == null ? def : v;
    }


    private static int[] randomTokens(Random rnd, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(vocab);
        }
        return t;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
