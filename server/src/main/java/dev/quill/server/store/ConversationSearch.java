package dev.quill.server.store;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Search over a client's list: its conversations whose title or any message holds the query,
 * ignoring case. Only the listed conversations (at most
 * {@link ConversationStore#CONVERSATIONS_PER_CLIENT}) are read, and only the caller's own, so a
 * search costs at most that many reads and finds nothing of another key's.
 */
public final class ConversationSearch {

    /** Longest query, in characters; a longer one is refused. */
    public static final int MAX_QUERY_LENGTH = 200;

    /** Characters of context on each side of a match in a hit's snippet. */
    private static final int CONTEXT = 40;

    /**
     * One conversation found.
     *
     * @param snippet the match in its message with some context, one line; null when only the title matched
     */
    public record Hit(String id, String title, long updatedMillis, String snippet) {
    }

    private ConversationSearch() {
    }

    static Future<List<Hit>> run(ConversationStore store, String clientId, String owner, String query) {
        Pattern pattern = Pattern.compile(Pattern.quote(query), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        return store.conversations(clientId).compose(list -> {
            List<Future<Optional<StoredConversation>>> reads = new ArrayList<>(list.size());
            for (ConversationSummary s : list) {
                reads.add(store.conversation(s.id()));
            }
            return Future.all(reads).map(all -> {
                List<Hit> hits = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    Optional<StoredConversation> c = all.resultAt(i);
                    if (c.isPresent() && c.get().ownedBy(owner)) {
                        match(list.get(i), c.get(), pattern).ifPresent(hits::add);
                    }
                }
                return hits;
            });
        });
    }

    private static Optional<Hit> match(ConversationSummary listed, StoredConversation c, Pattern pattern) {
        String title = c.title() != null ? c.title() : listed.title();
        for (StoredMessage m : c.messages()) {
            Matcher found = pattern.matcher(m.content());
            if (found.find()) {
                return Optional.of(new Hit(listed.id(), title, listed.updatedMillis(), snippet(m.content(), found)));
            }
        }
        return pattern.matcher(title).find()
                ? Optional.of(new Hit(listed.id(), title, listed.updatedMillis(), null))
                : Optional.empty();
    }

    private static String snippet(String content, Matcher found) {
        int from = Math.max(0, found.start() - CONTEXT);
        int to = Math.min(content.length(), found.end() + CONTEXT);
        if (from > 0 && Character.isLowSurrogate(content.charAt(from))) {
            from--;
        }
        if (to < content.length() && Character.isLowSurrogate(content.charAt(to))) {
            to++;
        }
        String cut = content.substring(from, to).replaceAll("\\s+", " ").strip();
        return (from > 0 ? "…" : "") + cut + (to < content.length() ? "…" : "");
    }
}
