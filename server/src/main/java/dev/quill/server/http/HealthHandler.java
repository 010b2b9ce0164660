package dev.quill.server.http;

import dev.quill.server.store.ConversationStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.function.BooleanSupplier;

/** /health/live: the process answers. /health/ready: model loaded, store reachable, not draining. */
public final class HealthHandler {

    private final ConversationStore store;
    private final BooleanSupplier draining;

    public HealthHandler(ConversationStore store, BooleanSupplier draining) {
        this.store = store;
        this.draining = draining;
    }

    public void live(RoutingContext ctx) {
        json(ctx, 200, new JsonObject().put("status", "live"));
    }

    public void ready(RoutingContext ctx) {
        if (draining.getAsBoolean()) {
            json(ctx, 503, new JsonObject().put("status", "draining"));
            return;
        }
        store.ping()
                .onSuccess(v -> json(ctx, 200, new JsonObject().put("status", "ready").put("store", "ok").put("model", "loaded")))
                .onFailure(e -> json(ctx, 503, new JsonObject().put("status", "unavailable").put("store", e.getMessage())));
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
