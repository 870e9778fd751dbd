package io.crmbridge.simulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Parser for the subset of OData 4 {@code $filter} the bridge uses: comparisons of a property with a
 * literal, joined by {@code and}, {@code or}, {@code not} and parentheses.
 */
final class ODataFilter {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern GUID_LITERAL =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DATE_TIME_LITERAL = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T.*");
    private static final Pattern NUMBER_LITERAL = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final List<String> OPERATORS = List.of("eq", "ne", "gt", "ge", "lt", "le");

    /** A token is either a quoted string (text already unescaped) or a bare word or parenthesis. */
    private record Token(String text, boolean quoted) {
    }

    private final String source;
    private final Map<String, FieldType> schema;
    private final List<Token> tokens;
    private int position;

    private ODataFilter(String source, Map<String, FieldType> schema) {
        this.source = source;
        this.schema = schema;
        this.tokens = tokenize(source);
    }

    /** Parses {@code text} into a row test; throws a 400 {@link ODataException} on anything unsupported. */
    static Predicate<Map<String, Object>> parse(String text, Map<String, FieldType> schema) {
        ODataFilter parser = new ODataFilter(text, schema);
        if (parser.tokens.isEmpty()) {
            throw parser.error("the expression is empty");
        }
        Predicate<Map<String, Object>> result = parser.orExpression();
        if (parser.position < parser.tokens.size()) {
            throw parser.error("unexpected '" + parser.tokens.get(parser.position).text() + "'");
        }
        return result;
    }

    private Predicate<Map<String, Object>> orExpression() {
        Predicate<Map<String, Object>> left = andExpression();
        while (acceptWord("or")) {
            left = left.or(andExpression());
        }
        return left;
    }

    private Predicate<Map<String, Object>> andExpression() {
        Predicate<Map<String, Object>> left = unary();
        while (acceptWord("and")) {
            left = left.and(unary());
        }
        return left;
    }

    private Predicate<Map<String, Object>> unary() {
        if (acceptWord("not")) {
            return unary().negate();
        }
        if (acceptWord("(")) {
            Predicate<Map<String, Object>> inner = orExpression();
            if (!acceptWord(")")) {
                throw error("missing ')'");
            }
            return inner;
        }
        return comparison();
    }

    private Predicate<Map<String, Object>> comparison() {
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
        String name = field.text();
        String op = operator.text();
        return row -> compare(row.get(name), op, literal);
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
            throw error("the literal '" + text + "' cannot be compared with the " + type.name().toLowerCase()
                    + " property '" + field + "'");
        }
        return value;
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
        return new ODataException(400, "Unsupported or invalid $filter '" + source + "': " + detail + ".");
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
