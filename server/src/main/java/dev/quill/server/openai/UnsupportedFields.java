package dev.quill.server.openai;

import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.JsonFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;


/**
 * The fields of OpenAI's chat and completions requests that Quill does not implement, and what it
 * does with each. A field that would change the answer is refused with a 400 naming it (its
 * neutral value, such as {@code logprobs: false}, is accepted), so a
 * client never mistakes an answer made without it for one made with it. Fields that change
 * nothing about the text (user ids, metadata, cache and tier hints) are accepted and ignored, and
 * README.md's "OpenAI API" section lists them with why. This class is the audit's one place: a
 * feature that lands removes its line here.
 */
final class UnsupportedFields {

    private UnsupportedFields() {
    }

    /** {@code POST /v1/chat/completions}. */
    static void checkChat(JsonFields f) {
        if (nonEmptyArray(f, "functions") || f.value("function_call") != null) {
            String param = f.value("function_call") != null ? "function_call" : "functions";
            throw notYet(param, "the deprecated functions/function_call are not supported; send tools and tool_choice");
        }
        if (f.value("audio") != null) {
            throw notYet("audio", "audio output is not supported: this server generates text only");
        }
        Object modalities = f.value("modalities");
        if (modalities instanceof JsonArray m && m.stream().anyMatch(x -> !"text".equals(x))) {
            throw notYet("modalities", "only the \"text\" modality is supported");
        }
        if (f.value("web_search_options") != null) {
            throw notYet("web_search_options", "web search is not supported: this server has no search tool");
        }
    }

    /** {@code POST /v1/completions}. */
    static void checkCompletion(JsonFields f) {
        Long bestOf = f.integer("best_of", 1, 20);
        if (bestOf != null && bestOf > 1) {
            throw notYet("best_of", "only best_of=1 is supported, got " + bestOf);
        }
        String suffix = f.string("suffix");
        if (suffix != null && !suffix.isEmpty()) {
            throw notYet("suffix", "suffix (fill in the middle) is not supported");
        }
    }

    private static boolean nonEmptyArray(JsonFields f, String name) {
        Object v = f.value(name);
        if (v != null && !(v instanceof JsonArray)) {
            throw JsonFields.wrongType(name, "an array", v);
        }
        return v instanceof JsonArray a && !a.isEmpty();
    }

    private static ApiException notYet(String param, String message) {
        return new ApiException(ApiError.unsupported("unsupported_parameter", message, param));
    }
}
