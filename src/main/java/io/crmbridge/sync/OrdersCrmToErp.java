package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crmbridge.BridgeException;
import io.crmbridge.BridgeNames;
import io.crmbridge.Json;
import io.crmbridge.SystemSettings;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Java behind the {@code orders-crm-to-erp} route: reads CRM orders modified since the watermark, page by
 * page, creates each as a Tryton {@code sale.sale} whose {@code reference} is the CRM order Id, and writes the
 * ERP sale number back to the CRM order.
 *
 * <p>The watermark moves, and is saved, only after a page in which every order succeeded; after a failure the
 * pass reads on, and the next pass reads the failed order again (orders already in the ERP are skipped).
 */
public final class OrdersCrmToErp {

    private static final Logger LOG = LoggerFactory.getLogger(OrdersCrmToErp.class);
    private static final String CURSOR = "bridgeOrdersCursor";
    private static final String PAGE = "bridgeOrdersPage";
    private static final String HELD = "bridgeOrdersHeld";

    private final SystemSettings settings;
    private final CrmClient crm;
    private final ErpClient erp;
    private final WatermarkStore store;
    private final PassStats stats;
    private final Map<String, Party> parties = new ConcurrentHashMap<>();
    private final Map<String, Product> products = new ConcurrentHashMap<>();

    /** Creates the orders flow over the given clients and watermark store. */
    public OrdersCrmToErp(SystemSettings settings, CrmClient crm, ErpClient erp, WatermarkStore store,
                          PassStats stats) {
        this.settings = settings;
        this.crm = crm;
        this.erp = erp;
        this.store = store;
        this.stats = stats;
    }

    /** Starts a pass at the saved watermark; ERP look-ups are cached for one pass only. */
    public void beginPass(Exchange exchange) {
        parties.clear();
        products.clear();
        erp.resetContext();
        Instant start = settings.global("orders.start-from").map(OrdersCrmToErp::startFrom).orElse(Instant.EPOCH);
        exchange.setVariable(CURSOR, store.load(new Watermark(start, "")));
        exchange.setVariable(HELD, Boolean.FALSE);
        exchange.setVariable(BridgeNames.MORE_PAGES, Boolean.TRUE);
    }

    /** Reads the next page of orders after the cursor. */
    public List<JsonNode> readPage(Exchange exchange) {
        Watermark cursor = exchange.getVariable(CURSOR, Watermark.class);
        int top = crm.pageSize();
        List<JsonNode> orders = crm.query("Order", cursor.filterAfter(), "ModifiedOn asc,Id asc", top, 0);
        Watermark last = cursor;
        for (JsonNode order : orders) {
            last = keyOf(order).orElse(last);
        }
        // A page whose keys cannot move the cursor would be read again and again: stop paging instead.
        exchange.setVariable(BridgeNames.MORE_PAGES, orders.size() == top && !last.equals(cursor));
        exchange.setVariable(PAGE, new Page(last));
        LOG.debug("Read {} CRM orders after {}", orders.size(), cursor);
        return orders;
    }

    /**
     * Syncs one CRM order. A failure of the order alone is counted and logged once and the pass goes on; a
     * failure of a whole system (login refused, system down) stops the flow, since every order would fail alike.
     */
    public void syncOrder(JsonNode order, Exchange exchange) {
        Page page = exchange.getVariable(PAGE, Page.class);
        try {
            syncOrder(order);
        } catch (RuntimeException e) {
            page.failed = true;
            if (!Failures.isRecordFailure(e)) {
                throw e;
            }
            stats.orderFailed();
            LOG.error("CRM order {} not synced: {}", describe(order), BridgeException.describe(e));
        }
    }

    /** Moves the cursor past the page, and saves it as the watermark unless an order failed in this pass. */
    public void endPage(Exchange exchange) {
        Page page = exchange.getVariable(PAGE, Page.class);
        exchange.setVariable(CURSOR, page.last);
        if (page.failed) {
            exchange.setVariable(HELD, Boolean.TRUE);
        }
        if (!exchange.getVariable(HELD, Boolean.class)) {
            store.save(page.last);
        }
    }

    private void syncOrder(JsonNode order) {
        String orderId = text(order, "Id");
        if (keyOf(order).isEmpty()) {
            throw new RecordException("CRM order " + describe(order) + " has no readable ModifiedOn");
        }
        ArrayNode byReference = ErpClient.domain(ErpClient.clause("reference", "=", orderId));
        List<JsonNode> existing = erp.searchRead("sale.sale", byReference, List.of("number", "state"), null,
                "looking up the sale for CRM order " + orderId);
        if (!existing.isEmpty()) {
            JsonNode sale = existing.get(0);
            if ("draft".equals(sale.path("state").asText())) {
                sale = quote(sale.path("id").asLong(), orderId);
            }
            stats.orderExisting();
            writeBack(order, sale);
            return;
        }

        ObjectNode values = saleValues(order, orderId);
        ArrayNode createParams = Json.MAPPER.createArrayNode();
        createParams.addArray().add(values);
        createParams.add(erp.context());
        JsonNode created = erp.call("model.sale.sale.create", createParams, "creating the sale for CRM order "
                + orderId);
        if (!created.isArray() || created.isEmpty()) {
            throw new RecordException("ERP answered the sale creation for CRM order " + orderId + " without an id");
        }
        JsonNode sale = quote(created.get(0).asLong(), orderId);
        stats.orderCreated();
        int lines = values.path("lines").get(0).get(1).size();
        LOG.info("Created ERP sale {} for CRM order {} with {} line{}", sale.path("number").asText(),
                describe(order), lines, lines == 1 ? "" : "s");
        writeBack(order, sale);
    }

    private ObjectNode saleValues(JsonNode order, String orderId) {
        Party party = partyFor(text(order, "AccountId"), orderId);
        ArrayNode lines = Json.MAPPER.createArrayNode();
        for (JsonNode line : orderLines(orderId)) {
            lines.add(saleLine(line, orderId));
        }
        if (lines.isEmpty()) {
            throw new RecordException("CRM order " + describe(order) + " has no OrderProduct lines");
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

    private List<JsonNode> orderLines(String orderId) {
        List<JsonNode> lines = new ArrayList<>();
        int top = crm.pageSize();
        List<JsonNode> page;
        do {
            page = crm.query("OrderProduct", "OrderId eq " + orderId, "Id asc", top, lines.size());
            lines.addAll(page);
        } while (page.size() == top);
        return lines;
    }

    private ObjectNode saleLine(JsonNode line, String orderId) {
        String lineId = text(line, "Id");
        Product product = productFor(text(line, "ProductId"), orderId);
        BigDecimal quantity = decimal(line, "Quantity", lineId);
        if (quantity.signum() <= 0) {
            throw new RecordException("CRM order " + orderId + " line " + lineId + " has quantity " + quantity
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

    private JsonNode quote(long saleId, String orderId) {
        ArrayNode params = Json.MAPPER.createArrayNode();
        params.addArray().add(saleId);
        params.add(erp.context());
        erp.call("model.sale.sale.quote", params, "quoting the sale for CRM order " + orderId);
        ArrayNode byId = ErpClient.domain(ErpClient.clause("id", "=", saleId));
        List<JsonNode> sales = erp.searchRead("sale.sale", byId, List.of("number", "state"), null,
                "reading the sale number for CRM order " + orderId);
        if (sales.isEmpty()) {
            throw new RecordException("ERP lost sale " + saleId + " of CRM order " + orderId);
        }
        return sales.get(0);
    }

    private void writeBack(JsonNode order, JsonNode sale) {
        String numberField = crm.field("order-erp-number", "UsrErpNumber");
        String stateField = crm.field("order-erp-state", "UsrErpState");
        String number = sale.path("number").asText("");
        String state = sale.path("state").asText("");
        if (number.equals(order.path(numberField).asText("")) && state.equals(order.path(stateField).asText(""))) {
            return;
        }
        ObjectNode fields = Json.MAPPER.createObjectNode();
        fields.put(numberField, number);
        fields.put(stateField, state);
        crm.patch("Order", text(order, "Id"), fields);
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
        String code = text(crm.get(crmEntity, crmId), "Code");
        List<JsonNode> found = erp.searchRead(erpModel, ErpClient.domain(ErpClient.clause("code", "=", code)),
                fields, null, "looking up " + noun + " " + code);
        if (found.isEmpty()) {
            throw new RecordException("ERP has no " + noun + " with code '" + code + "' (CRM " + crmEntity + " "
                    + crmId + ") for CRM order " + orderId);
        }
        return found.get(0);
    }

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

    private static Instant startFrom(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new BridgeException("Setting bridge.orders.start-from must be an ISO-8601 time with offset such as "
                    + "2026-01-01T00:00:00Z, not '" + value + "'");
        }
    }

    private static String text(JsonNode record, String field) {
        JsonNode value = record.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            throw new RecordException("CRM record " + describe(record) + " has no " + field);
        }
        return value.asText();
    }

    private static BigDecimal decimal(JsonNode record, String field, String recordId) {
        JsonNode value = record.get(field);
        if (value == null || !value.isNumber()) {
            throw new RecordException("CRM record " + recordId + " has no numeric " + field);
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

    /** The state of the page being synced, shared with the split's sub-exchanges. */
    static final class Page {
        private final Watermark last;
        private volatile boolean failed;

        Page(Watermark last) {
            this.last = Objects.requireNonNull(last);
        }
    }
}
