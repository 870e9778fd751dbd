package io.crmbridge.simulator;

import static io.crmbridge.simulator.SimHttp.json;
import static io.crmbridge.simulator.SimHttp.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmbridge.testsupport.MutableClock;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestObserverTest {

    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
    private static final String CONTEXT = "{\"company\": 1}";
    private static final String SALE = "[[{\"party\": 1, \"reference\": \"ORD-OBSERVED\", \"lines\":"
            + " [[\"create\", [{\"product\": 1, \"quantity\": 2, \"unit\": 1, \"unit_price\": 5}]]]}], "
            + CONTEXT + "]";

    private final MutableClock clock = new MutableClock(START);
    private final SimulatorData data = SimulatorData.generate(START);
    private final ErpSimulator erp = ErpSimulator.builder().clock(clock).data(data).password("pw").build()
            .start();
    private final CrmSimulator crm = CrmSimulator.builder().clock(clock).data(data).clientId("bridge")
            .clientSecret("s3cret").build().start();

    @AfterEach
    void closeSimulators() {
        erp.close();
        crm.close();
    }

    @Test
    void observer_seesEachRequestNumberedOnArrival_andItsJsonRpcMethodBeforeTheAnswer() {
        List<String> seen = new CopyOnWriteArrayList<>();
        erp.observeRequests(new RequestObserver() {
            @Override
            public boolean arrived(ObservedRequest request) {
                seen.add("arrived " + request);
                return true;
            }

            @Override
            public boolean answering(ObservedRequest request, int status) {
                seen.add("answering " + request + " with " + status);
                return true;
            }
        });

        String session = login();
        rpc(session, "model.res.user.get_preferences", "[" + CONTEXT + "]");
        send("GET", erp.url(), null);

        assertThat(seen).containsExactly(
                "arrived erp-simulator #1 POST /bridge/",
                "answering erp-simulator #1 common.db.login with 200",
                "arrived erp-simulator #2 POST /bridge/",
                "answering erp-simulator #2 model.res.user.get_preferences with 200",
                "arrived erp-simulator #3 GET /bridge/",
                "answering erp-simulator #3 GET /bridge/ with 405");
    }

    @Test
    void droppedOnArrival_theClientGetsNoAnswer_andTheSimulatorActsOnNothing() {
        String session = login();
        erp.observeRequests(new RequestObserver() {
            @Override
            public boolean arrived(ObservedRequest request) {
                return false;
            }
        });

        assertThatThrownBy(() -> rpc(session, "model.sale.sale.create", SALE))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(erp.sales()).as("sales after a create that was dropped unread").isEmpty();
    }

    @Test
    void droppedBeforeTheAnswer_theSaleIsCreated_butTheClientNeverLearnsOfIt() {
        String session = login();
        erp.observeRequests(new RequestObserver() {
            @Override
            public boolean answering(ObservedRequest request, int status) {
                return !request.operation().equals("model.sale.sale.create");
            }
        });

        assertThatThrownBy(() -> rpc(session, "model.sale.sale.create", SALE))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(erp.sales()).extracting(ErpSimulator.Sale::reference).containsExactly("ORD-OBSERVED");
        // Only the answer the observer refused is lost: the next call is answered as usual.
        assertThat(rpc(session, "model.res.user.get_preferences", "[" + CONTEXT + "]").statusCode())
                .isEqualTo(200);
    }

    @Test
    void crmObserver_dropsTheAnswerOfAPatch_afterTheOrderChanged() {
        String token = json(send("POST", crm.tokenUrl(), "grant_type=client_credentials&client_id=bridge"
                + "&client_secret=s3cret", "Content-Type", "application/x-www-form-urlencoded"))
                .get("access_token").asText();
        UUID orderId = data.orders().get(0).id();
        List<String> answered = new CopyOnWriteArrayList<>();
        crm.observeRequests(new RequestObserver() {
            @Override
            public boolean answering(ObservedRequest request, int status) {
                answered.add(request + " with " + status);
                return false;
            }
        });

        assertThatThrownBy(() -> send("PATCH", crm.odataUrl() + "Order(" + orderId + ")",
                "{\"UsrErpNumber\": \"S-7\"}", "Authorization", "Bearer " + token, "Content-Type",
                "application/json")).isInstanceOf(UncheckedIOException.class);
        assertThat(crm.order(orderId)).containsEntry("UsrErpNumber", "S-7");
        assertThat(answered)
                .containsExactly("crm-simulator #2 PATCH /0/odata/Order(" + orderId + ") with 204");
    }

    private String login() {
        HttpResponse<String> response =
                rpc(null, "common.db.login", "[\"sync\", {\"password\": \"pw\"}, \"en\"]");
        JsonNode result = json(response).get("result");
        String credentials = "sync:" + result.get(0).asInt() + ":" + result.get(1).asText();
        return "Session " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> rpc(String session, String method, String params) {
        String body = "{\"id\": 1, \"method\": \"" + method + "\", \"params\": " + params + "}";
        return session == null
                ? send("POST", erp.url(), body, "Content-Type", "application/json")
                : send("POST", erp.url(), body, "Content-Type", "application/json", "Authorization", session);
    }
}
