package dev.quill.model.decoder;

/**
 * The new tokens of one sequence in a forward pass: a whole prompt (prefill), a piece of one
 * (chunked prefill), or a single token (decode). Positions {@code [0, start)} are already in the
 * sequence's KV cache blocks.
 *
 * @param slot the sequence's identity within the pass (no two chunks of a pass share one); without
 *     a block table, also where its keys live: the slot's own fixed run of blocks
 * @param start position of {@code tokens[0]}, which is also the number of cached tokens
 * @param tokens the new token ids, at least one
 * @param blocks the sequence's block table: position p lives in block {@code blocks[p / BLOCK_SIZE]}
 *     of the {@link KvCache}; it covers at least {@link #end()} positions. Null: the slot's run.
 */
public record SequenceChunk(int slot, int start, int[] tokens, int[] blocks) {

    public SequenceChunk {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a chunk needs at least one token");
        }
        if (start < 0 || slot < 0) {
            throw new IllegalArgumentException("slot and start must be non-negative");
        }
    }

    /** A chunk whose keys live in its slot's fixed run of blocks (one sequence per slot, as before paging). */
    public SequenceChunk(int slot, int start, int[] tokens) {
        this(slot, start, tokens, null);
    }

    /** Position just past the last new token: the sequence's length after this pass. */
    public int end() {
        return start + tokens.length;
    }
}
