package dev.quill.server.openai;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.server.toolcall.ToolCall;
import dev.quill.server.toolcall.ToolMessages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The JSON objects of one response, all sharing its id, creation time, model and (when the
 * request named one) conversation id: the whole answer, or the chunks of a stream.
 *
 * <p>With {@code includeUsage}, every chunk carries {@code "usage": null} and the usage arrives
 * in a last chunk with no choices, as OpenAI streams it.
 */
final class OpenAiResponse {

    private final ChunkFormat format;
    private final String id;
    private final long created = System.currentTimeMillis() / 1000;
    private final String model;
    private final String conversationId;
    private final boolean includeUsage;

    OpenAiResponse(ChunkFormat format, String id, String model, String conversationId, boolean includeUsage) {
        this.format = format;
        this.id = id;
        this.model = model;
        this.conversationId = conversationId;
        this.includeUsage = includeUsage;
    }

    /**
     * OpenAI's name for how a generation ended; null for a cancel, which has no one to tell. An
     * answer that called tools and ended by itself ended for them: {@code tool_calls}.
     */
    static String finishReason(FinishReason reason, boolean calledTools) {
        return switch (reason) {
            case STOP -> calledTools ? "tool_calls" : "stop";
            case LENGTH -> "length";
            case CANCELLED -> null;
        };
    }

    static JsonObject usage(Usage u) {
        return new JsonObject()
                .put("prompt_tokens", u.promptTokens())
                .put("completion_tokens", u.completionTokens())
                .put("total_tokens", u.promptTokens() + u.completionTokens())
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", u.cachedTokens()));
    }

    /**
     * The non-streamed answer; with tool calls, {@code message.tool_calls} holds them and the
     * content is null when the answer had no text but whitespace around the calls.
     */
    JsonObject whole(String text, List<ToolCall> calls, FinishReason reason, Usage usage) {
        JsonObject choice = format.wholeChoice(text, finishReason(reason, !calls.isEmpty()));
        if (!calls.isEmpty()) {
            JsonObject message = choice.getJsonObject("message");
            message.put("tool_calls", ToolMessages.wire(calls));
            if (text.isBlank()) {
                message.put("content", null);
            }
        }
        return envelope(format.wholeObject).put("choices", new JsonArray().add(choice)).put("usage", usage(usage));
    }

    /** The chunk that opens a stream, or null when the endpoint has none. */
    JsonObject openingChunk() {
        JsonObject choice = format.openingChoice();
        return choice == null ? null : chunk(choice);
    }

    JsonObject textChunk(String text) {
        return chunk(format.textChoice(text));
    }

    JsonObject finishChunk(FinishReason reason, boolean calledTools) {
        return chunk(format.finishChoice(finishReason(reason, calledTools)));
    }

    /**
     * One delta of a streamed call: the first ({@code head}) names it (index, id, type, name,
     * empty arguments), the second carries its arguments, which a client appends.
     */
    JsonObject toolCallChunk(int index, ToolCall call, boolean head) {
        JsonObject c = new JsonObject().put("index", index);
        if (head) {
            c.put("id", call.id()).put("type", "function")
                    .put("function", new JsonObject().put("name", call.name()).put("arguments", ""));
        } else {
            c.put("function", new JsonObject().put("arguments", call.arguments()));
        }
        return chunk(new JsonObject().put("index", 0).put("delta", new JsonObject().put("tool_calls", new JsonArray().add(c)))
                .put("logprobs", null).put("finish_reason", null));
    }

    /** The last chunk when usage was asked for: no choices, only the usage. */
    JsonObject usageChunk(Usage usage) {
        return envelope(format.chunkObject).put("choices", new JsonArray()).put("usage", usage(usage));
    }

    /** The non-streamed answer with several choices (n), each already shaped. */
    JsonObject whole(JsonArray choices, Usage usage) {
        return envelope(format.wholeObject).put("choices", choices).put("usage", usage(usage));
    }

    /** A chunk holding one already shaped choice (its index and logprobs set by the caller). */
    JsonObject chunk(JsonObject choice) {
        JsonObject chunk = envelope(format.chunkObject).put("choices", new JsonArray().add(choice));
        return includeUsage ? chunk.put("usage", null) : chunk;
    }

    private JsonObject envelope(String object) {
        JsonObject o = new JsonObject().put("id", id).put("object", object).put("created", created).put("model", model);
        return conversationId == null ? o : o.put("conversation_id", conversationId);
    }
}
