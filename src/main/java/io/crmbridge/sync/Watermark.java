package io.crmbridge.sync;

import java.time.Instant;

/**
 * The key of the last CRM order synced: its {@code ModifiedOn} and, to break ties between orders modified at
 * the same instant, its {@code Id}.
 *
 * @param modifiedOn the order's ModifiedOn
 * @param id         the order's Id, or an empty string before any order
 */
public record Watermark(Instant modifiedOn, String id) {

    /**
     * Returns the OData filter for orders after this key: later {@code ModifiedOn}, or the same one and a
     * greater {@code Id}, so orders sharing a timestamp across a page boundary are neither skipped nor repeated.
     */
    public String filterAfter() {
        String time = modifiedOn.toString();
        if (id.isEmpty()) {
            return "ModifiedOn ge " + time;
        }
        return "ModifiedOn gt " + time + " or (ModifiedOn eq " + time + " and Id gt " + id + ")";
    }
}
