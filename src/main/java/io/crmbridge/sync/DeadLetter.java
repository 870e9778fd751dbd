package io.crmbridge.sync;

import java.time.Instant;

/**
 * A record the bridge could not sync and keeps for a replay: one JSON line in the dead-letter file.
 *
 * @param system   the system the record comes from, such as {@code crm}
 * @param entity   the record's entity in that system, such as {@code Order}
 * @param recordId the record's Id
 * @param reason   the sentence that explains the last failure
 * @param attempts how many times the record failed, counting replays
 * @param time     when it failed last
 */
public record DeadLetter(String system, String entity, String recordId, String reason, int attempts, Instant time) {
}
