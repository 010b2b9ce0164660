package dev.quill.model.template.jinja;

import java.util.List;

/** A statement of the template's AST; {@link Interpreter} runs them. */
sealed interface Node {

    record Text(String text) implements Node {}

    record Print(Expr value) implements Node {}

    /** {@code if}/{@code elif} tests with their bodies, then the {@code else} body. */
    record If(List<Expr> tests, List<List<Node>> bodies, List<Node> orElse) implements Node {}

    /**
     * {@code for target in iterable if filter}; {@code orElse} runs when no item was visited.
     * The target is a Name or a TupleLiteral of Names.
     */
    record For(Expr target, Expr iterable, Expr filter, List<Node> body, List<Node> orElse, boolean recursive)
            implements Node {}

    /** {@code set target = value}; target is a Name, a namespace attribute or a tuple of Names. */
    record Set(Expr target, Expr value) implements Node {}

    /** {@code set target | filters %}body{% endset}}; {@code filter} applies to the captured text, may be null. */
    record SetBlock(Expr target, Expr filter, List<Node> body) implements Node {}

    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body) implements Node {}

    /** {@code call(params) callee(args)}: the body becomes the {@code caller} macro. */
    record CallBlock(Expr.Call call, List<String> params, List<Expr> defaults, List<Node> body) implements Node {}

    /** {@code filter f}: the body's output through the filter chain (whose innermost value is null). */
    record FilterBlock(Expr filter, List<Node> body) implements Node {}

    /** {@code with a = 1, b = 2}: a scope with those names. */
    record With(List<Expr> targets, List<Expr> values, List<Node> body) implements Node {}

    /** A body run in the current scope: {@code generation} blocks. */
    record Group(List<Node> body) implements Node {}

    record Break() implements Node {}

    record Continue() implements Node {}
}
