package io.crmbridge.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that tests move by hand, so expiry can be checked without waiting. */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** Makes a UTC clock standing at {@code start}. */
    public MutableClock(Instant start) {
        this(new AtomicReference<>(start), ZoneOffset.UTC);
    }

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** Moves the clock forward (or back, for a negative amount) and gives the new instant. */
    public Instant advance(Duration amount) {
        return now.updateAndGet(instant -> instant.plus(amount));
    }

    /** Puts the clock at {@code instant}. */
    public void set(Instant instant) {
        now.set(instant);
    }

    /** Gives the instant the clock stands at. */
    @Override
    public Instant instant() {
        return now.get();
    }

    /** Gives the zone, UTC unless made by {@link #withZone}. */
    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** Gives a view in another zone that still moves with this clock. */
    @Override
    public Clock withZone(ZoneId other) {
        return new MutableClock(now, other);
    }
}
