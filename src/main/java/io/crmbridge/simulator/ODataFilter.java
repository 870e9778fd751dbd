package io.crmbridge.simulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A parsed OData 4 {@code $filter} in the subset the bridge uses: comparisons of a property with a literal,
 * joined by {@code and}, {@code or}, {@code not} and parentheses.
 *
 * <p>Besides testing rows it tells what an index needs to know: which values a property is pinned to, and the
 * first key of a sorted index a matching row can have. Both answers only narrow the rows to test; the filter
 * is still applied to every row they lead to.
 */
final class ODataFilter implements Predicate<Map<String, Object>> {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern GUID_LITERAL =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DATE_TIME_LITERAL = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T.*");
    private static final Pattern NUMBER_LITERAL = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final List<String> OPERATORS = List.of("eq", "ne", "gt", "ge", "lt", "le");

    /** The filter that every row passes, for a query without {@code $filter}. */
    static final ODataFilter ALL = new ODataFilter(null);

    /** One node of the expression tree. */
    private sealed interface Node permits Comparison, And, Or, Not {
        boolean test(Map<String, Object> row);
    }

    private record Comparison(String field, String operator, Object literal) implements Node {
        @Override
        public boolean test(Map<String, Object> row) {
            return compare(row.get(field), operator, literal);
        }
    }

    private record And(Node left, Node right) implements Node {
        @Override
        public boolean test(Map<String, Object> row) {
            return left.test(row) && right.test(row);
        }
    }

    private record Or(Node left, Node right) implements Node {
        @Override
        public boolean test(Map<String, Object> row) {
            return left.test(row) || right.test(row);
        }
    }

    private record Not(Node inner) implements Node {
        @Override
        public boolean test(Map<String, Object> row) {
            return !inner.test(row);
        }
    }

    /**
     * A key of an index sorted on two properties; {@link #LOWEST} and {@link #HIGHEST} as the second part
     * place a key before or after every row that shares the first part.
     */
    record Key(Object first, Object second) implements Comparable<Key> {

        /** Sorts before every value of the second property. */
        static final Object LOWEST = new Object();

        /** Sorts after every value of the second property. */
        static final Object HIGHEST = new Object();

        @Override
        public int compareTo(Key other) {
            int c = nullsFirst(first, other.first);
            return c != 0 ? c : nullsFirst(second, other.second);
        }

        private static int nullsFirst(Object a, Object b) {
            if (a == b) {
                return 0;
            }
            if (a == LOWEST || b == HIGHEST) {
                return -1;
            }
            if (a == HIGHEST || b == LOWEST) {
                return 1;
            }
            if (a == null || b == null) {
                return a == null ? -1 : 1;
            }
            return order(a, b);
        }
    }

    /** The first key a matching row can have: at or after {@code key}, or only after it. */
    record LowerBound(Key key, boolean inclusive) {

        private LowerBound max(LowerBound other) {
            int c = key.compareTo(other.key);
            return c > 0 || (c == 0 && !inclusive) ? this : other;
        }

        private LowerBound min(LowerBound other) {
            return max(other) == this ? other : this;
        }
    }

    private final Node root;

    private ODataFilter(Node root) {
        this.root = root;
    }

    /** Parses {@code text}; throws a 400 {@link ODataException} on anything unsupported. */
    static ODataFilter parse(String text, Map<String, FieldType> schema) {
        return new ODataFilter(new Parser(text, schema).parse());
    }

    /** Tells whether {@code row} matches. */
    @Override
    public boolean test(Map<String, Object> row) {
        return root == null || root.test(row);
    }

    /**
     * Gives the values {@code field} can have in a matching row, when the filter names them all with
     * {@code eq} (such as {@code OrderId eq A or OrderId eq B}); empty when a matching row could have any
     * other value.
     */
    Optional<Set<Object>> pinnedValues(String field) {
        return Optional.ofNullable(root == null ? null : pinned(root, field));
    }

    /**
     * Gives the first key, on an index sorted by {@code first} then {@code second}, that a matching row can
     * have; empty when a matching row could come first in the index.
     */
    Optional<LowerBound> lowerBound(String first, String second) {
        return Optional.ofNullable(root == null ? null : lower(root, first, second));
    }

    private static Set<Object> pinned(Node node, String field) {
        if (node instanceof Comparison c) {
            return c.field().equals(field) && c.operator().equals("eq") && c.literal() != null
                    ? Set.of(c.literal()) : null;
        }
        if (node instanceof And and) {
            Set<Object> left = pinned(and.left(), field);
            Set<Object> right = pinned(and.right(), field);
            if (left == null || right == null) {
                return left == null ? right : left;
            }
            Set<Object> both = new LinkedHashSet<>(left);
            both.retainAll(right);
            return both;
        }
        if (node instanceof Or or) {
            Set<Object> left = pinned(or.left(), field);
            Set<Object> right = pinned(or.right(), field);
            if (left == null || right == null) {
                return null;
            }
            Set<Object> either = new LinkedHashSet<>(left);
            either.addAll(right);
            return either;
        }
        return null;
    }

    private static LowerBound lower(Node node, String first, String second) {
        if (node instanceof Comparison c) {
            if (!c.field().equals(first) || c.literal() == null) {
                return null;
            }
            return switch (c.operator()) {
                case "eq", "ge" -> new LowerBound(new Key(c.literal(), Key.LOWEST), true);
                case "gt" -> new LowerBound(new Key(c.literal(), Key.HIGHEST), false);
                default -> null;
            };
        }
        if (node instanceof And and) {
            // "first eq X and second gt Y" is the tie-breaking half of a keyset condition.
            LowerBound tie = tieBreak(and.left(), and.right(), first, second);
            if (tie == null) {
                tie = tieBreak(and.right(), and.left(), first, second);
            }
            LowerBound left = lower(and.left(), first, second);
            LowerBound right = lower(and.right(), first, second);
            LowerBound result = left == null ? right : right == null ? left : left.max(right);
            return tie == null ? result : result == null ? tie : tie.max(result);
        }
        if (node instanceof Or or) {
            LowerBound left = lower(or.left(), first, second);
            LowerBound right = lower(or.right(), first, second);
            return left == null || right == null ? null : left.min(right);
        }
        return null;
    }

    private static LowerBound tieBreak(Node equal, Node after, String first, String second) {
        if (equal instanceof Comparison e && e.field().equals(first) && e.operator().equals("eq")
                && e.literal() != null && after instanceof Comparison a && a.field().equals(second)
                && a.literal() != null && (a.operator().equals("gt") || a.operator().equals("ge"))) {
            return new LowerBound(new Key(e.literal(), a.literal()), a.operator().equals("ge"));
        }
        return null;
    }

    /** Compares like OData: null equals only null, and ordering against null is false. */
    private static boolean compare(Object actual, String op, Object literal) {
        if (actual == null || literal == null) {
            boolean same = actual == literal;
            return switch (op) {
                case "eq" -> same;
                case "ne" -> !same;
                default -> false;
            };
        }
        int c = order(actual, literal);
        return switch (op) {
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            case "gt" -> c > 0;
            case "ge" -> c >= 0;
            case "lt" -> c < 0;
            default -> c <= 0;
        };
    }

    /**
     * Orders two values of one type; GUIDs order by their lower-case text so that {@code Id gt X} agrees
     * with {@code $orderby=Id}.
     */
    static int order(Object a, Object b) {
        if (a instanceof UUID && b instanceof UUID) {
            return a.toString().compareTo(b.toString());
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y);
        }
        if (a instanceof Instant x && b instanceof Instant y) {
            return x.compareTo(y);
        }
        return ((String) a).compareTo((String) b);
    }

    /** Reads the text of a filter into a tree, one token at a time. */
    private static final class Parser {

        /** A token is either a quoted string (text already unescaped) or a bare word or parenthesis. */
        private record Token(String text, boolean quoted) {
        }

        private final String source;
        private final Map<String, FieldType> schema;
        private final List<Token> tokens;
        private int position;

        private Parser(String source, Map<String, FieldType> schema) {
            this.source = source;
            this.schema = schema;
            this.tokens = tokenize(source);
        }

        private Node parse() {
            if (tokens.isEmpty()) {
                throw error("the expression is empty");
            }
            Node result = orExpression();
            if (position < tokens.size()) {
                throw error("unexpected '" + tokens.get(position).text() + "'");
            }
            return result;
        }

        private Node orExpression() {
            Node left = andExpression();
            while (acceptWord("or")) {
                left = new Or(left, andExpression());
            }
            return left;
        }

        private Node andExpression() {
            Node left = unary();
            while (acceptWord("and")) {
                left = new And(left, unary());
            }
            return left;
        }

        private Node unary() {
            if (acceptWord("not")) {
                return new Not(unary());
            }
            if (acceptWord("(")) {
                Node inner = orExpression();
                if (!acceptWord(")")) {
                    throw error("missing ')'");
                }
                return inner;
            }
            return comparison();
        }

        private Node comparison() {
            Token field = next("a property name");
            if (field.quoted() || !IDENTIFIER.matcher(field.text()).matches()) {
                throw error("expected a property name but found '" + field.text() + "'");
            }
            FieldType type = schema.get(field.text());
            if (type == null) {
                throw error("the property '" + field.text() + "' does not exist");
            }
            Token operator = next("a comparison operator");
            if (operator.quoted() || !OPERATORS.contains(operator.text())) {
                throw error("'" + operator.text() + "' is not a supported operator");
            }
            Object literal = literal(next("a literal"), field.text(), type);
            return new Comparison(field.text(), operator.text(), literal);
        }

        /** Reads a literal and checks that it fits the property's type. */
        private Object literal(Token token, String field, FieldType type) {
            String text = token.text();
            if (!token.quoted() && text.equals("null")) {
                return null;
            }
            boolean fits;
            Object value;
            if (token.quoted()) {
                value = text;
                fits = type == FieldType.STRING;
            } else if (text.equals("true") || text.equals("false")) {
                value = Boolean.valueOf(text);
                fits = false;
            } else if (DATE_TIME_LITERAL.matcher(text).matches()) {
                try {
                    value = FieldType.parseInstant(text);
                } catch (DateTimeParseException e) {
                    throw error("'" + text + "' is not a valid date-time with offset");
                }
                fits = type == FieldType.INSTANT;
            } else if (GUID_LITERAL.matcher(text).matches()) {
                value = UUID.fromString(text);
                fits = type == FieldType.GUID;
            } else if (NUMBER_LITERAL.matcher(text).matches()) {
                value = new BigDecimal(text);
                fits = type == FieldType.DECIMAL;
            } else {
                throw error("'" + text + "' is not a supported literal");
            }
            if (!fits) {
                throw error("the literal '" + text + "' cannot be compared with the "
                        + type.name().toLowerCase() + " property '" + field + "'");
            }
            return value;
        }

        private boolean acceptWord(String word) {
            if (position < tokens.size() && !tokens.get(position).quoted()
                    && tokens.get(position).text().equals(word)) {
                position++;
                return true;
            }
            return false;
        }

        private Token next(String expected) {
            if (position >= tokens.size()) {
                throw error("expected " + expected + " at the end");
            }
            return tokens.get(position++);
        }

        private ODataException error(String detail) {
            return new ODataException(400, "Unsupported or invalid $filter '" + source + "': " + detail
                    + ".");
        }

        private List<Token> tokenize(String text) {
            List<Token> result = new ArrayList<>();
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '(' || c == ')') {
                    result.add(new Token(String.valueOf(c), false));
                    i++;
                } else if (c == '\'') {
                    StringBuilder value = new StringBuilder();
                    i++;
                    while (true) {
                        if (i >= text.length()) {
                            throw error("a string literal is not closed");
                        }
                        char s = text.charAt(i);
                        if (s == '\'' && i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                            value.append('\'');
                            i += 2;
                        } else if (s == '\'') {
                            i++;
                            break;
                        } else {
                            value.append(s);
                            i++;
                        }
                    }
                    result.add(new Token(value.toString(), true));
                } else {
                    int start = i;
                    while (i < text.length() && !Character.isWhitespace(text.charAt(i))
                            && "()'".indexOf(text.charAt(i)) < 0) {
                        i++;
                    }
                    result.add(new Token(text.substring(start, i), false));
                }
            }
            return result;
        }
    }
}
