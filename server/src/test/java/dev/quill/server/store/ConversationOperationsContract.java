package dev.quill.server.store;

import static dev.quill.server.store.ConversationStoreContractTest.failureOf;
import static dev.quill.server.store.ConversationStoreContractTest.newId;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * What every store promises for the conversation operations (branches, delete, rename, the list's
 * titles, search), run by {@link ConversationStoreContractTest} against each implementation.
 * Every operation is the owner's alone: another owner's conversation fails exactly as a missing one.
 */
interface ConversationOperationsContract {

    /** A store whose conversations outlive any test. */
    ConversationStore store();

    private static StoredMessage child(String role, String parent, String content) {
        return new StoredMessage("m-" + newId(), role, content, role.equals("assistant") ? "stop" : null,
                System.currentTimeMillis(), parent, null, null, null);
    }

    private static List<String> ids(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::id).toList();
    }

    @Test
    default void aBranchIsReadAlongTheActiveLeafAndSwitchingPicksTheLatestLeafUnderAVersion(VertxTestContext ctx) {
        ConversationStore store = store();
        String conv = ConversationStore.newConversationId();
        StoredMessage u1 = child("user", ConversationTree.ROOT, "question");
        StoredMessage a1 = child("assistant", u1.id(), "first answer");
        StoredMessage u2 = child("user", a1.id(), "follow-up");
        StoredMessage a2 = child("assistant", u1.id(), "regenerated answer");
        store.append(conv, "k1", List.of(u1, a1, u2), true)
                .compose(v -> store.append(conv, "k1", List.of(a2), false))
                .compose(v -> store.owned(conv, "k1"))
                .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
                    assertThat(c.messages()).as("every branch is kept").containsExactly(u1, a1, u2, a2);
                    assertThat(ids(c.tree().path())).as("what was stored last is read").containsExactly(u1.id(), a2.id());
                    assertThat(c.tree().versionsOf(a2.id())).containsExactly(a1.id(), a2.id());
                })))
                .compose(c -> store.switchTo(conv, "k1", a1.id()))
                .compose(found -> {
                    ctx.verify(() -> assertThat(found).isTrue());
                    return store.owned(conv, "k1");
                })
                .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
                    assertThat(c.active()).as("the latest leaf under a1").isEqualTo(u2.id());
                    assertThat(ids(c.tree().path())).containsExactly(u1.id(), a1.id(), u2.id());
                })))
                .compose(c -> store.switchTo(conv, "k1", "m-" + newId()))
                .onComplete(ctx.succeeding(found -> ctx.verify(() -> assertThat(found).as("no such message").isFalse())))
                .compose(v -> failureOf(store.switchTo(conv, "k2", a2.id())))
                .onComplete(ctx.succeeding(e -> ctx.verify(() -> assertThat(e).isInstanceOf(ConversationNotFoundException.class))))
                .compose(v -> failureOf(store.activate(conv, "k2", a2.id())))
                .onComplete(ctx.succeeding(e -> ctx.verify(() -> assertThat(e).isInstanceOf(ConversationNotFoundException.class))))
                .compose(v -> store.append(conv, "k1", List.of(child("user", a2.id(), "on the other branch")), false))
                .compose(v -> store.owned(conv, "k1"))
                .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
                    assertThat(c.active()).as("an append makes what it stored the active branch").isNull();
                    assertThat(ids(c.tree().path())).startsWith(u1.id(), a2.id()).hasSize(3);
                    ctx.completeNow();
                })));
    }

    @Test
    default void messagesWithoutParentsReadAsOneLineAndParentsAndTimingsRoundTrip(VertxTestContext ctx) {
        ConversationStore store = store();
        String conv = newId();
        StoredMessage old1 = new StoredMessage("m-" + newId(), "user", "old question", null, 1L);
        StoredMessage old2 = new StoredMessage("m-" + newId(), "assistant", "old answer", "stop", 2L);
        StoredMessage timed = new StoredMessage("m-" + newId(), "assistant", "stopped early", "cancelled", 3L, old1.id(),
                new StoredMessage.Timings(12, 7, 41.5, 88.25), null, null);
        store.append(conv, old1).compose(v -> store.append(conv, old2)).compose(v -> store.append(conv, timed))
                .compose(v -> store.conversation(conv))
                .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
                    assertThat(c.orElseThrow().messages()).containsExactly(old1, old2, timed);
                    ConversationTree tree = c.orElseThrow().tree();
                    assertThat(tree.parentOf(old2.id())).as("follows the message before it").isEqualTo(old1.id());
                    assertThat(tree.versionsOf(timed.id())).containsExactly(old2.id(), timed.id());
                    ctx.completeNow();
                })));
    }

    @Test
    default void onlyTheOwnerDeletesAConversationAndItIsGoneWhole(VertxTestContext ctx) {
        ConversationStore store = store();
        String conv = ConversationStore.newConversationId();
        StoredMessage m = child("user", ConversationTree.ROOT, "delete me");
        store.append(conv, "k1", List.of(m), true)
                .compose(v -> failureOf(store.delete(conv, "k2")))
                .onComplete(ctx.succeeding(e -> ctx.verify(() -> assertThat(e).isInstanceOf(ConversationNotFoundException.class))))
                .compose(e -> store.owned(conv, "k1"))
                .onComplete(ctx.succeeding(c -> ctx.verify(() -> assertThat(c.messages()).containsExactly(m))))
                .compose(c -> store.delete(conv, "k1"))
                .compose(v -> store.conversation(conv))
                .onComplete(ctx.succeeding(c -> ctx.verify(() -> assertThat(c).isEmpty())))
                .compose(c -> failureOf(store.delete(conv, "k1")))
                .onComplete(ctx.succeeding(e -> ctx.verify(() -> assertThat(e).isInstanceOf(ConversationNotFoundException.class))))
                .compose(e -> failureOf(store.append(conv, "k1", List.of(child("user", m.id(), "again")), false)))
                .onComplete(ctx.succeeding(e -> ctx.verify(() -> assertThat(e).as("not re-made by an append")
                        .isInstanceOf(ConversationNotFoundException.class))))
                .compose(e -> failureOf(store.delete("not a{valid}id", "k1")))
                .onComplete(ctx.succeeding(e -> ctx.verify(() -> {
                    assertThat(e).isInstanceOf(ConversationNotFoundException.class);
                    ctx.completeNow();
                })));
    }

    @Test
    default void onlyTheOwnerRenamesAndTheListTakesTheNewTitleInItsPlace(VertxTestContext ctx) {
        ConversationStore store = store();
        String conv = ConversationStore.newConversationId();
        String other = ConversationStore.newConversationId();
        String client = "client-" + newId();
        store.append(conv, "k1", List.of(child("user", ConversationTree.ROOT, "hello")), true)
                .compose(v -> store.remember(client, conv, "hello"))
                .compose(v -> store.remember(client, other, "the other one"))
                .compose(v -> failureOf(store.rename(conv, "k2", "stolen")))
                .onComplete(ctx.succeeding(e -> ctx.verify(() -> assertThat(e).isInstanceOf(ConversationNotFoundException.class))))
                .compose(e -> store.rename(conv, "k1", "Greetings"))
                .compose(v -> store.retitle(client, conv, "Greetings"))
                .compose(v -> store.retitle(client, ConversationStore.newConversationId(), "not listed"))
                .compose(v -> store.owned(conv, "k1"))
                .onComplete(ctx.succeeding(c -> ctx.verify(() -> assertThat(c.title()).isEqualTo("Greetings"))))
                .compose(c -> store.conversations(client))
                .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
                    assertThat(list).extracting(ConversationSummary::id).as("its place kept").containsExactly(other, conv);
                    assertThat(list).extracting(ConversationSummary::title).containsExactly("the other one", "Greetings");
                })))
                .compose(list -> store.rememberIfAbsent(client, conv, "opened by link"))
                .compose(v -> store.rememberIfAbsent(client, "conv-new", "opened by link"))
                .compose(v -> store.conversations(client))
                .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
                    assertThat(list).extracting(ConversationSummary::id).as("an entry stays in its place")
                            .containsExactly("conv-new", other, conv);
                    assertThat(list).extracting(ConversationSummary::title).containsExactly("opened by link", "the other one",
                            "Greetings");
                })))
                .compose(list -> store.forget(client, "conv-new"))
                .compose(v -> store.forget(client, other))
                .compose(v -> store.conversations(client))
                .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
                    assertThat(list).extracting(ConversationSummary::id).containsExactly(conv);
                    ctx.completeNow();
                })));
    }

    @Test
    default void searchFindsTitlesAndContentOfTheOwnersListedConversationsOnly(VertxTestContext ctx) {
        ConversationStore store = store();
        String client = "client-" + newId();
        String byContent = ConversationStore.newConversationId();
        String byTitle = ConversationStore.newConversationId();
        String neither = ConversationStore.newConversationId();
        String othersOwn = ConversationStore.newConversationId();
        StoredMessage u = child("user", ConversationTree.ROOT, "tell me about attention");
        Future<Void> seeded = store.append(byContent, "k1", List.of(u,
                        child("assistant", u.id(), "Multi-Head ATTENTION splits the model dimension into heads.")), true)
                .compose(v -> store.append(byTitle, "k1", List.of(child("user", ConversationTree.ROOT, "anything")), true))
                .compose(v -> store.rename(byTitle, "k1", "Notes on multi-head layers"))
                .compose(v -> store.append(neither, "k1", List.of(child("user", ConversationTree.ROOT, "unrelated")), true))
                .compose(v -> store.append(othersOwn, "k2", List.of(child("user", ConversationTree.ROOT, "multi-head secret")), true));
        for (String id : List.of(byContent, byTitle, neither, othersOwn)) {
            seeded = seeded.compose(v -> store.remember(client, id, "t"));
        }
        seeded.compose(v -> store.search(client, "k1", "multi-HEAD"))
                .onComplete(ctx.succeeding(hits -> ctx.verify(() -> {
                    assertThat(hits).extracting(ConversationSearch.Hit::id).containsExactly(byTitle, byContent);
                    assertThat(hits.get(0).title()).isEqualTo("Notes on multi-head layers");
                    assertThat(hits.get(1).snippet()).contains("Multi-Head ATTENTION");
                    ctx.completeNow();
                })));
    }
}
