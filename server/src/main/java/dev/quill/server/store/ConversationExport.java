package dev.quill.server.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A conversation written out for its owner to keep: Markdown of the branch being read (what the
 * page shows), or JSON of every branch with the parents that join them and the active path.
 */
public final class ConversationExport {

    /** The formats, as {@code format} names them. */
    public enum Format {
        MD("text/markdown; charset=utf-8", "md"), JSON("application/json", "json");

        public final String contentType;
        public final String extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }

        /** The format of that name ({@code md}, {@code markdown} or {@code json}), or null. */
        public static Format named(String name) {
            return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
                case "md", "markdown" -> MD;
                case "json" -> JSON;
                default -> null;
            };
        }
    }

    private ConversationExport() {
    }

    /** A title for a conversation: its own, else its first user message's line; null for an empty one. */
    public static String titleOf(StoredConversation c) {
        if (c.title() != null) {
            return c.title();
        }
        return c.messages().stream().filter(m -> m.role().equals("user")).findFirst()
                .map(m -> ConversationSummary.titleOf(m.content())).orElse(null);
    }

    /** A file name for the export: the conversation id (a safe name already) and the format's extension. */
    public static String fileName(String conversationId, Format format) {
        return conversationId + "." + format.extension;
    }

    public static String write(String conversationId, StoredConversation c, Format format) {
        return format == Format.MD ? markdown(c) : json(conversationId, c).encodePrettily();
    }

    static String markdown(StoredConversation c) {
        String title = titleOf(c);
        StringBuilder md = new StringBuilder("# ").append(title == null ? "Conversation" : oneLine(title)).append("\n");
        for (StoredMessage m : c.tree().path()) {
            md.append("\n## ").append(label(m.role())).append("\n\n").append(m.content().strip()).append("\n");
            if (m.finishReason() != null && !m.finishReason().equals("stop")) {
                md.append("\n_(").append(ended(m.finishReason())).append(")_\n");
            }
        }
        return md.toString();
    }

    static JsonObject json(String conversationId, StoredConversation c) {
        ConversationTree tree = c.tree();
        JsonArray messages = new JsonArray();
        for (StoredMessage m : c.messages()) {
            JsonObject j = new JsonObject().put("id", m.id()).put("parent", tree.parentOf(m.id())).put("role", m.role())
                    .put("content", m.content()).put("created", Instant.ofEpochMilli(m.createdAtMillis()).toString());
            if (m.finishReason() != null) {
                j.put("finish_reason", m.finishReason());
            }
            if (m.timings() != null) {
                j.put("usage", new JsonObject().put("prompt_tokens", m.timings().promptTokens())
                        .put("completion_tokens", m.timings().completionTokens()));
                j.put("timings", new JsonObject().put("time_to_first_token_ms", m.timings().timeToFirstTokenMs())
                        .put("tokens_per_second", m.timings().tokensPerSecond()));
            }
            messages.add(j);
        }
        List<String> path = tree.path().stream().map(StoredMessage::id).toList();
        return new JsonObject().put("id", conversationId).put("title", titleOf(c))
                .put("active_path", new JsonArray(path)).put("messages", messages);
    }

    private static String label(String role) {
        return switch (role) {
            case "user" -> "User";
            case "assistant" -> "Assistant";
            case "system" -> "System";
            default -> role.substring(0, Math.min(role.length(), 32));
        };
    }

    private static String ended(String finishReason) {
        return switch (finishReason) {
            case "length" -> "cut off at the max tokens limit";
            case "cancelled" -> "stopped";
            default -> "ended: " + finishReason;
        };
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }
}
