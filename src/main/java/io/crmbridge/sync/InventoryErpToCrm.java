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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java behind the {@code inventory-erp-to-crm} route: reads the stock quantities of salable ERP products in
 * the configured locations and PATCHes the CRM {@code Product} records, matched by code, whose quantity changed.
 *
 * <p>A product found on one side only is reported with one WARN line when it becomes one-sided; the keys of
 * those reported are kept in a {@link OneSidedStore}, so neither the next pass nor a restart repeats the
 * line, and a product that is matched again drops out of it, so it is reported again if it loses its match
 * later.
 */
public final class InventoryErpToCrm {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryErpToCrm.class);
    private static final String STOCK = "bridgeStock";
    private static final String READ = "bridgeProductsRead";
    private static final String SIDES = "bridgeProductSides";
    /** Why the ERP stock of a code cannot be used, by product code. */
    private static final String UNUSABLE = "bridgeUnusableStock";

    /** The codes of the ERP stock locations whose quantities count, read at start (bridge.erp.stock-locations). */
    private final List<String> stockLocations;
    private final CrmClient crm;
    private final ErpClient erp;
    private final OneSidedStore oneSided;
    private final PassStats stats;

    /**
     * Creates the stock flow over the given clients, with the one-sided products reported so far in a store.
     *
     * @throws BridgeException when bridge.erp.stock-locations names no location code
     */
    public InventoryErpToCrm(SystemSettings settings, CrmClient crm, ErpClient erp, OneSidedStore oneSided,
                             PassStats stats) {
        this.stockLocations = stockLocations(settings);
        this.crm = crm;
        this.erp = erp;
        this.oneSided = oneSided;
        this.stats = stats;
    }

    /** Reads the ERP stock of every salable product, by product code, into the exchange. */
    public void readErpStock(Exchange exchange) {
        ObjectNode locations = Json.MAPPER.createObjectNode();
        locations.set("locations", locationIds());
        List<JsonNode> found = erp.searchRead("product.product",
                ErpClient.domain(ErpClient.clause("salable", "=", true)),
                List.of("code", "rec_name", "quantity"), locations, "reading stock quantities");
        Map<String, BigDecimal> stock = new HashMap<>();
        Map<String, String> unusable = new HashMap<>();
        Map<String, List<String>> idsByCode = new HashMap<>();
        OneSidedProducts sides = new OneSidedProducts();
        for (JsonNode product : found) {
            String code = product.path("code").asText("");
            String id = product.path("id").asText("");
            sides.erp(product.path("id").asLong(), code, product.path("rec_name").asText(""));
            if (code.isBlank()) {
                continue;
            }
            idsByCode.computeIfAbsent(code, key -> new ArrayList<>()).add(id);
            JsonNode quantity = product.path("quantity");
            if (quantity.isNumber()) {
                stock.put(code, quantity.decimalValue());
            } else {
                unusable.put(code, "ERP product " + code + " (" + id + ") has a quantity that is not a number: "
                        + shortened(quantity.isMissingNode() ? "none" : quantity.toString()));
            }
        }
        // Which of two products under one code holds the stock is not for the bridge to guess.
        idsByCode.forEach((code, ids) -> {
            if (ids.size() > 1) {
                stock.remove(code);
                unusable.put(code, "the ERP has " + ids.size() + " salable products with code " + code + " (ids "
                        + String.join(", ", ids) + ")");
            }
        });
        exchange.setVariable(STOCK, stock);
        exchange.setVariable(UNUSABLE, unusable);
        exchange.setVariable(SIDES, sides);
        exchange.setVariable(READ, 0);
        exchange.setVariable(BridgeNames.MORE_PAGES, Boolean.TRUE);
    }

    /** Reads the next page of CRM products. */
    public List<JsonNode> readPage(Exchange exchange) {
        int read = exchange.getVariable(READ, Integer.class);
        int top = crm.pageSize();
        String quantityField = quantityField();
        List<JsonNode> page = crm.query("Product", null, "Id asc", top, read);
        OneSidedProducts sides = exchange.getVariable(SIDES, OneSidedProducts.class);
        page.forEach(product -> sides.crm(product.path("Id").asText(""), product.path("Code").asText(""),
                product.path("Name").asText("")));
        exchange.setVariable(READ, read + page.size());
        exchange.setVariable(BridgeNames.MORE_PAGES, page.size() == top);
        LOG.debug("Read {} CRM products for field {}", page.size(), quantityField);
        return page;
    }

    /** Updates one CRM product when its ERP quantity differs; a failure is counted and logged once. */
    public void syncProduct(JsonNode product, Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, BigDecimal> stock = exchange.getVariable(STOCK, Map.class);
        String id = product.path("Id").asText("");
        String code = product.path("Code").asText("");
        String unusable = id.isBlank() ? null : (String) exchange.getVariable(UNUSABLE, Map.class).get(code);
        if (unusable != null) {
            stats.stockFailed();
            LOG.error("CRM product {} ({}) stock not updated: {}", code, id, unusable);
            return;
        }
        BigDecimal quantity = stock.get(code);
        if (quantity == null || id.isBlank()) {
            LOG.debug("CRM product {} ({}) has no stock in the ERP", code, id);
            return;
        }
        String field = quantityField();
        JsonNode current = product.get(field);
        if (current != null && current.isNumber() && current.decimalValue().compareTo(quantity) == 0) {
            return;
        }
        try {
            ObjectNode fields = Json.MAPPER.createObjectNode();
            fields.put(field, quantity);
            crm.patch("Product", id, fields);
            stats.stockUpdated();
            LOG.info("Updated CRM product {} ({}): {} {} -> {}", code, id, field,
                    current == null || current.isNull() ? "none" : current.asText(), quantity.toPlainString());
        } catch (RuntimeException e) {
            if (!Failures.isRecordFailure(e)) {
                throw e;
            }
            stats.stockFailed();
            LOG.error("CRM product {} ({}) stock not updated: {}", code, id, BridgeException.describe(e));
        }
    }

    /**
     * Reports, once each, the products that became one-sided in this pass; runs only after every CRM page was
     * read, since a product missing from a partial read is not known to be one-sided.
     */
    public void reportOneSided(Exchange exchange) {
        Map<String, String> warnings = exchange.getVariable(SIDES, OneSidedProducts.class).warnings();
        Set<String> reported = oneSided.load();
        warnings.forEach((key, warning) -> {
            if (!reported.contains(key)) {
                stats.stockOneSided();
                LOG.warn(warning);
            }
        });
        // Keeping only the current ones is what lets a product that was matched again be reported anew.
        if (!reported.equals(warnings.keySet())) {
            oneSided.save(warnings.keySet());
        }
    }

    /** A value as an error shows it: whole up to 40 characters. */
    private static String shortened(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }

    private static List<String> stockLocations(SystemSettings settings) {
        String codes = settings.optional(ErpClient.SYSTEM, "stock-locations").orElse("STO");
        List<String> wanted = Arrays.stream(codes.split(",")).map(String::trim).filter(c -> !c.isEmpty()).distinct()
                .toList();
        if (wanted.isEmpty()) {
            // No location would count every product's stock as 0 and write that to the CRM
            throw new BridgeException("Setting bridge.erp.stock-locations names no stock location code: '" + codes
                    + "'");
        }
        return wanted;
    }

    private ArrayNode locationIds() {
        List<JsonNode> found = erp.searchRead("stock.location",
                ErpClient.domain(ErpClient.clause("code", "in", stockLocations)), List.of("code"), null,
                "looking up stock locations " + String.join(",", stockLocations));
        if (found.size() != stockLocations.size()) {
            throw new RecordException("ERP has no stock location for some of the codes " + stockLocations
                    + " in bridge.erp.stock-locations");
        }
        ArrayNode ids = Json.MAPPER.createArrayNode();
        found.forEach(location -> ids.add(location.path("id").asLong()));
        return ids;
    }

    private String quantityField() {
        return crm.field("product-quantity", "UsrStockQuantity");
    }
}
