package dev.quill.server.http;

import dev.quill.server.store.ConversationStore;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.function.BooleanSupplier;

/**
 * /health/live: the process answers. /health/ready: model loaded, store reachable, not draining.
 * Why the store is unreachable is logged, never answered: its error text can name hosts, ports
 * and credentials' users, and /health/ready is often open to anyone who can reach the port.
 */
public final class HealthHandler {

    private static final Logger log = LoggerFactory.getLogger(HealthHandler.class);

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
                .onFailure(e -> {
                    log.warn("/health/ready: the conversation store is unavailable: " + e.getMessage());
                    json(ctx, 503, new JsonObject().put("status", "unavailable").put("store", "unavailable"));
                });
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
