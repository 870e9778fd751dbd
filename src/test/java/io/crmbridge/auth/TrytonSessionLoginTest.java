package io.crmbridge.auth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Tryton's JSON-RPC login against WireMock: what a refusal shows of the server's answer. */
class TrytonSessionLoginTest {

    @TempDir
    Path folder;

    private final LoginBench bench = new LoginBench();
    private final String password = "tryton-password-" + UUID.randomUUID();

    @AfterEach
    void stop() {
        bench.close();
    }

    @Test
    void refusalRepeatingThePasswordInALongTraceback_showsOneShortLine_withThePasswordAsStars() {
        String traceback = "no login for sync with " + password + "\\nTraceback (most recent call last):\\n"
                + "  File \\\"trytond/wsgi.py\\\", line 1\\n".repeat(60);
        bench.server.stubFor(post(urlEqualTo("/bridge/")).willReturn(okJson(
                "{\"id\":0,\"error\":[\"UserError\",[\"" + traceback + "\",\"\"]]}")));
        bench.startBridge(folder, Map.of("bridge.erp.base-url", bench.baseUrl(), "bridge.erp.database", "bridge",
                "bridge.erp.auth.login", "sync", "bridge.erp.auth.password", password));

        Exception error = bench.authorise("erp").getException();

        assertThat(error).isInstanceOf(LoginException.class)
                .hasMessageStartingWith("ERP login refused for user 'sync' at " + bench.baseUrl()
                        + "/bridge/: UserError: no login for sync with *** Traceback (most recent call last): File")
                .hasMessageEndingWith("...")
                .hasMessageNotContaining(password)
                .hasMessageNotContaining("\n");
        assertThat(error.getMessage().length()).as("message length").isLessThan(400);
        assertThat(bench.cachedJson("erp")).as("cached token").isNull();
    }
}
