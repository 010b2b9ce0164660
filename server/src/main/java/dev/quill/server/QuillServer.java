package dev.quill.server;

import dev.quill.model.LanguageModel;
import dev.quill.model.engine.Engine;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ChatService;
import dev.quill.server.chat.PromptBuilder;
import dev.quill.server.chat.SamplingFields;
import dev.quill.server.chat.LiveStreams;
import dev.quill.server.config.QuillConfig;
import dev.quill.server.http.Access;
import dev.quill.server.http.Affinity;
import dev.quill.server.http.BlockedThreadWatch;
import dev.quill.server.http.ConnectionLimits;
import dev.quill.server.http.CrossSite;
import dev.quill.server.http.FrontDoor;
import dev.quill.server.http.HealthHandler;
import dev.quill.server.http.HttpErrors;
import dev.quill.server.http.InvalidRequests;
import dev.quill.server.http.MetricsHandler;
import dev.quill.server.http.ModelsHandler;
import dev.quill.server.http.Origins;
import dev.quill.server.http.ServerMetrics;
import dev.quill.server.openai.ConversationsHandler;
import dev.quill.server.openai.OpenAiHandler;
import dev.quill.server.openai.TokenizeHandler;
import dev.quill.server.store.ConversationStore;
import dev.quill.server.ws.ChatSocket;
import dev.quill.server.ws.SocketKeepAlive;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The HTTP server: a table of routes over one {@link ChatService}. Handlers run on the server's
 * event loop and never block it: model work is on the engine thread, store calls are async.
 */
public final class QuillServer {

    private final Vertx vertx;
    private final QuillConfig config;
    private final Engine engine;
    private final ConversationStore store;
    private final ServerMetrics metrics = new ServerMetrics();
    private final LiveStreams live = new LiveStreams(); // what a shutdown must end with a terminal event
    private final Origins origins;
    private final Access access;
    private final CrossSite crossSite;
    private final ChatService chat;
    private final SamplingFields sampling;
    private final String modelName;
    /** The longest a shutdown waits for the terminal events of the streams it ends. */
    private static final long TERMINAL_WAIT_MS = 6_000;

    private HttpServer http;
    private final TokenizeHandler tokenize;
    private final dev.quill.server.openai.TokenTexts tokenTexts; // logprobs' token texts, read once at start
    private final PromptBuilder prompts;
    private volatile boolean draining;
    /** {@code server.replica_id}, or host:port; the port is the bound one once listening (port 0 in tests). */
    private volatile String replicaId;

    private QuillServer(Vertx vertx, QuillConfig config, LanguageModel model, Engine engine, ConversationStore store) {
        this.vertx = vertx;
        this.config = config;
        this.engine = engine;
        this.store = store;
        this.origins = new Origins(config.http().allowedHosts(), config.allowedOrigins(), config.host());
        this.access = new Access(config.apiKeys(), origins);
        this.crossSite = new CrossSite(origins, config.http().corsOrigins());
        this.prompts = new PromptBuilder(vertx, model, engine.maxLength(), config.defaultMaxTokens(),
                new PromptBuilder.Limits(config.maxMessages(), config.promptWorkers(), config.promptQueue()), metrics);
        this.chat = new ChatService(vertx, engine, prompts, store);
        this.sampling = new SamplingFields(SamplingFields.modelDefaults(model.defaults(), config.defaultMaxTokens()),
                model.decoder().config().vocabSize());
        this.tokenTexts = new dev.quill.server.openai.TokenTexts(model.tokenizer());
        this.tokenize = new TokenizeHandler(model, prompts, config.modelName(), config.maxMessages(), sampling,
                engine.maxLength());
        this.modelName = config.modelName();
        this.replicaId = Affinity.replicaId(config.replicaId(), config.port());
    }

    /** Starts listening; the future completes once the port is bound. */
    public static Future<QuillServer> start(Vertx vertx, QuillConfig config, LanguageModel model, Engine engine,
                                            ConversationStore store) {
        QuillServer s = new QuillServer(vertx, config, model, engine, store);
        BlockedThreadWatch.install(vertx, s.metrics);
        HttpServerOptions options = new HttpServerOptions()
                // Twice the limit, so a message just over it gets a typed error and the socket stays.
                // Past it Vert.x drops the message and tells ChatSocket, which answers payload_too_large
                // and closes with 1009 (a larger single frame is refused by Netty's decoder the same way).
                .setMaxWebSocketFrameSize(2 * config.maxBodyBytes())
                .setMaxWebSocketMessageSize(2 * config.maxBodyBytes());
        // HTTP/1 only: the connection guard and the strict decoder are written for its pipeline
        options.setHttp2ClearTextEnabled(false);
        return vertx.createHttpServer(options)
                .connectionHandler(new ConnectionLimits(config.http(), options, s.metrics))
                .invalidRequestHandler(InvalidRequests::handle)
                .requestHandler(new FrontDoor(s.router(), s.origins, s.access.keyless(), s.metrics))
                .listen(config.port(), config.host())
                .map(server -> {
                    s.http = server;
                    s.replicaId = Affinity.replicaId(config.replicaId(), server.actualPort());
                    return s;
                });
    }

    private Router router() {
        Router r = Router.router(vertx);
        r.route().handler(this::count);
        r.options("/v1/*").handler(crossSite::preflight); // before the key check: a preflight carries no key
        r.route().handler(this::nameReplica);
        r.route("/v1/*").handler(this::guard);
        r.route("/v1/*").handler(BodyHandler.create().setBodyLimit(config.maxBodyBytes()).setHandleFileUploads(false));
        for (String path : new String[] {"/tokenize", "/detokenize"}) { // vLLM's paths, outside /v1, guarded alike
            r.post(path).handler(this::guard);
            r.post(path).handler(BodyHandler.create().setBodyLimit(config.maxBodyBytes()).setHandleFileUploads(false));
        }
        HealthHandler health = new HealthHandler(store, () -> draining);
        r.get("/health/live").handler(health::live);
        if (config.http().protectReady()) {
            r.get("/health/ready").handler(this::requireKey);
        }
        r.get("/health/ready").handler(health::ready);
        if (config.http().protectMetrics()) {
            r.get("/metrics").handler(this::requireKey);
        }
        r.get("/metrics").handler(new MetricsHandler(vertx, engine.metrics(), metrics)::handle);
        r.get("/ws").handler(this::upgrade);
        ModelsHandler models = new ModelsHandler(modelName, engine.maxLength(), sampling.defaultsJson());
        r.get("/v1/models").handler(models::list);
        r.getWithRegex("/v1/models/(?<id>.+)").handler(models::one);
        OpenAiHandler openAi = new OpenAiHandler(vertx, chat, store, access, metrics, live, modelName,
                config.sseKeepAlive(), config.maxMessages(), sampling, tokenTexts, prompts);
        r.post("/v1/chat/completions").handler(openAi::chatCompletions);
        r.post("/v1/completions").handler(openAi::completions);
        r.post("/v1/conversations").handler(openAi::createConversation);
        ConversationsHandler conversations = new ConversationsHandler(store, access);
        r.get("/v1/conversations").handler(conversations::list);
        r.patch("/v1/conversations/:id").handler(conversations::rename);
        r.delete("/v1/conversations/:id").handler(conversations::delete);
        r.get("/v1/conversations/:id/export").handler(conversations::export);
        r.post("/tokenize").handler(tokenize::tokenize);
        r.post("/detokenize").handler(tokenize::detokenize);
        r.route().failureHandler(this::failure);
        r.errorHandler(404, this::failure); // no route matched: the router never reaches failureHandler
        r.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false)); // web/: the chat page, never stale after an upgrade
        return r;
    }

    /** /ws: Origin and token checked before the upgrade, so a refused client gets an HTTP error. */
    private void upgrade(RoutingContext ctx) {
        ApiError denied = access.checkSocket(ctx.request());
        if (denied != null) {
            HttpErrors.send(ctx.response(), denied);
            return;
        }
        if (draining) {
            HttpErrors.send(ctx.response(), ApiError.shuttingDown());
            return;
        }
        ChatSocket.Limits limits = new ChatSocket.Limits(config.maxBodyBytes(), config.maxStreamsPerSocket(),
                sampling, modelName, config.wsMaxQueuedBytes(), config.wsHistoryBytes(), replicaId);
        ctx.request().toWebSocket()
                .onSuccess(ws -> {
                    new ChatSocket(vertx, ws, chat, store, metrics, live, limits, access.identity(ctx.request()));
                    SocketKeepAlive.start(vertx, ws, metrics, config.http().idleTimeout());
                })
                .onFailure(e -> HttpErrors.send(ctx.response(), ApiError.invalid("WebSocket upgrade failed: " + e.getMessage(), null)));
    }

    /** Cross-site rules and API keys on every /v1 route; new work refused while shutting down. */
    private void guard(RoutingContext ctx) {
        ApiError denied = crossSite.check(ctx.request());
        if (denied == null) {
            denied = access.checkBearer(ctx.request());
        }
        if (denied != null) {
            HttpErrors.send(ctx.response(), denied);
        } else if (draining && ctx.request().method().name().equals("POST")) {
            HttpErrors.send(ctx.response(), ApiError.shuttingDown());
        } else {
            ctx.next();
        }
    }

    /** /metrics and /health/ready when the settings say they need the API key. */
    private void requireKey(RoutingContext ctx) {
        ApiError denied = access.checkBearer(ctx.request());
        if (denied != null) {
            HttpErrors.send(ctx.response(), denied);
        } else {
            ctx.next();
        }
    }

    /** Every response names the replica that made it, so affinity can be seen from outside. */
    private void nameReplica(RoutingContext ctx) {
        ctx.response().putHeader(Affinity.REPLICA_HEADER, replicaId);
        ctx.next();
    }

    private void count(RoutingContext ctx) {
        ctx.addEndHandler(v -> metrics.request(ctx.currentRoute() == null || ctx.currentRoute().getPath() == null
                ? "other" : ctx.currentRoute().getPath(), ctx.response().getStatusCode()));
        ctx.next();
    }

    private void failure(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            HttpErrors.send(ctx.response(), ApiError.tooLarge(config.maxBodyBytes()));
        } else if (ctx.statusCode() == 404) {
            HttpErrors.send(ctx.response(), new ApiError(404, "invalid_request_error", "not_found",
                    "No route for " + ctx.request().method() + " " + ctx.request().path(), null));
        } else {
            HttpErrors.send(ctx.response(), ApiError.internal(ctx.failure() == null
                    ? "status " + ctx.statusCode() : ctx.failure().getMessage()));
        }
    }

    public int port() {
        return http.actualPort();
    }

    /** The name this replica gives itself in {@value Affinity#REPLICA_HEADER} and WebSocket start frames. */
    public String replicaId() {
        return replicaId;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    ChatService chat() {
        return chat;
    }

    /** The prompt builders' bounded workers (for operations and tests that must hold them). */
    public PromptBuilder prompts() {
        return prompts;
    }

    Access access() {
        return access;
    }

    QuillConfig config() {
        return config;
    }

    boolean draining() {
        return draining;
    }

    /**
     * Graceful shutdown: new work is refused, running streams may finish for up to the grace
     * period; those still running then end with an {@code error} {@code shutting_down} (SSE: an
     * error chunk and {@code [DONE]}; WebSocket: the frame, then a close with 1001), and the
     * listener closes. The engine and store are the caller's to close after.
     */
    public Future<Void> close() {
        draining = true;
        Promise<Void> drained = Promise.promise();
        awaitDrained(drained, System.nanoTime() + config.shutdownGrace().toNanos());
        return drained.future()
                .compose(v -> endLiveStreams())
                .compose(v -> http == null ? Future.succeededFuture() : http.close());
    }

    /**
     * Ends every live stream and socket, waiting for their last frames to go out, but not for a
     * client that does not read them: a socket cuts itself after {@code SocketWriter.ABORT_AFTER_MS}.
     */
    private Future<Void> endLiveStreams() {
        Promise<Void> ended = Promise.promise();
        live.interruptAll(ApiError.shuttingDown()).onComplete(ar -> ended.tryComplete());
        vertx.setTimer(TERMINAL_WAIT_MS, id -> ended.tryComplete());
        return ended.future();
    }

    /**
     * Polls with one-shot timers. A periodic timer cancelled from its own first run, with an
     * initial delay of 0 and started off the event loop, can run before Vert.x has stored its
     * handle: cancelTimer then throws, the promise never completes and close() hangs.
     */
    private void awaitDrained(Promise<Void> drained, long deadlineNanos) {
        if (metrics.activeStreams() == 0 || System.nanoTime() > deadlineNanos) {
            drained.tryComplete();
        } else {
            vertx.setTimer(50, id -> awaitDrained(drained, deadlineNanos));
        }
    }
}
