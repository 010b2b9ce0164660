package dev.quill.server.toolcall;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * One function call the model made, as OpenAI's {@code tool_calls[]} carries it.
 *
 * @param id {@code call_} and 24 random letters and digits; the client echoes it as the tool message's {@code tool_call_id}
 * @param name the function's name
 * @param arguments the arguments as JSON text (an object)
 */
public record ToolCall(String id, String name, String arguments) {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }

    /** A fresh call id, unguessable like OpenAI's. */
    public static String newId() {
        StringBuilder id = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
