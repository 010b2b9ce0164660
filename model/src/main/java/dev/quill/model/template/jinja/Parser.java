package dev.quill.model.template.jinja;

import dev.quill.model.template.jinja.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Statements, as jinja2's parser reads them: {@code if/elif/else}, {@code for ... if ... / else},
 * {@code set} (and block set), {@code macro}, {@code call}, {@code filter}, {@code with},
 * {@code generation}, {@code break}, {@code continue}. Template-loading tags ({@code include},
 * {@code extends}, {@code import}) are refused: a chat template stands alone.
 */
final class Parser extends ExprParser {

    private Parser(TokenStream ts) {
        super(ts);
    }

    static List<Node> parse(String source) {
        Parser p = new Parser(new TokenStream(Lexer.tokenize(source)));
        List<Node> body = p.body(Set.of(), null, 0);
        if (p.ts.current().type() != Type.EOF) {
            Token t = p.ts.current();
            throw p.ts.fail("Encountered '" + t.value() + "' with no open block");
        }
        return body;
    }

    /**
     * Nodes up to a statement named in {@code ends}; returns with the stream on that name.
     * {@code block} and {@code blockLine} name the open block for the error at the end of the template.
     */
    private List<Node> body(Set<String> ends, String block, int blockLine) {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token t = ts.current();
            switch (t.type()) {
                case EOF -> {
                    if (block != null) {
                        throw PyErrors.syntax("Unexpected end of template: the '" + block + "' block is never closed", blockLine);
                    }
                    return nodes;
                }
                case TEXT -> nodes.add(new Node.Text(ts.next().value()));
                case PRINT_BEGIN -> {
                    ts.next();
                    nodes.add(new Node.Print(tuple(false, true, Set.of(), false)));
                    ts.expect(Type.PRINT_END);
                }
                case BLOCK_BEGIN -> {
                    ts.next();
                    Token name = ts.current();
                    if (name.type() == Type.NAME && ends.contains(name.value())) {
                        return nodes;
                    }
                    if (name.type() == Type.NAME && (name.value().startsWith("end") || Set.of("elif", "else").contains(name.value()))) {
                        throw ts.fail("Encountered '" + name.value() + "'" + (block == null ? " with no open block"
                                : " but the innermost open block is '" + block + "' from line " + blockLine));
                    }
                    nodes.add(statement());
                    ts.expect(Type.BLOCK_END);
                }
                default -> throw ts.fail("unexpected " + t.describe());
            }
        }
    }

    /** A block's body through its end tag: {@code endName} is consumed, the stream is on the block end. */
    private List<Node> block(String block, int line, String... ends) {
        ts.expect(Type.BLOCK_END);
        return body(Set.of(ends), block, line);
    }

    private Node statement() {
        Token t = ts.current();
        if (t.type() != Type.NAME) {
            throw ts.fail("tag name expected");
        }
        ts.next();
        int line = t.line();
        return switch (t.value()) {
            case "if" -> ifStatement(line);
            case "for" -> forStatement(line);
            case "set" -> set(line);
            case "macro" -> macro(line);
            case "call" -> callBlock(line);
            case "filter" -> filterBlock(line);
            case "with" -> with(line);
            case "generation" -> {
                List<Node> body = block("generation", line, "endgeneration");
                ts.next();
                yield new Node.Group(body);
            }
            case "break" -> new Node.Break();
            case "continue" -> new Node.Continue();
            case "include", "import", "from", "extends", "block" ->
                    throw PyErrors.syntax("The '" + t.value() + "' tag is not supported in chat templates", line);
            default -> throw PyErrors.syntax("Encountered unknown tag '" + t.value() + "'", line);
        };
    }

    private Node ifStatement(int line) {
        List<Expr> tests = new ArrayList<>();
        List<List<Node>> bodies = new ArrayList<>();
        List<Node> orElse = List.of();
        tests.add(tuple(false, false, Set.of(), false));
        bodies.add(block("if", line, "elif", "else", "endif"));
        while (true) {
            String end = ts.next().value();
            if (end.equals("elif")) {
                tests.add(tuple(false, false, Set.of(), false));
                bodies.add(block("if", line, "elif", "else", "endif"));
            } else if (end.equals("else")) {
                orElse = block("if", line, "endif");
                ts.next();
                break;
            } else {
                break;
            }
        }
        return new Node.If(tests, bodies, orElse);
    }

    private Node forStatement(int line) {
        Expr target = assignTarget(Set.of("in"), false);
        if (!ts.skipName("in")) {
            throw ts.fail("expected 'in', got " + ts.current().describe());
        }
        Expr iterable = tuple(false, false, Set.of("recursive"), false);
        Expr filter = ts.skipName("if") ? expression() : null;
        boolean recursive = ts.skipName("recursive");
        List<Node> body = block("for", line, "endfor", "else");
        List<Node> orElse = List.of();
        if (ts.next().value().equals("else")) {
            orElse = block("for", line, "endfor");
            ts.next();
        }
        return new Node.For(target, iterable, filter, body, orElse, recursive);
    }

    private Node set(int line) {
        Expr target = assignTarget(Set.of(), true);
        if (ts.skipOperator("=")) {
            return new Node.Set(target, tuple(false, true, Set.of(), false));
        }
        Expr filter = ts.current().isOperator("|") ? filterChain() : null;
        List<Node> body = block("set", line, "endset");
        ts.next();
        return new Node.SetBlock(target, filter, body);
    }

    private Expr filterChain() {
        Expr chain = filter(null);
        while (ts.current().isOperator("|")) {
            chain = filter(chain);
        }
        return chain;
    }

    /** A name, {@code ns.attr} (when allowed) or a tuple of names. */
    private Expr assignTarget(Set<String> ends, boolean withNamespace) {
        if (withNamespace && ts.current().type() == Type.NAME && ts.look().isOperator(".")) {
            String ns = ts.next().value();
            ts.next();
            return new Expr.GetAttr(new Expr.Name(ns), ts.expectName());
        }
        Expr target = tuple(true, false, ends, false);
        List<Expr> names = target instanceof Expr.TupleLiteral t ? t.items() : List.of(target);
        for (Expr e : names) {
            if (!(e instanceof Expr.Name n) || Set.of("true", "false", "none", "True", "False", "None").contains(n.name())) {
                throw ts.fail("can't assign to " + e.getClass().getSimpleName());
            }
        }
        return target;
    }

    private Node macro(int line) {
        String name = ts.expectName();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        signature(params, defaults);
        List<Node> body = block("macro", line, "endmacro");
        ts.next();
        return new Node.Macro(name, params, defaults, body);
    }

    /** {@code (a, b=1)}: names, and the defaults of the last ones. */
    private void signature(List<String> params, List<Expr> defaults) {
        ts.expectOperator("(");
        while (!ts.current().isOperator(")")) {
            if (!params.isEmpty()) {
                ts.expectOperator(",");
            }
            params.add(ts.expectName());
            if (ts.skipOperator("=")) {
                defaults.add(expression());
            } else if (!defaults.isEmpty()) {
                throw ts.fail("non-default argument follows default argument");
            }
        }
        ts.expectOperator(")");
    }

    private Node callBlock(int line) {
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        if (ts.current().isOperator("(")) {
            signature(params, defaults);
        }
        Expr call = expression();
        if (!(call instanceof Expr.Call c)) {
            throw PyErrors.syntax("expected call", line);
        }
        List<Node> body = block("call", line, "endcall");
        ts.next();
        return new Node.CallBlock(c, params, defaults, body);
    }

    private Node filterBlock(int line) {
        Expr chain = filterNamed(null);
        while (ts.current().isOperator("|")) {
            chain = filter(chain);
        }
        List<Node> body = block("filter", line, "endfilter");
        ts.next();
        return new Node.FilterBlock(chain, body);
    }

    private Node with(int line) {
        List<Expr> targets = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (ts.current().type() != Type.BLOCK_END) {
            if (!targets.isEmpty()) {
                ts.expectOperator(",");
            }
            targets.add(assignTarget(Set.of(), false));
            ts.expectOperator("=");
            values.add(expression());
        }
        List<Node> body = block("with", line, "endwith");
        ts.next();
        return new Node.With(targets, values, body);
    }
}
