package dev.quill.model.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case in templates/cases.json must render to exactly the bytes Python's jinja2 produced
 * (templates/golden, written by make_goldens.py), or fail with the same raise_exception message.
 */
class ChatTemplateGoldenTest {

    static List<GoldenCase> cases() {
        return GoldenCase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersLikeJinja2(GoldenCase c) {
        ChatTemplate template = ChatTemplate.of(c.source(), c.bosToken(), c.eosToken()).withClock(GoldenCase.clock());
        if (c.expectedError() != null) {
            TemplateException e = catchThrowableOfType(TemplateException.class,
                    () -> template.render(c.messages(), c.addGenerationPrompt(), c.tools(), c.kwargs()));
            assertThat(e).as("raise_exception").isNotNull();
            assertThat(e.kind()).isEqualTo(TemplateException.Kind.RAISED);
            assertThat(e.getMessage()).isEqualTo(c.expectedError());
            return;
        }
        RenderedPrompt prompt = template.render(c.messages(), c.addGenerationPrompt(), c.tools(), c.kwargs());
        assertThat(prompt.text()).isEqualTo(c.expected());
    }
}
