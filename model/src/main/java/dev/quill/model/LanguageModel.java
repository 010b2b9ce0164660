package dev.quill.model;

import dev.quill.model.decoder.Decoder;
import dev.quill.model.decoder.DecoderLoader;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.generate.GenerationDefaults;
import dev.quill.model.template.ChatMessage;
import dev.quill.model.template.ChatTemplate;
import dev.quill.model.template.ChatTemplateFiles;
import dev.quill.model.template.RenderedPrompt;
import dev.quill.model.template.TemplateException;
import dev.quill.model.tokenizer.TextTokenizer;
import dev.quill.model.tokenizer.TokenBound;
import dev.quill.model.tokenizer.TokenizerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded HuggingFace model folder: the decoder, its tokenizer, chat template and generation
 * defaults. Turning chat messages into prompt token ids happens here, so every caller treats
 * user text the same way: as content, never as markup.
 *
 * <p>The decoder belongs to the thread that runs it; the tokenizer and template are thread-safe.
 */
public final class LanguageModel implements AutoCloseable {

    private final Path dir;
    private final Decoder decoder;
    private final TextTokenizer tokenizer;
    private final TokenizerConfig tokenizerConfig;
    private final ChatTemplate chatTemplate;
    private final GenerationDefaults defaults;
    private final Set<Integer> eosIds;

    private LanguageModel(Path dir, Decoder decoder, TextTokenizer tokenizer, TokenizerConfig tokenizerConfig,
                          ChatTemplate chatTemplate, GenerationDefaults defaults, Set<Integer> eosIds) {
        this.dir = dir;
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.tokenizerConfig = tokenizerConfig;
        this.chatTemplate = chatTemplate;
        this.defaults = defaults;
        this.eosIds = eosIds;
    }

    /** Loads {@code dir}: config.json, weights, tokenizer.json, tokenizer_config.json, generation_config.json. */
    public static LanguageModel load(Path dir, DecoderOptions options) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException(dir, "not a model folder (no such directory)");
        }
        TokenizerConfig tc = TokenizerConfig.read(dir);
        GenerationDefaults defaults = GenerationDefaults.read(dir);
        TextTokenizer tokenizer = TextTokenizer.load(dir);
        try {
            ChatTemplate template = ChatTemplateFiles.load(dir, tc.chatTemplate(), tc.bosToken(), tc.eosToken());
            Decoder decoder = DecoderLoader.load(dir, options);
            Set<Integer> eos = new LinkedHashSet<>(decoder.config().eosTokenIds());
            eos.addAll(defaults.eosTokenIds());
            Integer eosFromTokenizer = tokenizer.addedTokenId(tc.eosToken());
            if (eosFromTokenizer != null) {
                eos.add(eosFromTokenizer);
            }
            return new LanguageModel(dir, decoder, tokenizer, tc, template, defaults, Set.copyOf(eos));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    public Decoder decoder() {
        return decoder;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    public GenerationDefaults defaults() {
        return defaults;
    }

    /** Token ids that end a generation: config.json's, generation_config.json's and the eos token's. */
    public Set<Integer> eosIds() {
        return eosIds;
    }

    /** A raw completion prompt, encoded as HF's {@code tokenizer(text)} would (bos where the tokenizer adds one). */
    public int[] encodePrompt(String text) {
        return tokenizer.encodePrompt(text);
    }

    /**
     * Renders the chat template and encodes it; message contents never become special tokens.
     * Roles are markup to the template (it prints them between its own control tokens), so a
     * role that holds a special token's text is refused rather than rendered.
     *
     * @throws TemplateException of kind RAISED for a role that holds a special token's text
     */
    public int[] encodeChat(List<ChatMessage> messages, List<Map<String, Object>> tools) {
        return tokenizer.encodeRendered(renderChat(messages, true, tools));
    }

    /**
     * The chat template's text for these messages, with its content spans marked (what
     * {@link #encodeChat} tokenizes); for users debugging prompts ({@code POST /tokenize}).
     *
     * @throws TemplateException of kind RAISED for a role that holds a special token's text
     */
    public RenderedPrompt renderChat(List<ChatMessage> messages, boolean addGenerationPrompt,
                                     List<Map<String, Object>> tools) {
        Set<String> roles = new java.util.HashSet<>(); // a handful of distinct roles, however many messages
        for (ChatMessage m : messages) {
            roles.add(m.role());
        }
        for (String role : roles) {
            String special = tokenizer.addedTokenIn(role);
            if (special != null) {
                throw new TemplateException(TemplateException.Kind.RAISED,
                        "the role '" + role + "' holds the special token " + special + "; a role is markup");
            }
        }
        return chatTemplate.render(messages, addGenerationPrompt, tools);
    }

    /** How few tokens a text may need, known without tokenizing it. */
    public TokenBound tokenBound() {
        return tokenizer.bound();
    }

    @Override
    public void close() {
        decoder.close();
        tokenizer.close();
    }
}
