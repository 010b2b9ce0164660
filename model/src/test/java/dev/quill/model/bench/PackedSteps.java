package dev.quill.model.bench;

import dev.quill.model.decoder.Decoder;
import dev.quill.model.decoder.SequenceChunk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * DecoderBenchmark's {@code --packing}: engine-shaped steps (decodes beside prompt chunks) run as
 * one packed pass, and as the decodes in one pass plus each prompt chunk in its own, as the engine
 * did before packing. The two alternate step by step, so that whatever else the shared machine
 * runs falls on both alike; the per-pair ratio is the figure to read.
 *
 * <p>Repeating a step rewrites the same cache positions with the same values, so every repeat
 * computes the same thing.
 */
final class PackedSteps {

    static final int DECODE_SLOTS = 16;
    static final int CHUNK_SLOTS = 4;
    static final int SLOTS = DECODE_SLOTS + CHUNK_SLOTS;
    static final int MAX_LENGTH = 768;
    private static final int DECODE_CONTEXT = 200; // about the tokens each decoding sequence has cached
    private static final int CHUNK_PREFIX = 256;   // cached before a "later chunk" of a long prompt

    /** A step: this many decodes, and prompt chunks of these lengths, starting at {@code chunkStart}. */
    record Shape(String name, int decodes, int[] chunks, int chunkStart) {
    }

    static final List<Shape> SHAPES = List.of(
            new Shape("16 decodes + a 128-token prompt", 16, new int[] {128}, 0),
            new Shape("16 decodes + a 128-token chunk after 256", 16, new int[] {128}, CHUNK_PREFIX),
            new Shape("16 decodes + 4 prompts of 32", 16, new int[] {32, 32, 32, 32}, 0),
            new Shape("16 decodes + a 496-token prompt (budget 512)", 16, new int[] {496}, 0),
            new Shape("1 decode + a 64-token prompt", 1, new int[] {64}, 0),
            new Shape("4 decodes + 2 prompts of 16", 4, new int[] {16, 16}, 0));

    private PackedSteps() {
    }

    /** Prefills every slot a shape reads, then times each shape's two ways, {@code pairs} times each. */
    static void measure(Decoder decoder, int pairs, String label) {
        Random rnd = new Random(11);
        int vocab = decoder.config().vocabSize();
        for (int s = 0; s < SLOTS; s++) {
            int n = s < DECODE_SLOTS ? context(s) : CHUNK_PREFIX;
            decoder.forward(List.of(new SequenceChunk(s, 0, tokens(rnd, n, vocab))));
        }
        for (Shape shape : SHAPES) {
            List<SequenceChunk> decodes = new ArrayList<>();
            for (int s = 0; s < shape.decodes; s++) {
                decodes.add(new SequenceChunk(s, context(s), tokens(rnd, 1, vocab)));
            }
            List<SequenceChunk> chunks = new ArrayList<>();
            for (int c = 0; c < shape.chunks.length; c++) {
                chunks.add(new SequenceChunk(DECODE_SLOTS + c, shape.chunkStart, tokens(rnd, shape.chunks[c], vocab)));
            }
            List<SequenceChunk> all = new ArrayList<>(decodes);
            all.addAll(chunks);
            double[] packed = new double[pairs];
            double[] apart = new double[pairs];
            double[] ratio = new double[pairs];
            for (int i = -1; i < pairs; i++) { // i = -1: warm-up
                boolean packedFirst = (i & 1) == 0;
                double a = packedFirst ? packed(decoder, all) : apart(decoder, decodes, chunks);
                double b = packedFirst ? apart(decoder, decodes, chunks) : packed(decoder, all);
                if (i >= 0) {
                    packed[i] = packedFirst ? a : b;
                    apart[i] = packedFirst ? b : a;
                    ratio[i] = apart[i] / packed[i];
                }
            }
            Stats p = Stats.of(packed);
            Stats s = Stats.of(apart);
            Stats r = Stats.of(ratio);
            System.out.printf("  %-46s packed %7.1f ms, apart %7.1f ms (%d passes): apart / packed %.2f (min %.2f, max %.2f, %d pairs)%s%n",
                    shape.name, p.median(), s.median(), (shape.decodes > 0 ? 1 : 0) + shape.chunks.length,
                    r.median(), r.min(), r.max(), pairs, label.isEmpty() ? "" : "  [" + label + "]");
        }
    }

    /**
     * Cached tokens of decoding slot s: lengths differ, as in a server, so the decodes take the
     * per-sequence attention whether packed or apart (equal lengths would read one cache view apart).
     */
    private static int context(int slot) {
        return DECODE_CONTEXT + 7 * slot;
    }

    /**
     * What the step token budget costs the decodes: 16 decodes alone, and packed with a prompt chunk
     * that fills a budget of 32 to 512 tokens. The step's time is every stream's time per output
     * token while a prompt is being prefilled; a prompt of P tokens needs P / (budget - 16) steps.
     */
    static void budgetSweep(Decoder decoder, int repeats, String label) {
        Random rnd = new Random(12);
        int vocab = decoder.config().vocabSize();
        List<SequenceChunk> decodes = new ArrayList<>();
        for (int s = 0; s < DECODE_SLOTS; s++) {
            decodes.add(new SequenceChunk(s, context(s), tokens(rnd, 1, vocab)));
        }
        double alone = 0;
        for (int budget : new int[] {16, 32, 64, 128, 256, 512}) {
            List<SequenceChunk> step = new ArrayList<>(decodes);
            if (budget > DECODE_SLOTS) {
                step.add(new SequenceChunk(DECODE_SLOTS, 0, tokens(rnd, budget - DECODE_SLOTS, vocab)));
            }
            packed(decoder, step); // warm-up
            double[] ms = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                ms[i] = packed(decoder, step);
            }
            Stats t = Stats.of(ms);
            alone = budget == DECODE_SLOTS ? t.median() : alone;
            System.out.printf("  budget %3d (16 decodes + a %3d-token chunk): step %7.1f ms (min %.1f), %.1fx the decodes alone, "
                            + "prompt tokens %4.0f/s%s%n", budget, budget - DECODE_SLOTS, t.median(), t.min(), t.median() / alone,
                    (budget - DECODE_SLOTS) / (t.median() / 1e3), label.isEmpty() ? "" : "  [" + label + "]");
        }
    }

    private static double packed(Decoder decoder, List<SequenceChunk> all) {
        long t0 = System.nanoTime();
        decoder.forward(all);
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double apart(Decoder decoder, List<SequenceChunk> decodes, List<SequenceChunk> chunks) {
        long t0 = System.nanoTime();
        if (!decodes.isEmpty()) {
            decoder.forward(decodes);
        }
        for (SequenceChunk c : chunks) {
            decoder.forward(List.of(c));
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static int[] tokens(Random rnd, int n, int vocab) {
        int[] t = new int[n];
        Arrays.setAll(t, i -> rnd.nextInt(vocab));
        return t;
    }
}
