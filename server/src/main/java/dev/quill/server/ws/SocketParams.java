package dev.quill.server.ws;

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
    static SamplingFields.Parsed parse(Object params, SamplingFields fields) {
        if (params == null) {
            return new SamplingFields.Parsed(fields.defaults(), false); // the model's defaults, as over HTTP
        }
        if (!(params instanceof JsonObject p)) {
            throw JsonFields.wrongType("params", "an object", params);
        }
        return fields.read(new JsonFields(p));
    }
}
