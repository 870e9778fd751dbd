package io.crmbridge.remote;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class OnLeavingRouteTest {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        OnLeavingRoute leaving = new OnLeavingRoute(
                exchange -> events.add("clean-up 1 saw " + exchange.getMessage().getHeader("Step")),
                exchange -> events.add("clean-up 2"));
        OnLeavingRoute failing = new OnLeavingRoute(
                exchange -> { throw new IllegalStateException("clean-up failed"); },
                exchange -> events.add("clean-up after the failed one"));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("direct:caller").routeId("caller")
                        .doTry()
                            .to("direct:guarded")
                        .doCatch(Exception.class)
                            .process(exchange -> events.add("caller caught " + exchange
                                    .getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()))
                        .end()
                        .process(exchange -> events.add("caller goes on"));
                from("direct:guarded").routeId("guarded")
                        .process(leaving)
                        .setHeader("Step", constant("sub-route"))
                        .to("direct:sub-route")
                        .process(exchange -> events.add("guarded, last step"))
                        .filter(header("Fail"))
                            .throwException(new IllegalArgumentException("step failed"));
                from("direct:sub-route").routeId("sub-route")
                        .process(exchange -> events.add("sub-route"));
                from("direct:failing-clean-up").routeId("failing-clean-up")
                        .process(failing)
                        .process(exchange -> events.add("failing-clean-up, last step"));
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
    }

    @Test
    void stepsRun_whenTheExchangeLeavesTheRoute_notWhenItLeavesASubRoute() {
        Exchange result = camel.createProducerTemplate().request("direct:caller", exchange -> { });

        assertThat(result.getException()).isNull();
        assertThat(events).containsExactly("sub-route", "guarded, last step", "clean-up 1 saw sub-route",
                "clean-up 2", "caller goes on");
    }

    @Test
    void stepsRun_whenAStepFails_beforeTheCallerHandlesTheFailure() {
        camel.createProducerTemplate().request("direct:caller",
                exchange -> exchange.getMessage().setHeader("Fail", true));

        assertThat(events).containsExactly("sub-route", "guarded, last step", "clean-up 1 saw sub-route",
                "clean-up 2", "caller caught step failed", "caller goes on");
    }

    @Test
    void stepsRunOncePerPass_whenTheRouteIsCalledTwiceWithOneExchange() {
        camel.createProducerTemplate().request("direct:caller", exchange -> { });
        events.clear();
        Exchange again = camel.createProducerTemplate().request("direct:caller", exchange -> { });
        camel.createProducerTemplate().send("direct:guarded", again);

        assertThat(events).containsExactly("sub-route", "guarded, last step", "clean-up 1 saw sub-route",
                "clean-up 2", "caller goes on", "sub-route", "guarded, last step", "clean-up 1 saw sub-route",
                "clean-up 2");
    }

    @Test
    void aFailingCleanUpStep_failsTheExchange_andTheOtherStepsStillRun() {
        Exchange result = camel.createProducerTemplate().request("direct:failing-clean-up", exchange -> { });

        assertThat(result.getException()).hasMessage("clean-up failed");
        assertThat(events).containsExactly("failing-clean-up, last step", "clean-up after the failed one");
    }
}
