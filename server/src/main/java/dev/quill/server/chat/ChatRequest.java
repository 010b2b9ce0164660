package dev.quill.server.chat;

import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.template.ChatMessage;

import java.util.List;

/**
 * One generation asked for by a client, whatever the protocol.
 *
 * @param id request id, also the prefix of the stored messages' ids (so replays are idempotent)
 * @param conversationId load and extend this stored conversation, or null for a stateless request
 * @param messages chat messages to append (and, without a conversation, the whole conversation);
 *     null for a raw completion
 * @param rawPrompt the prompt of /v1/completions, or null for chat
 * @param params sampling; maxTokens is the request's own or, when {@code maxTokensGiven} is false, a
 *     default that is lowered to what the context leaves
 * @param maxTokensGiven whether the client set max_tokens (then too large is an error, as in OpenAI's API)
 */
public record ChatRequest(String id, String conversationId, List<ChatMessage> messages, String rawPrompt,
                          SamplingParams params, boolean maxTokensGiven) {
}
