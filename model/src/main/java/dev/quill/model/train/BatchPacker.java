package dev.quill.model.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Random;

/**
 * Packs examples into rows of a fixed width and rows into batches, epoch after epoch, each epoch
 * in a new seeded order. A row holds whole examples (first fit from the shuffled list), so little
 * of it is padding; {@link TokenBatch} keeps them from seeing one another.
 *
 * <p>Each epoch also adds two-turn conversations, drawn afresh: two random examples joined, so the
 * model learns to answer the last question whatever came before it, over many more pairings than
 * a fixed set would show. An example longer than a row is cut to the row's width.
 */
final class BatchPacker {

    private final List<TrainingExample> examples;
    private final int rows;
    private final int width;
    private final int pairsPerEpoch;
    private final Random rng;
    private final LinkedList<List<TrainingExample>> pending = new LinkedList<>(); // rows of this epoch not yet used
    private int epoch;

    /** @param pairsPerEpoch two-turn conversations added to each epoch */
    BatchPacker(List<TrainingExample> examples, int rows, int width, int pairsPerEpoch, long seed) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("nothing to train on");
        }
        this.examples = List.copyOf(examples);
        this.rows = rows;
        this.width = width;
        this.pairsPerEpoch = examples.size() < 2 ? 0 : pairsPerEpoch;
        this.rng = new Random(seed);
    }

    /** Epochs started so far (1 during the first). */
    int epoch() {
        return epoch;
    }

    /** Rows one epoch fills (about: its pairs are drawn when it starts). */
    int rowsPerEpoch() {
        return pack(epochExamples(new Random(0))).size();
    }

    /** The examples of one epoch: every example, and fresh pairs. */
    private List<TrainingExample> epochExamples(Random r) {
        List<TrainingExample> out = new ArrayList<>(examples);
        for (int i = 0; i < pairsPerEpoch; i++) {
            out.add(TrainingExample.concat(examples.get(r.nextInt(examples.size())), examples.get(r.nextInt(examples.size()))));
        }
        return out;
    }

    TokenBatch next() {
        int n = rows * width;
        long[] ids = new long[n];
        long[] targets = new long[n];
        float[] weights = new float[n];
        long[] positions = new long[n];
        int[] segments = new int[n];
        java.util.Arrays.fill(segments, -1);
        for (int r = 0; r < rows; r++) {
            if (pending.isEmpty()) {
                List<TrainingExample> order = epochExamples(rng);
                Collections.shuffle(order, rng);
                List<List<TrainingExample>> epochRows = pack(order);
                Collections.shuffle(epochRows, rng);
                pending.addAll(epochRows);
                epoch++;
            }
            int at = r * width;
            int segment = 0;
            for (TrainingExample e : pending.removeFirst()) {
                int len = Math.min(e.length(), width - (at - r * width));
                for (int i = 0; i < len; i++) {
                    ids[at + i] = e.ids()[i];
                    targets[at + i] = e.ids()[i + 1];
                    weights[at + i] = e.target()[i + 1] ? 1f : 0f;
                    positions[at + i] = i;
                    segments[at + i] = segment;
                }
                at += len;
                segment++;
            }
        }
        return new TokenBatch(rows, width, ids, targets, weights, positions, segments);
    }

    /** First fit: each row takes, in order, every remaining example that still fits. */
    private List<List<TrainingExample>> pack(List<TrainingExample> order) {
        List<List<TrainingExample>> out = new ArrayList<>();
        LinkedList<TrainingExample> left = new LinkedList<>(order);
        while (!left.isEmpty()) {
            List<TrainingExample> row = new ArrayList<>();
            int free = width;
            for (var it = left.iterator(); it.hasNext() && free > 0; ) {
                TrainingExample e = it.next();
                if (row.isEmpty() || e.length() <= free) {
                    row.add(e);
                    free -= Math.min(e.length(), free);
                    it.remove();
                }
            }
            out.add(row);
        }
        return out;
    }
}
