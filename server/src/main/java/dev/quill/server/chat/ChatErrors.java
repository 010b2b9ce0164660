package dev.quill.server.chat;

import dev.quill.model.decoder.ContextOverflowException;
import dev.quill.model.engine.EngineError;
import dev.quill.model.sampling.InvalidSamplingParamException;
import dev.quill.model.template.TemplateException;
import dev.quill.server.store.ConversationNotFoundException;
import dev.quill.server.store.StoreUnavailableException;

/** Maps failures from the model, engine and store to the client-facing {@link ApiError}. */
public final class ChatErrors {

    private ChatErrors() {
    }

    public static ApiError of(Throwable t) {
        if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof EngineError e) {
            return switch (e.code()) {
                case OVERLOADED -> ApiError.overloaded(e.getMessage());
                case CONTEXT_LENGTH_EXCEEDED, KV_CACHE_FULL -> ApiError.contextLength(e.getMessage());
                case INVALID_REQUEST -> ApiError.invalid(e.getMessage(), null);
                case SHUTTING_DOWN -> ApiError.shuttingDown();
                case INTERNAL -> ApiError.internal(e.getMessage());
            };
        }
        if (t instanceof InvalidSamplingParamException e) {
            return ApiError.invalid(e.getMessage(), e.param());
        }
        if (t instanceof ContextOverflowException e) {
            return ApiError.contextLength(e.getMessage());
        }
        if (t instanceof TemplateException e) {
            // raise_exception in the model's template: the conversation's shape is not one it accepts
            return ApiError.invalid("the model's chat template refused the messages: " + e.getMessage(), "messages");
        }
        if (t instanceof StoreUnavailableException e) {
            return ApiError.storeUnavailable(e.getMessage());
        }
        if (t instanceof ConversationNotFoundException e) {
            return ApiError.notFound(e.getMessage());
        }
        if (t instanceof ApiException e) {
            return e.error();
        }
        return ApiError.internal(t.getClass().getSimpleName() + ": " + t.getMessage());
    }
}
