package io.crmbridge;

import io.crmbridge.remote.HttpReply;
import io.crmbridge.testsupport.BridgeTest;
import io.crmbridge.testsupport.Simulators;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** Routes customised as the README says: a copy of the whole routes folder, pointed at by the route pattern. */
class CustomRoutesTest extends BridgeTest {

    @Test
    void editedCopyOfTheRoutesFolder_runsInPlaceOfTheShippedRoutes() throws Exception {
        Path routes = copyOfTheRoutes();
        // An edit a user might make: a step of its own before the HTTP call
        Path authorizedCall = routes.resolve("authorized-call.yaml");
        String shipped = Files.readString(authorizedCall);
        String step = "              - process:\n                  ref: prepareRequest\n";
        assertThat(shipped).as("the shipped authorized-call.yaml").contains(step);
        Files.writeString(authorizedCall, shipped.replace(step, step
                + "              - setVariable:\n                  name: customisedBy\n"
                + "                  constant: my-routes\n"));
        systems = Simulators.start(folder);
        startBridgeWith(Map.of("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml"));

        for (String entitySet : new String[] {"Product", "NoSuchEntitySet"}) {
            Exchange result = bridge.template().request(BridgeNames.CALL_ENDPOINT, exchange -> {
                exchange.setVariable(BridgeNames.SYSTEM, "crm");
                exchange.setVariable(BridgeNames.HTTP_METHOD, "GET");
                exchange.setVariable(BridgeNames.URL, systems.crm.odataUrl() + entitySet);
            });

            assertThat(result.getVariable("customisedBy")).as("the edited step ran, " + entitySet)
                    .isEqualTo("my-routes");
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
