package dev.quill.server.openai;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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

    /** OpenAI's name for how a generation ended; null for a cancel, which has no one to tell. */
    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP -> "stop";
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

    /** The non-streamed answer. */
    JsonObject whole(String text, FinishReason reason, Usage usage) {
        return envelope(format.wholeObject)
                .put("choices", new JsonArray().add(format.wholeChoice(text, finishReason(reason))))
                .put("usage", usage(usage));
    }

    /** The chunk that opens a stream, or null when the endpoint has none. */
    JsonObject openingChunk() {
        JsonObject choice = format.openingChoice();
        return choice == null ? null : chunk(choice);
    }

    JsonObject textChunk(String text) {
        return chunk(format.textChoice(text));
    }

    JsonObject finishChunk(FinishReason reason) {
        return chunk(format.finishChoice(finishReason(reason)));
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
