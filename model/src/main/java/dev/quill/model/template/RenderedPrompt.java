package dev.quill.model.template;

import java.util.List;

/**
 * A rendered prompt, cut into spans that came from message contents and spans of template markup.
 *
 * <p>The split exists for the tokenizer: only markup may be matched against special tokens, so a
 * user who types {@code <|im_end|>} gets those characters, never the control token. Segments are in
 * output order, never empty, and adjacent segments differ in {@link Segment#content()}. A tokenizer
 * should still treat the boundary between two segments as ordinary text (merging plain text across
 * it) and use the flag only to decide where special tokens may be recognised; otherwise it would
 * tokenize differently from HuggingFace at every boundary.
 */
public record RenderedPrompt(List<Segment> segments) {

    public RenderedPrompt {
        segments = List.copyOf(segments);
    }

    /** The whole prompt: every segment's text, in order. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (Segment segment : segments) {
            text.append(segment.text());
        }
        return text.toString();
    }

    /** A span of the prompt; {@code content} is true when it came from a message's content. */
    public record Segment(String text, boolean content) {}
}
