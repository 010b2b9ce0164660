package dev.quill.model.engine;

import dev.quill.model.sampling.SamplingParams;

/**
 * One generation to run: prompt token ids, how to sample, and who hears the tokens.
 *
 * @param promptIds the prompt, already templated and tokenized
 * @param params sampling and stopping
 * @param listener receives the output on the engine thread
 */
public record GenerationRequest(int[] promptIds, SamplingParams params, TokenListener listener) {
}
