package io.crmbridge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.crmbridge.BridgeException;
import io.crmbridge.SystemSettings;
import io.crmbridge.remote.RemoteCalls;
import io.crmbridge.testsupport.BridgeRuntime;
import io.crmbridge.testsupport.BridgeSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A CRM's {@code @odata.nextLink}: followed when relative or on the CRM's own server, each record kept once; refused
 * where it would take the credential elsewhere, read another entity set, or never end.
 */
class CrmNextLinkTest {

    private static final String ORDERS = "/0/odata/Order";

    @TempDir
    Path folder;

    private final WireMockServer crm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private BridgeRuntime bridge;
    private CrmClient client;

    @BeforeEach
    void start() {
        crm.start();
        crm.stubFor(post(urlPathEqualTo("/connect/token")).willReturn(okJson(
                "{\"access_token\":\"crm-token-value\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
        String base = "http://127.0.0.1:" + crm.port();
        bridge = BridgeRuntime.start(BridgeSettings.withWatermark(folder.resolve("w.json"))
                .crm(base, base + "/connect/token", "bridge-test", "crm-secret-value").toMap(), Map.of());
        client = new CrmClient(new SystemSettings(bridge.context()), new RemoteCalls(bridge.context()));
    }

    @AfterEach
    void stop() {
        bridge.close();
        crm.stop();
    }

    @Test
    void relativeNextLink_isFollowed_untilThePageAskedForIsFull() {
        pageAnswers(null, "{\"value\":[{\"Id\":\"a\"}],\"@odata.nextLink\":\"Order?$skip=1&$top=2\"}");
        pageAnswers("1", "{\"value\":[{\"Id\":\"b\"}],\"@odata.nextLink\":\"" + ORDERS + "?$skip=2&$top=1\"}");
        pageAnswers("2", "{\"value\":[{\"Id\":\"c\"}],\"@odata.nextLink\":\"" + ORDERS + "?$skip=3\"}");

        List<JsonNode> orders = client.query("Order", null, "Id asc", 3, 0);

        assertThat(orders).extracting(order -> order.get("Id").asText()).containsExactly("a", "b", "c");
        crm.verify(0, getRequestedFor(urlPathEqualTo(ORDERS)).withQueryParam("$skip", equalTo("3")));
    }

    @Test
    void nextLinkToAnotherServer_isNotFollowed_andNamesOnlyThatServer() {
        String elsewhere = "http://localhost:" + crm.port() + ORDERS + "?$skip=1&$skiptoken=abc";
        pageAnswers(null, "{\"value\":[{\"Id\":\"a\"}],\"@odata.nextLink\":\"" + elsewhere + "\"}");

        assertThatThrownBy(() -> client.query("Order", null, "Id asc", 5, 0))
                .isInstanceOf(BridgeException.class)
                .hasMessage("CRM answered a query on Order with an @odata.nextLink to another server (http://localhost:"
                        + crm.port() + "), which the bridge sends no credential to; the records after it are not "
                        + "read");
        crm.verify(1, getRequestedFor(urlPathEqualTo(ORDERS)));
    }

    @Test
    void pageStartingBeforeTheLastOneEnded_givesEachRecordOnce() {
        pageAnswers(null, "{\"value\":[{\"Id\":\"a\"},{\"Id\":\"b\"}],\"@odata.nextLink\":\"Order?$skip=1\"}");
        pageAnswers("1", "{\"value\":[{\"Id\":\"b\"},{\"Id\":\"c\"}]}");

        List<JsonNode> orders = client.query("Order", null, "Id asc", 5, 0);

        assertThat(orders).extracting(order -> order.get("Id").asText()).containsExactly("a", "b", "c");
    }

    @Test
    void nextLinkAfterAPageWithoutNewRecords_stopsTheQuery() {
        // Back to the first page's records under another spelling of its link: the same records again
        pageAnswers(null, "{\"value\":[{\"Id\":\"a\"}],\"@odata.nextLink\":\"Order?$skip=1\"}");
        pageAnswers("1", "{\"value\":[{\"Id\":\"a\"}],\"@odata.nextLink\":\"Order?$skip=1&x=2\"}");

        assertThatThrownBy(() -> client.query("Order", null, "Id asc", 5, 0))
                .hasMessage("CRM answered a query on Order with an @odata.nextLink after a page without records it "
                        + "had not given before; the records after it are not read");
        crm.verify(2, getRequestedFor(urlPathEqualTo(ORDERS)));
    }

    @Test
    void nextLinkToAnotherEntitySet_orHoldingUserInfo_isNotFollowed() {
        pageAnswers(null, "{\"value\":[{\"Id\":\"a\"}],\"@odata.nextLink\":\"Account?$top=2\"}");

        assertThatThrownBy(() -> client.query("Order", null, "Id asc", 5, 0))
                .hasMessage("CRM answered a query on Order with an @odata.nextLink to another entity set than Order; "
                        + "the records after it are not read");

        pageAnswers(null, "{\"value\":[{\"Id\":\"a\"}],\"@odata.nextLink\":\"http://sync:link-secret@127.0.0.1:"
                + crm.port() + ORDERS + "?$skip=1\"}");

        assertThatThrownBy(() -> client.query("Order", null, "Id asc", 5, 0))
                .hasMessage("CRM answered a query on Order with an @odata.nextLink holding user-info (user:password@); "
                        + "the records after it are not read");
        crm.verify(0, getRequestedFor(urlPathEqualTo("/0/odata/Account")));
        crm.verify(2, getRequestedFor(urlPathEqualTo(ORDERS)));
    }

    /** Answers the order query with {@code body}: the first page when {@code skip} is null, else that page. */
    private void pageAnswers(String skip, String body) {
        var request = get(urlPathEqualTo(ORDERS));
        crm.stubFor((skip == null ? request.withQueryParam("$orderby", equalTo("Id asc"))
                .withQueryParam("$skip", absent())
                : request.withQueryParam("$skip", equalTo(skip))).willReturn(okJson(body)));
    }
}
