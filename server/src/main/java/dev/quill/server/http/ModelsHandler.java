package dev.quill.server.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** GET /v1/models: the one model this process serves, in OpenAI's list format. */
public final class ModelsHandler {

    private final String modelName;
    private final int contextLength;
    private final long created = System.currentTimeMillis() / 1000;

    public ModelsHandler(String modelName, int contextLength) {
        this.modelName = modelName;
        this.contextLength = contextLength;
    }

    public void handle(RoutingContext ctx) {
        JsonObject model = new JsonObject().put("id", modelName).put("object", "model").put("created", created)
                .put("owned_by", "quill").put("max_model_len", contextLength);
        ctx.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("object", "list").put("data", new JsonArray().add(model)).encode());
    }
}
