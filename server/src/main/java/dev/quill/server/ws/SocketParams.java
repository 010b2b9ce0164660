package dev.quill.server.ws;

import dev.quill.model.sampling.SamplingParams;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.JsonFields;
import dev.quill.server.chat.SamplingFields;
import io.vertx.core.json.JsonObject;

/**
 * The {@code params} object of a WebSocket {@code chat} message: the sampling settings, with the
 * same names, types, ranges and error messages as the HTTP API, because both are read by
 * {@link SamplingFields}.
 */
final class SocketParams {

    private SocketParams() {
    }

    /**
     * @param params the message's {@code params} value: absent (null) or an object
     * @throws ApiException invalid_request naming the field at fault
     */
    static SamplingFields.Parsed parse(Object params, int defaultMaxTokens) {
        if (params == null) {
            return new SamplingFields.Parsed(SamplingParams.builder().maxTokens(defaultMaxTokens).build(), false);
        }
        if (!(params instanceof JsonObject p)) {
            throw JsonFields.wrongType("params", "an object", params);
        }
        SamplingFields.Parsed parsed = SamplingFields.read(new JsonFields(p));
        if (parsed.maxTokensGiven()) {
            return parsed;
        }
        return new SamplingFields.Parsed(parsed.params().toBuilder().maxTokens(defaultMaxTokens).build(), false);
    }
}
