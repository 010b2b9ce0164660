package dev.quill.server.openai;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.server.chat.ApiError;
import dev.quill.server.http.HttpErrors;
import dev.quill.server.http.ServerMetrics;
import dev.quill.server.toolcall.ToolCall;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;

/** Collects one generation and answers with a single JSON object ({@code stream} false). */
final class WholeSink extends ResponseSink {

    private final OpenAiResponse shapes;
    private final StringBuilder text = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();

    WholeSink(HttpServerResponse response, ServerMetrics metrics, OpenAiResponse shapes) {
        super(response, metrics);
        this.shapes = shapes;
    }

    @Override
    public void onStart(String conversationId, int promptTokens, int omittedMessages) {
        reportOmitted(conversationId, omittedMessages);
    }

    @Override
    public void onText(String piece) {
        text.append(piece);
    }

    @Override
    public void onToolCall(int index, ToolCall call) {
        calls.add(call);
    }

    @Override
    public void onDone(FinishReason reason, Usage usage) {
        if (reason != FinishReason.CANCELLED && !response.closed() && !response.ended()) {
            response.putHeader("Content-Type", "application/json")
                    .end(shapes.whole(text.toString(), calls, reason, usage).encode());
        }
        finished();
    }

    @Override
    public void onError(ApiError error) {
        if (!isFinished()) {
            HttpErrors.send(response, error);
            finished();
        }
    }

    /** Nothing is written until the end, so there is no queue to fill. */
    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public void onDrain(Runnable resume) {
        resume.run();
    }
}
