package dev.quill.server.openai;

import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.ChatErrors;
import dev.quill.server.http.Access;
import dev.quill.server.http.HttpErrors;
import dev.quill.server.store.ConversationExport;
import dev.quill.server.store.ConversationSearch;
import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.ConversationSummary;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.regex.Pattern;

/**
 * The conversation operations over HTTP, the same as the WebSocket's and scoped to the caller's
 * API key alike (another key's conversation is 404 {@code not_found}, as a missing one):
 * {@code GET /v1/conversations?client=ID[&search=TEXT]}, {@code PATCH /v1/conversations/{id}}
 * {@code {"title"}}, {@code DELETE /v1/conversations/{id}[?client=ID]}, and
 * {@code GET /v1/conversations/{id}/export?format=md|json}, which has no size cap but the store's.
 */
public final class ConversationsHandler {

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ConversationStore store;
    private final Access access;

    public ConversationsHandler(ConversationStore store, Access access) {
        this.store = store;
        this.access = access;
    }

    /** A client's list, or with {@code search} its conversations that hold the text. */
    public void list(RoutingContext ctx) {
        String owner = access.identity(ctx.request());
        try {
            String list = ConversationStore.clientListId(owner, client(ctx, true));
            String query = ctx.request().getParam("search");
            if (query != null) {
                if (query.isBlank() || query.length() > ConversationSearch.MAX_QUERY_LENGTH) {
                    throw new ApiException(ApiError.invalid("search must be 1 to " + ConversationSearch.MAX_QUERY_LENGTH
                            + " characters", "search"));
                }
                reply(ctx, store.search(list, owner, query.strip()).map(hits -> {
                    JsonArray data = new JsonArray();
                    hits.forEach(h -> data.add(item(h.id(), h.title(), h.updatedMillis()).put("snippet", h.snippet())));
                    return new JsonObject().put("object", "list").put("data", data);
                }));
            } else {
                reply(ctx, store.conversations(list).map(items -> {
                    JsonArray data = new JsonArray();
                    items.forEach(c -> data.add(item(c.id(), c.title(), c.updatedMillis())));
                    return new JsonObject().put("object", "list").put("data", data);
                }));
            }
        } catch (ApiException e) {
            HttpErrors.send(ctx.response(), e.error());
        }
    }

    /** {@code {"title": "…"}}: one line of 1 to 100 characters. */
    public void rename(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        try {
            JsonObject body = OpenAiRequests.body(ctx.body().buffer());
            String title = ConversationSummary.renamed(body.getValue("title") instanceof String t ? t : null);
            if (title == null) {
                throw new ApiException(ApiError.invalid("title must be 1 to " + ConversationSummary.MAX_RENAMED_TITLE_LENGTH
                        + " characters on one line", "title"));
            }
            reply(ctx, store.rename(id, access.identity(ctx.request()), title)
                    .map(v -> new JsonObject().put("id", id).put("object", "conversation").put("title", title)));
        } catch (ApiException e) {
            HttpErrors.send(ctx.response(), e.error());
        }
    }

    public void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String owner = access.identity(ctx.request());
        try {
            String client = client(ctx, false);
            reply(ctx, store.delete(id, owner)
                    .compose(v -> client == null ? Future.succeededFuture()
                            : store.forget(ConversationStore.clientListId(owner, client), id))
                    .map(v -> new JsonObject().put("id", id).put("object", "conversation.deleted").put("deleted", true)));
        } catch (ApiException e) {
            HttpErrors.send(ctx.response(), e.error());
        }
    }

    /** The file itself, named in Content-Disposition. */
    public void export(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ConversationExport.Format format = ConversationExport.Format.named(ctx.request().getParam("format", "md"));
        if (format == null) {
            HttpErrors.send(ctx.response(), ApiError.invalid("format must be md or json", "format"));
            return;
        }
        store.owned(id, access.identity(ctx.request()))
                .onSuccess(c -> ctx.response().putHeader("Content-Type", format.contentType)
                        .putHeader("Content-Disposition", "attachment; filename=\"" + ConversationExport.fileName(id, format) + "\"")
                        .end(ConversationExport.write(id, c, format)))
                .onFailure(e -> HttpErrors.send(ctx.response(), ChatErrors.of(e)));
    }

    private static JsonObject item(String id, String title, long updatedMillis) {
        return new JsonObject().put("id", id).put("object", "conversation").put("title", title).put("updated", updatedMillis);
    }

    private static String client(RoutingContext ctx, boolean required) {
        String client = ctx.request().getParam("client");
        if (client == null && !required) {
            return null;
        }
        if (client == null || !CLIENT_ID.matcher(client).matches()) {
            throw new ApiException(ApiError.invalid("client must be 1 to 64 letters, digits, '-' or '_'", "client"));
        }
        return client;
    }

    private static void reply(RoutingContext ctx, Future<JsonObject> op) {
        op.onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json").end(json.encode()))
                .onFailure(e -> HttpErrors.send(ctx.response(), ChatErrors.of(e)));
    }
}
