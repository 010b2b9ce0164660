package dev.quill.model.template.jinja;

import dev.quill.model.template.TemplateException;
import dev.quill.model.template.jinja.Token.Type;
import java.util.List;

/** The lexer's tokens with one token of lookahead, as the parsers read them. */
final class TokenStream {

    private final List<Token> tokens;
    private int at;

    TokenStream(List<Token> tokens) {
        this.tokens = tokens;
    }

    Token current() {
        return tokens.get(at);
    }

    Token look() {
        return tokens.get(Math.min(at + 1, tokens.size() - 1));
    }

    Token next() {
        Token t = tokens.get(at);
        if (at < tokens.size() - 1) {
            at++;
        }
        return t;
    }

    boolean skipName(String name) {
        if (current().isName(name)) {
            next();
            return true;
        }
        return false;
    }

    boolean skipOperator(String op) {
        if (current().isOperator(op)) {
            next();
            return true;
        }
        return false;
    }

    Token expect(Type type) {
        if (current().type() != type) {
            throw fail("expected " + new Token(type, "", 0).describe() + ", got " + current().describe());
        }
        return next();
    }

    Token expectOperator(String op) {
        if (!current().isOperator(op)) {
            throw fail("expected '" + op + "', got " + current().describe());
        }
        return next();
    }

    String expectName() {
        if (current().type() != Type.NAME) {
            throw fail("expected a name, got " + current().describe());
        }
        return next().value();
    }

    TemplateException fail(String message) {
        return PyErrors.syntax(message, current().line());
    }
}
