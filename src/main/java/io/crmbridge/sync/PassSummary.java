package io.crmbridge.sync;

/**
 * The counts of one sync pass, as printed on the summary line.
 *
 * @param ordersCreated  CRM orders created as ERP sales
 * @param ordersExisting CRM orders whose ERP sale already existed
 * @param ordersFailed   CRM orders that could not be synced
 * @param stockUpdated   CRM products whose quantity was updated
 * @param stockFailed    CRM products that could not be updated
 * @param stockOneSided  products found on one side only and reported in this pass (each once until matched)
 * @param loginsCrm      logins to the CRM during the pass
 * @param loginsErp      logins to the ERP during the pass
 * @param flowsFailed    flows that stopped on an error before finishing
 */
public record PassSummary(long ordersCreated, long ordersExisting, long ordersFailed, long stockUpdated,
                          long stockFailed, long stockOneSided, long loginsCrm, long loginsErp,
                          long flowsFailed) {

    /** Tells whether nothing failed in the pass. */
    public boolean succeeded() {
        return ordersFailed == 0 && stockFailed == 0 && flowsFailed == 0;
    }

    /** Returns the summary line that scripts read. */
    public String line() {
        return "sync summary: orders.created=" + ordersCreated + " orders.existing=" + ordersExisting
                + " orders.failed=" + ordersFailed + " stock.updated=" + stockUpdated + " stock.failed=" + stockFailed
                + " stock.one-sided=" + stockOneSided + " logins.crm=" + loginsCrm + " logins.erp=" + loginsErp;
    }
}
