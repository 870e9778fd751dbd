package io.crmbridge.testsupport;

import io.crmbridge.simulator.CrmSimulator;
import io.crmbridge.simulator.ErpSimulator;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Compares the CRM orders with the ERP sales that carry their Id as reference, as a person reconciling the two
 * systems would: each order has exactly one sale, in quotation, with the order's lines, and shows that sale's
 * number and state; no sale belongs to no order.
 */
public final class Reconciliation {

    private Reconciliation() {
    }

    /** Lists what is wrong between the two systems, one sentence per order; empty when they agree. */
    public static List<String> problems(CrmSimulator crm, ErpSimulator erp) {
        Map<String, List<ErpSimulator.Sale>> salesByReference = erp.sales().stream()
                .collect(Collectors.groupingBy(sale -> String.valueOf(sale.reference())));
        Map<Object, String> productCodes = new HashMap<>();
        crm.products().forEach(product -> productCodes.put(product.get("Id"), (String) product.get("Code")));

        List<String> problems = new ArrayList<>();
        Set<String> orderIds = new HashSet<>();
        for (Map<String, Object> order : crm.orders()) {
            String id = order.get("Id").toString();
            orderIds.add(id);
            String number = order.get("Number") + " (" + id + ")";
            List<ErpSimulator.Sale> sales = salesByReference.getOrDefault(id, List.of());
            if (sales.isEmpty()) {
                problems.add("CRM order " + number + " has no ERP sale");
                continue;
            }
            if (sales.size() > 1) {
                problems.add("CRM order " + number + " has " + sales.size() + " ERP sales: ids "
                        + sales.stream().map(sale -> String.valueOf(sale.id())).collect(Collectors.joining(", ")));
            }
            ErpSimulator.Sale sale = sales.get(0);
            if (!"quotation".equals(sale.state())) {
                problems.add("ERP sale " + sale.id() + " of CRM order " + number + " is in state " + sale.state()
                        + ", not quotation");
            }
            if (!Objects.equals(order.get("UsrErpNumber"), sale.number())
                    || !Objects.equals(order.get("UsrErpState"), sale.state())) {
                problems.add("CRM order " + number + " shows ERP number " + order.get("UsrErpNumber") + " and state "
                        + order.get("UsrErpState") + " instead of " + sale.number() + " and " + sale.state());
            }
            String crmLines = crmLines(crm.orderProducts(UUID.fromString(id)), productCodes);
            String erpLines = erpLines(sale);
            if (!crmLines.equals(erpLines)) {
                problems.add("ERP sale " + sale.id() + " has lines [" + erpLines + "] but CRM order " + number
                        + " has [" + crmLines + "]");
            }
        }
        salesByReference.keySet().stream().filter(reference -> !orderIds.contains(reference)).sorted()
                .forEach(reference -> problems.add("ERP sale with reference " + reference + " matches no CRM order"));
        return problems;
    }

    private static String crmLines(List<Map<String, Object>> lines, Map<Object, String> productCodes) {
        return lines.stream()
                .map(line -> line(productCodes.get(line.get("ProductId")), (BigDecimal) line.get("Quantity"),
                        (BigDecimal) line.get("Price")))
                .sorted().collect(Collectors.joining(", "));
    }

    private static String erpLines(ErpSimulator.Sale sale) {
        return sale.lines().stream().map(line -> line(line.productCode(), line.quantity(), line.unitPrice()))
                .sorted().collect(Collectors.joining(", "));
    }

    private static String line(String productCode, BigDecimal quantity, BigDecimal price) {
        return productCode + " x " + quantity.stripTrailingZeros().toPlainString() + " @ "
                + price.stripTrailingZeros().toPlainString();
    }
}
