package io.crmbridge.bench;

import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.simulator.ErpSimulator;
import io.crmbridge.simulator.SimulatorData;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The CRM and ERP simulators in a process of their own, for the orders benchmark: a backlog of generated orders
 * of ten lines each, and credentials that outlive any run, so the bridge under test has its JVM to itself.
 *
 * <p>The client secret and the ERP password come from the environment variables the bridge reads
 * ({@code BRIDGE_CRM_AUTH_CLIENT_SECRET}, {@code BRIDGE_ERP_AUTH_PASSWORD}), so no secret is ever printed. Standard
 * output speaks a line protocol: one {@code setting <name>=<value>} line per bridge setting, then {@code ready}.
 * On standard input, {@code check} prints one {@code check ...} line that compares the ERP sales with the CRM
 * orders; the end of standard input stops the simulators.
 */
public final class BenchSimulators {

    /** Lines per generated order. */
    public static final int LINES_PER_ORDER = 10;

    private static final long SEED = 20261205L;
    private static final int ACCOUNTS = 20;
    private static final int PRODUCTS = 50;
    private static final Duration CREDENTIAL_LIFETIME = Duration.ofDays(1);
    private static final String CLIENT_ID = "bench";
    private static final String DATABASE = "bench";
    private static final String LOGIN = "bench";

    private BenchSimulators() {
    }

    /** Starts both simulators with {@code args[0]} orders and serves until standard input ends. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1 || !args[0].matches("\\d+")) {
            throw new IllegalArgumentException("Usage: BenchSimulators <number of orders>");
        }
        int orders = Integer.parseInt(args[0]);
        String clientSecret = environment("BRIDGE_CRM_AUTH_CLIENT_SECRET");
        String erpPassword = environment("BRIDGE_ERP_AUTH_PASSWORD");

        Clock clock = Clock.systemUTC();
        SimulatorData data = SimulatorData.generate(SEED, ACCOUNTS, PRODUCTS, orders, LINES_PER_ORDER,
                clock.instant());
        try (CrmSimulator crm = CrmSimulator.builder().clock(clock).data(data).clientId(CLIENT_ID)
                .clientSecret(clientSecret).tokenLifetime(CREDENTIAL_LIFETIME).build().start();
             ErpSimulator erp = ErpSimulator.builder().clock(clock).data(data).database(DATABASE).login(LOGIN)
                     .password(erpPassword).sessionLifetime(CREDENTIAL_LIFETIME).build().start()) {
            setting("bridge.crm.base-url", crm.baseUrl());
            setting("bridge.crm.auth.kind", "oauth2-client-credentials");
            setting("bridge.crm.auth.token-url", crm.tokenUrl());
            setting("bridge.crm.auth.client-id", CLIENT_ID);
            setting("bridge.erp.base-url", erp.baseUrl());
            setting("bridge.erp.database", DATABASE);
            setting("bridge.erp.auth.kind", "tryton-session");
            setting("bridge.erp.auth.login", LOGIN);
            setting("bridge.erp.auth.session-lifetime", CREDENTIAL_LIFETIME.toHours() + "h");
            System.out.println("ready");

            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String command = commands.readLine(); command != null; command = commands.readLine()) {
                System.out.println(command.trim().equals("check") ? check(crm, erp)
                        : "unknown command '" + command.trim() + "'");
            }
        }
    }

    /** Counts, for the CRM orders, how many ERP sales carry each one's Id as their reference. */
    private static String check(CrmSimulator crm, ErpSimulator erp) {
        Map<String, Integer> salesPerReference = erp.salesPerReference();
        Set<String> orderIds = new HashSet<>();
        int once = 0;
        int missing = 0;
        int duplicated = 0;
        int writtenBack = 0;
        for (Map<String, Object> order : crm.orders()) {
            String id = order.get("Id").toString();
            orderIds.add(id);
            int sales = salesPerReference.getOrDefault(id, 0);
            once += sales == 1 ? 1 : 0;
            missing += sales == 0 ? 1 : 0;
            duplicated += sales > 1 ? 1 : 0;
            writtenBack += order.get("UsrErpNumber") != null ? 1 : 0;
        }
        long unknown = salesPerReference.keySet().stream().filter(reference -> !orderIds.contains(reference))
                .count();
        int sales = salesPerReference.values().stream().mapToInt(Integer::intValue).sum();
        return "check orders=" + orderIds.size() + " sales=" + sales + " once=" + once + " missing=" + missing
                + " duplicated=" + duplicated + " unknown=" + unknown + " written-back=" + writtenBack;
    }

    private static void setting(String name, String value) {
        System.out.println("setting " + name + "=" + value);
    }

    private static String environment(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("The benchmark simulators need " + name + " in the environment: the same"
                    + " secret the bridge under test is given");
        }
        return value;
    }
}
