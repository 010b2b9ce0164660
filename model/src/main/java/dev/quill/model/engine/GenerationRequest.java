package dev.quill.model.engine;

import dev.quill.model.grammar.Grammar;
import dev.quill.model.sampling.SamplingParams;

/**
 * One generation to run: prompt token ids, how to sample, and who hears the tokens.
 *
 * @param promptIds the prompt, already templated and tokenized
 * @param params sampling and stopping
 * @param listener receives the output on the engine thread
 * @param grammar when not null, the output is constrained to a document of this grammar (e.g. a
 *     JSON schema): the sampler chooses only tokens that keep it a valid prefix, and the sequence
 *     ends with STOP once the document is complete
 */
public record GenerationRequest(int[] promptIds, SamplingParams params, TokenListener listener, Grammar grammar) {

    /** An unconstrained generation. */
    public GenerationRequest(int[] promptIds, SamplingParams params, TokenListener listener) {
        this(promptIds, params, listener, null);
    }
}
