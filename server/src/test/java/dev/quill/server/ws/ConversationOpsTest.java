package dev.quill.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.ConversationTree;
import dev.quill.server.testing.WsAnswer;
import dev.quill.server.testing.ServerFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/**
 * The conversation operations over a real WebSocket, against each store (a subclass says which),
 * with API keys k1 and k2: regenerate, edit and switch (branches), delete, rename, search,
 * export, a conversation opened by link, stored timings; typed errors for bad input; and another
 * key's conversation answered exactly as a missing one.
 */
abstract class ConversationOpsTest {

    @TempDir
    static Path dir;
    static ServerFixture quill;

    @AfterAll
    static void stop() {
        quill.close();
    }

    static JsonObject in(String conversation) {
        return new JsonObject().put("conversation", conversation);
    }

    private static List<String> ids(JsonArray messages) {
        return messages.stream().map(m -> ((JsonObject) m).getString("id")).toList();
    }

    @Test
    void regenerateAddsAVersionOfTheLastAnswerAndSwitchGoesBackToTheFirst() throws Exception {
        try (OpsClient k1 = new OpsClient(quill, "k1")) {
            WsAnswer first = k1.chat(null, "Hello there", 6);
            String conv = first.start().getString("conversation");
            String firstAnswer = k1.messages(conv).getJsonObject(1).getString("id");

            WsAnswer again = k1.turn("regenerate", in(conv), 4);
            assertThat(again.end().getString("type")).isEqualTo("done");
            assertThat(again.start().getInteger("prompt_tokens")).as("the prompt holds the question, not the old answer")
                    .isEqualTo(first.start().getInteger("prompt_tokens"));
            JsonArray path = k1.messages(conv);
            assertThat(path).hasSize(2);
            assertThat(path.getJsonObject(1).getJsonArray("versions").getList())
                    .containsExactly(firstAnswer, path.getJsonObject(1).getString("id"));
            assertThat(path.getJsonObject(1).getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(4);

            JsonObject switched = k1.op("switch", in(conv).put("message", firstAnswer));
            assertThat(switched.getString("type")).isEqualTo("switched");
            JsonArray back = k1.messages(conv);
            assertThat(back.getJsonObject(1).getString("id")).isEqualTo(firstAnswer);
            assertThat(back.getJsonObject(1).getString("content")).isEqualTo(first.text());
        }
    }

    @Test
    void editingAUserMessageBranchesFromItAndTheNextChatContinuesTheNewBranch() throws Exception {
        try (OpsClient k1 = new OpsClient(quill, "k1")) {
            String conv = k1.chat(null, "first question", 3).start().getString("conversation");
            k1.chat(conv, "second question", 3);
            JsonArray before = k1.messages(conv);
            String second = before.getJsonObject(2).getString("id");

            WsAnswer edited = k1.turn("edit", in(conv).put("message", second).put("content", "second, edited"), 3);
            assertThat(edited.end().getString("type")).isEqualTo("done");
            JsonArray after = k1.messages(conv);
            assertThat(ids(after).subList(0, 2)).isEqualTo(ids(before).subList(0, 2));
            assertThat(after.getJsonObject(2).getString("content")).isEqualTo("second, edited");
            assertThat(after.getJsonObject(2).getJsonArray("versions").getList()).hasSize(2).startsWith(second);

            k1.chat(conv, "third", 3);
            JsonArray continued = k1.messages(conv);
            assertThat(continued).hasSize(6);
            assertThat(continued.getJsonObject(2).getString("content")).isEqualTo("second, edited");

            String firstQuestion = before.getJsonObject(0).getString("id");
            k1.turn("edit", in(conv).put("message", firstQuestion).put("content", "a new start"), 2);
            JsonArray restarted = k1.messages(conv);
            assertThat(restarted).hasSize(2);
            assertThat(restarted.getJsonObject(0).getJsonArray("versions").getList()).containsExactly(firstQuestion,
                    restarted.getJsonObject(0).getString("id"));
            assertThat(k1.op("switch", in(conv).put("message", firstQuestion)).getString("type")).isEqualTo("switched");
            assertThat(k1.messages(conv)).as("the latest leaf under the first version").hasSize(6);
        }
    }

    @Test
    void aStoppedAnswerKeepsItsTimingsInTheHistory() throws Exception {
        try (OpsClient k1 = new OpsClient(quill, "k1")) {
            k1.ws.send(new JsonObject().put("type", "chat").put("id", "long").put("content", "tell me everything")
                    .put("params", new JsonObject().put("max_tokens", 200).put("ignore_eos", true)));
            String conv = k1.ws.nextOf("start", "long").getString("conversation");
            k1.ws.nextOf("delta", "long");
            k1.ws.send(new JsonObject().put("type", "cancel").put("id", "long"));
            JsonObject done = k1.ws.nextOf("done", "long");
            assertThat(done.getString("finish_reason")).isEqualTo("cancelled");
            JsonObject stored = k1.messages(conv).getJsonObject(1);
            assertThat(stored.getString("finish_reason")).isEqualTo("cancelled");
            assertThat(stored.getJsonObject("usage").getInteger("completion_tokens"))
                    .isEqualTo(done.getJsonObject("usage").getInteger("completion_tokens"));
            assertThat(stored.getJsonObject("timings").getDouble("time_to_first_token_ms"))
                    .isEqualTo(done.getJsonObject("timings").getDouble("time_to_first_token_ms")).isPositive();
        }
    }

    @Test
    void renameDeleteSearchAndExportAreTheOwnersAndAnotherKeysIdIsAMissingOne() throws Exception {
        try (OpsClient k1 = new OpsClient(quill, "k1"); OpsClient k2 = new OpsClient(quill, "k2")) {
            String conv = k1.chat(null, "Tell me about zebras", 3).start().getString("conversation");
            String missing = ConversationStore.newConversationId();
            for (String type : List.of("delete", "rename", "switch", "export", "regenerate", "edit")) {
                JsonObject fields = new JsonObject().put("title", "mine now").put("message", "m:a").put("format", "md")
                        .put("content", "forged");
                JsonObject theirs = type.equals("regenerate") || type.equals("edit")
                        ? k2.turn(type, fields.copy().put("conversation", conv), 2).end()
                        : k2.op(type, fields.copy().put("conversation", conv));
                JsonObject none = type.equals("regenerate") || type.equals("edit")
                        ? k2.turn(type, fields.copy().put("conversation", missing), 2).end()
                        : k2.op(type, fields.copy().put("conversation", missing));
                assertThat(theirs.getString("code")).as(type).isEqualTo("not_found");
                assertThat(theirs.getString("message").replace(conv, "ID"))
                        .as(type + ": the same words as for an id never issued")
                        .isEqualTo(none.getString("message").replace(missing, "ID"));
            }
            JsonObject search = k2.op("search", new JsonObject().put("client", "page").put("query", "zebra"));
            assertThat(search.getJsonArray("items")).as("k2's list under the same client id").isEmpty();

            assertThat(k1.op("rename", in(conv).put("title", "  Stripes\n and  more ").put("client", "page"))
                    .getString("title")).isEqualTo("Stripes and more");
            assertThat(k1.history(conv, null).getString("title")).isEqualTo("Stripes and more");
            assertThat(k1.conversations("page").stream().map(c -> ((JsonObject) c).getString("title")))
                    .contains("Stripes and more");

            JsonArray hits = k1.op("search", new JsonObject().put("client", "page").put("query", "ZEBRA")).getJsonArray("items");
            assertThat(hits).hasSize(1);
            assertThat(hits.getJsonObject(0).getString("id")).isEqualTo(conv);
            assertThat(hits.getJsonObject(0).getString("snippet")).contains("zebras");

            JsonObject md = k1.op("export", in(conv).put("format", "md"));
            assertThat(md.getString("filename")).isEqualTo(conv + ".md");
            assertThat(md.getString("content")).startsWith("# Stripes and more\n").contains("## User\n\nTell me about zebras");
            JsonObject json = new JsonObject(k1.op("export", in(conv).put("format", "json")).getString("content"));
            assertThat(json.getJsonArray("messages")).hasSize(2);
            assertThat(json.getJsonArray("messages").getJsonObject(0).getString("parent")).isEqualTo(ConversationTree.ROOT);
            assertThat(json.getJsonArray("active_path")).hasSize(2);

            assertThat(k1.op("delete", in(conv).put("client", "page")).getString("type")).isEqualTo("deleted");
            assertThat(k1.history(conv, null).getString("code")).isEqualTo("not_found");
            assertThat(k1.conversations("page").stream().map(c -> ((JsonObject) c).getString("id"))).doesNotContain(conv);
            assertThat(k1.op("delete", in(conv)).getString("code")).isEqualTo("not_found");
        }
    }

    @Test
    void aConversationOpenedByLinkElsewhereHasItsTitleAndJoinsThatBrowsersList() throws Exception {
        try (OpsClient a = new OpsClient(quill, "k1"); OpsClient b = new OpsClient(quill, "k1")) {
            String conv = a.chat(null, "What is a KV cache?", 2).start().getString("conversation");
            String browserB = "browser-b-" + System.nanoTime();
            assertThat(b.conversations(browserB)).isEmpty();
            assertThat(b.history(conv, browserB).getString("title")).isEqualTo("What is a KV cache?");
            JsonArray listed = b.conversations(browserB);
            assertThat(listed).hasSize(1);
            assertThat(listed.getJsonObject(0).getString("title")).isEqualTo("What is a KV cache?");
        }
    }

    @Test
    void badOperationsGetTypedErrorsAndChangeNothing() throws Exception {
        try (OpsClient k1 = new OpsClient(quill, "k1")) {
            String conv = k1.chat(null, "keep me", 2).start().getString("conversation");
            String answer = k1.messages(conv).getJsonObject(1).getString("id");
            List<JsonObject> bad = List.of(
                    new JsonObject().put("type", "rename").put("conversation", conv).put("title", "x".repeat(101)),
                    new JsonObject().put("type", "rename").put("conversation", conv).put("title", " \n "),
                    new JsonObject().put("type", "search").put("client", "page").put("query", "q".repeat(201)),
                    new JsonObject().put("type", "search").put("query", "no client"),
                    new JsonObject().put("type", "export").put("conversation", conv).put("format", "pdf"),
                    new JsonObject().put("type", "switch").put("conversation", conv).put("message", "bad id!"),
                    new JsonObject().put("type", "switch").put("conversation", conv).put("message", "no-such:a"),
                    new JsonObject().put("type", "delete").put("conversation", 42));
            for (JsonObject frame : bad) {
                assertThat(k1.op(frame.getString("type"), frame).getString("code")).as("%.80s", frame.encode())
                        .isEqualTo("invalid_request");
            }
            assertThat(k1.turn("regenerate", new JsonObject(), 2).code()).as("without a conversation").isEqualTo("invalid_request");
            assertThat(k1.turn("edit", in(conv).put("message", answer).put("content", "x"), 2).code())
                    .as("an answer is not edited").isEqualTo("invalid_request");
            assertThat(k1.turn("regenerate", in(conv).put("message", k1.messages(conv).getJsonObject(0).getString("id")), 2)
                    .code()).as("a question is not regenerated").isEqualTo("invalid_request");
            JsonObject history = k1.history(conv, null);
            assertThat(history.getString("title")).isEqualTo("keep me");
            assertThat(history.getJsonArray("messages")).hasSize(2);
        }
    }

    @Test
    void aMessageHasAtMostThirtyTwoVersions() throws Exception {
        try (OpsClient k1 = new OpsClient(quill, "k1")) {
            String conv = k1.chat(null, "again and again", 1).start().getString("conversation");
            for (int i = 1; i < ConversationTree.MAX_VERSIONS; i++) {
                assertThat(k1.turn("regenerate", in(conv), 1).end().getString("type")).isEqualTo("done");
            }
            WsAnswer refused = k1.turn("regenerate", in(conv), 1);
            assertThat(refused.code()).isEqualTo("invalid_request");
            assertThat(refused.end().getString("message")).contains("at most 32 versions");
            assertThat(k1.messages(conv).getJsonObject(1).getJsonArray("versions")).hasSize(ConversationTree.MAX_VERSIONS);
        }
    }
}
