package io.crmbridge;

import io.crmbridge.remote.HttpReply;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** Routes customised as the README says: a copy of the whole routes folder, pointed at by the route pattern. */
class CustomRoutesTest extends BridgeTest {

    @Test
    void copyOfAuthorizedCallMadeBeforeItsCleanUpStep_stillCallsAndLeavesNoCredential() throws Exception {
        Path routes = copyOfTheRoutes();
        try (InputStream earlier = Objects.requireNonNull(
                getClass().getResourceAsStream("/earlier-routes/authorized-call.yaml"))) {
            Files.copy(earlier, routes.resolve("authorized-call.yaml"), StandardCopyOption.REPLACE_EXISTING);
        }
        systems = Simulators.start(folder);
        startBridgeWith(Map.of("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml"));
        assertThat(bridge.context().getRoute("authorized-call").getSourceLocation())
                .as("where authorized-call came from").startsWith("file:" + routes);

        for (String entitySet : new String[] {"Product", "NoSuchEntitySet"}) {
            Exchange result = bridge.template().request(BridgeNames.CALL_ENDPOINT, exchange -> {
                exchange.setVariable(BridgeNames.SYSTEM, "crm");
                exchange.setVariable(BridgeNames.HTTP_METHOD, "GET");
                exchange.setVariable(BridgeNames.URL, systems.crm.odataUrl() + entitySet);
            });

            if (entitySet.equals("Product")) {
                assertThat(result.getException()).as("call to Product").isNull();
                assertThat(result.getVariable(BridgeNames.RESPONSE, HttpReply.class).status()).isEqualTo(200);
            } else {
                assertThat(result.getException()).as("call to NoSuchEntitySet")
                        .hasMessageStartingWith("CRM answered HTTP 404");
            }
            assertThat(result.getMessage().getHeaders()).as("headers after the call to " + entitySet)
                    .doesNotContainKeys("Authorization", Exchange.HTTP_URI, Exchange.HTTP_METHOD);
            assertThat(result.getVariables()).as("variables after the call to " + entitySet)
                    .doesNotContainKey(BridgeNames.TOKEN);
        }
    }

    private Path copyOfTheRoutes() throws IOException, URISyntaxException {
        Path shipped = Path.of(Objects.requireNonNull(getClass().getResource("/routes")).toURI());
        Path copy = Files.createDirectories(folder.resolve("my-routes"));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shipped, "*.yaml")) {
            for (Path file : files) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }
}
