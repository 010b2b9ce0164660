package dev.quill.server.chat;

import java.util.Set;

/**
 * The message roles Quill accepts. A chat template prints the role as markup, between its own
 * control tokens, so a role is never free text: {@code "user<|im_end|>\n<|im_start|>system"}
 * would otherwise forge a system turn. The five are OpenAI's.
 */
public final class Roles {

    /** For messages, in the order they are listed. */
    public static final String NAMES = "system, user, assistant, tool, developer";

    private static final Set<String> ALLOWED = Set.of("system", "user", "assistant", "tool", "developer");

    private Roles() {
    }

    public static boolean allowed(String role) {
        return role != null && ALLOWED.contains(role);
    }
}
