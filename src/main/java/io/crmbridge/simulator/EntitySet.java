package io.crmbridge.simulator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The rows of one CRM entity set in insertion order, with the indexes that answer the bridge's queries
 * without reading every row: a keyset index sorted on a property then {@code Id}, for paging, and an index
 * that groups rows by a GUID property, for reading the lines of some orders. The CRM simulator guards it
 * with its monitor.
 *
 * <p>A query uses an index only when the answer is the same as reading every row: the filter is still
 * applied to each row the index leads to, and the order asked for is the index's own or includes the unique
 * {@code Id}.
 */
final class EntitySet {

    /** One item of {@code $orderby}. */
    record SortItem(String field, boolean descending) {
    }

    private static final String ID = "Id";

    private final Map<UUID, Map<String, Object>> rows = new LinkedHashMap<>();
    private final String keysetField;
    private final NavigableMap<ODataFilter.Key, Map<String, Object>> keyset = new TreeMap<>();
    private final String groupField;
    private final Map<Object, List<Map<String, Object>>> groups = new HashMap<>();

    private EntitySet(String keysetField, String groupField) {
        this.keysetField = keysetField;
        this.groupField = groupField;
    }

    /** Makes an entity set without indexes. */
    static EntitySet plain() {
        return new EntitySet(null, null);
    }

    /** Makes an entity set that keeps its rows sorted by {@code field} then {@code Id}. */
    static EntitySet withKeyset(String field) {
        return new EntitySet(field, null);
    }

    /** Makes an entity set that groups its rows by the GUID property {@code field}. */
    static EntitySet groupedBy(Map<String, FieldType> schema, String field) {
        if (schema.get(field) != FieldType.GUID) {
            throw new IllegalArgumentException("Only a GUID property can group rows, not " + field);
        }
        return new EntitySet(null, field);
    }

    /** Gives the row with {@code id}, or null. */
    Map<String, Object> get(UUID id) {
        return rows.get(id);
    }

    /** Tells whether a row has {@code id}. */
    boolean contains(UUID id) {
        return rows.containsKey(id);
    }

    /** Gives every row in insertion order. */
    Collection<Map<String, Object>> rows() {
        return rows.values();
    }

    /** Adds a row, replacing one with the same {@code Id}. */
    void insert(Map<String, Object> row) {
        Map<String, Object> replaced = rows.put((UUID) row.get(ID), row);
        if (replaced != null) {
            unindex(replaced);
        }
        index(row);
    }

    /** Changes fields of a stored row and moves it in the indexes. */
    void update(Map<String, Object> row, Map<String, Object> changes) {
        unindex(row);
        row.putAll(changes);
        index(row);
    }

    /**
     * Gives the rows that match {@code filter}, sorted by {@code orderBy} (rows that tie stay in insertion
     * order), after skipping {@code skip}, at most {@code top}.
     */
    List<Map<String, Object>> select(ODataFilter filter, List<SortItem> orderBy, int skip, int top) {
        if (groupField != null && isTotal(orderBy)) {
            Set<Object> pinned = filter.pinnedValues(groupField).orElse(null);
            if (pinned != null) {
                List<Map<String, Object>> candidates = new ArrayList<>();
                pinned.forEach(value -> candidates.addAll(groups.getOrDefault(value, List.of())));
                return sortAndPage(candidates, filter, orderBy, skip, top);
            }
        }
        if (keysetField != null && orderBy.equals(List.of(new SortItem(keysetField, false),
                new SortItem(ID, false)))) {
            return walkKeyset(filter, skip, top);
        }
        return sortAndPage(rows.values(), filter, orderBy, skip, top);
    }

    /** Reads the keyset index from the first key a matching row can have, until the page is full. */
    private List<Map<String, Object>> walkKeyset(ODataFilter filter, int skip, int top) {
        NavigableMap<ODataFilter.Key, Map<String, Object>> from = filter.lowerBound(keysetField, ID)
                .map(bound -> keyset.tailMap(bound.key(), bound.inclusive())).orElse(keyset);
        List<Map<String, Object>> page = new ArrayList<>();
        int skipped = 0;
        for (Map<String, Object> row : from.values()) {
            if (page.size() >= top) {
                break;
            }
            if (!filter.test(row)) {
                continue;
            }
            if (skipped < skip) {
                skipped++;
            } else {
                page.add(row);
            }
        }
        return page;
    }

    private static List<Map<String, Object>> sortAndPage(Collection<Map<String, Object>> candidates,
            ODataFilter filter, List<SortItem> orderBy, int skip, int top) {
        List<Map<String, Object>> matching = new ArrayList<>();
        for (Map<String, Object> row : candidates) {
            if (filter.test(row)) {
                matching.add(row);
            }
        }
        if (!orderBy.isEmpty()) {
            matching.sort(comparator(orderBy));
        }
        return matching.stream().skip(skip).limit(top).toList();
    }

    private static Comparator<Map<String, Object>> comparator(List<SortItem> orderBy) {
        Comparator<Map<String, Object>> result = null;
        for (SortItem item : orderBy) {
            // OData sorts null as the smallest value.
            Comparator<Map<String, Object>> one = Comparator.comparing(row -> row.get(item.field()),
                    Comparator.nullsFirst(ODataFilter::order));
            if (item.descending()) {
                one = one.reversed();
            }
            result = result == null ? one : result.thenComparing(one);
        }
        return result;
    }

    /** Ids are unique, so an order that includes Id leaves no ties and does not depend on the rows' order. */
    private static boolean isTotal(List<SortItem> orderBy) {
        return orderBy.stream().anyMatch(item -> item.field().equals(ID));
    }

    private void index(Map<String, Object> row) {
        if (keysetField != null) {
            keyset.put(keysetKey(row), row);
        }
        if (groupField != null && row.get(groupField) != null) {
            groups.computeIfAbsent(row.get(groupField), value -> new ArrayList<>(4)).add(row);
        }
    }

    private void unindex(Map<String, Object> row) {
        if (keysetField != null) {
            keyset.remove(keysetKey(row));
        }
        if (groupField != null && row.get(groupField) != null) {
            List<Map<String, Object>> group = groups.get(row.get(groupField));
            group.removeIf(member -> member == row);
            if (group.isEmpty()) {
                groups.remove(row.get(groupField));
            }
        }
    }

    private ODataFilter.Key keysetKey(Map<String, Object> row) {
        return new ODataFilter.Key(row.get(keysetField), row.get(ID));
    }
}
