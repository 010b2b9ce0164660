package dev.quill.server.loadtest;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The user messages of the run: generated to a length distribution, or read from a dataset. */
interface PromptSource {

    /** The user message for a conversation's turn (both counted from 0). */
    String prompt(int conversation, int turn, Random random);

    String describe();

    /**
     * Words that common BPE vocabularies (GPT-2, Llama, Qwen) hold as one token each with their
     * leading space, so n words make a prompt of about n tokens whatever the server's tokenizer.
     * The exact count is the server's usage.prompt_tokens, which the result reports.
     */
    String[] WORDS = ("the of and to in is for on that with as was at by from this be are or an it not have"
            + " but all can one has more new some time about which their they will also been there would"
            + " into out when first two year other just up over what people only its most any way after"
            + " make back work well through where because use day said then could these good long much")
            .split(" ");

    /** Random words, as many as the distribution draws: about that many tokens. */
    static PromptSource generated(Distribution tokens) {
        return new PromptSource() {
            @Override
            public String prompt(int conversation, int turn, Random random) {
                int n = tokens.sample(random);
                StringBuilder b = new StringBuilder(n * 6);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
                }
                return b.toString();
            }

            @Override
            public String describe() {
                return "random words, " + tokens.describe() + " tokens";
            }
        };
    }

    /**
     * A JSONL file: a line is a prompt, as a JSON string or {@code {"prompt": "..."}}, or a whole
     * conversation, {@code {"turns": ["...", "..."]}}. Conversation c takes line c (from the top
     * again when the run needs more): a conversation line gives its turns in order (its last one
     * again past its end); on a prompt line each turn takes the next prompt line, in file order.
     */
    static PromptSource dataset(Path file) throws IOException {
        List<List<String>> lines = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            if (!line.isBlank()) {
                lines.add(parseLine(line, file, number));
            }
        }
        List<String> prompts = lines.stream().filter(l -> l.size() == 1).map(l -> l.get(0)).toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no prompts");
        }
        return new PromptSource() {
            private int next; // the next prompt line a turn takes

            @Override
            public String prompt(int conversation, int turn, Random random) {
                List<String> own = lines.get(conversation % lines.size());
                if (own.size() > 1) {
                    return own.get(Math.min(turn, own.size() - 1));
                }
                return prompts.get(next++ % prompts.size());
            }

            @Override
            public String describe() {
                return file.getFileName() + " (" + lines.size() + " lines)";
            }
        };
    }

    private static List<String> parseLine(String line, Path file, int number) {
        Object v;
        try {
            v = Json.decodeValue(line);
        } catch (DecodeException e) {
            throw new IllegalArgumentException(file + ":" + number + " is not JSON");
        }
        if (v instanceof String s && !s.isBlank()) {
            return List.of(s);
        }
        if (v instanceof JsonObject o && o.getValue("prompt") instanceof String s && !s.isBlank()) {
            return List.of(s);
        }
        if (v instanceof JsonObject o && o.getValue("turns") instanceof JsonArray turns && !turns.isEmpty()
                && turns.stream().allMatch(t -> t instanceof String s && !s.isBlank())) {
            return turns.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException(file + ":" + number
                + " must be a string, {\"prompt\": \"...\"} or {\"turns\": [\"...\", ...]}");
    }
}
