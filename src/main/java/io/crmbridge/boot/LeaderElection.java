package io.crmbridge.boot;

import io.crmbridge.BridgeException;
import io.crmbridge.SystemSettings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Adds the leader lock that the {@code master:} endpoint of route {@code sync-schedule} needs, as the
 * {@code bridge.cluster.*} settings describe it; Camel Main runs it as one of {@code camel.main.configuration-classes}.
 */
public final class LeaderElection implements CamelConfiguration {

    /** Shortest take-over time: a follower checks the lock six times within it, and each check reads a file. */
    private static final Duration SHORTEST_TAKE_OVER = Duration.ofSeconds(1);

    @Override
    public void configure(CamelContext context) throws Exception {
        // Started from BridgeApplication, Camel Main also finds this class by scanning the main class's package.
        if (context.hasService(LeaderLock.class) == null) {
            context.addService(fromSettings(new SystemSettings(context)));
        }
    }

    /** Creates the lock service that the {@code bridge.cluster.*} settings describe. */
    static LeaderLock fromSettings(SystemSettings settings) {
        Path folder = Path.of(settings.global("cluster.folder").orElse("data/cluster"));
        Duration takeOver = settings.globalDuration("cluster.take-over", Duration.ofSeconds(15));
        if (takeOver.compareTo(SHORTEST_TAKE_OVER) < 0) {
            throw new BridgeException("Setting bridge.cluster.take-over must be 1s or longer, not '"
                    + settings.global("cluster.take-over").orElse("") + "': set it to the longest time the "
                    + "bridges may go without a pass after their leader stops");
        }
        return new LeaderLock(folder, takeOver);
    }
}
