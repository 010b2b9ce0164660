package dev.quill.model.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One message of a conversation as a chat template sees it: {@code message.role},
 * {@code message.content}, and any further keys of the OpenAI message object in {@code fields}
 * ({@code tool_calls}, {@code tool_call_id}, {@code name}, {@code reasoning_content}, ...).
 *
 * <p>{@code content} may be null: an assistant turn that only calls tools has no content, and the
 * template sees Python's {@code None} (defined, falsy, printed as {@code None}), as it does in
 * transformers. Field values are JSON-like: String, Number, Boolean, null, {@code Map<String, ?>}
 * and {@code List<?>}; keys keep their order, which is the order {@code |items} and {@code tojson}
 * show them in.
 */
public record ChatMessage(String role, String content, Map<String, Object> fields) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        // LinkedHashMap rather than Map.copyOf: order matters to templates and JSON nulls are legal.
        fields = fields == null || fields.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        if (fields.containsKey("role") || fields.containsKey("content")) {
            throw new IllegalArgumentException("role and content are components, not fields");
        }
    }

    /** A plain message with no extra fields. */
    public ChatMessage(String role, String content) {
        this(role, content, Map.of());
    }
}
