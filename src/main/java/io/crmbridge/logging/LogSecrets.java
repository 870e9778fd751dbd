package io.crmbridge.logging;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.crmbridge.auth.Token;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secrets the bridge knows while it runs, so that log output shows {@code ***} in their place.
 *
 * <p>Secrets from settings (client secrets, passwords, API keys) become a bare {@code ***}: a fingerprint of a
 * password someone chose would let a reader of the log test guesses offline. Tokens and session keys, which
 * servers generate, become {@code ***} followed by their fingerprint, the one the login line shows, so that a
 * reader can still tell them apart. Each secret is also known in the forms HTTP traffic gives it: URL-encoded
 * (form bodies), JSON-escaped, and as Apache HttpClient's wire log prints bytes outside printable ASCII.
 *
 * <p>Only the latest {@value #VALUES_KEPT} values of each setting, and the latest {@value #VALUES_KEPT} tokens of
 * each system, are kept: older ones are no longer sent anywhere, and every line is searched for each value kept.
 * Values shorter than {@value #MIN_LENGTH} characters are not masked by value, since that would garble every
 * line; the shapes of {@link SecretShapes} still apply to them.
 */
public final class LogSecrets {

    /** The text that stands in for a secret. */
    public static final String MASK = "***";

    static final int MIN_LENGTH = 4;
    private static final int VALUES_KEPT = 3;

    private static final Object LOCK = new Object();
    private static final Map<String, Recent> SECRETS = new ConcurrentHashMap<>();
    private static final Map<String, Recent> TOKENS = new ConcurrentHashMap<>();
    private static volatile Form[] forms = new Form[0];

    private LogSecrets() {
    }

    /** Registers the value of a secret setting, such as {@code crm.auth.client-secret}. */
    public static void addSecret(String key, String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            return;
        }
        Recent recent = SECRETS.computeIfAbsent(key, name -> new Recent());
        if (!recent.contains(secret)) {
            synchronized (LOCK) {
                recent.add(secret, formsOf(secret, MASK));
                rebuild();
            }
        }
    }

    /**
     * Registers the credential of a login: the token value, and for a Tryton session
     * ({@code Session base64(login:userId:key)}) the bare key too, both shown with the token's fingerprint.
     */
    public static void addToken(Token token) {
        String value = token.value();
        if (value == null || value.length() < MIN_LENGTH) {
            return;
        }
        Recent recent = TOKENS.computeIfAbsent(token.system(), name -> new Recent());
        if (recent.contains(value)) {
            return;
        }
        String replacement = MASK + Token.fingerprintOf(value);
        List<Form> tokenForms = new ArrayList<>(formsOf(value, replacement));
        if ("Session".equalsIgnoreCase(token.scheme())) {
            sessionKey(value).ifPresent(key -> tokenForms.addAll(formsOf(key, replacement)));
        }
        synchronized (LOCK) {
            recent.add(value, tokenForms);
            rebuild();
        }
    }

    /** Returns the text with every registered secret and every {@linkplain SecretShapes shape} masked. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (Form form : forms) {
            if (masked.contains(form.value)) {
                masked = masked.replace(form.value, form.replacement);
            }
        }
        return SecretShapes.mask(masked);
    }

    /**
     * Returns a server's text with every registered secret masked in any case, then every shape: for an error
     * message quoting a login server, which may repeat a password it was sent in a spelling of its own. Slower
     * than {@link #mask}, so not for log lines.
     */
    public static String maskIgnoringCase(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (Form form : forms) {
            masked = Pattern.compile(Pattern.quote(form.value), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                    .matcher(masked).replaceAll(Matcher.quoteReplacement(form.replacement));
        }
        return SecretShapes.mask(masked);
    }

    /** Tells whether a setting key, such as {@code crm.auth.client-secret}, names a secret. */
    public static boolean isSecretKey(String key) {
        return key.endsWith("secret") || key.endsWith("password") || key.endsWith("api-key");
    }

    private static List<Form> formsOf(String secret, String replacement) {
        Set<String> values = new LinkedHashSet<>();
        String json = new String(JsonStringEncoder.getInstance().quoteAsString(secret));
        String formEncoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        values.add(secret);
        values.add(json);
        values.add(formEncoded);
        values.add(formEncoded.replace("+", "%20"));
        values.add(wire(secret));
        values.add(wire(json));

        List<Form> result = new ArrayList<>();
        for (String value : values) {
            if (value.length() >= MIN_LENGTH) {
                result.add(new Form(value, replacement));
            }
        }
        return result;
    }

    /** Writes a value as HttpClient's wire log does: bytes outside printable ASCII as {@code [0x..]}. */
    private static String wire(String value) {
        StringBuilder text = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 32 && b < 127) {
                text.append((char) b);
            } else {
                text.append("[0x").append(Integer.toHexString(b)).append(']');
            }
        }
        return text.toString();
    }

    private static Optional<String> sessionKey(String value) {
        try {
            String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            int colon = decoded.lastIndexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Longest first, so that a secret containing another is masked whole. */
    private static void rebuild() {
        List<Form> all = new ArrayList<>();
        SECRETS.values().forEach(recent -> recent.addFormsTo(all));
        TOKENS.values().forEach(recent -> recent.addFormsTo(all));
        all.sort(Comparator.comparingInt((Form form) -> form.value.length()).reversed());
        forms = all.toArray(new Form[0]);
    }

    /** The latest values of one setting or one system's tokens, oldest first, with their forms. */
    private static final class Recent {
        private final Map<String, List<Form>> values = new LinkedHashMap<>();

        synchronized boolean contains(String value) {
            return values.containsKey(value);
        }

        synchronized void add(String value, List<Form> valueForms) {
            values.put(value, valueForms);
            if (values.size() > VALUES_KEPT) {
                values.remove(values.keySet().iterator().next());
            }
        }

        synchronized void addFormsTo(List<Form> all) {
            values.values().forEach(all::addAll);
        }
    }

    private record Form(String value, String replacement) {
    }
}
