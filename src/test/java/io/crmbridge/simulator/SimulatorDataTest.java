package io.crmbridge.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SimulatorDataTest {

    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void generate_isDeterministicForASeed() {
        SimulatorData first = SimulatorData.generate(7, 5, 12, 36, START);

        assertThat(SimulatorData.generate(7, 5, 12, 36, START)).isEqualTo(first);
        assertThat(SimulatorData.generate(8, 5, 12, 36, START)).isNotEqualTo(first);
    }

    @Test
    void generate_defaultSetHasSharedStampsBeforeStart() {
        SimulatorData data = SimulatorData.generate(START);

        List<Instant> stamps = data.orders().stream().map(SimulatorData.Order::modifiedOn).toList();
        assertThat(data.accounts()).hasSize(5);
        assertThat(data.products()).hasSize(12);
        assertThat(data.orders()).hasSize(36);
        assertThat(stamps).allMatch(stamp -> stamp.isBefore(START)
                && stamp.isAfter(START.minusSeconds(6 * 3600 + 1)));
        assertThat(new HashSet<>(stamps)).hasSizeLessThan(stamps.size());
        assertThat(data.orders()).allSatisfy(order -> assertThat(order.lines()).hasSizeBetween(1, 4));
        assertThat(data.accounts().get(0).name()).isEqualTo("Müller GmbH");
        assertThat(data.accounts().get(0).code()).isEqualTo("ACC-001");
        assertThat(data.products().get(11).code()).isEqualTo("SKU-012");
    }

    @Test
    void generate_withLinesPerOrder_givesEveryOrderThatManyDistinctProducts() {
        SimulatorData data = SimulatorData.generate(7, 2, 12, 50, 10, START);

        assertThat(data.orders()).hasSize(50).allSatisfy(order -> assertThat(order.lines())
                .hasSize(10).extracting(SimulatorData.OrderLine::productId).doesNotHaveDuplicates());
        assertThatThrownBy(() -> SimulatorData.generate(7, 2, 12, 50, 13, START))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12 products");
    }

    @Test
    void handMadeData_withUnknownAccount_isRejected() {
        UUID product = UUID.randomUUID();
        SimulatorData.Order order = new SimulatorData.Order(UUID.randomUUID(), "ORD-0001", UUID.randomUUID(),
                START, List.of(new SimulatorData.OrderLine(UUID.randomUUID(), product, BigDecimal.ONE,
                        BigDecimal.TEN)));

        assertThatThrownBy(() -> new SimulatorData(List.of(),
                List.of(new SimulatorData.Product(product, "SKU-001", "X", BigDecimal.TEN, BigDecimal.ONE)),
                List.of(order)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown account");
    }
}
