package dev.quill.model.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quill.model.template.ChatMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat dataset in JSON Lines, one object per line, in either of two shapes:
 * <ul>
 *   <li>{@code {"topic": "...", "questions": ["...", ...], "answer": "...", "expect": ["...", ...]}}:
 *       one fact with several phrasings of its question, each becoming a user/assistant exchange
 *       with the same answer; {@code expect} names key words of the answer, for evaluation;</li>
 *   <li>{@code {"messages": [{"role": "user", "content": "..."}, ...]}}: one conversation as is.</li>
 * </ul>
 */
public record ChatCorpus(List<QuestionAnswer> facts, List<List<ChatMessage>> conversations) {

    /** One fact: its question phrasings, the answer they all get, and key words of that answer. */
    public record QuestionAnswer(String topic, List<String> questions, String answer, List<String> expect) {
    }

    public static ChatCorpus read(Path file) throws IOException {
        List<QuestionAnswer> facts = new ArrayList<>();
        List<List<ChatMessage>> conversations = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                if (o.has("messages")) {
                    conversations.add(messages(o.getAsJsonArray("messages")));
                } else {
                    QuestionAnswer qa = new QuestionAnswer(o.has("topic") ? o.get("topic").getAsString() : "line " + (i + 1),
                            strings(o.getAsJsonArray("questions")), o.get("answer").getAsString(),
                            o.has("expect") ? strings(o.getAsJsonArray("expect")) : List.of());
                    facts.add(qa);
                    for (String q : qa.questions()) {
                        conversations.add(List.of(new ChatMessage("user", q), new ChatMessage("assistant", qa.answer())));
                    }
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected {\"questions\": [...], \"answer\": ...}"
                        + " or {\"messages\": [...]}: " + e.getMessage(), e);
            }
        }
        if (conversations.isEmpty()) {
            throw new IllegalArgumentException(file + ": no conversations");
        }
        return new ChatCorpus(List.copyOf(facts), List.copyOf(conversations));
    }

    private static List<ChatMessage> messages(JsonArray array) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonElement e : array) {
            JsonObject m = e.getAsJsonObject();
            out.add(new ChatMessage(m.get("role").getAsString(), m.get("content").getAsString()));
        }
        return List.copyOf(out);
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.getAsString()));
        return List.copyOf(out);
    }
}
