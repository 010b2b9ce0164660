package dev.quill.server.openai;

import io.vertx.core.json.JsonObject;

/**
 * What differs between the two generation endpoints: the object names, the id prefix, and the
 * shape of a choice. {@code /v1/chat/completions} carries a {@code message} (whole) or a
 * {@code delta} (streamed); {@code /v1/completions} carries {@code text} in both.
 */
enum ChunkFormat {

    /** {@code POST /v1/chat/completions}. */
    CHAT("chatcmpl-", "chat.completion", "chat.completion.chunk", "messages") {
        @Override
        JsonObject openingChoice() {
            return choice().put("delta", new JsonObject().put("role", "assistant").put("content", ""))
                    .put("logprobs", null).put("finish_reason", null);
        }

        @Override
        JsonObject textChoice(String text) {
            return choice().put("delta", new JsonObject().put("content", text))
                    .put("logprobs", null).put("finish_reason", null);
        }

        @Override
        JsonObject finishChoice(String finishReason) {
            return choice().put("delta", new JsonObject()).put("logprobs", null).put("finish_reason", finishReason);
        }

        @Override
        JsonObject wholeChoice(String text, String finishReason) {
            // refusal: null as OpenAI sends it; its SDKs treat the field as required
            JsonObject message = new JsonObject().put("role", "assistant").put("content", text).put("refusal", null);
            return choice().put("message", message).put("logprobs", null).put("finish_reason", finishReason);
        }
    },

    /** {@code POST /v1/completions}: no opening chunk, the text in every choice. */
    TEXT("cmpl-", "text_completion", "text_completion", "prompt") {
        @Override
        JsonObject openingChoice() {
            return null;
        }

        @Override
        JsonObject textChoice(String text) {
            return choice().put("text", text).put("logprobs", null).put("finish_reason", null);
        }

        @Override
        JsonObject finishChoice(String finishReason) {
            return choice().put("text", "").put("logprobs", null).put("finish_reason", finishReason);
        }

        @Override
        JsonObject wholeChoice(String text, String finishReason) {
            return choice().put("text", text).put("logprobs", null).put("finish_reason", finishReason);
        }
    };

    final String idPrefix;
    final String wholeObject;
    final String chunkObject;
    /** The request field that holds the prompt, named by context-length errors. */
    final String promptParam;

    ChunkFormat(String idPrefix, String wholeObject, String chunkObject, String promptParam) {
        this.idPrefix = idPrefix;
        this.wholeObject = wholeObject;
        this.chunkObject = chunkObject;
        this.promptParam = promptParam;
    }

    /** The first streamed choice, or null when the endpoint has none. */
    abstract JsonObject openingChoice();

    abstract JsonObject textChoice(String text);

    abstract JsonObject finishChoice(String finishReason);

    abstract JsonObject wholeChoice(String text, String finishReason);

    private static JsonObject choice() {
        return new JsonObject().put("index", 0); // n is always 1
    }
}
