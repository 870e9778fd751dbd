package io.crmbridge.remote;

import io.crmbridge.BridgeNames;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RepliesTest {

    private static final String RAW_HEADER = "header:" + BridgeNames.RAW_RESPONSE + ".";

    @Test
    void giveBackAddress_dropsARawReplyThatReadNeverTook() throws Exception {
        // variableReceive keeps the request's headers with the reply, the credential sent among them
        try (CamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.setVariable(BridgeNames.URL, "http://127.0.0.1:9/odata/Product");
            exchange.setVariable(BridgeNames.HTTP_METHOD, "GET");
            exchange.setVariable("callersOwn", "kept");
            Replies replies = new Replies();
            replies.prepare(exchange);
            exchange.setVariable(BridgeNames.RAW_RESPONSE, "{\"value\":[]}");
            exchange.setVariable(RAW_HEADER + Exchange.HTTP_RESPONSE_CODE, 200);
            exchange.setVariable(RAW_HEADER + "Authorization", "Bearer sent-token");

            replies.giveBackAddress(exchange);

            assertThat(exchange.getVariables()).as("variables after the call")
                    .containsOnlyKeys(BridgeNames.URL, BridgeNames.HTTP_METHOD, "callersOwn");
            assertThat(exchange.getMessage().getHeaders()).as("headers after the call").isEmpty();
        }
    }
}
