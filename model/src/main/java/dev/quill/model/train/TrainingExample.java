package dev.quill.model.train;

import dev.quill.model.template.ChatMessage;
import dev.quill.model.template.ChatTemplate;
import dev.quill.model.tokenizer.TextTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One conversation as the model is trained on it: its token ids, rendered through the chat
 * template exactly as a prompt is at inference, and which tokens are the assistant's, the only
 * ones the loss counts (the model learns to answer, not to ask).
 *
 * @param ids the whole conversation, template markup included
 * @param target whether ids[i] is an assistant token (its answer text, {@code <|im_end|>} and the newline after it)
 */
public record TrainingExample(int[] ids, boolean[] target) {

    /**
     * Encodes a conversation. Each assistant turn's tokens are found by encoding the conversation
     * up to that turn with the generation prompt: that is the prefix the model sees when it answers.
     *
     * @throws IllegalStateException if a prompt does not tokenize as a prefix of the whole (the
     *     template or tokenizer would then train on something inference never shows)
     */
    public static TrainingExample encode(List<ChatMessage> messages, ChatTemplate template, TextTokenizer tokenizer) {
        int[] ids = tokenizer.encodeRendered(template.render(messages, false, null));
        boolean[] target = new boolean[ids.length];
        for (int k = 0; k < messages.size(); k++) {
            if (!messages.get(k).role().equals("assistant")) {
                continue;
            }
            int[] prompt = tokenizer.encodeRendered(template.render(messages.subList(0, k), true, null));
            int[] through = tokenizer.encodeRendered(template.render(messages.subList(0, k + 1), false, null));
            if (!Arrays.equals(prompt, 0, prompt.length, ids, 0, prompt.length)
                    || !Arrays.equals(through, 0, through.length, ids, 0, through.length)) {
                throw new IllegalStateException("the prompt for turn " + k + " is not a token prefix of the conversation: "
                        + messages.get(k - 1).content());
            }
            Arrays.fill(target, prompt.length, through.length, true);
        }
        return new TrainingExample(ids, target);
    }

    /** Encodes every conversation. */
    public static List<TrainingExample> encodeAll(List<List<ChatMessage>> conversations, ChatTemplate template,
                                                  TextTokenizer tokenizer) {
        List<TrainingExample> out = new ArrayList<>();
        for (List<ChatMessage> c : conversations) {
            out.add(encode(c, template, tokenizer));
        }
        return out;
    }

    /**
     * Two conversations as one: {@code a}'s turns, then {@code b}'s. ChatML renders each message on
     * its own and every turn ends in a special token, where tokenization always breaks, so this is
     * exactly the encoding of the joined conversation (TokenizerTrainingTest checks it).
     */
    public static TrainingExample concat(TrainingExample a, TrainingExample b) {
        int[] ids = Arrays.copyOf(a.ids, a.ids.length + b.ids.length);
        System.arraycopy(b.ids, 0, ids, a.ids.length, b.ids.length);
        boolean[] target = Arrays.copyOf(a.target, ids.length);
        System.arraycopy(b.target, 0, target, a.target.length, b.target.length);
        return new TrainingExample(ids, target);
    }

    /** Positions it fills in a row: one per (input, next token) pair. */
    int length() {
        return ids.length - 1;
    }
}
