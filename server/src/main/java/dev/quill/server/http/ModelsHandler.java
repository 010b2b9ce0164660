package dev.quill.server.http;

import dev.quill.server.chat.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/models} (OpenAI's list, of the one model this process serves) and
 * {@code GET /v1/models/{id}} (that model; any other id is 404 {@code model_not_found}). Besides
 * OpenAI's fields, each model says its context ({@code max_model_len}, vLLM's name) and the
 * sampling a request gets for every field it leaves out ({@code sampling_defaults}: the model's
 * generation_config.json over Quill's neutral values), which the chat page shows in its settings.
 */
public final class ModelsHandler {

    private final String modelName;
    private final JsonObject model;

    public ModelsHandler(String modelName, int contextLength, JsonObject samplingDefaults) {
        this.modelName = modelName;
        this.model = new JsonObject().put("id", modelName).put("object", "model")
                .put("created", System.currentTimeMillis() / 1000).put("owned_by", "quill")
                .put("max_model_len", contextLength).put("sampling_defaults", samplingDefaults.copy());
    }

    public void list(RoutingContext ctx) {
        json(ctx, new JsonObject().put("object", "list").put("data", new JsonArray().add(model)));
    }

    /** Ids may hold '/' (HuggingFace names such as {@code Qwen/Qwen2-0.5B}): the route is a regex, {@code id} decoded. */
    public void one(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (modelName.equals(id)) {
            json(ctx, model);
        } else {
            HttpErrors.send(ctx.response(), ApiError.unknownModel(id));
        }
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }
}
