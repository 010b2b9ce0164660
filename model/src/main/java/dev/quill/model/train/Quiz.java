package dev.quill.model.train;

import dev.quill.model.LanguageModel;
import dev.quill.model.engine.Engine;
import dev.quill.model.engine.EngineError;
import dev.quill.model.engine.EngineOptions;
import dev.quill.model.engine.GenerationRequest;
import dev.quill.model.engine.TokenListener;
import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.template.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks a model questions and checks each greedy answer for the key words of the right one: how
 * we measure whether the demo model learned its facts. All questions run together through the
 * batching {@link Engine}, so a few hundred take seconds.
 */
public final class Quiz {

    /**
     * A question and the words a right answer contains (all of them, ignoring case).
     *
     * @param history the conversation before the question (empty for a new chat)
     */
    public record Question(String topic, String text, List<String> expect, List<ChatMessage> history) {
        public Question(String topic, String text, List<String> expect) {
            this(topic, text, expect, List.of());
        }

        /** The same question asked after {@code before} was asked and answered as the corpus answers it. */
        public Question after(ChatCorpus.QuestionAnswer before) {
            return new Question(topic, text, expect, List.of(new ChatMessage("user", before.questions().get(0)),
                    new ChatMessage("assistant", before.answer())));
        }
    }

    public record Answer(Question question, String text, boolean hit) {
    }

    public record Result(List<Answer> answers) {
        public long hits() {
            return answers.stream().filter(Answer::hit).count();
        }

        public double hitRate() {
            return answers.isEmpty() ? 0 : (double) hits() / answers.size();
        }

        public List<Answer> misses() {
            return answers.stream().filter(a -> !a.hit()).toList();
        }

        /** "41/43 (95.3%)" */
        public String summary() {
            return String.format(Locale.ROOT, "%d/%d (%.1f%%)", hits(), answers.size(), 100 * hitRate());
        }
    }

    private Quiz() {
    }

    /** The corpus's facts that name key words: every phrasing, or only the first of each. */
    public static List<Question> fromCorpus(ChatCorpus corpus, boolean everyPhrasing) {
        List<Question> out = new ArrayList<>();
        for (ChatCorpus.QuestionAnswer qa : corpus.facts()) {
            if (qa.expect().isEmpty()) {
                continue;
            }
            for (String q : everyPhrasing ? qa.questions() : qa.questions().subList(0, 1)) {
                out.add(new Question(qa.topic(), q, qa.expect()));
            }
        }
        return out;
    }

    /**
     * Asks every question greedily, each in its own chat (after its history, if it has one).
     *
     * @param model loaded with enough KV slots for the batch it should run (more slots, fewer rounds)
     */
    public static Result ask(LanguageModel model, List<Question> questions, int maxTokens) {
        SamplingParams greedy = SamplingParams.builder().temperature(0).maxTokens(maxTokens).build();
        List<CompletableFuture<String>> answers = new ArrayList<>();
        try (Engine engine = new Engine(model.decoder(), model.tokenizer(), model.eosIds(),
                new EngineOptions(questions.size(), 1024, false))) {
            for (Question q : questions) {
                CompletableFuture<String> done = new CompletableFuture<>();
                List<ChatMessage> messages = new ArrayList<>(q.history());
                messages.add(new ChatMessage("user", q.text()));
                int[] prompt = model.encodeChat(messages, null);
                int room = Math.min(maxTokens, engine.maxLength() - prompt.length); // a small context bounds the answer
                if (room <= 0) {
                    done.complete("");
                } else {
                    engine.submit(new GenerationRequest(prompt, greedy.toBuilder().maxTokens(room).build(), new Collect(done)));
                }
                answers.add(done);
            }
            List<Answer> out = new ArrayList<>();
            for (int i = 0; i < questions.size(); i++) {
                String text = answers.get(i).get(5, TimeUnit.MINUTES);
                out.add(new Answer(questions.get(i), text, hit(text, questions.get(i).expect())));
            }
            return new Result(out);
        } catch (Exception e) {
            throw new IllegalStateException("quiz failed: " + e.getMessage(), e);
        }
    }

    /** Whether an answer holds every key word, ignoring case. */
    public static boolean hit(String answer, List<String> expect) {
        String a = answer.toLowerCase(Locale.ROOT);
        return expect.stream().allMatch(w -> a.contains(w.toLowerCase(Locale.ROOT)));
    }

    /** Gathers one answer's text; called on the engine thread. */
    private static final class Collect implements TokenListener {
        private final StringBuilder text = new StringBuilder();
        private final CompletableFuture<String> done;

        Collect(CompletableFuture<String> done) {
            this.done = done;
        }

        @Override
        public void onToken(String piece, int tokenId) {
            text.append(piece);
        }

        @Override
        public void onDone(FinishReason reason, Usage usage) {
            done.complete(text.toString());
        }

        @Override
        public void onError(EngineError error) {
            done.completeExceptionally(error);
        }
    }
}
