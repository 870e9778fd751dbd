package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.BridgeNames;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import io.crmbridge.remote.HttpCalls;
import io.crmbridge.remote.RemoteCallException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Java behind the {@code orders-crm-to-erp} route: reads CRM orders modified since the watermark, a page at a
 * time, creates each as a Tryton {@code sale.sale} whose {@code reference} is the CRM order Id, and writes the
 * ERP sale number and state back to the CRM order.
 *
 * <p>A page costs a handful of ERP calls whatever its size: one look-up of the page's references, one create,
 * one quote and one read. Every page starts with the look-up, so syncing a page again (a redelivery, a restart
 * after a crash, the next pass) finds the sales already created instead of creating them twice. A create that
 * ended without an answer is not redelivered: the ERP may still be creating those sales, so the flow stops for
 * the pass and the next pass looks them up.
 *
 * <p>An order that cannot be synced goes to the {@link DeadLetters} and the others go on. The watermark moves,
 * and is saved, after each page; a failure of a whole system stops the flow before the page ends, so the
 * watermark never passes an order that was not synced or dead-lettered.
 */
public final class OrdersCrmToErp {

    /** The entity of the records this flow reads, as dead letters name it. */
    public static final String ENTITY = "Order";

    private static final Logger LOG = LoggerFactory.getLogger(OrdersCrmToErp.class);
    private static final String CURSOR = "bridgeOrdersCursor";
    private static final String PAGE_END = "bridgeOrdersPageEnd";
    private static final List<String> SALE_FIELDS = List.of("reference", "number", "state");
    /** Order Ids per line query: keeps the URL of an {@code OrderId eq ... or ...} filter near 1,500 characters. */
    private static final int ORDERS_PER_LINE_QUERY = 25;
    private static final int LINES_PER_QUERY = 1000;
    private static final Duration DEFAULT_IN_DOUBT_WAIT = Duration.ofMinutes(15);

    /** Where the first pass starts without a saved watermark (bridge.orders.start-from), read at start. */
    private final Instant startFrom;
    private final CrmClient crm;
    private final ErpClient erp;
    private final WatermarkStore store;
    private final DeadLetters deadLetters;
    private final PassStats stats;
    private final InDoubtOrders inDoubt;
    /** How long an order in doubt waits for its sale to appear before it is created (bridge.orders.in-doubt-wait). */
    private final Duration inDoubtWait;
    private final Clock clock;
    /** The orders a page of this pass met: the orders in doubt among them are not looked up again by Id. */
    private final Set<String> metThisPass = ConcurrentHashMap.newKeySet();
    private final Map<String, Party> parties = new ConcurrentHashMap<>();
    private final Map<String, Product> products = new ConcurrentHashMap<>();

    /**
     * Creates the orders flow over the given clients, watermark store and dead letters.
     *
     * @throws BridgeException when bridge.orders.start-from is no ISO-8601 time with offset, or
     *                         bridge.orders.in-doubt-wait is 0
     */
    public OrdersCrmToErp(SystemSettings settings, CrmClient crm, ErpClient erp, WatermarkStore store,
                          DeadLetters deadLetters, InDoubtOrders inDoubt, PassStats stats, Clock clock) {
        this.startFrom = settings.global("orders.start-from").map(OrdersCrmToErp::readStartFrom)
                .orElse(Instant.EPOCH);
        this.inDoubtWait = settings.globalDuration("orders.in-doubt-wait", DEFAULT_IN_DOUBT_WAIT);
        if (inDoubtWait.isZero()) {
            // Without a wait, a sale the ERP is still creating would be created a second time
            throw new BridgeException("Setting bridge.orders.in-doubt-wait must be longer than 0");
        }
        this.crm = crm;
        this.erp = erp;
        this.store = store;
        this.deadLetters = deadLetters;
        this.inDoubt = inDoubt;
        this.stats = stats;
        this.clock = clock;
    }

    /** Starts a pass at the saved watermark; ERP look-ups are cached for one pass only. */
    public void beginPass(Exchange exchange) {
        // A damaged dead-letter file must stop the pass before it changes anything in the ERP.
        deadLetters.size();
        metThisPass.clear();
        parties.clear();
        products.clear();
        erp.resetContext();
        exchange.setVariable(CURSOR, store.load(new Watermark(startFrom, "")));
        exchange.setVariable(BridgeNames.MORE_PAGES, Boolean.TRUE);
    }

    /**
     * Syncs the orders in doubt that no page of this pass met, reading each from the CRM by its Id: the watermark
     * may have passed them while they waited for their sale to appear in the ERP. An order the CRM no longer gives
     * is dead-lettered and leaves the list.
     */
    public void syncInDoubt() {
        Map<String, Instant> doubts = inDoubt.load();
        doubts.keySet().removeAll(metThisPass);
        if (doubts.isEmpty()) {
            return;
        }
        Set<String> unreadable;
        try {
            unreadable = syncById(doubts.keySet());
        } finally {
            deadLetters.flush();
        }
        forgetDoubts(unreadable);
    }

    /** Reads the next page of orders after the cursor. */
    public List<JsonNode> readPage(Exchange exchange) {
        Watermark cursor = exchange.getVariable(CURSOR, Watermark.class);
        // Paged by key: a CRM that pages on its own gives a shorter page, and the next one starts after it
        CrmClient.Page page = crm.queryPage(ENTITY, cursor.filterAfter(), "ModifiedOn asc,Id asc", crm.pageSize());
        List<JsonNode> orders = page.records();
        Watermark last = cursor;
        for (JsonNode order : orders) {
            last = keyOf(order).orElse(last);
        }
        // A page whose keys cannot move the cursor would be read again and again: stop paging instead.
        exchange.setVariable(BridgeNames.MORE_PAGES, page.more() && !last.equals(cursor));
        exchange.setVariable(PAGE_END, last);
        LOG.debug("Read {} CRM orders after {}", orders.size(), cursor);
        return orders;
    }

    /**
     * Syncs a page of CRM orders. An order that fails alone is dead-lettered and the page goes on; a failure of a
     * whole system (login refused, system down or not answering) is thrown, since every order would fail alike.
     * So is a page holding an order without an Id: such an order could be neither synced nor kept as a dead letter,
     * and the CRM always sends one, so the answer itself is wrong; the page is read again by the next pass.
     */
    public void syncPage(List<JsonNode> orders) {
        for (JsonNode order : orders) {
            String id = order.path("Id").asText("");
            if (!CrmClient.isKey(id)) {
                String number = order.path("Number").asText("");
                throw new BridgeException("CRM answered " + (number.isEmpty() ? "an order" : "order " + number)
                        + (id.isEmpty() ? " without an Id" : " with an Id that is no GUID")
                        + ": the orders flow stops before this page, which the next pass reads again");
            }
        }
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode order : orders) {
            String id = order.get("Id").asText();
            metThisPass.add(id);
            if (keyOf(order).isEmpty()) {
                failed(order, new RecordException("CRM order " + describe(order) + " has no readable ModifiedOn"));
            } else {
                byId.put(id, order);
            }
        }
        if (byId.isEmpty()) {
            return;
        }

        Map<String, JsonNode> sales = salesByReference(byId.keySet());
        Set<String> waiting = settleDoubts(byId, sales);
        Map<String, ObjectNode> newSales = newSales(byId, sales, waiting);
        Map<String, Long> created = create(newSales, byId);
        Map<Long, String> drafts = new LinkedHashMap<>();
        created.forEach((orderId, saleId) -> drafts.put(saleId, orderId));
        sales.forEach((orderId, sale) -> {
            if ("draft".equals(sale.path("state").asText())) {
                drafts.put(sale.path("id").asLong(), orderId);
            }
        });
        Map<String, RuntimeException> unquoted = quote(drafts);
        if (!drafts.isEmpty()) {
            sales.putAll(salesById(drafts.keySet()));
        }

        Map<String, JsonNode> synced = new LinkedHashMap<>();
        for (JsonNode order : byId.values()) {
            String orderId = order.get("Id").asText();
            JsonNode sale = sales.get(orderId);
            if (unquoted.containsKey(orderId)) {
                failed(order, unquoted.get(orderId));
            } else if (sale != null) {
                synced.put(orderId, sale);
            } else if (created.containsKey(orderId)) {
                failed(order, new RecordException("ERP lost sale " + created.get(orderId) + " of CRM order "
                        + describe(order) + " right after creating it"));
            }
        }
        Map<String, RuntimeException> notWritten = writeBack(byId, synced);
        synced.keySet().forEach(orderId -> {
            if (notWritten.containsKey(orderId)) {
                failed(byId.get(orderId), notWritten.get(orderId));
            } else {
                succeeded(byId.get(orderId), synced.get(orderId), created.containsKey(orderId));
            }
        });
        if (created.size() == 1) {
            LOG.info("Created 1 ERP sale for the CRM order {}", describe(byId.get(created.keySet().iterator().next())));
        } else if (!created.isEmpty()) {
            LOG.info("Created {} ERP sales for the CRM orders from {} to {}", created.size(),
                    describe(byId.get(created.keySet().iterator().next())),
                    describe(byId.get(List.copyOf(created.keySet()).get(created.size() - 1))));
        }
    }

    /** Moves the cursor past the page and saves it as the watermark, after the page's dead letters. */
    public void endPage(Exchange exchange) {
        Watermark last = exchange.getVariable(PAGE_END, Watermark.class);
        exchange.setVariable(CURSOR, last);
        deadLetters.flush();
        store.save(last);
    }

    /**
     * Syncs the orders in the dead-letter file again, reading each from the CRM as it is now; returns how many
     * are still dead letters afterwards. An order the CRM no longer has stays a dead letter with that reason.
     */
    public int replay() {
        List<DeadLetter> letters = deadLetters.list(CrmClient.SYSTEM, ENTITY);
        LOG.info("Replaying {} dead-lettered CRM order{}", letters.size(), letters.size() == 1 ? "" : "s");
        parties.clear();
        products.clear();
        erp.resetContext();
        try {
            syncById(letters.stream().map(DeadLetter::recordId).toList());
        } finally {
            deadLetters.flush();
        }
        return deadLetters.list(CrmClient.SYSTEM, ENTITY).size();
    }

    /**
     * Reads orders by Id and syncs them a page at a time; an order the CRM cannot give is dead-lettered with the
     * reason. Returns the Ids of those.
     */
    private Set<String> syncById(Collection<String> orderIds) {
        Set<String> unreadable = new LinkedHashSet<>();
        List<JsonNode> orders = new ArrayList<>();
        for (String orderId : orderIds) {
            try {
                orders.add(crm.get(ENTITY, orderId));
            } catch (RuntimeException e) {
                deadLetter(orderId, orderId, e);
                unreadable.add(orderId);
            }
            if (orders.size() == crm.pageSize()) {
                syncPage(orders);
                orders.clear();
            }
        }
        syncPage(orders);
        return unreadable;
    }

    // ---- the steps of a page ---------------------------------------------------------------------------------

    /**
     * Takes the page's orders in doubt off the list once their sale has appeared, and returns those that still
     * wait for it: none is created before {@code bridge.orders.in-doubt-wait} has passed since its create went
     * unanswered. One whose wait is over is created again, and leaves the list once created.
     */
    private Set<String> settleDoubts(Map<String, JsonNode> orders, Map<String, JsonNode> sales) {
        Map<String, Instant> doubts = inDoubt.load();
        if (doubts.isEmpty()) {
            return Set.of();
        }
        Instant now = clock.instant();
        Set<String> waiting = new LinkedHashSet<>();
        boolean settled = false;
        for (String orderId : orders.keySet()) {
            Instant since = doubts.get(orderId);
            if (since != null && sales.containsKey(orderId)) {
                doubts.remove(orderId);
                settled = true;
            } else if (since != null && now.isBefore(since.plus(inDoubtWait))) {
                waiting.add(orderId);
            }
        }
        if (settled) {
            inDoubt.save(doubts);
        }
        if (!waiting.isEmpty()) {
            LOG.warn("{} CRM order{} ({}) wait for the ERP, which did not answer creating their sales: the bridge "
                    + "looks for them on every pass and creates any still missing {} after that create",
                    waiting.size(), waiting.size() == 1 ? "" : "s",
                    waiting.stream().map(orderId -> describe(orders.get(orderId))).toList(), inDoubtWait);
        }
        return waiting;
    }

    /** Takes orders off the list of orders in doubt. */
    private void forgetDoubts(Collection<String> orderIds) {
        if (orderIds.isEmpty()) {
            return;
        }
        Map<String, Instant> doubts = inDoubt.load();
        if (doubts.keySet().removeAll(orderIds)) {
            inDoubt.save(doubts);
        }
    }

    /**
     * Finds the ERP sale of each CRM order by its reference. More than one sale for an order (one made by hand, or
     * left by an ERP that went on creating after the bridge stopped waiting) is reported; the first is used.
     */
    private Map<String, JsonNode> salesByReference(Collection<String> orderIds) {
        List<JsonNode> found = erp.searchRead("sale.sale",
                ErpClient.domain(ErpClient.clause("reference", "in", orderIds)), SALE_FIELDS, null,
                "looking up the sales for " + orderIds.size() + " CRM orders");
        Map<String, List<JsonNode>> byReference = new LinkedHashMap<>();
        for (JsonNode sale : found) {
            byReference.computeIfAbsent(sale.path("reference").asText(), key -> new ArrayList<>()).add(sale);
        }
        Map<String, JsonNode> first = new LinkedHashMap<>();
        byReference.forEach((orderId, sales) -> {
            first.put(orderId, sales.get(0));
            if (sales.size() > 1) {
                LOG.warn("CRM order {} has {} ERP sales ({}); the bridge keeps to sale {}: check the others in the ERP",
                        orderId, sales.size(), sales.stream().map(sale -> sale.path("id").asText()).toList(),
                        sales.get(0).path("id").asText());
            }
        });
        return first;
    }

    private Map<String, JsonNode> salesById(Collection<Long> saleIds) {
        List<JsonNode> found = erp.searchRead("sale.sale", ErpClient.domain(ErpClient.clause("id", "in", saleIds)),
                SALE_FIELDS, null, "reading the numbers of " + saleIds.size() + " new sales");
        Map<String, JsonNode> byReference = new LinkedHashMap<>();
        found.forEach(sale -> byReference.put(sale.path("reference").asText(), sale));
        return byReference;
    }

    /** Builds the ERP values of every order that has no sale yet; an order that cannot be built is dead-lettered. */
    private Map<String, ObjectNode> newSales(Map<String, JsonNode> orders, Map<String, JsonNode> sales,
                                             Set<String> waiting) {
        List<String> missing = orders.keySet().stream()
                .filter(id -> !sales.containsKey(id) && !waiting.contains(id)).toList();
        Map<String, List<JsonNode>> lines = linesOf(missing);
        Map<String, ObjectNode> values = new LinkedHashMap<>();
        for (String orderId : missing) {
            JsonNode order = orders.get(orderId);
            try {
                values.put(orderId, saleValues(order, orderId, lines.getOrDefault(orderId, List.of())));
            } catch (RuntimeException e) {
                failed(order, e);
            }
        }
        return values;
    }

    /**
     * Creates the sales in one call, which Tryton runs in one transaction. When the ERP refuses it, one sale must
     * be at fault: each is then created alone, so only the faulty order is dead-lettered.
     */
    private Map<String, Long> create(Map<String, ObjectNode> newSales, Map<String, JsonNode> orders) {
        Map<String, Long> created = new LinkedHashMap<>();
        if (newSales.isEmpty()) {
            return created;
        }
        try {
            String what = newSales.size() == 1 ? "the sale for CRM order " + newSales.keySet().iterator().next()
                    : newSales.size() + " sales";
            List<Long> ids = createSales(newSales.values(), what);
            int i = 0;
            for (String orderId : newSales.keySet()) {
                created.put(orderId, ids.get(i++));
            }
            return created;
        } catch (RuntimeException refused) {
            // A business error, or a 4xx answer about the request: one sale is at fault. Anything else stops the page.
            if (!Failures.isRecordFailure(refused)) {
                throw refused;
            }
            if (newSales.size() == 1) {
                failed(orders.get(newSales.keySet().iterator().next()), refused);
                return created;
            }
            LOG.debug("ERP refused creating {} sales at once; creating them one by one", newSales.size());
        }
        newSales.forEach((orderId, values) -> {
            try {
                created.put(orderId, createSales(List.of(values), "the sale for CRM order " + orderId).get(0));
            } catch (RuntimeException e) {
                failed(orders.get(orderId), e);
            }
        });
        return created;
    }

    /**
     * Creates sales in one ERP call. A create is the one call that must not run twice: when it ends without an
     * answer after it may have reached the ERP (a timeout, a dropped connection, a 5xx), the ERP may still be
     * creating the sales, where a redelivery's look-up cannot see them yet. So the orders are put on the list of
     * orders in doubt before the call is sent, and taken off once the ERP has answered or refused it; when it
     * went unanswered they stay there and the flow stops for this pass instead of being redelivered.
     */
    private List<Long> createSales(Collection<ObjectNode> values, String what) {
        ArrayNode params = Json.MAPPER.createArrayNode();
        params.addArray().addAll(values);
        params.add(erp.context());
        List<String> orderIds = values.stream().map(sale -> sale.path("reference").asText()).toList();
        Map<String, Instant> doubts = inDoubt.load();
        Instant sent = clock.instant();
        orderIds.forEach(orderId -> doubts.put(orderId, sent));
        inDoubt.save(doubts);
        JsonNode answer;
        try {
            answer = erp.call("model.sale.sale.create", params, "creating " + what);
        } catch (RemoteCallException e) {
            if (!createMayHaveRun(e)) {
                forgetDoubts(orderIds);
                throw e;
            }
            throw new BridgeException(e.getMessage() + " while creating " + what + ": the ERP may have created "
                    + (values.size() == 1 ? "it" : "them") + " all the same, so the orders flow stops for this pass;"
                    + " the orders are looked up on every pass and created only if still missing " + inDoubtWait
                    + " later", e);
        } catch (ErpBusinessException refused) {
            forgetDoubts(orderIds);
            throw refused;
        }
        if (!answer.isArray() || answer.size() != values.size()) {
            throw new BridgeException("ERP answered creating " + what + " without one id per sale");
        }
        forgetDoubts(orderIds);
        List<Long> ids = new ArrayList<>(values.size());
        answer.forEach(id -> ids.add(id.asLong()));
        return ids;
    }

    /**
     * Quotes draft sales in one call. When the ERP refuses it, each is quoted alone, and the refused ones are
     * returned by CRM order Id: their sales stay drafts, which the next attempt finds and quotes.
     */
    private Map<String, RuntimeException> quote(Map<Long, String> drafts) {
        Map<String, RuntimeException> refused = new LinkedHashMap<>();
        if (drafts.isEmpty()) {
            return refused;
        }
        try {
            quoteSales(drafts.keySet(), drafts.size() + " sales");
            return refused;
        } catch (ErpBusinessException e) {
            if (drafts.size() == 1) {
                refused.put(drafts.values().iterator().next(), e);
                return refused;
            }
        }
        drafts.forEach((saleId, orderId) -> {
            try {
                quoteSales(List.of(saleId), "the sale for CRM order " + orderId);
            } catch (ErpBusinessException e) {
                refused.put(orderId, e);
            }
        });
        return refused;
    }

    private void quoteSales(Collection<Long> saleIds, String what) {
        ArrayNode params = Json.MAPPER.createArrayNode();
        ArrayNode ids = params.addArray();
        saleIds.forEach(ids::add);
        params.add(erp.context());
        erp.call("model.sale.sale.quote", params, "quoting " + what);
    }

    /** Counts a synced order and forgets any dead letter it left. */
    private void succeeded(JsonNode order, JsonNode sale, boolean created) {
        if (created) {
            stats.orderCreated();
            LOG.debug("Created ERP sale {} for CRM order {}", sale.path("number").asText(), describe(order));
        } else {
            stats.orderExisting();
        }
        if (deadLetters.remove(CrmClient.SYSTEM, ENTITY, order.get("Id").asText())) {
            LOG.info("CRM order {} is synced now and no longer a dead letter", describe(order));
        }
    }

    /** Dead-letters an order that failed alone; rethrows a failure of a whole system. */
    private void failed(JsonNode order, RuntimeException error) {
        deadLetter(order.get("Id").asText(), describe(order), error);
    }

    /**
     * Keeps an order that failed alone in the dead letters, where it waits for a replay, so it also leaves the
     * orders in doubt; a failure of a whole system is thrown instead.
     */
    private void deadLetter(String orderId, String described, RuntimeException error) {
        if (!Failures.isRecordFailure(error)) {
            throw error;
        }
        stats.orderFailed();
        DeadLetter letter = deadLetters.add(CrmClient.SYSTEM, ENTITY, orderId, BridgeException.describe(error));
        LOG.error("CRM order {} not synced (attempt {}, kept in the dead letters): {}", described,
                letter.attempts(), letter.reason());
        forgetDoubts(List.of(orderId));
    }

    /**
     * Tells whether a create that failed with {@code error} may have run in the ERP: not when no connection was
     * made, nor after 408 or 429, which a server answers without acting on the request.
     */
    private static boolean createMayHaveRun(RemoteCallException error) {
        int status = error.status();
        if (status == 0) {
            return HttpCalls.mayHaveReachedTheServer(error);
        }
        return status >= 500;
    }

    // ---- sale values -----------------------------------------------------------------------------------------

    private Map<String, List<JsonNode>> linesOf(List<String> orderIds) {
        Map<String, List<JsonNode>> lines = new LinkedHashMap<>();
        for (int from = 0; from < orderIds.size(); from += ORDERS_PER_LINE_QUERY) {
            List<String> chunk = orderIds.subList(from, Math.min(orderIds.size(), from + ORDERS_PER_LINE_QUERY));
            String filter = String.join(" or ", chunk.stream().map(id -> "OrderId eq " + id).toList());
            int read = 0;
            List<JsonNode> page;
            do {
                page = crm.query("OrderProduct", filter, "OrderId asc,Id asc", LINES_PER_QUERY, read);
                read += page.size();
                page.forEach(line -> lines.computeIfAbsent(line.path("OrderId").asText(), id -> new ArrayList<>())
                        .add(line));
            } while (page.size() == LINES_PER_QUERY);
        }
        return lines;
    }

    private ObjectNode saleValues(JsonNode order, String orderId, List<JsonNode> orderLines) {
        if (orderLines.isEmpty()) {
            throw new RecordException("CRM order " + describe(order) + " has no OrderProduct lines");
        }
        Party party = partyFor(text(order, "AccountId", "order " + describe(order)), orderId);
        ArrayNode lines = Json.MAPPER.createArrayNode();
        for (JsonNode line : orderLines) {
            lines.add(saleLine(line, orderId));
        }
        ObjectNode values = Json.MAPPER.createObjectNode();
        values.put("party", party.id);
        values.put("invoice_address", party.addressId);
        values.put("shipment_address", party.addressId);
        values.put("reference", orderId);
        values.put("description", "CRM order " + order.path("Number").asText(orderId));
        values.putArray("lines").addArray().add("create").add(lines);
        return values;
    }

    private ObjectNode saleLine(JsonNode line, String orderId) {
        String lineId = "OrderProduct " + line.path("Id").asText("without Id") + " of CRM order " + orderId;
        Product product = productFor(text(line, "ProductId", lineId), orderId);
        BigDecimal quantity = decimal(line, "Quantity", lineId);
        if (quantity.signum() <= 0) {
            throw new RecordException("CRM " + lineId + " has quantity " + quantity
                    + "; only positive quantities can be sold");
        }
        BigDecimal price = decimal(line, "Price", lineId);
        ObjectNode values = Json.MAPPER.createObjectNode();
        values.put("product", product.id);
        values.put("quantity", quantity);
        values.put("unit", product.unitId);
        ObjectNode unitPrice = values.putObject("unit_price");
        unitPrice.put("__class__", "Decimal");
        unitPrice.put("decimal", price.toPlainString());
        return values;
    }

    /**
     * Writes each sale's number and state to its CRM order where they differ, and returns the orders the CRM
     * refused to change.
     */
    private Map<String, RuntimeException> writeBack(Map<String, JsonNode> orders, Map<String, JsonNode> sales) {
        String numberField = crm.field("order-erp-number", "UsrErpNumber");
        String stateField = crm.field("order-erp-state", "UsrErpState");
        Map<String, ObjectNode> changes = new LinkedHashMap<>();
        sales.forEach((orderId, sale) -> {
            JsonNode order = orders.get(orderId);
            String number = sale.path("number").asText("");
            String state = sale.path("state").asText("");
            if (!number.equals(order.path(numberField).asText("")) || !state.equals(order.path(stateField)
                    .asText(""))) {
                ObjectNode fields = Json.MAPPER.createObjectNode();
                fields.put(numberField, number);
                fields.put(stateField, state);
                changes.put(orderId, fields);
            }
        });
        return changes.isEmpty() ? Map.of() : crm.patchAll(ENTITY, changes);
    }

    private Party partyFor(String accountId, String orderId) {
        return parties.computeIfAbsent(accountId, id -> {
            JsonNode party = erpRecordByCode("Account", id, "party.party", "party", List.of("code", "addresses"),
                    orderId);
            JsonNode addresses = party.path("addresses");
            if (!addresses.isArray() || addresses.isEmpty()) {
                throw new RecordException("ERP party '" + party.path("code").asText() + "' has no address to "
                        + "invoice CRM order " + orderId);
            }
            return new Party(party.path("id").asLong(), addresses.get(0).asLong());
        });
    }

    private Product productFor(String productId, String orderId) {
        return products.computeIfAbsent(productId, id -> {
            JsonNode product = erpRecordByCode("Product", id, "product.product", "product",
                    List.of("code", "default_uom"), orderId);
            return new Product(product.path("id").asLong(), product.path("default_uom").asLong());
        });
    }

    /** Reads the {@code Code} of a CRM record and finds the ERP record with the same {@code code}. */
    private JsonNode erpRecordByCode(String crmEntity, String crmId, String erpModel, String noun,
                                     List<String> fields, String orderId) {
        String code = text(crm.get(crmEntity, crmId), "Code", crmEntity + " " + crmId + " (of CRM order " + orderId
                + ")");
        List<JsonNode> found = erp.searchRead(erpModel, ErpClient.domain(ErpClient.clause("code", "=", code)),
                fields, null, "looking up " + noun + " " + code);
        if (found.isEmpty()) {
            throw new RecordException("ERP has no " + noun + " with code '" + code + "' (CRM " + crmEntity + " "
                    + crmId + ") for CRM order " + orderId);
        }
        return found.get(0);
    }

    // ---- reading CRM records ---------------------------------------------------------------------------------

    /** Returns the (ModifiedOn, Id) key of an order, or empty when either is missing or unreadable. */
    private static Optional<Watermark> keyOf(JsonNode order) {
        String id = order.path("Id").asText("");
        String modifiedOn = order.path("ModifiedOn").asText("");
        if (id.isBlank() || modifiedOn.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Watermark(OffsetDateTime.parse(modifiedOn).toInstant(), id));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Instant readStartFrom(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new BridgeException("Setting bridge.orders.start-from must be an ISO-8601 time with offset such as "
                    + "2026-01-01T00:00:00Z, not '" + value + "'");
        }
    }

    private static String text(JsonNode record, String field, String what) {
        JsonNode value = record.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            throw new RecordException("CRM " + what + " has no " + field);
        }
        return value.asText();
    }

    private static BigDecimal decimal(JsonNode record, String field, String what) {
        JsonNode value = record.get(field);
        if (value == null || !value.isNumber()) {
            throw new RecordException("CRM " + what + " has no " + field + " number"
                    + (value != null && value.isTextual() ? " (it has the text '" + value.asText() + "')" : ""));
        }
        return value.decimalValue();
    }

    /** Names a CRM record by its number or code and its Id, whichever it has. */
    private static String describe(JsonNode record) {
        String name = record.path("Number").asText(record.path("Code").asText(""));
        String id = record.path("Id").asText("");
        if (name.isEmpty()) {
            return id.isEmpty() ? "without Id" : id;
        }
        return id.isEmpty() ? name + " (without Id)" : name + " (" + id + ")";
    }

    private record Party(long id, long addressId) {
    }

    private record Product(long id, long unitId) {
    }
}
