package dev.quill.model.template;

import dev.quill.model.template.jinja.JavaValues;
import dev.quill.model.template.jinja.PyCallable;
import dev.quill.model.template.jinja.PyNone;
import dev.quill.model.template.jinja.PyRepr;
import dev.quill.model.template.jinja.Strftime;
import dev.quill.model.template.jinja.Template;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A HuggingFace chat template ({@code chat_template}), rendered as transformers'
 * {@code apply_chat_template} renders it with Python's jinja2, byte for byte.
 *
 * <p>The template sees {@code messages}, {@code tools} (None when there are none),
 * {@code documents} (None), {@code add_generation_prompt}, {@code bos_token} and {@code eos_token}
 * (undefined when null, as for a tokenizer without them), any extra variables, and the globals
 * {@code raise_exception(msg)} and {@code strftime_now(fmt)}. The {@link Template} interpreter
 * gives it Python's semantics; see the package documentation.
 *
 * <p>Thread-safe: parsed once, then {@link #render} may be called from any number of threads.
 */
public final class ChatTemplate {

    /** See {@link #fallback}; a message without text content (a bare tool call) shows as empty. */
    private static final String FALLBACK_SOURCE = """
            {%- for message in messages -%}
                {{- '<|im_start|>' + message.role + '\\n' -}}
                {{- message.content if message.content is string else '' -}}
                {{- '<|im_end|>\\n' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}
                {{- '<|im_start|>assistant\\n' -}}
            {%- endif -%}
            """;

    private static final Set<String> RESERVED = Set.of("messages", "tools", "add_generation_prompt");

    private final String source;
    private final Template template;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;

    private ChatTemplate(String source, Template template, String bosToken, String eosToken, Clock clock) {
        this.source = source;
        this.template = template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.clock = clock;
    }

    /**
     * Parses a template; bos/eos may be null when the tokenizer has no such token.
     *
     * @throws TemplateException of kind SYNTAX, with a line number, when the source is not a valid template
     */
    public static ChatTemplate of(String jinjaSource, String bosToken, String eosToken) {
        Objects.requireNonNull(jinjaSource, "jinjaSource");
        return new ChatTemplate(jinjaSource, Template.parse(jinjaSource), bosToken, eosToken, Clock.systemDefaultZone());
    }

    /**
     * The template for a model that has no chat template: ChatML,
     * {@code <|im_start|>role\ncontent<|im_end|>\n} per message and {@code <|im_start|>assistant\n}
     * for the generation prompt. It is what transformers applied by default before it stopped
     * guessing, and it marks turns unambiguously even for a model that never saw it; stop
     * generation at {@code <|im_end|>}. The bos and eos tokens are bound but not used.
     */
    public static ChatTemplate fallback(String bosToken, String eosToken) {
        return of(FALLBACK_SOURCE, bosToken, eosToken);
    }

    /** The same template reading {@code strftime_now} from another clock (tests fix the date). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(source, template, bosToken, eosToken, Objects.requireNonNull(clock));
    }

    /** The Jinja source, as given. */
    public String source() {
        return source;
    }

    /**
     * Renders a conversation.
     *
     * @param tools tool schemas (OpenAI's {@code {"type": "function", "function": {...}}}), or null
     * @throws TemplateException of kind RAISED when the template rejects the conversation, of kind
     *     RENDER where jinja2 raises too (a TypeError, an undefined value used)
     */
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt, List<Map<String, Object>> tools) {
        return render(messages, addGenerationPrompt, tools, Map.of());
    }

    /**
     * Renders with extra template variables, like {@code apply_chat_template(..., **kwargs)}:
     * {@code enable_thinking}, {@code date_string}, {@code tools_in_user_message}, ... They may
     * override bos_token/eos_token, but not messages, tools or add_generation_prompt.
     */
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt,
                                 List<Map<String, Object>> tools, Map<String, ?> extraVariables) {
        Objects.requireNonNull(messages, "messages");
        for (String name : extraVariables.keySet()) {
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException(name + " is a parameter of render, not an extra variable");
            }
        }
        LocalDateTime now = LocalDateTime.now(clock); // once, so both renders below see one time
        Map<String, Object> variables = new HashMap<>();
        variables.put("raise_exception", (PyCallable) (args, kwargs) -> {
            throw new TemplateException(TemplateException.Kind.RAISED, args.isEmpty() ? "" : PyRepr.str(args.get(0)));
        });
        variables.put("strftime_now", (PyCallable) (args, kwargs) -> Strftime.format(now, PyRepr.str(args.get(0))));
        if (bosToken != null) {
            variables.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            variables.put("eos_token", eosToken);
        }
        variables.put("documents", PyNone.NONE);
        extraVariables.forEach((name, value) -> variables.put(name, JavaValues.toTemplate(value)));
        variables.put("tools", JavaValues.toTemplate(tools));
        variables.put("add_generation_prompt", addGenerationPrompt);
        String prompt = renderText(messages, variables);
        return ContentLocator.locate(prompt, messages, source, probes -> renderText(probes, variables));
    }

    private String renderText(List<ChatMessage> messages, Map<String, Object> variables) {
        Map<String, Object> bindings = new HashMap<>(variables);
        bindings.put("messages", messageValues(messages));
        return template.render(bindings);
    }

    /** Each message as the dict transformers hands the template: role, content, then the other fields. */
    private static List<Object> messageValues(List<ChatMessage> messages) {
        List<Object> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", m.role());
            message.put("content", m.content());
            message.putAll(m.fields());
            out.add(JavaValues.toTemplate(message));
        }
        return out;
    }
}
