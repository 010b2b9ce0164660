package dev.quill.model.engine;

import dev.quill.model.decoder.SequenceChunk;

import java.util.List;

/**
 * One forward pass over a batch of chunks, returning each chunk's next-token logits
 * ({@code [b][vocab]}): {@link dev.quill.model.decoder.Decoder#forward}. A seam of its own so that
 * tests can make the real decoder's pass fail, or return poisoned logits, for one sequence.
 */
@FunctionalInterface
interface ForwardPass {

    float[][] forward(List<SequenceChunk> chunks);
}
