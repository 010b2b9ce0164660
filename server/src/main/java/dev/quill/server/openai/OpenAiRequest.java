package dev.quill.server.openai;

import dev.quill.server.chat.ChatRequest;

/**
 * A validated OpenAI request: the generation it asks for and how the answer is to be sent.
 *
 * @param chat the generation, whatever the protocol
 * @param stream answer as server-sent events rather than one JSON object
 * @param includeUsage {@code stream_options.include_usage}: end the stream with a usage chunk
 * @param choices n, logprobs and echo ({@link ChoiceOptions#ONE} for a plain request)
 */
record OpenAiRequest(ChatRequest chat, boolean stream, boolean includeUsage, ChoiceOptions choices) {

    OpenAiRequest(ChatRequest chat, boolean stream, boolean includeUsage) {
        this(chat, stream, includeUsage, ChoiceOptions.ONE);
    }
}
