package dev.quill.server.toolcall;

import java.util.Set;

/**
 * The tool-call markup a model writes, told from its chat template: the template that renders
 * past calls is the best witness of how the model was taught to write them.
 * <ul>
 *   <li>{@link #MISTRAL} when the template holds {@code [TOOL_CALLS]};</li>
 *   <li>{@link #HERMES} when it holds {@code <tool_call>} (Qwen 2/2.5/3, Hermes, and others);</li>
 *   <li>{@link #LLAMA3_JSON} when it holds {@code <|python_tag|>} or the {@code ipython} role (Llama 3.1 to 3.3);</li>
 *   <li>otherwise {@link #HERMES}, the markup {@link ToolPrompt}'s fallback system prompt teaches a
 *       template that does not render tools.</li>
 * </ul>
 * {@link #CONSTRAINED} is not a model's format: it is the JSON that constrained decoding writes.
 */
public enum ToolCallFormat {
    HERMES, LLAMA3_JSON, MISTRAL, CONSTRAINED;

    /** The format a template's model writes. */
    public static ToolCallFormat of(String templateSource) {
        if (templateSource.contains("[TOOL_CALLS]")) {
            return MISTRAL;
        }
        if (templateSource.contains("<tool_call>")) {
            return HERMES;
        }
        if (templateSource.contains("<|python_tag|>") || templateSource.contains("ipython")) {
            return LLAMA3_JSON;
        }
        return HERMES;
    }

    /** A parser of this format reporting to {@code listener}; only calls to {@code names} count. */
    public ToolCallParser parser(ToolCallListener listener, Set<String> names) {
        return switch (this) {
            case HERMES -> new HermesParser(listener, names);
            case LLAMA3_JSON -> new MarkedJsonParser(listener, names, "<|python_tag|>", "{");
            case MISTRAL -> new MarkedJsonParser(listener, names, "[TOOL_CALLS]", "[{");
            case CONSTRAINED -> new MarkedJsonParser(listener, names, null, "{[");
        };
    }
}
