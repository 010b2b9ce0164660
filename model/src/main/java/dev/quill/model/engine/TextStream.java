package dev.quill.model.engine;

/**
 * Turns one sequence's generated ids into streamable text: whole characters, stop strings held
 * back and never emitted. The engine's is {@link DetokenizingStream}; scheduler tests use a fake.
 */
interface TextStream {

    /** The text this token makes ready (possibly empty). */
    String push(int tokenId);

    /** Whether a stop string has been seen; nothing more will be emitted. */
    boolean stopped();

    /** What was held back, at the end of a generation that did not hit a stop string. */
    String flush();
}
