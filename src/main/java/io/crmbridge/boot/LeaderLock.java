package io.crmbridge.boot;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Camel's file lock cluster service as the bridge uses it: the instance that holds the lock in the shared folder is
 * the leader, and only the leader's {@code master:} schedule runs passes.
 *
 * <p>It logs one line when this instance becomes the leader and one when it stops being it, and while the bridge
 * stops it keeps the lock until the pass in flight has ended.
 */
final class LeaderLock extends FileLockClusterService {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderLock.class);

    private final Path folder;
    private final Duration takeOver;
    private final List<CamelClusterView> views = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> leading = new HashMap<>();

    /** Creates the service on {@code folder}; when the leader stops, another instance leads within {@code takeOver}. */
    LeaderLock(Path folder, Duration takeOver) {
        this.folder = folder.toAbsolutePath().normalize();
        this.takeOver = takeOver;
        // A follower tries the lock once per interval. A leader that was killed leaves its last heartbeat behind,
        // which the follower trusts for the heartbeat multiplier's worth of intervals, then one interval passes
        // until it tries again: that is multiplier + 1 intervals in all.
        long interval = takeOver.toMillis() / (getHeartbeatTimeoutMultiplier() + 1);
        setId("crm-erp-bridge");
        setRoot(this.folder.toString());
        setAcquireLockInterval(interval, TimeUnit.MILLISECONDS);
        setAcquireLockDelay(interval, TimeUnit.MILLISECONDS);
    }

    @Override
    protected FileLockClusterView createView(String namespace) throws Exception {
        FileLockClusterView view = super.createView(namespace);
        view.addEventListener((CamelClusterEventListener.Leadership) (changed, leader) -> report(changed));
        views.add(view);
        LOG.info("Scheduled passes of '{}' run only on the leader among the bridges sharing the lock folder {}; "
                + "when the leader stops, another one takes over within {} s", namespace, folder, seconds(takeOver));
        return view;
    }

    @Override
    public void releaseView(CamelClusterView view) throws Exception {
        CamelContext context = getCamelContext();
        if (context != null && context.isStopping()) {
            // The schedule lets go of the view as the bridge stops, while its last pass may still run: releasing
            // the lock now would let another instance start a pass beside it. The context stops this service, and
            // with it the lock, after its routes have finished their exchanges.
            return;
        }
        super.releaseView(view);
        report(view);
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        views.forEach(this::report);
    }

    /** Logs a change of this instance's leadership in the namespace of {@code view}, once per change. */
    private synchronized void report(CamelClusterView view) {
        boolean leader = view.getLocalMember().isLeader();
        boolean wasLeader = Boolean.TRUE.equals(leading.put(view.getNamespace(), leader));
        if (leader && !wasLeader) {
            LOG.info("This bridge is now the leader of '{}' and runs its scheduled passes", view.getNamespace());
        } else if (!leader && wasLeader) {
            LOG.info("This bridge is no longer the leader of '{}' and runs none of its scheduled passes",
                    view.getNamespace());
        }
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
