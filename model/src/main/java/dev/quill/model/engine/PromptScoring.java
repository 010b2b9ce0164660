package dev.quill.model.engine;

import dev.quill.model.decoder.ChunkScores;
import dev.quill.model.decoder.SequenceChunk;

/**
 * A forward pass over one prompt chunk that also scores its positions:
 * {@link dev.quill.model.decoder.Decoder#forwardScored}. Only for requests that ask for the
 * prompt's log-probabilities ({@code echo} with {@code logprobs}).
 */
@FunctionalInterface
interface PromptScoring {

    ChunkScores forward(SequenceChunk chunk, int[] targets, int top);
}
