package io.crmbridge.logging;

import io.crmbridge.auth.Token;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks values that never belong in a log, registered or not: credentials in {@code Authorization} headers,
 * cookies, values named like a secret, password or token (JSON, form bodies, header maps, Camel's property
 * resolution), the user-info of a URL, and the session key in a Tryton login answer.
 *
 * <p>Every shape starts with a marker word. One pass over the text looks up the markers by their first
 * character and tries a shape's pattern only where its marker stands, so a line costs little more than reading
 * it. Values that already start with {@code ***} are left as they are. Server-generated values (tokens, session
 * keys, cookies) become {@code ***} plus their fingerprint; values a person may have chosen (passwords,
 * secrets, Basic credentials) become a bare {@code ***}.
 */
final class SecretShapes {

    private static final String ASSIGN = "\"?[ \\t]*[:=][ \\t]*\"?";
    private static final String VALUE = "([^\\s\"'&,;{}\\[\\]]+)";
    private static final String COOKIE_VALUE = "([^\\s\"';,}\\]]+)";
    private static final String COOKIE_NAME = "[^\\s\"';,=}\\]]+";
    private static final String SECRET_WORD = "(secret|password|passwd|api[-_]?key|token|credentials?)";
    private static final List<String> SECRET_MARKERS =
            List.of("secret", "passw", "api-key", "api_key", "apikey", "token", "credential");
    private static final Pattern COOKIE_PAIR = Pattern.compile("([^\\s;=]+[ \\t]*=[ \\t]*)([^\\s;]+)");

    private static final List<Shape> SHAPES = List.of(
            // Authorization: Bearer x (HttpClient's header log), Authorization=Session x (Camel's header maps)
            new Shape(List.of("authorization"),
                    "(?i)authorization" + ASSIGN + "(?:([a-z][\\w-]*)[ \\t]+)?+" + VALUE,
                    (match, value) -> "basic".equalsIgnoreCase(match.group(1)) ? LogSecrets.MASK
                            : fingerprinted(value)),
            // Set-Cookie: .ASPXAUTH=x; Path=/; HttpOnly - the cookie, not its attributes
            new Shape(List.of("set-cookie"),
                    "(?i)(?<![\\w-])set-cookie" + ASSIGN + COOKIE_NAME + "[ \\t]*=[ \\t]*" + COOKIE_VALUE,
                    (match, value) -> fingerprinted(value)),
            // Cookie: a=1; b=2 - every pair
            new Shape(List.of("cookie"),
                    "(?i)(?<![\\w-])cookie" + ASSIGN + "([^\\r\\n\"}\\],]+)",
                    (match, value) -> maskPairs(value)),
            // Session cookies and CSRF headers of Creatio and SAP Business One, wherever they appear
            new Shape(List.of("aspxauth", "bpmcsrf", "bpmloader", "bpmsessionid", "b1session"),
                    "(?i)(?<![\\w-])(?:aspxauth|bpmcsrf|bpmloader|bpmsessionid|b1session)" + ASSIGN
                            + COOKIE_VALUE,
                    (match, value) -> fingerprinted(value)),
            // Camel's properties component at DEBUG, where the rest of the line is the value, spaces and all
            new Shape(SECRET_MARKERS,
                    "(?im)" + SECRET_WORD + "(?:[ \\t]+with value:"
                            + "|[ \\t]+default:[^)\\r\\n]*\\)[ \\t]+resolved from source:[ \\t]*\\S*[ \\t]+->"
                            + "|][ \\t]+applied by function[ \\t]+\\[[^\\]\\r\\n]*][ \\t]+->"
                            + "|][ \\t]+not found, using default value:)[ \\t]*"
                            + "(.+?)(?=[ \\t]+to be used\\.|[ \\t]*$)",
                    SecretShapes::bySecretWord),
            // client_secret=x, "password":"x", "access_token": "x", bridge.crm.auth.client-secret = x
            new Shape(SECRET_MARKERS, "(?i)" + SECRET_WORD + ASSIGN + VALUE, SecretShapes::bySecretWord),
            // https://user:password@host/ - a URL's user-info, as Camel's tracer prints a CamelHttpUri header; up to
            // the last @ before a space, since a password pasted without percent-encoding may hold / ? # or @
            new Shape(List.of("://"), "://([^\\s\"'<>]+)@", (match, value) -> LogSecrets.MASK),
            // Tryton's login answer {"id": 0, "result": [1, "key"]}, in the wire log before the key is known
            new Shape(List.of("\"result\""),
                    "\"result\"[ \\t]*:[ \\t]*\\[[ \\t]*\\d+[ \\t]*,[ \\t]*\"([^\"]+)",
                    (match, value) -> fingerprinted(value)));

    private static final Marker[][] MARKERS_BY_FIRST_CHAR = index(SHAPES);

    private SecretShapes() {
    }

    /** Returns the text with every secret shape masked, or the same instance when none occurs. */
    static String mask(String text) {
        StringBuilder masked = null;
        int copied = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            Marker[] candidates = c < MARKERS_BY_FIRST_CHAR.length ? MARKERS_BY_FIRST_CHAR[c] : null;
            int next = i + 1;
            for (int m = 0; candidates != null && m < candidates.length; m++) {
                Matcher match = candidates[m].matchAt(text, i);
                if (match == null) {
                    continue;
                }
                int group = match.groupCount();
                String value = match.group(group);
                if (!value.startsWith(LogSecrets.MASK)) {
                    masked = masked == null ? new StringBuilder(text.length() + 16) : masked;
                    masked.append(text, copied, match.start(group))
                            .append(candidates[m].shape.replacement.apply(match, value));
                    copied = match.end(group);
                }
                next = Math.max(next, match.end(group));
                break;
            }
            i = next;
        }
        return masked == null ? text : masked.append(text, copied, text.length()).toString();
    }

    private static String fingerprinted(String value) {
        return LogSecrets.MASK + Token.fingerprintOf(value);
    }

    /** Tokens get a fingerprint; passwords, secrets and keys a bare mask. */
    private static String bySecretWord(Matcher match, String value) {
        return match.group(1).toLowerCase(Locale.ROOT).equals("token") ? fingerprinted(value) : LogSecrets.MASK;
    }

    private static String maskPairs(String cookies) {
        Matcher pair = COOKIE_PAIR.matcher(cookies);
        StringBuilder masked = new StringBuilder(cookies.length());
        while (pair.find()) {
            String value = pair.group(2);
            String replacement = value.startsWith(LogSecrets.MASK) ? value : fingerprinted(value);
            pair.appendReplacement(masked, Matcher.quoteReplacement(pair.group(1) + replacement));
        }
        return pair.appendTail(masked).toString();
    }

    /** Tells whether a marker at {@code start} is part of a name, not the end of a path like {@code /token}. */
    private static boolean endsName(String text, int start) {
        int i = start;
        while (i > 0 && isNameChar(text.charAt(i - 1))) {
            i--;
        }
        return i == 0 || text.charAt(i - 1) != '/';
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
    }

    private static Marker[][] index(List<Shape> shapes) {
        List<List<Marker>> byChar = new ArrayList<>();
        for (int c = 0; c < 128; c++) {
            byChar.add(new ArrayList<>());
        }
        for (Shape shape : shapes) {
            for (String word : shape.markers) {
                Marker marker = new Marker(word, shape);
                byChar.get(word.charAt(0)).add(marker);
                char upper = Character.toUpperCase(word.charAt(0));
                if (upper != word.charAt(0)) {
                    byChar.get(upper).add(marker);
                }
            }
        }
        Marker[][] table = new Marker[128][];
        for (int c = 0; c < 128; c++) {
            table[c] = byChar.get(c).isEmpty() ? null : byChar.get(c).toArray(new Marker[0]);
        }
        return table;
    }

    /**
     * One shape: marker words in lower case, a pattern starting at a marker whose last group is the value, and
     * what replaces that value.
     */
    private record Shape(List<String> markers, Pattern pattern,
                         BiFunction<Matcher, String, String> replacement) {

        Shape(List<String> markers, String regex, BiFunction<Matcher, String, String> replacement) {
            this(markers, Pattern.compile(regex), replacement);
        }
    }

    private record Marker(String word, Shape shape) {

        /** Returns the shape's match at {@code start} when the marker and then the pattern stand there. */
        Matcher matchAt(String text, int start) {
            if (!text.regionMatches(true, start, word, 0, word.length()) || !endsName(text, start)) {
                return null;
            }
            Matcher match = shape.pattern.matcher(text).region(start, text.length())
                    .useTransparentBounds(true).useAnchoringBounds(false);
            return match.lookingAt() ? match : null;
        }
    }
}
