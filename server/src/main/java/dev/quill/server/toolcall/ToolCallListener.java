package dev.quill.server.toolcall;

/** What a {@link ToolCallParser} finds in the model's output, in output order. */
public interface ToolCallListener {

    /** Text outside any tool call: the answer's content. */
    void text(String text);

    /** A whole call, numbered from 0 in the order the model made them. */
    void call(int index, ToolCall call);
}
