package dev.quill.model.decoder;

/**
 * What {@link Decoder#forwardScored} returns for one prompt chunk: the logits of its last position
 * (to sample from when the chunk ends the prompt), and for its first positions the log-probability
 * of the token that follows each and the most likely alternatives there, computed on the device
 * (log-softmax, gather, top-k) so that only those few numbers are copied out, never
 * (positions × vocabulary) logits.
 *
 * @param lastLogits (vocab) next-token logits of the chunk's last position
 * @param logprobs (targets) log p(target i | tokens up to position start + i)
 * @param topIds (targets, top) the best ids at each of those positions, best first
 * @param topLogprobs (targets, top) their log-probabilities
 */
public record ChunkScores(float[] lastLogits, float[] logprobs, int[][] topIds, float[][] topLogprobs) {
}
