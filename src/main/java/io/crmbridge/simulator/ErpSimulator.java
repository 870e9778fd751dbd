package io.crmbridge.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process stand-in for a Tryton 6.0 server: the JSON-RPC login, user preferences, searches on
 * parties, products and stock locations, and the sale order workflow draft, quotation, confirmed.
 *
 * <p>Replies have the shapes real Tryton sends, including its HTTP-level failures (an HTML page for a
 * refused login, an empty 401 for a bad session). Session expiry follows the injected {@link Clock}.
 * Every method is safe to call from several threads.
 */
public final class ErpSimulator extends Simulator {

    /** The id of the one user the simulator knows. */
    public static final int USER_ID = 2;

    /** The id of the storage location whose stock {@code product.product} reports. */
    public static final int STORAGE_LOCATION_ID = 3;

    /** The id of the warehouse that contains the storage location and the shop floor. */
    public static final int WAREHOUSE_LOCATION_ID = 1;

    /** The id of a second storage location, the shop floor, which starts with no stock. */
    public static final int SHOP_LOCATION_ID = 4;

    /** The id of the only unit of measure, "Unit". */
    public static final int UNIT_ID = 1;

    private static final Logger LOG = LoggerFactory.getLogger(ErpSimulator.class);

    private static final int COMPANY_ID = 1;
    private static final int FIRST_ADDRESS_ID = 101;
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };
    private static final Set<String> DECIMAL_FIELDS =
            Set.of("list_price", "total_amount", "untaxed_amount", "unit_price", "amount");
    private static final Set<String> FLOAT_FIELDS = Set.of("quantity", "forecast_quantity");
    private static final Set<String> SALE_KEYS =
            Set.of("party", "invoice_address", "shipment_address", "reference", "description", "lines");
    private static final Set<String> LINE_KEYS = Set.of("product", "quantity", "unit", "unit_price", "type");

    /** One Tryton party per CRM account; each has exactly one address. */
    private record Party(int id, String code, String name, int addressId) {
    }

    /** One Tryton product per CRM product, matched by code. */
    private record ProductRow(int id, String code, String name, BigDecimal listPrice) {
    }

    /** A login session; Tryton keys it by a random hex string. */
    private record Session(String login, int userId, Instant loginTime) {
    }

    /** A sale order as a test sees it, with the party and products named by their codes. */
    public record Sale(int id, String number, String reference, String partyCode, String state,
            List<SaleLine> lines) {

        /** Freezes the lines. */
        public Sale {
            lines = List.copyOf(lines);
        }
    }

    /** One line of a {@link Sale}. */
    public record SaleLine(int id, String productCode, BigDecimal quantity, BigDecimal unitPrice) {
    }

    /** Mutable sale state, guarded by the simulator's monitor. */
    private static final class SaleRow {
        final int id;
        final int party;
        final Integer invoiceAddress;
        final Integer shipmentAddress;
        final String reference;
        final String description;
        final List<Integer> lines = new ArrayList<>();
        String number;
        String state = "draft";

        SaleRow(int id, int party, Integer invoiceAddress, Integer shipmentAddress, String reference,
                String description) {
            this.id = id;
            this.party = party;
            this.invoiceAddress = invoiceAddress;
            this.shipmentAddress = shipmentAddress;
            this.reference = reference;
            this.description = description;
        }
    }

    /** One stored sale line. */
    private record LineRow(int id, int sale, int product, BigDecimal quantity, int unit,
            BigDecimal unitPrice) {
    }

    private final Clock clock;
    private final String database;
    private final String login;
    private final String password;
    private final Duration sessionLifetime;
    private final Random activityRandom = new Random();

    private final List<Party> parties = new ArrayList<>();
    private final List<ProductRow> products = new ArrayList<>();
    private final Set<Integer> notSalable = new HashSet<>();
    /** Stock in the storage location by product id; guarded by {@code this}. */
    private final Map<Integer, BigDecimal> stock = new HashMap<>();
    private final Refusals refusals = new Refusals();
    /** Stock on the shop floor by product id, none when absent; guarded by {@code this}. */
    private final Map<Integer, BigDecimal> shopStock = new HashMap<>();
    private final Map<Integer, SaleRow> sales = new LinkedHashMap<>();
    /** Sales by reference, in creation order, since the bridge finds a CRM order's sale by its reference. */
    private final Map<String, List<SaleRow>> salesByReference = new HashMap<>();
    private final Map<Integer, LineRow> saleLines = new LinkedHashMap<>();
    private int nextSaleId = 1;
    private int nextLineId = 1;
    private int nextSaleNumber = 1;

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger refusedLogins = new AtomicInteger();
    private final AtomicInteger expiredSessionRejections = new AtomicInteger();
    private final AtomicInteger unknownSessionRejections = new AtomicInteger();

    private ErpSimulator(Builder builder) {
        super("erp-simulator", builder.port);
        this.clock = builder.clock;
        this.database = builder.database;
        this.login = builder.login;
        this.password = builder.password != null ? builder.password : JwtSigner.randomHex(16);
        this.sessionLifetime = builder.sessionLifetime;

        SimulatorData data = builder.data != null ? builder.data : SimulatorData.generate(clock.instant());
        for (SimulatorData.Account account : data.accounts()) {
            int id = parties.size() + 1;
            parties.add(new Party(id, account.code(), account.name(), FIRST_ADDRESS_ID + id - 1));
        }
        for (SimulatorData.Product product : data.products()) {
            int id = products.size() + 1;
            products.add(new ProductRow(id, product.code(), product.name(), product.price()));
            stock.put(id, product.stockQuantity());
        }
    }

    /** Starts configuring a simulator. */
    public static Builder builder() {
        return new Builder();
    }

    /** Binds 127.0.0.1 and starts answering requests. */
    public ErpSimulator start() {
        server.start(this::handle);
        LOG.info("ERP simulator listening at {} for user '{}'", url(), login);
        return this;
    }

    /** Gives the JSON-RPC endpoint of the database, such as {@code http://127.0.0.1:41234/bridge/}. */
    public String url() {
        return baseUrl() + "/" + database + "/";
    }

    /** Gives the database name. */
    public String database() {
        return database;
    }

    /** Gives the login name the simulator accepts. */
    public String login() {
        return login;
    }

    /** Gives the accepted password, so an embedded bridge can be wired to it. */
    public String password() {
        return password;
    }

    /** Counts successful logins. */
    public int logins() {
        return logins.get();
    }

    /** Counts refused logins. */
    public int refusedLogins() {
        return refusedLogins.get();
    }

    /** Counts requests refused because their session had outlived the session lifetime. */
    public int expiredSessionRejections() {
        return expiredSessionRejections.get();
    }

    /** Counts requests refused because their session header was missing or unknown. */
    public int unknownSessionRejections() {
        return unknownSessionRejections.get();
    }

    /** Changes a random product's stock every {@code every} on a daemon thread, for the demo. */
    public void startActivity(Duration every) {
        server.every(every, () -> {
            ProductRow product = products.get(activityRandom.nextInt(products.size()));
            setStockQuantity(product.code(), BigDecimal.valueOf(activityRandom.nextInt(500)));
        });
    }

    // ---- views for tests and the demo -------------------------------------------------------------

    /** Gives every sale order in creation order. */
    public synchronized List<Sale> sales() {
        return sales.values().stream().map(this::view).toList();
    }

    /** Finds the sale order whose reference is {@code reference}, the CRM order number in the bridge. */
    public synchronized Optional<Sale> saleByReference(String reference) {
        return salesByReference.getOrDefault(reference, List.of()).stream().findFirst().map(this::view);
    }

    /** Counts the sales of each reference, to check that every CRM order arrived exactly once. */
    public synchronized Map<String, Integer> salesPerReference() {
        Map<String, Integer> counts = new HashMap<>();
        salesByReference.forEach((reference, found) -> {
            if (reference != null) {
                counts.put(reference, found.size());
            }
        });
        return counts;
    }

    /**
     * Answers the next {@code times} calls of the JSON-RPC {@code method} with {@code status} and an HTML page,
     * without acting on them, as a proxy in front of the ERP that refuses a request does.
     */
    public void refuseNextCalls(String method, int times, int status) {
        refusals.arm(method, times, status);
    }

    /**
     * Adds a draft sale with the reference, party and lines of the existing sale {@code saleId}, as a user entering
     * an order a second time by hand would; returns its id.
     */
    public synchronized int copySale(int saleId) {
        SaleRow original = sales.get(saleId);
        if (original == null) {
            throw new IllegalArgumentException("No sale " + saleId);
        }
        SaleRow copy = new SaleRow(nextSaleId++, original.party, original.invoiceAddress, original.shipmentAddress,
                original.reference, original.description);
        for (int lineId : original.lines) {
            LineRow line = saleLines.get(lineId);
            LineRow row = new LineRow(nextLineId++, copy.id, line.product(), line.quantity(), line.unit(),
                    line.unitPrice());
            saleLines.put(row.id(), row);
            copy.lines.add(row.id());
        }
        sales.put(copy.id, copy);
        salesByReference.computeIfAbsent(copy.reference, reference -> new ArrayList<>(1)).add(copy);
        return copy.id;
    }

    /**
     * Adds a salable product, as an ERP user would, even under a code another product has already; a null
     * {@code quantity} makes the simulator report no quantity for it. Returns its id.
     */
    public synchronized int addProduct(String code, String name, BigDecimal quantity) {
        int id = products.size() + 1;
        products.add(new ProductRow(id, code, name, BigDecimal.TEN));
        stock.put(id, quantity);
        return id;
    }

    /** Gives the quantity of the product with {@code code} in the storage location. */
    public synchronized BigDecimal stockQuantity(String code) {
        return stock.get(productByCode(code).id());
    }

    /** Sets the quantity of the product with {@code code} in the storage location. */
    public synchronized void setStockQuantity(String code, BigDecimal quantity) {
        stock.put(productByCode(code).id(), Objects.requireNonNull(quantity, "quantity"));
    }

    /** Ticks or unticks a product's "salable", as an ERP user would: sale lines for an unsalable one are refused. */
    public synchronized void setSalable(String code, boolean salable) {
        int id = productByCode(code).id();
        if (salable) {
            notSalable.remove(id);
        } else {
            notSalable.add(id);
        }
    }

    /** Sets the quantity of the product with {@code code} on the shop floor. */
    public synchronized void setShopQuantity(String code, BigDecimal quantity) {
        shopStock.put(productByCode(code).id(), Objects.requireNonNull(quantity, "quantity"));
    }

    // ---- HTTP and JSON-RPC ---------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try {
            if (failures.answer(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            byte[] body = HttpSupport.body(exchange);
            if (!path.equals("/" + database + "/") && !path.equals("/" + database)) {
                HttpSupport.sendHtml(exchange, 404, "Not Found",
                        "The requested URL was not found on the server.");
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                HttpSupport.sendHtml(exchange, 405, "Method Not Allowed",
                        "The method is not allowed for the requested URL.");
                return;
            }
            Map<String, Object> request;
            try {
                request = HttpSupport.JSON.readValue(body, JSON_OBJECT);
            } catch (IOException e) {
                request = null;
            }
            if (request == null || !(request.get("method") instanceof String)) {
                HttpSupport.sendHtml(exchange, 400, "Bad Request", "The request is not a JSON-RPC call.");
                return;
            }
            LoopbackServer.operation((String) request.get("method"));
            call(exchange, request);
        } catch (RuntimeException e) {
            LOG.warn("ERP simulator failed on {} {}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), e);
            HttpSupport.sendHtml(exchange, 500, "Internal Server Error", "The ERP simulator failed.");
        }
    }

    private void call(HttpExchange exchange, Map<String, Object> request) throws IOException {
        Object id = request.get("id");
        String method = (String) request.get("method");
        Integer refusal = refusals.take(method);
        if (refusal != null) {
            HttpSupport.sendHtml(exchange, refusal, "Refused", "The request was refused before the ERP saw it.");
            return;
        }
        List<?> params = request.get("params") instanceof List<?> list ? list : List.of();

        if (method.equals("common.db.login")) {
            Object result = login(params);
            if (result == null) {
                HttpSupport.sendHtml(exchange, 401, "Unauthorized", "The server could not verify that you are"
                        + " authorized to access the URL requested.");
                return;
            }
            sendResult(exchange, id, result);
            return;
        }
        String sessionKey = authorizedSession(exchange.getRequestHeaders().getFirst("Authorization"));
        if (sessionKey == null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"Tryton\"");
            HttpSupport.send(exchange, 401, null, null);
            return;
        }
        try {
            sendResult(exchange, id, dispatch(method, params, sessionKey));
        } catch (RpcError e) {
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("id", id);
            reply.put("error", e.toJson());
            HttpSupport.sendJson(exchange, 200, reply);
        }
    }

    private static void sendResult(HttpExchange exchange, Object id, Object result) throws IOException {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("id", id);
        reply.put("result", result);
        HttpSupport.sendJson(exchange, 200, reply);
    }

    /** Checks the login and opens a session; null means refused. */
    private List<Object> login(List<?> params) {
        Object user = params.size() > 0 ? params.get(0) : null;
        Object secret = params.size() > 1 && params.get(1) instanceof Map<?, ?> map
                ? map.get("password") : null;
        if (!login.equals(user) || !(secret instanceof String text)
                || !JwtSigner.constantTimeEquals(password, text)) {
            LOG.info("ERP simulator refused a login for user '{}'", user);
            refusedLogins.incrementAndGet();
            return null;
        }
        String key = JwtSigner.randomHex(32);
        sessions.put(key, new Session(login, USER_ID, clock.instant()));
        logins.incrementAndGet();
        return List.of(USER_ID, key);
    }

    /** Gives the session key when the header names a live session, else counts the refusal. */
    private String authorizedSession(String header) {
        Session session = null;
        String key = null;
        if (header != null && header.regionMatches(true, 0, "Session ", 0, 8)) {
            try {
                String[] parts = new String(Base64.getDecoder().decode(header.substring(8).trim()),
                        StandardCharsets.UTF_8).split(":", 3);
                if (parts.length == 3) {
                    key = parts[2];
                    session = sessions.get(key);
                    if (session != null && (!session.login().equals(parts[0])
                            || !String.valueOf(session.userId()).equals(parts[1]))) {
                        session = null;
                    }
                }
            } catch (IllegalArgumentException e) {
                session = null;
            }
        }
        if (session == null) {
            unknownSessionRejections.incrementAndGet();
            return null;
        }
        if (!clock.instant().isBefore(session.loginTime().plus(sessionLifetime))) {
            expiredSessionRejections.incrementAndGet();
            return null;
        }
        return key;
    }

    private Object dispatch(String method, List<?> params, String sessionKey) {
        if (method.equals("common.db.logout")) {
            sessions.remove(sessionKey);
            return null;
        }
        if (method.equals("model.res.user.get_preferences")) {
            return preferences();
        }
        int dot = method.lastIndexOf('.');
        if (!method.startsWith("model.") || dot <= "model.".length()) {
            throw new RpcError("Method not found: " + method);
        }
        String model = method.substring("model.".length(), dot);
        String action = method.substring(dot + 1);
        Map<String, Object> context = context(params);
        // Tryton's dispatcher takes the context off the end and passes the rest positionally.
        List<?> args = endsWithMap(params) ? params.subList(0, params.size() - 1) : params;
        synchronized (this) {
            if (!modelKnown(model)) {
                throw new RpcError("Method not found: " + method);
            }
            return switch (action) {
                case "search_read" -> searchRead(model, args, context);
                case "read" -> read(model, args, context);
                case "create" -> createSales(model, method, args, context);
                case "quote" -> transition(model, method, args, "draft", "quotation");
                case "confirm" -> transition(model, method, args, "quotation", "confirmed");
                default -> throw new RpcError("Method not found: " + method);
            };
        }
    }

    private Map<String, Object> preferences() {
        Map<String, Object> preferences = new LinkedHashMap<>();
        preferences.put("id", USER_ID);
        preferences.put("login", login);
        preferences.put("name", "Bridge Sync");
        preferences.put("language", "en");
        preferences.put("language_direction", "ltr");
        preferences.put("company", COMPANY_ID);
        preferences.put("companies", List.of(COMPANY_ID));
        preferences.put("employee", null);
        preferences.put("groups", List.of(1));
        return preferences;
    }

    // ---- model methods --------------------------------------------------------------------------------

    private List<Map<String, Object>> searchRead(String model, List<?> params, Map<String, Object> context) {
        Object domain = params.size() > 0 ? params.get(0) : List.of();
        int offset = params.size() > 1 && params.get(1) != null ? integer(params.get(1), "offset") : 0;
        Integer limit = params.size() > 2 && params.get(2) != null ? integer(params.get(2), "limit") : null;
        Object order = params.size() > 3 ? params.get(3) : null;
        Object fields = params.size() > 4 ? params.get(4) : null;

        List<Map<String, Object>> rows = new ArrayList<>(candidates(model, domain, context).stream()
                .filter(row -> TrytonDomain.matches(domain, row, model)).toList());
        rows.sort(ordering(order, model));
        return rows.stream().skip(offset).limit(limit == null ? Long.MAX_VALUE : limit)
                .map(row -> project(row, fields, model)).toList();
    }

    private List<Map<String, Object>> read(String model, List<?> params, Map<String, Object> context) {
        List<Integer> ids = ids(params);
        Object fields = params.size() > 1 ? params.get(1) : null;
        Map<Integer, Map<String, Object>> byId = new HashMap<>();
        List<Map<String, Object>> found = model.equals("sale.sale")
                ? ids.stream().map(sales::get).filter(Objects::nonNull).map(this::saleRow).toList()
                : rows(model, context);
        for (Map<String, Object> row : found) {
            byId.put((Integer) row.get("id"), row);
        }
        List<Map<String, Object>> result = new ArrayList<>();
        for (int id : ids) {
            Map<String, Object> row = byId.get(id);
            if (row == null) {
                throw new RpcError("The record \"" + id + "\" of \"" + model + "\" does not exist.",
                        "It may have been deleted.");
            }
            result.add(project(row, fields, model));
        }
        return result;
    }

    private List<Integer> createSales(String model, String method, List<?> params,
            Map<String, Object> context) {
        if (!model.equals("sale.sale")) {
            throw new RpcError("Method not found: " + method);
        }
        if (context.get("company") == null) {
            throw new RpcError("You need a company in the context to create sale orders.", "");
        }
        if (params.isEmpty() || !(params.get(0) instanceof List<?> valuesList)) {
            throw new RpcError("The create call needs a list of values as its first parameter.");
        }
        // Check everything first so a bad record creates nothing, as one Tryton transaction would.
        List<Map<?, ?>> checked = new ArrayList<>();
        for (Object values : valuesList) {
            if (!(values instanceof Map<?, ?> map)) {
                throw new RpcError("Each record to create must be a dictionary of values.");
            }
            checkSale(map);
            checked.add(map);
        }
        List<Integer> ids = new ArrayList<>();
        for (Map<?, ?> values : checked) {
            ids.add(insertSale(values));
        }
        return ids;
    }

    private void checkSale(Map<?, ?> values) {
        for (Object key : values.keySet()) {
            if (!SALE_KEYS.contains(key)) {
                throw new RpcError("The field \"" + key + "\" does not exist on \"Sale\".");
            }
        }
        if (values.get("party") == null) {
            throw required("Party", "Sale");
        }
        int partyId = integer(values.get("party"), "Party");
        Party party = parties.stream().filter(p -> p.id() == partyId).findFirst()
                .orElseThrow(() -> missing(partyId, "Party", "Sale"));
        for (String field : List.of("invoice_address", "shipment_address")) {
            if (values.get(field) == null) {
                continue;
            }
            int address = integer(values.get(field), field);
            String label = field.equals("invoice_address") ? "Invoice Address" : "Shipment Address";
            if (address < FIRST_ADDRESS_ID || address >= FIRST_ADDRESS_ID + parties.size()) {
                throw missing(address, label, "Sale");
            }
            if (address != party.addressId()) {
                throw notInDomain(label, "Sale");
            }
        }
        checkText(values.get("reference"), "Reference");
        checkText(values.get("description"), "Description");
        for (Map<?, ?> line : lineCreations(values.get("lines"))) {
            checkLine(line);
        }
    }

    private void checkLine(Map<?, ?> line) {
        for (Object key : line.keySet()) {
            if (!LINE_KEYS.contains(key)) {
                throw new RpcError("The field \"" + key + "\" does not exist on \"Sale Line\".");
            }
        }
        if (line.get("type") != null && !"line".equals(line.get("type"))) {
            throw new RpcError("The simulator only supports sale lines of type \"line\".");
        }
        for (String[] field : new String[][] {
            {"product", "Product"}, {"quantity", "Quantity"}, {"unit", "Unit"}, {"unit_price", "Unit Price"},
        }) {
            if (line.get(field[0]) == null) {
                throw required(field[1], "Sale Line");
            }
        }
        int productId = integer(line.get("product"), "Product");
        if (productId < 1 || productId > products.size()) {
            throw missing(productId, "Product", "Sale Line");
        }
        if (notSalable.contains(productId)) {
            throw notInDomain("Product", "Sale Line");
        }
        int unit = integer(line.get("unit"), "Unit");
        if (unit != UNIT_ID) {
            // Only one unit exists, so any other id is either unknown or of another category.
            throw notInDomain("Unit", "Sale Line");
        }
        decimal(line.get("quantity"), "Quantity");
        decimal(line.get("unit_price"), "Unit Price");
    }

    private int insertSale(Map<?, ?> values) {
        int partyId = integer(values.get("party"), "Party");
        SaleRow sale = new SaleRow(nextSaleId++, partyId, optionalInteger(values.get("invoice_address")),
                optionalInteger(values.get("shipment_address")), (String) values.get("reference"),
                (String) values.get("description"));
        for (Map<?, ?> line : lineCreations(values.get("lines"))) {
            LineRow row = new LineRow(nextLineId++, sale.id, integer(line.get("product"), "Product"),
                    decimal(line.get("quantity"), "Quantity"), integer(line.get("unit"), "Unit"),
                    decimal(line.get("unit_price"), "Unit Price"));
            saleLines.put(row.id(), row);
            sale.lines.add(row.id());
        }
        sales.put(sale.id, sale);
        salesByReference.computeIfAbsent(sale.reference, reference -> new ArrayList<>(1)).add(sale);
        LOG.debug("ERP simulator created sale {} with reference '{}' and {} lines", sale.id, sale.reference,
                sale.lines.size());
        return sale.id;
    }

    /** Reads the one2many {@code [["create", [...]]]} actions; other actions are not simulated. */
    private static List<Map<?, ?>> lineCreations(Object lines) {
        List<Map<?, ?>> result = new ArrayList<>();
        if (lines == null) {
            return result;
        }
        if (!(lines instanceof List<?> actions)) {
            throw new RpcError("The field \"lines\" needs a list of actions such as [[\"create\", [...]]].");
        }
        for (Object action : actions) {
            if (!(action instanceof List<?> pair) || pair.size() != 2 || !"create".equals(pair.get(0))
                    || !(pair.get(1) instanceof List<?> records)) {
                throw new RpcError("The simulator only supports [\"create\", [...]] actions on \"lines\".");
            }
            for (Object record : records) {
                if (!(record instanceof Map<?, ?> map)) {
                    throw new RpcError("Each sale line to create must be a dictionary of values.");
                }
                result.add(map);
            }
        }
        return result;
    }

    /** Moves sales from {@code from} to {@code to}; like Tryton's workflow it skips sales in other states. */
    private Object transition(String model, String method, List<?> params, String from, String to) {
        if (!model.equals("sale.sale")) {
            throw new RpcError("Method not found: " + method);
        }
        List<SaleRow> targets = new ArrayList<>();
        for (int id : ids(params)) {
            SaleRow sale = sales.get(id);
            if (sale == null) {
                throw new RpcError("The record \"" + id + "\" of \"sale.sale\" does not exist.",
                        "It may have been deleted.");
            }
            if (sale.state.equals(from)) {
                targets.add(sale);
            }
        }
        for (SaleRow sale : targets) {
            if (to.equals("quotation") && (sale.invoiceAddress == null || sale.shipmentAddress == null)) {
                throw new RpcError("To get a quote for sale \"" + sale.id + "\" you must enter an invoice and"
                        + " a shipment address.", "");
            }
        }
        for (SaleRow sale : targets) {
            sale.state = to;
            if (to.equals("quotation") && sale.number == null) {
                sale.number = String.valueOf(nextSaleNumber++);
            }
        }
        return null;
    }

    // ---- rows -------------------------------------------------------------------------------------------

    private static boolean modelKnown(String model) {
        return List.of("party.party", "party.address", "product.product", "product.uom", "stock.location",
                "sale.sale", "sale.line").contains(model);
    }

    /** Gives every record of {@code model} as raw values; quantities depend on the context like Tryton's. */
    private List<Map<String, Object>> rows(String model, Map<String, Object> context) {
        List<Map<String, Object>> rows = new ArrayList<>();
        switch (model) {
            case "party.party" -> parties.forEach(p -> rows.add(row("id", p.id(), "code", p.code(),
                    "name", p.name(), "rec_name", p.name(), "addresses", List.of(p.addressId()),
                    "active", true)));
            case "party.address" -> parties.forEach(p -> rows.add(row("id", p.addressId(), "party", p.id(),
                    "rec_name", p.name(), "active", true)));
            case "product.uom" -> rows.add(row("id", UNIT_ID, "name", "Unit", "symbol", "u",
                    "rec_name", "Unit"));
            case "stock.location" -> {
                rows.add(row("id", WAREHOUSE_LOCATION_ID, "code", "WH", "name", "Warehouse",
                        "type", "warehouse", "parent", null));
                rows.add(row("id", STORAGE_LOCATION_ID, "code", "STO", "name", "Storage Zone",
                        "type", "storage", "parent", WAREHOUSE_LOCATION_ID));
                rows.add(row("id", SHOP_LOCATION_ID, "code", "SHOP", "name", "Shop Floor",
                        "type", "storage", "parent", WAREHOUSE_LOCATION_ID));
            }
            case "product.product" -> {
                for (ProductRow p : products) {
                    BigDecimal quantity = quantity(p.id(), context);
                    rows.add(row("id", p.id(), "code", p.code(), "name", p.name(), "rec_name", p.name(),
                            "salable", !notSalable.contains(p.id()), "default_uom", UNIT_ID,
                            "list_price", p.listPrice(), "quantity", quantity, "forecast_quantity", quantity,
                            "active", true));
                }
            }
            case "sale.sale" -> sales.values().forEach(s -> rows.add(saleRow(s)));
            case "sale.line" -> saleLines.values().forEach(l -> rows.add(row("id", l.id(), "sale", l.sale(),
                    "type", "line", "product", l.product(), "quantity", l.quantity(), "unit", l.unit(),
                    "unit_price", l.unitPrice(), "amount", amount(l))));
            default -> throw new IllegalStateException("Unknown model " + model);
        }
        return rows;
    }

    /**
     * Gives the records a search has to test: the sales a domain pins by {@code id} or {@code reference},
     * found through the indexes, or else every record of the model.
     */
    private List<Map<String, Object>> candidates(String model, Object domain, Map<String, Object> context) {
        if (model.equals("sale.sale")) {
            Set<Object> ids = TrytonDomain.pinnedValues(domain, "id");
            if (ids != null) {
                return ids.stream().map(ErpSimulator::wholeNumber).filter(Objects::nonNull).map(sales::get)
                        .filter(Objects::nonNull).map(this::saleRow).toList();
            }
            Set<Object> references = TrytonDomain.pinnedValues(domain, "reference");
            if (references != null) {
                return references.stream().flatMap(reference -> salesByReference
                        .getOrDefault(reference, List.of()).stream()).map(this::saleRow).toList();
            }
        }
        return rows(model, context);
    }

    /** Gives a normalized id as an int, or null when it is not a whole number that any record could have. */
    private static Integer wholeNumber(Object value) {
        if (!(value instanceof BigDecimal decimal)) {
            return null;
        }
        try {
            return decimal.intValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private Map<String, Object> saleRow(SaleRow sale) {
        BigDecimal total = sale.lines.stream().map(id -> amount(saleLines.get(id)))
                .reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
        return row("id", sale.id, "number", sale.number, "reference", sale.reference,
                "description", sale.description, "state", sale.state, "party", sale.party,
                "invoice_address", sale.invoiceAddress, "shipment_address", sale.shipmentAddress,
                "company", COMPANY_ID, "lines", List.copyOf(sale.lines), "untaxed_amount", total,
                "total_amount", total, "rec_name", sale.number != null ? sale.number : "(" + sale.id + ")");
    }

    /** Tryton rounds each line amount to the currency's two digits, half to even. */
    private static BigDecimal amount(LineRow line) {
        return line.quantity().multiply(line.unitPrice()).setScale(2, RoundingMode.HALF_EVEN);
    }

    /**
     * Tryton reports stock only when the context names locations, and adds up the listed locations, each with
     * the locations inside it: the warehouse holds the storage zone and the shop floor.
     */
    private BigDecimal quantity(int productId, Map<String, Object> context) {
        BigDecimal total = BigDecimal.ZERO;
        if (!(context.get("locations") instanceof List<?> ids)) {
            return total;
        }
        BigDecimal inStorage = stock.get(productId);
        if (inStorage == null) {
            return null;
        }
        BigDecimal onShopFloor = shopStock.getOrDefault(productId, BigDecimal.ZERO);
        for (Object id : ids) {
            if (!(TrytonDomain.normalize(id) instanceof BigDecimal location)) {
                continue;
            }
            switch (location.intValue()) {
                case STORAGE_LOCATION_ID -> total = total.add(inStorage);
                case SHOP_LOCATION_ID -> total = total.add(onShopFloor);
                case WAREHOUSE_LOCATION_ID -> total = total.add(inStorage).add(onShopFloor);
                default -> {
                }
            }
        }
        return total;
    }

    private static Map<String, Object> project(Map<String, Object> row, Object fields, String model) {
        List<?> names = fields instanceof List<?> list ? list : List.copyOf(row.keySet());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", row.get("id"));
        for (Object name : names) {
            if (!(name instanceof String field) || !row.containsKey(field)) {
                throw new RpcError("The field \"" + name + "\" does not exist on \"" + model + "\".");
            }
            result.put(field, toJson(field, row.get(field)));
        }
        return result;
    }

    private static Object toJson(String field, Object value) {
        if (value instanceof BigDecimal decimal && DECIMAL_FIELDS.contains(field)) {
            Map<String, Object> wrapped = new LinkedHashMap<>();
            wrapped.put("__class__", "Decimal");
            wrapped.put("decimal", decimal.toPlainString());
            return wrapped;
        }
        if (value instanceof BigDecimal decimal && FLOAT_FIELDS.contains(field)) {
            // Tryton sends Float fields as floats, so a whole quantity still reads 5.0.
            return decimal.scale() < 1 ? decimal.setScale(1) : decimal;
        }
        return value;
    }

    private static Comparator<Map<String, Object>> ordering(Object order, String model) {
        Comparator<Map<String, Object>> byId = Comparator.comparing(row -> (Integer) row.get("id"));
        if (order == null) {
            return byId;
        }
        if (!(order instanceof List<?> items)) {
            throw new RpcError("Invalid order in \"" + model + "\": " + order);
        }
        Comparator<Map<String, Object>> result = null;
        for (Object item : items) {
            if (!(item instanceof List<?> pair) || pair.isEmpty() || !(pair.get(0) instanceof String field)) {
                throw new RpcError("Invalid order in \"" + model + "\": " + item);
            }
            String direction = pair.size() > 1 && pair.get(1) instanceof String d ? d.toUpperCase() : "ASC";
            Comparator<Map<String, Object>> one = Comparator.comparing(
                    row -> comparable(row, field, model), Comparator.nullsFirst(Comparator.naturalOrder()));
            one = direction.startsWith("DESC") ? one.reversed() : one;
            result = result == null ? one : result.thenComparing(one);
        }
        return result == null ? byId : result.thenComparing(byId);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparable comparable(Map<String, Object> row, String field, String model) {
        if (!row.containsKey(field)) {
            throw new RpcError("Invalid order in \"" + model + "\": unknown field \"" + field + "\"");
        }
        Object value = TrytonDomain.normalize(row.get(field));
        return value instanceof Comparable c ? c : String.valueOf(value);
    }

    // ---- parameter helpers ---------------------------------------------------------------------------

    /** The context dict is always the last positional parameter in Tryton's RPC. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> context(List<?> params) {
        if (!params.isEmpty() && params.get(params.size() - 1) instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        return Map.of();
    }

    private static boolean endsWithMap(List<?> params) {
        return !params.isEmpty() && params.get(params.size() - 1) instanceof Map;
    }

    private static List<Integer> ids(List<?> params) {
        if (params.isEmpty() || !(params.get(0) instanceof List<?> list)) {
            throw new RpcError("The call needs a list of record ids as its first parameter.");
        }
        return list.stream().map(id -> integer(id, "id")).toList();
    }

    private static int integer(Object value, String what) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).intValue();
        }
        throw new RpcError("The value \"" + value + "\" for \"" + what + "\" is not an integer id.");
    }

    private static Integer optionalInteger(Object value) {
        return value == null ? null : integer(value, "id");
    }

    private static BigDecimal decimal(Object value, String field) {
        Object normalized = TrytonDomain.normalize(value);
        if (normalized instanceof BigDecimal decimal) {
            return decimal;
        }
        throw new RpcError("The value \"" + value + "\" for field \"" + field + "\" is not a number.");
    }

    private static void checkText(Object value, String field) {
        if (value != null && !(value instanceof String)) {
            throw new RpcError("The value \"" + value + "\" for field \"" + field + "\" is not a text.");
        }
    }

    private ProductRow productByCode(String code) {
        return products.stream().filter(p -> p.code().equals(code)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("The ERP simulator has no product " + code));
    }

    private Sale view(SaleRow sale) {
        String partyCode = parties.get(sale.party - 1).code();
        List<SaleLine> lines = sale.lines.stream().map(saleLines::get)
                .map(l -> new SaleLine(l.id(), products.get(l.product() - 1).code(), l.quantity(),
                        l.unitPrice()))
                .toList();
        return new Sale(sale.id, sale.number, sale.reference, partyCode, sale.state, lines);
    }

    private static RpcError required(String field, String model) {
        return new RpcError("A value is required for field \"" + field + "\" in \"" + model + "\".", "");
    }

    private static RpcError missing(int id, String field, String model) {
        return new RpcError("The value \"" + id + "\" for field \"" + field + "\" in \"" + model
                + "\" does not exist.", "");
    }

    private static RpcError notInDomain(String field, String model) {
        return new RpcError("The value for field \"" + field + "\" in \"" + model
                + "\" is not valid according to its domain.", "");
    }

    private static Map<String, Object> row(Object... namesAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    /** The calls to refuse, per JSON-RPC method: how many more, and with which status. */
    private static final class Refusals {

        private final Map<String, int[]> byMethod = new HashMap<>();

        synchronized void arm(String method, int times, int status) {
            byMethod.put(method, new int[] {times, status});
        }

        /** Returns the status to refuse this call of {@code method} with, or null to serve it. */
        synchronized Integer take(String method) {
            int[] left = byMethod.get(method);
            if (left == null || left[0] == 0) {
                return null;
            }
            left[0]--;
            return left[1];
        }
    }

    /** Settings for an {@link ErpSimulator}; every one has a default that suits the embedded demo. */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private SimulatorData data;
        private String database = "bridge";
        private String login = "sync";
        private String password;
        private Duration sessionLifetime = Duration.ofMinutes(10);
        private int port;

        private Builder() {
        }

        /** Sets the clock behind session expiry; defaults to the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets the seed rows; defaults to {@link SimulatorData#generate(Instant)} at the clock's now. */
        public Builder data(SimulatorData data) {
            this.data = Objects.requireNonNull(data, "data");
            return this;
        }

        /** Sets the database name in the URL path; defaults to {@code bridge}. */
        public Builder database(String database) {
            if (!database.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("database must be letters, digits, '_' or '-', got "
                        + database);
            }
            this.database = database;
            return this;
        }

        /** Sets the accepted login; defaults to {@code sync}. */
        public Builder login(String login) {
            this.login = Objects.requireNonNull(login, "login");
            return this;
        }

        /** Sets the accepted password; defaults to a random one readable via {@link #password()}. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Sets how long a session lives after login, whatever its use; defaults to ten minutes. */
        public Builder sessionLifetime(Duration sessionLifetime) {
            if (sessionLifetime.isNegative() || sessionLifetime.isZero()) {
                throw new IllegalArgumentException("sessionLifetime must be positive, got "
                        + sessionLifetime);
            }
            this.sessionLifetime = sessionLifetime;
            return this;
        }

        /** Sets the port on 127.0.0.1; defaults to 0, an ephemeral port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Makes the simulator; call {@link ErpSimulator#start()} to serve. */
        public ErpSimulator build() {
            return new ErpSimulator(this);
        }
    }
}
