package io.crmbridge.sync;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one stock pass saw of the products on each side, to tell which exist on one side only: a salable ERP
 * product or a CRM {@code Product} whose code the other side lacks, or that has no code at all.
 *
 * <p>Each one-sided product has a key that stays the same from pass to pass, so that it is reported once, and
 * a warning that says what to do about it.
 */
final class OneSidedProducts {

    private final Map<String, Long> erpCodes = new TreeMap<>();
    private final Map<String, String> erpWithoutCode = new TreeMap<>();
    private final Map<String, String> crmCodes = new TreeMap<>();
    private final Map<String, String> crmWithoutCode = new TreeMap<>();

    /** Notes a salable ERP product; a blank code makes it one-sided on its own. */
    void erp(long id, String code, String name) {
        if (code.isBlank()) {
            erpWithoutCode.put(String.valueOf(id), "ERP product " + id + " '" + name + "' is salable but has no"
                    + " code, so its stock reaches no CRM product: give it the Code of its CRM Product");
        } else {
            erpCodes.put(code, id);
        }
    }

    /** Notes a CRM product; a blank code makes it one-sided on its own. */
    void crm(String id, String code, String name) {
        if (code.isBlank()) {
            crmWithoutCode.put(id, "CRM Product '" + name + "' (" + id + ") has no Code, so it receives no"
                    + " ERP stock: set its Code to the code of its ERP product");
        } else {
            crmCodes.put(code, id);
        }
    }

    /** Returns the warning of every one-sided product, by its key, in key order. */
    Map<String, String> warnings() {
        Map<String, String> warnings = new TreeMap<>();
        erpCodes.forEach((code, id) -> {
            if (!crmCodes.containsKey(code)) {
                warnings.put("erp-only:" + code, "ERP product " + code + " (" + id + ") is salable but no CRM"
                        + " Product has that Code, so its stock reaches no CRM product: create it in the CRM or"
                        + " correct the code in either system");
            }
        });
        crmCodes.forEach((code, id) -> {
            if (!erpCodes.containsKey(code)) {
                warnings.put("crm-only:" + code, "CRM Product " + code + " (" + id + ") has no salable ERP"
                        + " product with that code, so it receives no ERP stock: create the product in the ERP,"
                        + " mark it salable, or correct the Code");
            }
        });
        erpWithoutCode.forEach((id, warning) -> warnings.put("erp-without-code:" + id, warning));
        crmWithoutCode.forEach((id, warning) -> warnings.put("crm-without-code:" + id, warning));
        return warnings;
    }
}
