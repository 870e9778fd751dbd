package io.crmbridge.testsupport;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bridge settings a test points at its own servers, named as in the README's configuration table.
 */
public final class BridgeSettings {

    private final Map<String, String> properties = new LinkedHashMap<>();

    private BridgeSettings() {
    }

    /**
     * Starts settings that keep the orders watermark in {@code watermarkFile}, and the dead letters, the orders in
     * doubt and the reported one-sided products beside it, so that no test writes the bridge's state into the
     * working directory.
     */
    public static BridgeSettings withWatermark(Path watermarkFile) {
        BridgeSettings settings = new BridgeSettings();
        settings.properties.put("bridge.orders.watermark-file", watermarkFile.toString());
        settings.properties.put("bridge.dead-letters.file",
                watermarkFile.resolveSibling("dead-letters.jsonl").toString());
        settings.properties.put("bridge.stock.one-sided-file", oneSidedFileBeside(watermarkFile).toString());
        settings.properties.put("bridge.orders.in-doubt-file",
                watermarkFile.resolveSibling("orders-in-doubt.json").toString());
        return settings;
    }

    /** The file {@link #withWatermark} keeps the reported one-sided products in. */
    public static Path oneSidedFileBeside(Path watermarkFile) {
        return watermarkFile.resolveSibling("stock-one-sided.json");
    }

    /** Points the CRM at an OData root and an OAuth 2.0 token endpoint. */
    public BridgeSettings crm(String baseUrl, String tokenUrl, String clientId, String clientSecret) {
        properties.put("bridge.crm.base-url", baseUrl);
        properties.put("bridge.crm.auth.kind", "oauth2-client-credentials");
        properties.put("bridge.crm.auth.token-url", tokenUrl);
        properties.put("bridge.crm.auth.client-id", clientId);
        properties.put("bridge.crm.auth.client-secret", clientSecret);
        return this;
    }

    /** Points the ERP at a Tryton server and database with a session login. */
    public BridgeSettings erp(String baseUrl, String database, String login, String password,
                              String sessionLifetime) {
        properties.put("bridge.erp.base-url", baseUrl);
        properties.put("bridge.erp.database", database);
        properties.put("bridge.erp.auth.kind", "tryton-session");
        properties.put("bridge.erp.auth.login", login);
        properties.put("bridge.erp.auth.password", password);
        properties.put("bridge.erp.auth.session-lifetime", sessionLifetime);
        return this;
    }

    /** Sets any other property. */
    public BridgeSettings with(String name, String value) {
        properties.put(name, value);
        return this;
    }

    /** The settings as property overrides. */
    public Map<String, String> toMap() {
        return new LinkedHashMap<>(properties);
    }
}
