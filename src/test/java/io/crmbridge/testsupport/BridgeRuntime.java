package io.crmbridge.testsupport;

import io.crmbridge.BridgeNames;
import io.crmbridge.auth.Tokens;
import io.crmbridge.sync.PassSummary;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

import java.util.Map;

/**
 * The bridge started on Camel Main exactly as in production (application.properties, YAML routes, beans), with
 * properties and beans replaced per test and the schedule off, so each test runs the passes it wants. The
 * management HTTP server stays off unless a test sets {@code bridge.observe.enabled=true}.
 */
public final class BridgeRuntime implements AutoCloseable {

    private final Main main;
    private final ProducerTemplate template;

    private BridgeRuntime(Main main) {
        this.main = main;
        this.template = main.getCamelContext().createProducerTemplate();
    }

    /** Starts the bridge with the given property overrides and registry beans. */
    public static BridgeRuntime start(Map<String, String> properties, Map<String, Object> beans) {
        Main main = new Main(BridgeRuntime.class);
        main.addOverrideProperty("bridge.once", "true");
        main.addOverrideProperty("bridge.observe.enabled", "false");
        properties.forEach(main::addOverrideProperty);
        beans.forEach(main::bind);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("The bridge did not start", e);
        }
        return new BridgeRuntime(main);
    }

    /** The running Camel context. */
    public CamelContext context() {
        return main.getCamelContext();
    }

    /** A producer template on the running context. */
    public ProducerTemplate template() {
        return template;
    }

    /** Returns the token JSON cached for a system, or null when there is none. */
    public String cachedToken(String system) {
        return template.requestBodyAndHeader("caffeine-cache:" + BridgeNames.TOKEN_CACHE + "?action=GET", null,
                "CamelCaffeineKey", tokens().cacheKey(system), String.class);
    }

    /** Puts a value in the token cache under a system's key, as another writer of the shared cache could. */
    public void cacheToken(String system, String value) {
        template.sendBodyAndHeader("caffeine-cache:" + BridgeNames.TOKEN_CACHE + "?action=PUT", value,
                "CamelCaffeineKey", tokens().cacheKey(system));
    }

    private Tokens tokens() {
        return context().getRegistry().lookupByNameAndType("tokens", Tokens.class);
    }

    /** Runs one pass of every flow and returns its summary. */
    public PassSummary runPass() {
        return template.requestBody(BridgeNames.PASS_ENDPOINT, null, PassSummary.class);
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException("The bridge did not stop cleanly", e);
        }
    }
}
