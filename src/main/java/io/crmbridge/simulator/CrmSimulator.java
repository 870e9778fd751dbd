package io.crmbridge.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process stand-in for a Creatio-style CRM: an OAuth2 client-credentials token endpoint and an
 * OData 4 service for accounts, products, orders and order lines.
 *
 * <p>All time decisions (token expiry, ModifiedOn stamps) come from the injected {@link Clock}, so tests
 * move time instead of waiting. Every method is safe to call from several threads.
 */
public final class CrmSimulator extends Simulator {

    private static final Logger LOG = LoggerFactory.getLogger(CrmSimulator.class);

    private static final String ODATA_PREFIX = "/0/odata/";
    private static final int MAX_BATCH = 100;
    private static final Pattern ENTITY_PATH = Pattern.compile("/0/odata/([A-Za-z]+)(?:\\(([^)]*)\\))?");
    private static final Pattern ORDER_NUMBER = Pattern.compile("ORD-(\\d+)");
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    /** Field names and types of each entity set, in the order Creatio lists them. */
    private static final Map<String, Map<String, FieldType>> SCHEMAS = Map.of(
            "Account", schema("Id", FieldType.GUID, "Code", FieldType.STRING, "Name", FieldType.STRING,
                    "ModifiedOn", FieldType.INSTANT),
            "Product", schema("Id", FieldType.GUID, "Code", FieldType.STRING, "Name", FieldType.STRING,
                    "Price", FieldType.DECIMAL, "UsrStockQuantity", FieldType.DECIMAL,
                    "ModifiedOn", FieldType.INSTANT),
            "Order", schema("Id", FieldType.GUID, "Number", FieldType.STRING, "AccountId", FieldType.GUID,
                    "ModifiedOn", FieldType.INSTANT, "UsrErpNumber", FieldType.STRING,
                    "UsrErpState", FieldType.STRING),
            "OrderProduct", schema("Id", FieldType.GUID, "OrderId", FieldType.GUID,
                    "ProductId", FieldType.GUID, "Quantity", FieldType.DECIMAL, "Price", FieldType.DECIMAL,
                    "ModifiedOn", FieldType.INSTANT));

    private final Clock clock;
    private final String clientId;
    private final String clientSecret;
    private final Duration tokenLifetime;
    private final boolean expiresInAsString;
    private final boolean omitExpiresIn;
    private final JwtSigner signer = new JwtSigner();
    private final Random activityRandom = new Random();

    /** The entity sets by name; guarded by {@code this}. */
    private final Map<String, EntitySet> tables = new HashMap<>();
    /** The most records one query answers; guarded by {@code this}. */
    private int serverPageSize = Integer.MAX_VALUE;

    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger expiredTokenRejections = new AtomicInteger();
    private final AtomicInteger unknownTokenRejections = new AtomicInteger();

    private CrmSimulator(Builder builder) {
        super("crm-simulator", builder.port);
        this.clock = builder.clock;
        this.clientId = builder.clientId;
        this.clientSecret = builder.clientSecret != null ? builder.clientSecret : JwtSigner.randomHex(16);
        this.tokenLifetime = builder.tokenLifetime;
        this.expiresInAsString = builder.expiresInAsString;
        this.omitExpiresIn = builder.omitExpiresIn;
        // The bridge pages through orders by (ModifiedOn, Id) and reads the lines of the orders of a page.
        SCHEMAS.forEach((name, schema) -> tables.put(name, switch (name) {
            case "Order" -> EntitySet.withKeyset("ModifiedOn");
            case "OrderProduct" -> EntitySet.groupedBy(schema, "OrderId");
            default -> EntitySet.plain();
        }));
        load(builder.data != null ? builder.data : SimulatorData.generate(clock.instant()));
    }

    /** Starts configuring a simulator. */
    public static Builder builder() {
        return new Builder();
    }

    /** Binds 127.0.0.1 and starts answering requests. */
    public CrmSimulator start() {
        server.start(this::handle);
        LOG.info("CRM simulator listening at {} for client '{}'", baseUrl(), clientId);
        return this;
    }

    /** Gives the OAuth2 token endpoint URL. */
    public String tokenUrl() {
        return baseUrl() + "/connect/token";
    }

    /** Gives the OData service root, ending in {@code /0/odata/}. */
    public String odataUrl() {
        return baseUrl() + ODATA_PREFIX;
    }

    /** Gives the client id the token endpoint accepts. */
    public String clientId() {
        return clientId;
    }

    /** Gives the client secret the token endpoint accepts, so an embedded bridge can be wired to it. */
    public String clientSecret() {
        return clientSecret;
    }

    /** Counts access tokens handed out. */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    /** Counts OData requests refused because their token had expired. */
    public int expiredTokenRejections() {
        return expiredTokenRejections.get();
    }

    /** Counts OData requests refused because their token was missing, forged or from another instance. */
    public int unknownTokenRejections() {
        return unknownTokenRejections.get();
    }

    /** Adds one random order every {@code every} on a daemon thread, so a demo shows changes flowing. */
    public void startActivity(Duration every) {
        server.every(every, this::addRandomOrder);
    }

    // ---- views for tests and the demo -------------------------------------------------------------

    /** Gives the current fields of one order (GUIDs as UUID, stamps as Instant, numbers as BigDecimal). */
    public synchronized Map<String, Object> order(UUID id) {
        Map<String, Object> row = tables.get("Order").get(id);
        if (row == null) {
            throw new NoSuchElementException("The CRM simulator has no order " + id);
        }
        return view(row);
    }

    /** Gives the current fields of every order, in insertion order. */
    public synchronized List<Map<String, Object>> orders() {
        return views("Order");
    }

    /** Gives the current fields of the lines of one order. */
    public synchronized List<Map<String, Object>> orderProducts(UUID orderId) {
        return views("OrderProduct").stream().filter(row -> orderId.equals(row.get("OrderId"))).toList();
    }

    /** Gives the current fields of the product with {@code code}. */
    public synchronized Map<String, Object> product(String code) {
        return views("Product").stream().filter(row -> code.equals(row.get("Code"))).findFirst()
                .orElseThrow(() -> new NoSuchElementException("The CRM simulator has no product " + code));
    }

    /** Gives the current fields of every product, in insertion order. */
    public synchronized List<Map<String, Object>> products() {
        return views("Product");
    }

    /** Gives the current fields of every account, in insertion order. */
    public synchronized List<Map<String, Object>> accounts() {
        return views("Account");
    }

    /** Adds {@code product} with no stock, as if a user created it now. */
    public synchronized void addProduct(SimulatorData.Product product) {
        if (tables.get("Product").contains(product.id())) {
            throw new IllegalArgumentException("The CRM simulator already has product " + product.id());
        }
        put("Product", row("Id", product.id(), "Code", product.code(), "Name", product.name(),
                "Price", product.price(), "UsrStockQuantity", BigDecimal.ZERO, "ModifiedOn", now()));
    }

    /**
     * Makes every query answer at most {@code records} records, with an {@code @odata.nextLink} to the rest, as an
     * OData service with a page size of its own does.
     */
    public synchronized void pageAtMost(int records) {
        if (records < 1) {
            throw new IllegalArgumentException("A page holds at least one record");
        }
        serverPageSize = records;
    }

    /** Saves the order again unchanged, as a user would: Creatio stamps it with a new ModifiedOn. */
    public synchronized void saveOrderAgain(UUID id) {
        Map<String, Object> row = tables.get("Order").get(id);
        if (row == null) {
            throw new IllegalArgumentException("The CRM simulator has no order " + id);
        }
        tables.get("Order").update(row, Map.of("ModifiedOn", now()));
    }

    /** Deletes the product with {@code code}, as if a user removed it. */
    public synchronized void removeProduct(String code) {
        UUID id = (UUID) product(code).get("Id");
        tables.get("Product").remove(id);
    }

    /** Adds {@code order} and its lines as if a user saved it now; returns it with the Clock's stamp. */
    public synchronized SimulatorData.Order addOrder(SimulatorData.Order order) {
        if (!tables.get("Account").contains(order.accountId())) {
            throw new IllegalArgumentException("Order " + order.number() + " refers to unknown account "
                    + order.accountId());
        }
        for (SimulatorData.OrderLine line : order.lines()) {
            if (!tables.get("Product").contains(line.productId())) {
                throw new IllegalArgumentException("Order " + order.number() + " refers to unknown product "
                        + line.productId());
            }
        }
        if (tables.get("Order").contains(order.id())) {
            throw new IllegalArgumentException("The CRM simulator already has order " + order.id());
        }
        SimulatorData.Order stamped = new SimulatorData.Order(order.id(), order.number(), order.accountId(),
                now(), order.lines());
        insertOrder(stamped);
        return stamped;
    }

    /** Adds an order for a random account with random lines and the next free number. */
    public synchronized SimulatorData.Order addRandomOrder() {
        List<UUID> accounts = tables.get("Account").rows().stream().map(row -> (UUID) row.get("Id")).toList();
        List<SimulatorData.Product> products = tables.get("Product").rows().stream()
                .map(row -> new SimulatorData.Product((UUID) row.get("Id"), (String) row.get("Code"),
                        (String) row.get("Name"), (BigDecimal) row.get("Price"), BigDecimal.ZERO))
                .toList();
        List<SimulatorData.OrderLine> lines = SimulatorData.randomLines(activityRandom, products).stream()
                .map(line -> new SimulatorData.OrderLine(UUID.randomUUID(), line.productId(), line.quantity(),
                        line.price()))
                .toList();
        UUID accountId = accounts.get(activityRandom.nextInt(accounts.size()));
        return addOrder(new SimulatorData.Order(UUID.randomUUID(), nextOrderNumber(), accountId, now(),
                lines));
    }

    // ---- HTTP ---------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/connect/token")) {
                handleToken(exchange);
            } else if (path.startsWith(ODATA_PREFIX)) {
                if (!failures.answer(exchange)) {
                    handleOData(exchange, path);
                }
            } else {
                throw new ODataException(404, "No resource at " + path + ".");
            }
        } catch (ODataException e) {
            sendODataError(exchange, e.status(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("CRM simulator failed on {} {}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), e);
            sendODataError(exchange, 500, "Internal error in the CRM simulator.");
        }
    }

    private void handleToken(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            throw new ODataException(405, "The token endpoint only accepts POST.");
        }
        Map<String, String> form = parsePairs(new String(HttpSupport.body(exchange), StandardCharsets.UTF_8));
        String[] basic = basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"));
        String id = basic != null ? basic[0] : form.get("client_id");
        String secret = basic != null ? basic[1] : form.get("client_secret");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");

        if (!JwtSigner.constantTimeEquals(clientId, id)
                || !JwtSigner.constantTimeEquals(clientSecret, secret)) {
            HttpSupport.sendJson(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            HttpSupport.sendJson(exchange, 400, Map.of("error", "unsupported_grant_type"));
            return;
        }

        long issuedAt = clock.instant().getEpochSecond();
        long lifetime = tokenLifetime.toSeconds();
        String token = signer.sign(issuedAt, issuedAt + lifetime, id);
        tokensIssued.incrementAndGet();
        LOG.debug("CRM simulator issued token {} to client '{}'", JwtSigner.fingerprint(token), id);

        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("access_token", token);
        reply.put("token_type", "Bearer");
        if (!omitExpiresIn) {
            reply.put("expires_in", expiresInAsString ? String.valueOf(lifetime) : lifetime);
        }
        HttpSupport.sendJson(exchange, 200, reply);
    }

    private void handleOData(HttpExchange exchange, String path) throws IOException {
        byte[] body = HttpSupport.body(exchange);
        if (!authorized(exchange)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            sendODataError(exchange, 401, "Unauthorized");
            return;
        }
        if (path.equals(ODATA_PREFIX + "$batch")) {
            if (!exchange.getRequestMethod().equals("POST")) {
                throw new ODataException(405, "$batch only accepts POST.");
            }
            String prefer = exchange.getRequestHeaders().getFirst("Prefer");
            HttpSupport.sendJson(exchange, 200, batch(body, prefer != null && prefer.contains("continue-on-error")));
            return;
        }
        Matcher matcher = ENTITY_PATH.matcher(path);
        if (!matcher.matches() || !SCHEMAS.containsKey(matcher.group(1))) {
            throw new ODataException(404, "No entity set at " + path + ".");
        }
        String entity = matcher.group(1);
        String method = exchange.getRequestMethod();
        if (matcher.group(2) == null) {
            if (!method.equals("GET")) {
                throw new ODataException(405, "Entity set " + entity + " only supports GET here.");
            }
            HttpSupport.sendJson(exchange, 200, query(entity, exchange.getRequestURI().getRawQuery()));
            return;
        }
        UUID id = parseKey(entity, matcher.group(2));
        if (method.equals("GET")) {
            HttpSupport.sendJson(exchange, 200, single(entity, id));
        } else if (method.equals("PATCH")) {
            patch(entity, id, body);
            HttpSupport.send(exchange, 204, null, null);
        } else {
            throw new ODataException(405, "Entity " + entity + " supports only GET and PATCH here.");
        }
    }

    /** Checks the bearer token and counts the rejection kind, which tests use to see renewals. */
    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            unknownTokenRejections.incrementAndGet();
            return false;
        }
        Long expiry = signer.verify(header.substring(7).trim());
        if (expiry == null) {
            unknownTokenRejections.incrementAndGet();
            return false;
        }
        if (clock.instant().getEpochSecond() >= expiry) {
            expiredTokenRejections.incrementAndGet();
            return false;
        }
        return true;
    }

    private void sendODataError(HttpExchange exchange, int status, String message) throws IOException {
        HttpSupport.sendJson(exchange, status, Map.of("error", Map.of("code", "", "message", message)));
    }

    // ---- OData operations ---------------------------------------------------------------------------

    private synchronized Map<String, Object> query(String entity, String rawQuery) {
        Map<String, FieldType> schema = SCHEMAS.get(entity);
        Map<String, String> options = parsePairs(rawQuery);
        for (String option : options.keySet()) {
            if (option.startsWith("$") && !List.of("$filter", "$orderby", "$top", "$skip", "$select")
                    .contains(option)) {
                throw new ODataException(400, "The query option '" + option + "' is not supported.");
            }
        }
        ODataFilter filter = options.containsKey("$filter")
                ? ODataFilter.parse(options.get("$filter"), schema) : ODataFilter.ALL;
        List<EntitySet.SortItem> orderBy = options.containsKey("$orderby")
                ? orderBy(options.get("$orderby"), schema) : List.of();
        int skip = nonNegative("$skip", options.get("$skip"), 0);
        int top = nonNegative("$top", options.get("$top"), Integer.MAX_VALUE);
        List<String> select = options.containsKey("$select")
                ? selectList(options.get("$select"), schema) : List.copyOf(schema.keySet());

        List<Map<String, Object>> rows = tables.get(entity).select(filter, orderBy, skip, top);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("@odata.context", baseUrl() + ODATA_PREFIX + "$metadata#" + entity);
        reply.put("value", rows.stream().limit(serverPageSize).map(row -> toJson(row, select, schema)).toList());
        if (rows.size() > serverPageSize) {
            Map<String, String> rest = new LinkedHashMap<>(options);
            rest.put("$skip", Integer.toString(skip + serverPageSize));
            if (top != Integer.MAX_VALUE) {
                rest.put("$top", Integer.toString(top - serverPageSize));
            }
            StringBuilder link = new StringBuilder(baseUrl()).append(ODATA_PREFIX).append(entity);
            String separator = "?";
            for (Map.Entry<String, String> option : rest.entrySet()) {
                link.append(separator).append(option.getKey()).append('=')
                        .append(URLEncoder.encode(option.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
                separator = "&";
            }
            reply.put("@odata.nextLink", link.toString());
        }
        return reply;
    }

    private synchronized Map<String, Object> single(String entity, UUID id) {
        Map<String, Object> row = tables.get(entity).get(id);
        if (row == null) {
            throw new ODataException(404, "No " + entity + " with Id " + id + ".");
        }
        Map<String, FieldType> schema = SCHEMAS.get(entity);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("@odata.context", baseUrl() + ODATA_PREFIX + "$metadata#" + entity + "/$entity");
        reply.putAll(toJson(row, List.copyOf(schema.keySet()), schema));
        return reply;
    }

    private void patch(String entity, UUID id, byte[] body) {
        Map<String, Object> changes;
        try {
            changes = HttpSupport.JSON.readValue(body, JSON_OBJECT);
        } catch (IOException e) {
            throw new ODataException(400, "The request body is not a JSON object.");
        }
        if (changes == null) {
            throw new ODataException(400, "The request body is not a JSON object.");
        }
        Map<String, FieldType> schema = SCHEMAS.get(entity);
        Map<String, Object> converted = new HashMap<>();
        for (Map.Entry<String, Object> change : changes.entrySet()) {
            String field = change.getKey();
            if (!schema.containsKey(field)) {
                throw new ODataException(400, "The property '" + field + "' does not exist on type '"
                        + entity + "'.");
            }
            if (field.equals("Id")) {
                throw new ODataException(400, "The key property 'Id' cannot be changed.");
            }
            converted.put(field, schema.get(field).fromJson(field, change.getValue()));
        }
        synchronized (this) {
            Map<String, Object> row = tables.get(entity).get(id);
            if (row == null) {
                throw new ODataException(404, "No " + entity + " with Id " + id + ".");
            }
            // Creatio stamps every save itself, whatever the client sent.
            converted.put("ModifiedOn", now());
            tables.get(entity).update(row, converted);
        }
    }

    /**
     * Runs a JSON {@code $batch} of PATCH requests as Creatio does: at most 100, each answered with its own
     * status; after the first failure the rest are not run unless the client asked to continue on error.
     */
    private Map<String, Object> batch(byte[] body, boolean continueOnError) {
        Map<String, Object> request;
        try {
            request = HttpSupport.JSON.readValue(body, JSON_OBJECT);
        } catch (IOException e) {
            throw new ODataException(400, "The $batch body is not a JSON object.");
        }
        if (request == null || !(request.get("requests") instanceof List<?> requests)) {
            throw new ODataException(400, "The $batch body has no \"requests\" array.");
        }
        if (requests.size() > MAX_BATCH) {
            throw new ODataException(400, "A $batch takes at most " + MAX_BATCH + " requests.");
        }
        List<Map<String, Object>> responses = new ArrayList<>();
        for (Object item : requests) {
            Map<?, ?> part = item instanceof Map<?, ?> map ? map : Map.of();
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("id", part.get("id"));
            try {
                batchPatch(part);
                response.put("status", 204);
            } catch (ODataException e) {
                response.put("status", e.status());
                response.put("body", Map.of("error", Map.of("code", "", "message", e.getMessage())));
            }
            responses.add(response);
            if ((int) response.get("status") >= 400 && !continueOnError) {
                break;
            }
        }
        return Map.of("responses", responses);
    }

    private void batchPatch(Map<?, ?> part) {
        if (!"PATCH".equals(part.get("method"))) {
            throw new ODataException(405, "The simulator's $batch runs PATCH requests only.");
        }
        String url = String.valueOf(part.get("url"));
        Matcher matcher = ENTITY_PATH.matcher(url.startsWith("/") ? url : ODATA_PREFIX + url);
        if (!matcher.matches() || !SCHEMAS.containsKey(matcher.group(1)) || matcher.group(2) == null) {
            throw new ODataException(404, "No entity at " + url + ".");
        }
        String entity = matcher.group(1);
        byte[] changes;
        try {
            changes = HttpSupport.JSON.writeValueAsBytes(part.get("body"));
        } catch (IOException e) {
            throw new ODataException(400, "The request body is not a JSON object.");
        }
        patch(entity, parseKey(entity, matcher.group(2)), changes);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private void load(SimulatorData data) {
        Instant loadedAt = now();
        for (SimulatorData.Account account : data.accounts()) {
            put("Account", row("Id", account.id(), "Code", account.code(), "Name", account.name(),
                    "ModifiedOn", loadedAt));
        }
        for (SimulatorData.Product product : data.products()) {
            // The bridge copies ERP stock into the CRM, so the CRM starts with none.
            put("Product", row("Id", product.id(), "Code", product.code(), "Name", product.name(),
                    "Price", product.price(), "UsrStockQuantity", BigDecimal.ZERO, "ModifiedOn", loadedAt));
        }
        for (SimulatorData.Order order : data.orders()) {
            insertOrder(order);
        }
    }

    private void insertOrder(SimulatorData.Order order) {
        Instant stamp = order.modifiedOn().truncatedTo(ChronoUnit.MILLIS);
        put("Order", row("Id", order.id(), "Number", order.number(), "AccountId", order.accountId(),
                "ModifiedOn", stamp, "UsrErpNumber", null, "UsrErpState", null));
        for (SimulatorData.OrderLine line : order.lines()) {
            put("OrderProduct", row("Id", line.id(), "OrderId", order.id(), "ProductId", line.productId(),
                    "Quantity", line.quantity(), "Price", line.price(), "ModifiedOn", stamp));
        }
    }

    private void put(String entity, Map<String, Object> row) {
        tables.get(entity).insert(row);
    }

    private String nextOrderNumber() {
        int max = 0;
        for (Map<String, Object> row : tables.get("Order").rows()) {
            Matcher matcher = ORDER_NUMBER.matcher((String) row.get("Number"));
            if (matcher.matches()) {
                max = Math.max(max, Integer.parseInt(matcher.group(1)));
            }
        }
        return String.format("ORD-%04d", max + 1);
    }

    /** The CRM keeps milliseconds, so stamps are cut there to make {@code eq} on a read value work. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private List<Map<String, Object>> views(String entity) {
        return tables.get(entity).rows().stream().map(CrmSimulator::view).toList();
    }

    private static Map<String, Object> view(Map<String, Object> row) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(row));
    }

    private static Map<String, Object> toJson(Map<String, Object> row, List<String> fields,
            Map<String, FieldType> schema) {
        Map<String, Object> json = new LinkedHashMap<>();
        for (String field : fields) {
            json.put(field, schema.get(field).toJson(row.get(field)));
        }
        return json;
    }

    private static List<EntitySet.SortItem> orderBy(String text, Map<String, FieldType> schema) {
        List<EntitySet.SortItem> items = new ArrayList<>();
        for (String item : text.split(",")) {
            String[] parts = item.trim().split("\\s+");
            boolean known = parts.length >= 1 && schema.containsKey(parts[0]);
            boolean direction = parts.length == 1 || (parts.length == 2 && parts[1].matches("asc|desc"));
            if (!known || !direction) {
                throw new ODataException(400, "Unsupported $orderby item '" + item.trim() + "'.");
            }
            items.add(new EntitySet.SortItem(parts[0], parts.length == 2 && parts[1].equals("desc")));
        }
        return items;
    }

    private static List<String> selectList(String text, Map<String, FieldType> schema) {
        List<String> fields = new ArrayList<>();
        for (String item : text.split(",")) {
            String field = item.trim();
            if (!schema.containsKey(field)) {
                throw new ODataException(400, "The property '" + field + "' in $select does not exist.");
            }
            fields.add(field);
        }
        return fields;
    }

    private static int nonNegative(String option, String text, int fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below together with negative values
        }
        throw new ODataException(400, "The query option " + option + " needs a non-negative integer, got '"
                + text + "'.");
    }

    private static UUID parseKey(String entity, String key) {
        try {
            return UUID.fromString(key);
        } catch (IllegalArgumentException e) {
            throw new ODataException(400, "The key '" + key + "' of " + entity + " is not a GUID.");
        }
    }

    /** Splits a query string or form body, decoding {@code +} and percent escapes. */
    private static Map<String, String> parsePairs(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return pairs;
        }
        try {
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                pairs.put(URLDecoder.decode(key, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        } catch (IllegalArgumentException e) {
            throw new ODataException(400, "The query string or form body has a malformed percent escape.");
        }
        return pairs;
    }

    /** Reads HTTP Basic client authentication, whose parts are form-encoded before base64 (RFC 6749). */
    private static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new String[] {
                URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8),
            };
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<String, FieldType> schema(Object... namesAndTypes) {
        Map<String, FieldType> schema = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            schema.put((String) namesAndTypes[i], (FieldType) namesAndTypes[i + 1]);
        }
        return Collections.unmodifiableMap(schema);
    }

    private static Map<String, Object> row(Object... namesAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    /** Settings for a {@link CrmSimulator}; every one has a default that suits the embedded demo. */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private SimulatorData data;
        private String clientId = "bridge";
        private String clientSecret;
        private Duration tokenLifetime = Duration.ofHours(1);
        private boolean expiresInAsString;
        private boolean omitExpiresIn;
        private int port;

        private Builder() {
        }

        /** Sets the clock behind token expiry and ModifiedOn stamps; defaults to the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets the seed rows; defaults to {@link SimulatorData#generate(Instant)} at the clock's now. */
        public Builder data(SimulatorData data) {
            this.data = Objects.requireNonNull(data, "data");
            return this;
        }

        /** Sets the accepted client id; defaults to {@code bridge}. */
        public Builder clientId(String clientId) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            return this;
        }

        /** Sets the accepted client secret; defaults to a random one readable via {@link #clientSecret()}. */
        public Builder clientSecret(String clientSecret) {
            this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
            return this;
        }

        /** Sets how long an access token lives; defaults to one hour. */
        public Builder tokenLifetime(Duration tokenLifetime) {
            if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
                throw new IllegalArgumentException("tokenLifetime must be positive, got " + tokenLifetime);
            }
            this.tokenLifetime = tokenLifetime;
            return this;
        }

        /** Sends {@code expires_in} as a JSON string, as some servers do. */
        public Builder expiresInAsString(boolean expiresInAsString) {
            this.expiresInAsString = expiresInAsString;
            return this;
        }

        /** Leaves {@code expires_in} out, so clients must read the JWT {@code exp}. */
        public Builder omitExpiresIn(boolean omitExpiresIn) {
            this.omitExpiresIn = omitExpiresIn;
            return this;
        }

        /** Sets the port on 127.0.0.1; defaults to 0, an ephemeral port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Makes the simulator; call {@link CrmSimulator#start()} to serve. */
        public CrmSimulator build() {
            return new CrmSimulator(this);
        }
    }
}
