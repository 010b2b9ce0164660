package dev.quill.model.engine;

import dev.quill.model.sampling.StopStringMatcher;
import dev.quill.model.tokenizer.StreamDecoder;
import dev.quill.model.tokenizer.TextTokenizer;

import java.util.List;

/** {@link TextStream} over the model's tokenizer: UTF-8-safe pieces, then stop-string matching. */
final class DetokenizingStream implements TextStream {

    private final StreamDecoder decoder;
    private final StopStringMatcher stops;

    DetokenizingStream(TextTokenizer tokenizer, List<String> stopStrings) {
        this.decoder = new StreamDecoder(tokenizer);
        this.stops = new StopStringMatcher(stopStrings);
    }

    @Override
    public String push(int tokenId) {
        return stops.feed(decoder.push(tokenId)).text();
    }

    @Override
    public boolean stopped() {
        return stops.stopped();
    }

    @Override
    public String flush() {
        StopStringMatcher.Result r = stops.feed(decoder.flush());
        return r.stopped() ? r.text() : r.text() + stops.flush();
    }
}
