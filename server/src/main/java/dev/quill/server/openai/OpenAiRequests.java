package dev.quill.server.openai;

import dev.quill.model.template.ChatMessage;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.ChatRequest;
import dev.quill.server.chat.JsonFields;
import dev.quill.server.chat.Roles;
import dev.quill.server.chat.SamplingFields;
import dev.quill.server.chat.WireText;
import dev.quill.server.http.Affinity;
import dev.quill.server.toolcall.ToolCall;
import dev.quill.server.toolcall.ToolMessages;
import dev.quill.server.toolcall.ToolRequests;
import dev.quill.server.toolcall.ToolUse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns an OpenAI request body into a {@link ChatRequest}, or an {@link ApiException} that says
 * which field is wrong. Unknown fields are ignored, as OpenAI-compatible servers do; a known
 * field of the wrong JSON type is an error; a field OpenAI defines that Quill does not implement
 * is refused or ignored as {@link UnsupportedFields} says. Sampling fields are read by {@link SamplingFields},
 * so they read the same here as on the WebSocket. Every string must be valid Unicode
 * ({@link WireText}) and every role one of {@link Roles}.
 */
final class OpenAiRequests {

    private static final int MAX_CONVERSATION_ID = 256;

    private final String servedModel;
    private final int maxMessages;
    private final SamplingFields sampling;

    OpenAiRequests(String servedModel, int maxMessages, SamplingFields sampling) {
        this.servedModel = servedModel;
        this.maxMessages = maxMessages;
        this.sampling = sampling;
    }

    /** The body as a JSON object, or invalid_json. */
    static JsonObject body(Buffer body) {
        if (body == null || body.length() == 0) {
            throw new ApiException(ApiError.invalidJson("the request body is empty; expected a JSON object"));
        }
        Object value;
        try {
            value = Json.decodeValue(body);
        } catch (DecodeException e) {
            throw new ApiException(ApiError.invalidJson("the request body is not valid JSON: " + firstLine(e.getMessage())));
        }
        if (value instanceof JsonObject o) {
            WireText.requireWellFormed(o);
            return o;
        }
        throw new ApiException(ApiError.invalidJson("the request body must be a JSON object, got " + JsonFields.typeName(value)));
    }

    /**
     * {@code POST /v1/chat/completions}.
     *
     * @param conversationHeader the {@value Affinity#CONVERSATION_HEADER} header, or null: names the
     *     conversation as {@code conversation_id} does, for a load balancer to read; when both are
     *     given they must agree
     */
    OpenAiRequest chat(JsonObject body, String conversationHeader) {
        JsonFields f = new JsonFields(body);
        checkModel(f);
        List<ChatMessage> messages = messages(f.value("messages"));
        String conversation = conversationId(f, conversationHeader);
        UnsupportedFields.checkChat(f);
        SamplingFields.Parsed sampling = this.sampling.read(f, ChoiceOptions.MAX_N);
        ChoiceOptions choices = ChoiceOptions.chat(f);
        ToolUse tools = ToolRequests.read(f.value("tools"), f.value("tool_choice"), f.value("parallel_tool_calls"));
        if (tools != null && tools.choice() != ToolUse.Choice.NONE && !tools.tools().isEmpty() && !choices.plain()) {
            // the several-answer and scored path streams text only: a call would have nowhere to go
            throw new ApiException(ApiError.invalid("tools cannot be combined with n > 1, logprobs or echo yet",
                    choices.n() > 1 ? "n" : "logprobs"));
        }
        ChatRequest chat = new ChatRequest(ChunkFormat.CHAT.idPrefix + newId(), conversation, messages, null,
                choices.apply(sampling.params()), sampling.maxTokensGiven()).withGrammar(ResponseFormats.grammar(f))
                .withTools(tools);
        return new OpenAiRequest(chat, stream(f), includeUsage(f), choices);
    }

    /** {@code POST /v1/completions}: a raw prompt, no template, no conversation. */
    OpenAiRequest completion(JsonObject body) {
        JsonFields f = new JsonFields(body);
        checkModel(f);
        String prompt = prompt(f.value("prompt"));
        UnsupportedFields.checkCompletion(f);
        SamplingFields.Parsed sampling = this.sampling.read(f, ChoiceOptions.MAX_N);
        ChoiceOptions choices = ChoiceOptions.completion(f);
        ChatRequest chat = new ChatRequest(ChunkFormat.TEXT.idPrefix + newId(), null, null, prompt,
                choices.apply(sampling.params()), sampling.maxTokensGiven()).withGrammar(ResponseFormats.grammar(f));
        return new OpenAiRequest(chat, stream(f), includeUsage(f), choices);
    }

    private void checkModel(JsonFields f) {
        String model = f.string("model");
        if (model != null && !model.equals(servedModel)) { // absent: the one model served
            throw new ApiException(ApiError.unknownModel(model));
        }
    }

    private static boolean stream(JsonFields f) {
        return Boolean.TRUE.equals(f.bool("stream"));
    }

    private static boolean includeUsage(JsonFields f) {
        JsonObject options = f.object("stream_options");
        Object include = options == null ? null : options.getValue("include_usage");
        if (include != null && !(include instanceof Boolean)) {
            throw new ApiException(ApiError.invalid("'stream_options.include_usage' must be a boolean, got "
                    + JsonFields.typeName(include), "stream_options.include_usage"));
        }
        return Boolean.TRUE.equals(include);
    }

    private static String conversationId(JsonFields f, String header) {
        String id = checkedConversationId(f.string("conversation_id"), "'conversation_id'");
        String named = checkedConversationId(header, "the " + Affinity.CONVERSATION_HEADER + " header");
        if (id != null && named != null && !id.equals(named)) {
            throw new ApiException(ApiError.invalid("'conversation_id' and the " + Affinity.CONVERSATION_HEADER
                    + " header name different conversations; send one, or the same id in both", "conversation_id"));
        }
        return id != null ? id : named;
    }

    private static String checkedConversationId(String id, String what) {
        if (id != null && (id.isBlank() || id.length() > MAX_CONVERSATION_ID)) {
            throw new ApiException(ApiError.invalid(what + " must be a non-blank string of at most "
                    + MAX_CONVERSATION_ID + " characters", "conversation_id"));
        }
        return id;
    }

    /** A string, or an array holding exactly one string (one prompt per request, as n is 1). */
    private static String prompt(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof JsonArray a && a.size() == 1 && a.getValue(0) instanceof String s) {
            return s;
        }
        if (v == null) {
            throw new ApiException(ApiError.invalid("'prompt' is required", "prompt"));
        }
        throw new ApiException(ApiError.invalid("'prompt' must be a string (or an array of one string); "
                + "batches and token-id prompts are not supported", "prompt"));
    }

    /** A messages array: its size bounded, every role known, every message well formed. */
    List<ChatMessage> messages(Object v) {
        if (!(v instanceof JsonArray array)) {
            throw v == null
                    ? new ApiException(ApiError.invalid("'messages' is required", "messages"))
                    : JsonFields.wrongType("messages", "an array", v);
        }
        if (array.isEmpty()) {
            throw new ApiException(ApiError.invalid("'messages' must contain at least one message", "messages"));
        }
        if (array.size() > maxMessages) {
            throw new ApiException(ApiError.invalid("'messages' holds " + array.size() + " messages; at most "
                    + maxMessages + " are accepted in one request", "messages"));
        }
        List<ChatMessage> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            messages.add(message(array.getValue(i), "messages[" + i + "]"));
        }
        return messages;
    }

    private static ChatMessage message(Object v, String where) {
        if (!(v instanceof JsonObject m)) {
            throw invalidMessage(where + " must be an object, got " + JsonFields.typeName(v));
        }
        if (!(m.getValue("role") instanceof String role) || role.isEmpty()) {
            throw invalidMessage(where + " needs a 'role' string");
        }
        if (!Roles.allowed(role)) { // a role is template markup: only the known words, never free text
            throw new ApiException(ApiError.invalid("'" + where + ".role' must be one of " + Roles.NAMES,
                    where + ".role"));
        }
        List<ToolCall> calls = ToolMessages.calls(m.getValue("tool_calls"), where + ".tool_calls");
        if (calls != null && !role.equals("assistant")) {
            throw invalidMessage("'" + where + ".tool_calls' is only for assistant messages");
        }
        String callId = role.equals("tool") ? ToolMessages.callId(m.getValue("tool_call_id"), where + ".tool_call_id") : null;
        Object content = m.getValue("content");
        String text = content == null && calls != null ? null : content(content, where + ".content"); // a bare call has none
        return ToolMessages.message(role, text, calls, callId);
    }

    /** A string, or an array of {type: "text", text} parts whose texts are joined. */
    private static String content(Object v, String where) {
        if (v instanceof String s) {
            return s;
        }
        if (!(v instanceof JsonArray parts) || parts.isEmpty()) {
            throw invalidMessage(where + " must be a string or a non-empty array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < parts.size(); j++) {
            Object part = parts.getValue(j);
            if (!(part instanceof JsonObject p) || !"text".equals(p.getValue("type"))
                    || !(p.getValue("text") instanceof String t)) {
                Object type = part instanceof JsonObject q ? q.getValue("type") : null;
                throw invalidMessage(where + "[" + j + "] must be a {\"type\": \"text\", \"text\": ...} part"
                        + (type == null || "text".equals(type) ? "" : "; '" + type + "' parts are not supported"));
            }
            text.append(t);
        }
        return text.toString();
    }

    private static ApiException invalidMessage(String message) {
        return new ApiException(ApiError.invalid(message, "messages"));
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
