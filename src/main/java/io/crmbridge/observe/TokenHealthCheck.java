package io.crmbridge.observe;

import io.crmbridge.SystemSettings;
import io.crmbridge.auth.AuthStats;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Readiness of one system: DOWN when the system has no valid token and its last login failed, UP otherwise
 * (a valid token, or none yet and no failed login, so the next call may log in).
 *
 * <p>It is no liveness check: restarting the bridge does not mend a refused login.
 */
final class TokenHealthCheck extends AbstractHealthCheck {

    private final String system;
    private final Clock clock;
    private final AuthStats stats;

    /** Creates the check of {@code system}, judging expiry by {@code clock}. */
    TokenHealthCheck(CamelContext context, String system, Clock clock, AuthStats stats) {
        super("bridge", idOf(system));
        this.system = system;
        this.clock = clock;
        this.stats = stats;
        setCamelContext(context);
    }

    /** Returns the health check id of a system, such as {@code token-crm}. */
    static String idOf(String system) {
        return "token-" + system;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Optional<Instant> expiry = stats.expiresAt(system);
        boolean valid = expiry.filter(clock.instant()::isBefore).isPresent();
        builder.detail("system", system);
        expiry.ifPresent(instant -> builder.detail("token.expires.at", instant.toString()));

        if (!valid && stats.lastLoginFailed(system)) {
            builder.message(SystemSettings.label(system) + " has no valid token and its last login failed: "
                    + "the bridge log says why; the next call to " + SystemSettings.label(system)
                    + " logs in again");
            builder.down();
        } else {
            builder.up();
        }
    }
}
