package dev.quill.model.decoder;

/**
 * The new tokens of one sequence in a forward pass: a whole prompt (prefill), a piece of one
 * (chunked prefill), or a single token (decode). Positions {@code [0, start)} are already in the
 * sequence's KV cache slot.
 *
 * @param slot the KV cache slot the sequence owns
 * @param start position of {@code tokens[0]}, which is also the number of cached tokens
 * @param tokens the new token ids, at least one
 */
public record SequenceChunk(int slot, int start, int[] tokens) {

    public SequenceChunk {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a chunk needs at least one token");
        }
        if (start < 0 || slot < 0) {
            throw new IllegalArgumentException("slot and start must be non-negative");
        }
    }

    /** Position just past the last new token: the sequence's length after this pass. */
    public int end() {
        return start + tokens.length;
    }
}
