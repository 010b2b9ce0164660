package dev.quill.model.bench;

import dev.quill.model.decoder.Decoder;
import dev.quill.model.decoder.DecoderLoader;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.decoder.KvCache;
import dev.quill.model.decoder.SequenceChunk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What paging costs: decode steps whose sequences' blocks are one run of the pool (attention reads
 * a view, as before paging) against the same steps with every sequence's blocks scattered (attention
 * gathers its keys and values, a copy per layer), interleaved A/B on one decoder, medians reported.
 *
 * <pre>
 * ./mvnw -q -B -pl model test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.quill.model.bench.PagedAttentionCost -Dexec.args="gpt2-124m 16 512"
 * </pre>
 * Arguments: model id, sequences per step, context length of each; a fourth, steps per round.
 */
public final class PagedAttentionCost {

    public static void main(String[] args) throws Exception {
        BenchModel model = BenchModel.byId(args.length > 0 ? args[0] : "gpt2-124m");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int context = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        Path dir = model.folder(BenchModel.defaultRoot());
        int perSeq = KvCache.blocksFor(context + 2 * steps * 12 + 1);
        int blocks = batch * perSeq;
        try (Decoder decoder = DecoderLoader.load(dir, new DecoderOptions("cpu", batch, 0, (long) blocks * KvCache.BLOCK_SIZE))) {
            int[][] runs = new int[batch][perSeq];
            int[][] scattered = new int[batch][perSeq];
            List<Integer> order = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                order.add(b);
            }
            Collections.shuffle(order, new Random(1));
            for (int s = 0; s < batch; s++) {
                for (int i = 0; i < perSeq; i++) {
                    runs[s][i] = s * perSeq + i;
                    scattered[s][i] = order.get(s * perSeq + i);
                }
            }
            Random rnd = new Random(2);
            int vocab = decoder.config().vocabSize();
            for (int[][] tables : new int[][][] {runs, scattered}) {   // the prompts, once per layout
                for (int s = 0; s < batch; s++) {
                    decoder.forward(List.of(new SequenceChunk(s, 0, tokens(rnd, context + s % 3, vocab), tables[s])));
                }
            }
            int[] length = new int[batch];
            long[] runNanos = new long[12];
            long[] scatterNanos = new long[12];
            for (int round = 0; round < 12; round++) {
                for (int layout = 0; layout < 2; layout++) {
                    int[][] tables = layout == 0 ? runs : scattered;
                    long start = System.nanoTime();
                    for (int step = 0; step < steps; step++) {
                        List<SequenceChunk> chunks = new ArrayList<>();
                        for (int s = 0; s < batch; s++) {
                            int at = context + s % 3 + round * steps + step;
                            chunks.add(new SequenceChunk(s, at, tokens(rnd, 1, vocab), tables[s]));
                        }
                        decoder.forward(chunks);
                    }
                    (layout == 0 ? runNanos : scatterNanos)[round] = (System.nanoTime() - start) / steps;
                }
            }
            double run = median(runNanos) / 1e6;
            double scatter = median(scatterNanos) / 1e6;
            System.out.printf("%s, %d sequences of ~%d tokens, decode step: blocks in one run (view) %.2f ms, "
                    + "scattered (gather) %.2f ms, ratio %.3f%n", model, batch, context, run, scatter, scatter / run);
        }
    }

    private static int[] tokens(Random rnd, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(vocab);
        }
        return t;
    }

    private static double median(long[] x) {
        long[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
