package dev.quill.model.decoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.quill.model.config.ModelConfig;
import dev.quill.model.weights.Checkpoint;

import java.util.List;

/**
 * A decoder-only transformer on DJL's NDArray API: embeddings (+ learned positions), a stack of
 * {@link Block}s, a final norm and the output projection, reading and writing a {@link KvCache}.
 *
 * <p>Threading: not thread-safe. One thread (the engine's worker) owns a Decoder, its manager,
 * its cache and the checkpoint mappings its weights point into, from load to {@link #close}.
 */
public final class Decoder implements AutoCloseable {

    private final ModelConfig config;
    private final NDManager manager;       // weights, rotary tables, cache
    private final Checkpoint checkpoint;   // mapped weight memory: must outlive the weights
    private final DataType type;
    private final Embedding embed;         // (V, D), or the tied lm_head's (D, V)
    private final NDArray positionEmbed;   // (P, D) learned positions, or null
    private final Rotary rotary;           // or null
    private final List<Block> blocks;
    private final Norm finalNorm;
    private final Linear lmHead;           // (D, V) in memory, shared with the embedding when tied
    private final KvCache cache;

    Decoder(ModelConfig config, NDManager manager, Checkpoint checkpoint, DataType type, Parts parts, int slots, int maxLength) {
        this(config, manager, checkpoint, type, parts, slots, maxLength, 0);
    }

    /** @param kvTokens the KV pool's size in positions, or 0 for slots x maxLength */
    Decoder(ModelConfig config, NDManager manager, Checkpoint checkpoint, DataType type, Parts parts, int slots, int maxLength,
            long kvTokens) {
        this.config = config;
        this.manager = manager;
        this.checkpoint = checkpoint;
        this.type = type;
        this.embed = parts.embed();
        this.positionEmbed = parts.positionEmbed();
        this.rotary = parts.rotary();
        this.blocks = parts.blocks();
        this.finalNorm = parts.finalNorm();
        this.lmHead = parts.lmHead();
        this.cache = new KvCache(manager, config.numLayers(), slots, config.numKvHeads(), maxLength, config.headDim(), type, kvTokens);
    }

    /** What a family's wiring builds from a checkpoint. */
    record Parts(Embedding embed, NDArray positionEmbed, Rotary rotary, List<Block> blocks, Norm finalNorm, Linear lmHead) {
    }

    public ModelConfig config() {
        return config;
    }

    public Device device() {
        return manager.getDevice();
    }

    public KvCache cache() {
        return cache;
    }

    /** Tokens one slot can hold: the model's context, or less if the cache was sized smaller. */
    public int maxLength() {
        return cache.maxLength();
    }

    /**
     * Runs one forward pass over a batch of chunks (prefill, chunked prefill or decode, mixed
     * freely), writing their keys and values into the cache, and returns each chunk's next-token
     * logits: {@code [b][vocab]}.
     */
    public float[][] forward(List<SequenceChunk> chunks) {
        return run(chunks, false);
    }

    /** Like {@link #forward} but returns the logits at every position of each chunk: {@code [b][t][vocab]} flattened per chunk. */
    public float[][] forwardAllPositions(SequenceChunk chunk) {
        return run(List.of(chunk), true, logits -> rows(logits.toFloatArray(), config.vocabSize()));
    }

    /**
     * Like {@link #forward} for one chunk, but also scores it: for each of the first
     * {@code targets.length} positions, the log-probability of {@code targets[i]} (the token that
     * follows) and the {@code top} best, computed on the device ({@link PromptScorer}).
     */
    public ChunkScores forwardScored(SequenceChunk chunk, int[] targets, int top) {
        if (targets.length > chunk.tokens().length) {
            throw new IllegalArgumentException(targets.length + " targets for a chunk of " + chunk.tokens().length);
        }
        for (int id : targets) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("target id " + id + " is outside the vocabulary");
            }
        }
        return run(List.of(chunk), true, logits -> PromptScorer.score(logits, targets, top));
    }

    private float[][] run(List<SequenceChunk> chunks, boolean allPositions) {
        return run(chunks, allPositions, logits -> rows(logits.toFloatArray(), config.vocabSize()));
    }

    private <R> R run(List<SequenceChunk> chunks, boolean allPositions, java.util.function.Function<NDArray, R> read) {
        check(chunks);
        // Every array made during the pass, whichever manager it lands in, closes with the scope.
        try (NDScope scope = new NDScope(); NDManager pass = manager.newSubManager()) {
            BatchLayout layout = new BatchLayout(pass, chunks, type, cache);
            NDArray x = embed.lookup(layout);                                   // (N, D): every chunk's tokens, packed
            if (positionEmbed != null) {
                x = x.add(positionEmbed.get(layout.positionRows));
            }
            NDArray rotation = rotary == null ? null : rotary.at(layout);       // (N, hd, hd)
            for (int i = 0; i < blocks.size(); i++) {
                x = blocks.get(i).forward(x, layout, rotation, cache, i);
            }
            if (!allPositions && layout.lastRows != null) {
                x = x.get(layout.lastRows);                                     // (B, D)
            }
            NDArray logits = lmHead.apply(finalNorm.apply(x));                  // (rows, V)
            if (type != DataType.FLOAT32) {
                logits = logits.toType(DataType.FLOAT32, false);
            }
            return read.apply(logits);                                          // (rows, V) float32
        }
    }

    /** Splits row-major logits into rows of the vocabulary's size. */
    private static float[][] rows(float[] flat, int v) {
        if (flat.length == v) {
            return new float[][] {flat};
        }
        float[][] out = new float[flat.length / v][];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * v, (i + 1) * v);
        }
        return out;
    }

    private void check(List<SequenceChunk> chunks) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("a forward pass needs at least one sequence");
        }
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (SequenceChunk c : chunks) {
            if (!seen.add(c.slot())) {
                throw new IllegalArgumentException("slot " + c.slot() + " appears twice in one pass");
            }
            checkBlocks(c);
            if (c.end() > maxLength()) {
                throw new ContextOverflowException(c.end(), maxLength());
            }
            for (int id : c.tokens()) {
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + config.vocabSize());
                }
            }
        }
    }

    /** The chunk's keys must land inside the pool: its slot's run, or every block its table names. */
    private void checkBlocks(SequenceChunk c) {
        int used = KvCache.blocksFor(c.end());
        if (c.blocks() == null) {
            if (c.slot() >= cache.slots() || cache.slotFirstBlock(c.slot()) + used > cache.blocks()) {
                throw new IllegalArgumentException("slot " + c.slot() + " is outside the cache's " + cache.slots() + " slots");
            }
            return;
        }
        if (c.blocks().length < used) {
            throw new IllegalArgumentException("a block table of " + c.blocks().length + " blocks cannot hold "
                    + c.end() + " positions");
        }
        for (int i = 0; i < used; i++) {
            if (c.blocks()[i] < 0 || c.blocks()[i] >= cache.blocks()) {
                throw new IllegalArgumentException("block " + c.blocks()[i] + " is outside the pool of " + cache.blocks());
            }
        }
    }

    @Override
    public void close() {
        manager.close(); // weights, tables and cache; the checkpoint's mappings go with this object
    }

    /**
     * Native arrays this decoder holds, counted recursively under its manager: weights, tables and
     * cache, plus whatever a pass has not closed yet. Between passes the count is constant unless
     * something leaks, so it is the leak gauge. Uses DJL's public {@code getManagedArrays} (which
     * counts arrays, not empty sub-managers); it reads concurrent maps, so any thread may call it,
     * but only a count taken between passes means anything. O(arrays): hundreds, not per token.
     */
    public long liveArrays() {
        return manager.getManagedArrays().size();
    }

    /** The manager that owns every long-lived array of this decoder (for leak checks). */
    NDManager manager() {
        return manager;
    }

    /** The checkpoint whose mapped memory the weights may point into. */
    Checkpoint checkpoint() {
        return checkpoint;
    }

    // The parts, for the benchmark's account of what a step reads and multiplies.

    List<Block> blocks() {
        return blocks;
    }

    Norm finalNorm() {
        return finalNorm;
    }

    Linear lmHead() {
        return lmHead;
    }

    Embedding embed() {
        return embed;
    }

    NDArray positionEmbed() {
        return positionEmbed;
    }
}
