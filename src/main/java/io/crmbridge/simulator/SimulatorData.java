package io.crmbridge.simulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Seed data shared by the CRM and ERP simulators, so both systems start out describing the same
 * accounts, products and orders.
 *
 * <p>Build it by hand through the records when a test needs exact rows, or with {@link #generate}
 * for a deterministic demo set. The canonical constructor checks that every order refers to a known
 * account and products and that codes are unique, because both simulators join on those codes.
 */
public record SimulatorData(List<Account> accounts, List<Product> products, List<Order> orders) {

    /** Seed used by {@link #generate(Instant)} so the embedded demo always shows the same rows. */
    public static final long DEFAULT_SEED = 20261201L;

    private static final String[] COMPANY_NAMES = {
        "Müller GmbH", "Société Générale de Café", "Nørdisk Handel AS", "Łódź Trading Sp. z o.o.",
        "Ångström Optics AB", "Crème & Co", "Zürcher Präzision AG", "São Paulo Têxteis Ltda",
    };

    private static final String[] PRODUCT_NAMES = {
        "Schraube M4 Edelstahl", "Mutter M4", "Unterlegscheibe Ø 4 mm", "Kabel 2 m", "Stecker Typ F",
        "Gehäuse klein", "Gehäuse groß", "Lüfter 80 mm", "Netzteil 12 V", "Sensor Temperatur",
        "Dichtung Ø 20 mm", "Schalter EIN/AUS", "Griff Messing", "Scharnier 40°", "Etikett blanko",
    };

    /** A CRM account, mirrored in the ERP as a party with the same code. */
    public record Account(UUID id, String code, String name) {

        /** Checks that every field is present. */
        public Account {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(name, "name");
        }
    }

    /** A product known to both systems by its code; the ERP owns the stock quantity. */
    public record Product(UUID id, String code, String name, BigDecimal price, BigDecimal stockQuantity) {

        /** Checks that every field is present. */
        public Product {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(price, "price");
            Objects.requireNonNull(stockQuantity, "stockQuantity");
        }
    }

    /** A CRM order with its lines; the bridge copies it into the ERP as a sale. */
    public record Order(UUID id, String number, UUID accountId, Instant modifiedOn, List<OrderLine> lines) {

        /** Checks that every field is present and freezes the lines. */
        public Order {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(number, "number");
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(modifiedOn, "modifiedOn");
            lines = List.copyOf(lines);
        }
    }

    /** One product line of a CRM order. */
    public record OrderLine(UUID id, UUID productId, BigDecimal quantity, BigDecimal price) {

        /** Checks that every field is present. */
        public OrderLine {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(productId, "productId");
            Objects.requireNonNull(quantity, "quantity");
            Objects.requireNonNull(price, "price");
        }
    }

    /** Freezes the lists and checks that codes are unique and orders refer to known rows. */
    public SimulatorData {
        accounts = List.copyOf(accounts);
        products = List.copyOf(products);
        orders = List.copyOf(orders);

        Set<UUID> ids = new HashSet<>();
        Set<String> codes = new HashSet<>();
        for (Account account : accounts) {
            requireUnique(ids, account.id(), codes, account.code());
        }
        for (Product product : products) {
            requireUnique(ids, product.id(), codes, product.code());
        }
        for (Order order : orders) {
            requireUnique(ids, order.id(), codes, order.number());
            if (accounts.stream().noneMatch(a -> a.id().equals(order.accountId()))) {
                throw new IllegalArgumentException("Order " + order.number() + " refers to unknown account "
                        + order.accountId());
            }
            for (OrderLine line : order.lines()) {
                requireUnique(ids, line.id(), codes, null);
                if (products.stream().noneMatch(p -> p.id().equals(line.productId()))) {
                    throw new IllegalArgumentException("Order " + order.number()
                            + " refers to unknown product " + line.productId());
                }
            }
        }
    }

    /** Makes the default demo set: 5 accounts, 12 products and 36 orders modified before {@code start}. */
    public static SimulatorData generate(Instant start) {
        return generate(DEFAULT_SEED, 5, 12, 36, start);
    }

    /**
     * Makes a deterministic data set from {@code seed}, with order ModifiedOn stamps spread over the six
     * hours before {@code start} and every sixth order sharing the stamp of the one before it.
     */
    public static SimulatorData generate(long seed, int accounts, int products, int orders, Instant start) {
        return generate(seed, accounts, products, orders, 0, start);
    }

    /**
     * Makes a deterministic data set like {@link #generate(long, int, int, int, Instant)} whose orders have
     * exactly {@code linesPerOrder} lines each on distinct products, or one to four at random when it is 0.
     */
    public static SimulatorData generate(long seed, int accounts, int products, int orders, int linesPerOrder,
            Instant start) {
        if (accounts < 1 || products < 1 || orders < 0) {
            throw new IllegalArgumentException("Need at least one account and one product, and no negative"
                    + " order count");
        }
        if (linesPerOrder < 0 || linesPerOrder > products) {
            throw new IllegalArgumentException("Lines per order must be 0 (random) up to the " + products
                    + " products, since each line has a product of its own; got " + linesPerOrder);
        }
        Random random = new Random(seed);

        List<Account> accountList = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            accountList.add(new Account(uuid(random), String.format("ACC-%03d", i + 1),
                    numbered(COMPANY_NAMES, i)));
        }

        List<Product> productList = new ArrayList<>();
        for (int i = 0; i < products; i++) {
            BigDecimal price = BigDecimal.valueOf(100 + random.nextInt(99_900), 2);
            BigDecimal stock = BigDecimal.valueOf(random.nextInt(500));
            productList.add(new Product(uuid(random), String.format("SKU-%03d", i + 1),
                    numbered(PRODUCT_NAMES, i), price, stock));
        }

        List<Order> orderList = new ArrayList<>(orders);
        Instant base = start.truncatedTo(ChronoUnit.MILLIS);
        Instant previous = null;
        for (int i = 0; i < orders; i++) {
            // Keyset paging on (ModifiedOn, Id) is only exercised when stamps collide, so force some.
            Instant modifiedOn = previous != null && i % 6 == 1
                    ? previous
                    : base.minusMillis(1_000 + random.nextInt(6 * 3_600_000));
            Account account = accountList.get(random.nextInt(accountList.size()));
            UUID id = uuid(random);
            List<OrderLine> lines = linesPerOrder == 0
                    ? randomLines(random, productList)
                    : randomLines(random, productList, linesPerOrder);
            orderList.add(new Order(id, String.format("ORD-%04d", i + 1), account.id(), modifiedOn, lines));
            previous = modifiedOn;
        }
        return new SimulatorData(accountList, productList, orderList);
    }

    /** Makes one to four lines on distinct products, quantities sometimes fractional. */
    static List<OrderLine> randomLines(Random random, List<Product> products) {
        return randomLines(random, products, Math.min(products.size(), 1 + random.nextInt(4)));
    }

    private static List<OrderLine> randomLines(Random random, List<Product> products, int count) {
        List<Product> pool = new ArrayList<>(products);
        List<OrderLine> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Product product = pool.remove(random.nextInt(pool.size()));
            BigDecimal quantity = random.nextInt(4) == 0
                    ? BigDecimal.valueOf(5 + random.nextInt(200), 1)
                    : BigDecimal.valueOf(1 + random.nextInt(10));
            lines.add(new OrderLine(uuid(random), product.id(), quantity, product.price()));
        }
        return lines;
    }

    /** Makes a version-4 shaped GUID from {@code random}, so seeded data is repeatable. */
    static UUID uuid(Random random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** Finds an account by id. */
    public Account account(UUID id) {
        return accounts.stream().filter(a -> a.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No account " + id));
    }

    /** Finds a product by id. */
    public Product product(UUID id) {
        return products.stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No product " + id));
    }

    private static String numbered(String[] names, int index) {
        String name = names[index % names.length];
        return index < names.length ? name : name + " " + (index / names.length + 1);
    }

    private static void requireUnique(Set<UUID> ids, UUID id, Set<String> codes, String code) {
        if (!ids.add(id)) {
            throw new IllegalArgumentException("Duplicate id " + id + " in simulator data");
        }
        if (code != null && !codes.add(code)) {
            throw new IllegalArgumentException("Duplicate code " + code + " in simulator data");
        }
    }
}
